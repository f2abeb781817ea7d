// ringbuf.js 0.4.0's roles: its RingBuffer has no single-item call, so one
// item moves as a one-element Int32Array through push/pop, as its users do.
import { RingBuffer } from "ringbuf.js";
import {
  consume,
  consumeBatches,
  pingInitiator,
  pingResponder,
  produce,
  produceBatches,
  type Run,
  spinReceive,
  spinSend,
} from "./_drivers.ts";
import type { Task } from "./_protocol.ts";

function open(task: Task, index = 0): RingBuffer {
  return new RingBuffer(task.buffers[index]!, Int32Array);
}

function same(i: number): number {
  return i;
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

/** Pushes 0…count-1 one at a time, spinning while full. */
export function ringbufSpinProducer(task: Task): Run {
  return produce(spinPush(open(task)), same, task.count);
}

/** Pops `count` items one at a time, spinning while empty. */
export function ringbufSpinConsumer(task: Task): Run {
  return consume(spinPop(open(task)), same, task.count);
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
