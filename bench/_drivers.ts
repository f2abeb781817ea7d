// The timed loops, shared by this ring and ringbuf.js: each takes the
// contender's own send/receive calls. Every contender runs in Workers of its
// own, so each loop's calls stay monomorphic (one contender per Worker).
import { Fletcher } from "./_checksum.ts";
import type { RoleResult } from "./_protocol.ts";
import { Untimed } from "./_worker_loop.ts";

/** A role's timed part; an Untimed result is checked after the clock stops. */
export type Run = () =>
  | RoleResult
  | Untimed<RoleResult>
  | Promise<RoleResult | Untimed<RoleResult>>;

function sent(count: number): RoleResult {
  return { count, checksum: null };
}

/** Sends `make(0)`, …, `make(count - 1)`; `send` blocks or spins while full. */
export function produce<T>(
  send: (item: T) => void,
  make: (i: number) => T,
  count: number,
): Run {
  return () => {
    for (let i = 0; i < count; i++) send(make(i));
    return sent(count);
  };
}

/** Receives `count` items; `value` maps each to the int32 it carries. */
export function consume<T>(
  receive: () => T,
  value: (item: T) => number,
  count: number,
): Run {
  return () => {
    const sum = new Fletcher();
    for (let i = 0; i < count; i++) sum.add(value(receive()));
    return { count, checksum: sum.text() };
  };
}

/** As {@linkcode produce}, awaiting each send. */
export function produceAsync(
  send: (item: number) => Promise<void>,
  count: number,
): Run {
  return async () => {
    for (let i = 0; i < count; i++) await send(i);
    return sent(count);
  };
}

/** As {@linkcode consume}, awaiting each receive. */
export function consumeAsync(
  receive: () => Promise<number>,
  count: number,
): Run {
  return async () => {
    const sum = new Fletcher();
    for (let i = 0; i < count; i++) sum.add(await receive());
    return { count, checksum: sum.text() };
  };
}

/** Spins on `trySend` until it takes the item. */
export function spinSend(
  trySend: (item: number) => boolean,
): (item: number) => void {
  return (item) => {
    while (!trySend(item)) { /* spin: full */ }
  };
}

/** Spins on `tryReceive` until it returns an item. */
export function spinReceive(
  tryReceive: () => number | undefined,
): () => number {
  return () => {
    let item = tryReceive();
    while (item === undefined) item = tryReceive();
    return item;
  };
}

/** Sends i and waits for its echo, `count` times. */
export function pingInitiator(
  send: (item: number) => void,
  receive: () => number,
  count: number,
): Run {
  return () => {
    const sum = new Fletcher();
    for (let i = 0; i < count; i++) {
      send(i);
      sum.add(receive());
    }
    return { count, checksum: sum.text() };
  };
}

/** Echoes `count` items. */
export function pingResponder(
  receive: () => number,
  send: (item: number) => void,
  count: number,
): Run {
  return () => {
    const sum = new Fletcher();
    for (let i = 0; i < count; i++) {
      const item = receive();
      sum.add(item);
      send(item);
    }
    return { count, checksum: sum.text() };
  };
}

/**
 * Sends 0…count-1 in batches of `batch` through `sendMany(chunk, from)`,
 * which sends what fits of `chunk[from..]` and returns how many it sent.
 */
export function produceBatches(
  sendMany: (chunk: Int32Array, from: number) => number,
  count: number,
  batch: number,
): Run {
  const chunk = new Int32Array(batch);
  return () => {
    for (let base = 0; base < count; base += batch) {
      for (let j = 0; j < batch; j++) chunk[j] = base + j;
      let done = 0;
      while (done < batch) done += sendMany(chunk, done);
    }
    return sent(count);
  };
}

/** Receives `count` items through `receiveMany(chunk)`, spinning on 0. */
export function consumeBatches(
  receiveMany: (chunk: Int32Array) => number,
  count: number,
  batch: number,
): Run {
  const chunk = new Int32Array(batch);
  return () => {
    const sum = new Fletcher();
    let got = 0;
    while (got < count) {
      const k = receiveMany(chunk);
      sum.addAll(chunk, k);
      got += k;
    }
    return { count: got, checksum: sum.text() };
  };
}

/** The items a bulk producer sends: 0, 1, …, count - 1, made before the run. */
export function bulkSource(count: number): Int32Array {
  const source = new Int32Array(count);
  for (let i = 0; i < count; i++) source[i] = i;
  return source;
}

/**
 * The array a bulk consumer fills: `count` int32s, every page written before
 * the run (a fresh array's pages are mapped on first touch, which in this VM
 * cost more than the copies themselves), holding -1, a value no producer sends.
 */
export function bulkSink(count: number): Int32Array {
  return new Int32Array(count).fill(-1);
}

/**
 * A bulk consumer's result: the count it received and, worked out after the
 * clock stopped, the checksum of everything it wrote into `sink`, in order.
 */
export function bulkResult(sink: Int32Array, got: number): Untimed<RoleResult> {
  return new Untimed(() => {
    const sum = new Fletcher();
    sum.addAll(sink, got);
    return { count: got, checksum: sum.text() };
  });
}
