// ringbuf.js 0.4.0's roles: its RingBuffer has no single-item call, so one
// item moves as a one-element Int32Array through push/pop, as its users do.
// (Its copy takes `TypedArray.set`, a builtin call, for a whole array, and a
// plain loop otherwise: a two-element array with length 1 avoids the call
// and ran push+pop in 70 ns instead of 79 ns on one thread — a trick that
// leans on its internals, not the straightforward use measured here.)
import { RingBuffer } from "ringbuf.js";
import { formatChecksum } from "./_checksum.ts";
import {
  bulkResult,
  bulkSink,
  bulkSource,
  consumeBatches,
  pingInitiator,
  pingResponder,
  produceBatches,
  type Run,
  spinReceive,
  spinSend,
} from "./_drivers.ts";
import type { Task } from "./_protocol.ts";

function open(task: Task, index = 0): RingBuffer {
  return new RingBuffer(task.buffers[index]!, Int32Array);
}

function spinPush(ring: RingBuffer): (item: number) => void {
  const one = new Int32Array(1);
  return spinSend((item) => {
    one[0] = item;
    return ring.push(one, 1) === 1;
  });
}

function spinPop(ring: RingBuffer): () => number {
  const one = new Int32Array(1);
  return spinReceive(() => ring.pop(one, 1) === 1 ? one[0] : undefined);
}

/**
 * Pushes 0…count-1 one at a time through a one-element array, spinning
 * while full: the loop a user writes, with no harness call between items.
 */
export function ringbufSpinProducer(task: Task): Run {
  const ring = open(task);
  const one = new Int32Array(1);
  const n = task.count;
  return () => {
    for (let i = 0; i < n; i++) {
      one[0] = i;
      while (ring.push(one, 1) !== 1) { /* spin: full */ }
    }
    return { count: n, checksum: null };
  };
}

/**
 * Pops `count` items one at a time into a one-element array, spinning while
 * empty; the run checksum in locals, as for this ring.
 */
export function ringbufSpinConsumer(task: Task): Run {
  const ring = open(task);
  const one = new Int32Array(1);
  const n = task.count;
  return () => {
    let a = 0;
    let b = 0;
    for (let i = 0; i < n; i++) {
      while (ring.pop(one, 1) !== 1) { /* spin: empty */ }
      a = (a + one[0]!) | 0;
      b = (b + a) | 0;
    }
    return { count: n, checksum: formatChecksum(a, b) };
  };
}

/**
 * Pushes a ready array of 0…count-1 with `push(array, length, offset)`,
 * `batch` items at a time, spinning while full.
 */
export function ringbufBulkProducer(task: Task): Run {
  const ring = open(task);
  const source = bulkSource(task.count);
  const { batch, count } = task;
  return () => {
    for (let at = 0; at < count;) {
      at += ring.push(source, Math.min(batch, count - at), at);
    }
    return { count, checksum: null };
  };
}

/**
 * Pops `count` items with `pop(array, length, offset)` straight into one
 * array; its checksum is worked out after the clock stops.
 */
export function ringbufBulkConsumer(task: Task): Run {
  const ring = open(task);
  const { batch, count } = task;
  const sink = bulkSink(count);
  return () => {
    let got = 0;
    while (got < count) {
      got += ring.pop(sink, Math.min(batch, count - got), got);
    }
    return bulkResult(sink, got);
  };
}

/** Pushes 0…count-1 in batches with `push(array)`, spinning while full. */
export function ringbufBatchProducer(task: Task): Run {
  const ring = open(task);
  const { batch } = task;
  return produceBatches(
    (chunk, from) => ring.push(chunk, batch - from, from),
    task.count,
    batch,
  );
}

/** Pops `count` items in batches with `pop(array)`, spinning while empty. */
export function ringbufBatchConsumer(task: Task): Run {
  const ring = open(task);
  const { batch } = task;
  return consumeBatches((chunk) => ring.pop(chunk, batch), task.count, batch);
}

/** Sends i through ring 0 and spins for its echo on ring 1, `count` times. */
export function ringbufPingInitiator(task: Task): Run {
  return pingInitiator(
    spinPush(open(task, 0)),
    spinPop(open(task, 1)),
    task.count,
  );
}

/** Echoes `count` items from ring 0 to ring 1, spinning. */
export function ringbufPingResponder(task: Task): Run {
  return pingResponder(
    spinPop(open(task, 0)),
    spinPush(open(task, 1)),
    task.count,
  );
}
