// One side of a bench/ab_trees.ts run: loads its tree's `mod.ts`, warms up
// on the warm-up rings, says "armed", waits for the start signal, then runs
// and answers [the time it ended (ms since the epoch), its result]: the
// consumer's checksum one way and with many, the round trips it completed
// in a ping.
/// <reference lib="deno.worker" />
import type { AbTask } from "./ab_trees.ts";
import { itemOf } from "./_mpmc_protocol.ts";

interface Push {
  tryPush(item: number): boolean;
}
interface Pop {
  tryPop(): number | undefined;
}

/** Pushes 0…count-1, spinning while full. */
function produce(ring: Push, count: number): number {
  for (let i = 0; i < count; i++) {
    while (!ring.tryPush(i)) { /* spin: full */ }
  }
  return count;
}

/** Pops `count` items, spinning while empty; their checksum. */
function consume(ring: Pop, count: number): number {
  let sum = 0;
  for (let i = 0; i < count; i++) {
    let item = ring.tryPop();
    while (item === undefined) item = ring.tryPop();
    sum = (sum + item) | 0;
  }
  return sum;
}

interface AsyncPush {
  pushAsync(item: number): Promise<void>;
}
interface AsyncPop {
  popAsync(): Promise<number>;
}

interface BlockingPush {
  push(item: number): void;
}
interface BlockingPop {
  pop(): number;
}

/** Many: pushes producer `id`'s items (`itemOf`, as `bench/mpmc.ts`), blocking while full. */
function pushAll(ring: BlockingPush, id: number, count: number): number {
  for (let s = 0; s < count; s++) ring.push(itemOf(id, s));
  return count;
}

/** Many: pops until the ring is closed and drained; the items' checksum. */
function popAll(ring: BlockingPop, closed: new () => Error): number {
  let sum = 0;
  try {
    while (true) sum = (sum + ring.pop()) | 0;
  } catch (error) {
    if (!(error instanceof closed)) throw error;
  }
  return sum;
}

/** `count` round trips: push on `out`, wait for the echo on `back`. */
function initiate(out: Push, back: Pop, count: number): number {
  let done = 0;
  for (let i = 0; i < count; i++) {
    while (!out.tryPush(i)) { /* spin: full */ }
    let item = back.tryPop();
    while (item === undefined) item = back.tryPop();
    if (item === i) done++;
  }
  return done;
}

/** Echoes `count` items from `from` to `to`. */
function respond(from: Pop, to: Push, count: number): number {
  for (let i = 0; i < count; i++) {
    let item = from.tryPop();
    while (item === undefined) item = from.tryPop();
    while (!to.tryPush(item)) { /* spin: full */ }
  }
  return count;
}

/** A bulk side: `pushMany` or `popMany`, both by range. */
type MoveMany = (
  items: Int32Array,
  options: { start: number; end: number },
) => number;

/**
 * Bulk: moves all of `items` (pushes them, or fills them), `batch` items a
 * call by range, spinning while the ring is full (empty).
 */
function moveBulk(move: MoveMany, items: Int32Array, batch: number): number {
  const count = items.length;
  for (let at = 0; at < count;) {
    at += move(items, { start: at, end: Math.min(at + batch, count) });
  }
  return count;
}

/** The int32-wrapped sum of `sink`, worked out after the clock. */
function sumOf(sink: Int32Array): number {
  let sum = 0;
  for (let i = 0; i < sink.length; i++) sum = (sum + sink[i]!) | 0;
  return sum;
}

/** A full collection before the clock, when `--v8-flags=--expose-gc` gave `gc`. */
function collect(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc !== undefined) gc();
}

self.onmessage = async (event: MessageEvent<AbTask>) => {
  const { tree, role, mode, warm, timed, go, id, producers } = event.data;
  const { Producer, Consumer, ClosedError, closeRing } = await import(
    new URL("mod.ts", tree).href
  );
  if (mode === "bulk") {
    const { count, batch } = event.data;
    const items = new Int32Array(count);
    if (role === "producer") { for (let i = 0; i < count; i++) items[i] = i; }
    const runOn = (ring: SharedArrayBuffer): () => number => {
      const handle = role === "producer"
        ? new Producer(ring)
        : new Consumer(ring);
      const move: MoveMany = role === "producer"
        ? (items, options) => handle.pushMany(items, options)
        : (items, options) => handle.popMany(items, options);
      return () => moveBulk(move, items, batch);
    };
    for (const ring of warm) runOn(ring)();
    const timedRun = runOn(timed[0]!);
    collect();
    self.postMessage("armed");
    Atomics.wait(new Int32Array(go), 0, 0);
    timedRun();
    const end = performance.timeOrigin + performance.now();
    self.postMessage([end, role === "producer" ? count : sumOf(items)]);
    return;
  }
  if (mode === "many") {
    // The handles attach before the clock; the last producer closes the ring.
    const done = new Int32Array(event.data.done);
    const count = event.data.count;
    const side = (ring: SharedArrayBuffer, k: number): () => number => {
      if (role === "consumer") {
        const consumer = new Consumer(ring);
        return () => popAll(consumer, ClosedError);
      }
      const producer = new Producer(ring);
      return () => {
        pushAll(producer, id, count);
        if (Atomics.add(done, k, 1) === producers - 1) closeRing(ring);
        return count;
      };
    };
    const runs = [...warm, ...timed].map(side);
    runs[0]!();
    runs[1]!();
    self.postMessage("armed");
    Atomics.wait(new Int32Array(go), 0, 0);
    const result = runs[2]!();
    self.postMessage([performance.timeOrigin + performance.now(), result]);
    return;
  }
  const side = (
    rings: readonly SharedArrayBuffer[],
    count: number,
  ): () => number | Promise<number> => {
    const [one, two] = rings as [SharedArrayBuffer, SharedArrayBuffer];
    if (mode === "spin") {
      return role === "producer"
        ? () => produce(new Producer(one), count)
        : () => consume(new Consumer(one), count);
    }
    if (mode === "async") {
      return role === "producer"
        ? ((p: AsyncPush) => async () => {
          for (let i = 0; i < count; i++) await p.pushAsync(i);
          return count;
        })(new Producer(one))
        : ((c: AsyncPop) => async () => {
          let sum = 0;
          for (let i = 0; i < count; i++) sum = (sum + await c.popAsync()) | 0;
          return sum;
        })(new Consumer(one));
    }
    if (mode === "blocking") {
      return role === "producer"
        ? ((p: BlockingPush) => () => {
          for (let i = 0; i < count; i++) p.push(i);
          return count;
        })(new Producer(one))
        : ((c: BlockingPop) => () => {
          let sum = 0;
          for (let i = 0; i < count; i++) sum = (sum + c.pop()) | 0;
          return sum;
        })(new Consumer(one));
    }
    // The initiator pushes on ring one and pops on ring two.
    return role === "producer"
      ? ((p: Push, c: Pop) => () => initiate(p, c, count))(
        new Producer(one),
        new Consumer(two),
      )
      : ((c: Pop, p: Push) => () => respond(c, p, count))(
        new Consumer(one),
        new Producer(two),
      );
  };
  // Async: a timer keeps the event loop alive while a waitAsync is pending.
  const alive = setInterval(() => {}, 1000);
  await side(warm, event.data.count >> 2)(); // the same loops, untimed, a quarter of the count
  const timedRun = side(timed, event.data.count);
  self.postMessage("armed");
  Atomics.wait(new Int32Array(go), 0, 0);
  const result = await timedRun();
  clearInterval(alive);
  self.postMessage([performance.timeOrigin + performance.now(), result]);
};
self.postMessage("ready");
