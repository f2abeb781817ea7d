// This ring's roles: Producer and Consumer calls plugged into the shared
// loops. Each factory attaches during setup (untimed) and returns the run.
import { Consumer, Producer } from "../mod.ts";
import {
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

/** Pushes 0…count-1 one at a time, spinning on `tryPush` while full. */
export function ringSpinProducer(task: Task): Run {
  return produce(spinPush(producer(task)), same, task.count);
}

/** Pops `count` items one at a time, spinning on `tryPop` while empty. */
export function ringSpinConsumer(task: Task): Run {
  return consume(spinPop(consumer(task)), same, task.count);
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
    (chunk, from) => ring.pushMany(from === 0 ? chunk : chunk.subarray(from)),
    task.count,
    task.batch,
  );
}

/** Pops `count` items in batches with `popMany`, spinning while empty. */
export function ringBatchConsumer(task: Task): Run {
  const ring = consumer(task);
  return consumeBatches((chunk) => ring.popMany(chunk), task.count, task.batch);
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
