// The history stress test's shared pieces: the job a Worker gets, the layout
// of the operation log it fills (a SharedArrayBuffer, so nothing large is
// posted), the logical clock, and a seeded PRNG.
import type { Consumer, Producer } from "../../mod.ts";
import type { Operation } from "../_history/check.ts";

/** One Worker's job: one side of the ring, logged. */
export interface HistoryJob {
  readonly role: "producer" | "consumer";
  readonly ring: SharedArrayBuffer;
  /** The logical clock: word 0, advanced with Atomics.add by both sides. */
  readonly clock: SharedArrayBuffer;
  /** This side's operation log: {@linkcode OP_WORDS} int32 words per operation. */
  readonly log: SharedArrayBuffer;
  /** The producer pushes 0, 1, …, items - 1. */
  readonly items: number;
  readonly seed: number;
}

/** What a Worker reports (by `serve`, `protocol.ts`): how many operations it logged. */
export interface HistoryResult {
  readonly operations: number;
}

/** Words per logged operation: method, value, ok, invoked, returned, size. */
export const OP_WORDS = 6;

/** The calls, by the code logged in word 0. */
export const METHODS = [
  "tryPush",
  "push",
  "reserve/commit",
  "tryPop",
  "pop",
  "peek/release",
] as const;

/** Pushes `item` with the call coded `method` (0 to 2); `false` when full. */
export function pushBy(
  producer: Producer<number>,
  method: number,
  item: number,
): boolean {
  if (method === 0) return producer.tryPush(item);
  if (method === 1) {
    producer.push(item);
    return true;
  }
  const view = producer.reserve();
  if (view === null) return false;
  view[0] = item;
  producer.commit();
  return true;
}

/**
 * Pops with the call coded `method` (3 to 5); `undefined` when empty. The
 * blocking `pop` throws ClosedError once the ring is closed and drained.
 */
export function popBy(
  consumer: Consumer<number>,
  method: number,
): number | undefined {
  if (method === 3) return consumer.tryPop();
  if (method === 4) return consumer.pop();
  const view = consumer.peek();
  if (view === null) return undefined;
  const item = view[0];
  consumer.release();
  return item;
}

/** Log entries per item: room for failed tries, then blocking calls only. */
export const LOG_PER_ITEM = 4;

/** Reads `count` logged operations of one side. */
export function readLog(log: SharedArrayBuffer, count: number): Operation[] {
  const words = new Int32Array(log);
  const ops: Operation[] = [];
  for (let i = 0; i < count; i++) {
    const at = i * OP_WORDS;
    const method = METHODS[words[at]!]!;
    ops.push({
      kind: words[at]! < 3 ? "push" : "pop",
      method,
      value: words[at + 1]!,
      ok: words[at + 2] === 1,
      invoked: words[at + 3]!,
      returned: words[at + 4]!,
      size: words[at + 5]!,
    });
  }
  return ops;
}

/** mulberry32: a small seeded PRNG, uniform in [0, 1). */
export function prng(seed: number): () => number {
  let a = seed | 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}
