// The messages between a stress test and its producer/consumer Workers, and
// the small pieces both sides share (progress words, backoff, a seeded PRNG).

/** How a Worker moves items through the ring. */
export type Path = "blocking" | "spinning" | "async" | "batch" | "zerocopy";

/** The struct the zero-copy path carries: a sequence number and a check value. */
export const STRUCT_ITEM = {
  struct: { seq: "uint32", check: "float64" },
} as const;

/** A struct item's check value: any tear between the two fields shows. */
export function checkOf(seq: number): number {
  return seq + 0.5;
}

/** Words of the progress SharedArrayBuffer (an Int32Array). */
export const P_PRODUCED = 0;
export const P_CONSUMED = 1;
/** Set to 1 by a producer once it has closed the ring (or parked). */
export const P_PRODUCER_DONE = 2;
export const PROGRESS_WORDS = 4;
/** Progress is published every this many items (a power of two). */
export const PROGRESS_EVERY = 1024;

/** What the producer does after its last item. */
export type ProducerEnd =
  /** `close()` after the last item. */
  | "close"
  /** Reserve a slot, fill it with a poison value, then `close()`. */
  | "close-with-reservation"
  /** Reserve a slot, fill it with a poison value, then hang until terminated. */
  | "park";

export interface ProducerJob {
  readonly role: "producer";
  readonly ring: SharedArrayBuffer;
  readonly progress: SharedArrayBuffer;
  readonly path: Path;
  readonly items: number;
  readonly seed: number;
  readonly end: ProducerEnd;
}

export interface ConsumerJob {
  readonly role: "consumer";
  readonly ring: SharedArrayBuffer;
  readonly progress: SharedArrayBuffer;
  /** `"iterator"` drains with `for await`; the others end on ClosedError. */
  readonly path: Path | "iterator";
  /** How many items the producer commits: 0, 1, …, items - 1. */
  readonly items: number;
  readonly seed: number;
  /**
   * After this many items, wait until the producer is done before going on,
   * so the producer closes with items still in the ring.
   */
  readonly pauseAt?: number;
}

export interface ProducerResult {
  readonly pushed: number;
}

export interface ConsumerResult {
  readonly received: number;
  /** Largest `consumer.size` seen before a pop. */
  readonly maxSize: number;
  readonly capacity: number;
  /** How the stream ended: `pop` threw ClosedError, or the iterator ended. */
  readonly ending: "ClosedError" | "iterator ended";
  /** `performance.timeOrigin + performance.now()` when the end was seen. */
  readonly endedAt: number;
}

/**
 * Worker → parent: "ready" once listening, any number of events while the
 * job runs, then its one result or its failure. Messages keep their order,
 * so every event arrives before the result or failure that follows it.
 */
export type Report =
  | { readonly type: "ready" }
  | { readonly type: "event"; readonly event: unknown }
  | { readonly type: "done"; readonly result: unknown }
  | { readonly type: "failed"; readonly message: string };

/** Wall-clock milliseconds comparable across Workers. */
export function wallClock(): number {
  return performance.timeOrigin + performance.now();
}

/** mulberry32: a small seeded PRNG, so a failing run can be replayed. */
export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** A spinning path's backoff: call it on each miss, `reset` it on a hit. */
export interface Backoff {
  (): void;
  /** Starts the count of consecutive misses again (after a hit). */
  reset(): void;
}

/**
 * Backoff for the spinning paths: after `spins` misses in a row, nap 50 µs.
 * On busy cores the peer often shares ours, and a long spin only burns the
 * time slice it needs (measured: 16,384 spins made 1024-slot runs 5-10x
 * slower than 256 at a load of 7 on 2 cores). A path that calls `reset` on
 * each hit naps only after a streak of misses; one that does not naps after
 * every `spins` misses in all, which on a 2-slot ring (a few misses an item)
 * turns a quiet run into one nap every hundred items.
 *
 * @param spins Misses before each nap: fewer where several Workers contend
 * for one ring (the many-producer runs use 64).
 */
export function makeBackoff(spins = 256): Backoff {
  const nap = new Int32Array(new SharedArrayBuffer(4));
  let misses = 0;
  const backoff = () => {
    if (++misses < spins) return;
    misses = 0;
    Atomics.wait(nap, 0, 0, 0.05);
  };
  backoff.reset = () => {
    misses = 0;
  };
  return backoff;
}

/** The Worker global scope, typed just enough for our messages. */
export interface WorkerScope {
  onmessage: ((event: MessageEvent) => void) | null;
  postMessage(message: Report): void;
}

/**
 * Sets the Worker's message handler to run `work` on the first job, then
 * posts "ready" (a message sent before the handler exists could be lost).
 * `work` may `emit` events while it runs; what it returns is the result, and
 * what it throws is the failure.
 */
export function serve<J>(
  work: (job: J, emit: (event: unknown) => void) => unknown,
): void {
  const scope = self as unknown as WorkerScope;
  const emit = (event: unknown) => scope.postMessage({ type: "event", event });
  scope.onmessage = async (event: MessageEvent) => {
    try {
      const result = await work(event.data as J, emit);
      scope.postMessage({ type: "done", result });
    } catch (error) {
      const message = error instanceof Error
        ? `${error.name}: ${error.message}`
        : String(error);
      scope.postMessage({ type: "failed", message });
    }
  };
  scope.postMessage({ type: "ready" });
}
