// This ring's roles: Producer and Consumer calls plugged into the shared
// loops. Each factory attaches during setup (untimed) and returns the run.
import { Consumer, Producer } from "../mod.ts";
import { formatChecksum } from "./_checksum.ts";
import {
  bulkResult,
  bulkSink,
  bulkSource,
  consume,
  consumeAsync,
  consumeBatches,
  pingInitiator,
  pingResponder,
  produce,
  produceAsync,
  produceBatches,
  type Run,
  spinReceive,
  spinSend,
} from "./_drivers.ts";
import type { Task } from "./_protocol.ts";

/** Struct items as the struct case carries them. */
interface Point {
  id: number;
  value: number;
}

function same(i: number): number {
  return i;
}

function producer(task: Task, index = 0): Producer<number> {
  return new Producer<number>(task.buffers[index]!);
}

function consumer(task: Task, index = 0): Consumer<number> {
  return new Consumer<number>(task.buffers[index]!);
}

function spinPush(ring: Producer<number>): (item: number) => void {
  return spinSend((item) => ring.tryPush(item));
}

function spinPop(ring: Consumer<number>): () => number {
  return spinReceive(() => ring.tryPop());
}

/**
 * Pushes 0…count-1 one at a time, spinning on `tryPush` while full: the loop
 * a user writes, with no harness call between the items.
 */
export function ringSpinProducer(task: Task): Run {
  const ring = producer(task);
  const n = task.count;
  return () => {
    for (let i = 0; i < n; i++) {
      while (!ring.tryPush(i)) { /* spin: full */ }
    }
    return { count: n, checksum: null };
  };
}

/**
 * Pops `count` items one at a time, spinning on `tryPop` while empty; the
 * run checksum in locals (two additions per item, as for every peer).
 */
export function ringSpinConsumer(task: Task): Run {
  const ring = consumer(task);
  const n = task.count;
  return () => {
    let a = 0;
    let b = 0;
    for (let i = 0; i < n; i++) {
      let item = ring.tryPop();
      while (item === undefined) item = ring.tryPop();
      a = (a + item) | 0;
      b = (b + a) | 0;
    }
    return { count: n, checksum: formatChecksum(a, b) };
  };
}

/** Pushes 0…count-1 with the blocking `push`. */
export function ringBlockingProducer(task: Task): Run {
  const ring = producer(task);
  return produce((item: number) => ring.push(item), same, task.count);
}

/** Pops `count` items with the blocking `pop`. */
export function ringBlockingConsumer(task: Task): Run {
  const ring = consumer(task);
  return consume(() => ring.pop(), same, task.count);
}

/** Pushes 0…count-1 in batches with `pushMany`, spinning while full. */
export function ringBatchProducer(task: Task): Run {
  const ring = producer(task);
  return produceBatches(
    // The rest of a partly sent chunk by range: no view per call.
    (chunk, from) =>
      from === 0 ? ring.pushMany(chunk) : ring.pushMany(chunk, { start: from }),
    task.count,
    task.batch,
  );
}

/** Pops `count` items in batches with `popMany`, spinning while empty. */
export function ringBatchConsumer(task: Task): Run {
  const ring = consumer(task);
  return consumeBatches((chunk) => ring.popMany(chunk), task.count, task.batch);
}

/**
 * Pushes a ready array of 0…count-1 with `pushMany`, `batch` items at a
 * time by range, spinning while full (the bulk case: nothing but the ring
 * is timed).
 */
export function ringBulkProducer(task: Task): Run {
  const ring = producer(task);
  const source = bulkSource(task.count);
  const { batch, count } = task;
  return () => {
    for (let at = 0; at < count;) {
      at += ring.pushMany(source, {
        start: at,
        end: Math.min(at + batch, count),
      });
    }
    return { count, checksum: null };
  };
}

/**
 * Pops `count` items with `popMany` straight into one array, `batch` at a
 * time by range; its checksum is worked out after the clock stops.
 */
export function ringBulkConsumer(task: Task): Run {
  const ring = consumer(task);
  const { batch, count } = task;
  const sink = bulkSink(count);
  return () => {
    let got = 0;
    while (got < count) {
      got += ring.popMany(sink, {
        start: got,
        end: Math.min(got + batch, count),
      });
    }
    return bulkResult(sink, got);
  };
}

/** Pushes `{ id: i, value: i / 2 }` with the blocking `push`. */
export function ringStructProducer(task: Task): Run {
  const ring = new Producer<Point>(task.buffers[0]!);
  return produce(
    (item: Point) => ring.push(item),
    (i) => ({ id: i, value: i * 0.5 }),
    task.count,
  );
}

/** Pops `count` struct items with the blocking `pop`; a wrong value spoils the checksum. */
export function ringStructConsumer(task: Task): Run {
  const ring = new Consumer<Point>(task.buffers[0]!);
  return consume(
    () => ring.pop(),
    ({ id, value }) => value === id * 0.5 ? id : ~id,
    task.count,
  );
}

/** Pushes 0…count-1 awaiting `pushAsync`. */
export function ringAsyncProducer(task: Task): Run {
  const ring = producer(task);
  return produceAsync((item) => ring.pushAsync(item), task.count);
}

/** Pops `count` items awaiting `popAsync`. */
export function ringAsyncConsumer(task: Task): Run {
  const ring = consumer(task);
  return consumeAsync(() => ring.popAsync(), task.count);
}

/** Sends i through ring 0 and spins for its echo on ring 1, `count` times. */
export function ringPingInitiator(task: Task): Run {
  return pingInitiator(
    spinPush(producer(task, 0)),
    spinPop(consumer(task, 1)),
    task.count,
  );
}

/** Echoes `count` items from ring 0 to ring 1, spinning. */
export function ringPingResponder(task: Task): Run {
  return pingResponder(
    spinPop(consumer(task, 0)),
    spinPush(producer(task, 1)),
    task.count,
  );
}
