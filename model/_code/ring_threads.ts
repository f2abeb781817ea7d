// The threads of the built-in scenarios on the one-producer ring (the
// sequence ring's waits reuse the blocking ones): small programs over the
// public API of the ring module that log what each call did.
import type { ThreadBody, ThreadContext } from "./scenario_types.ts";
import { itemsOf } from "./scenario_items.ts";

/** Whether `error` is the ring module's error class `name`. */
export function isError(
  ctx: ThreadContext,
  error: unknown,
  name: string,
): boolean {
  return error instanceof Error &&
    error instanceof (ctx.ring[name] as ErrorConstructor);
}

/** tryPush each item, retrying once when full; stops at the first refusal. */
export const tryProducer: ThreadBody = (ctx) => {
  const producer = new ctx.ring.Producer(ctx.sab);
  ctx.barrier();
  for (const item of itemsOf(0, ctx.params)) {
    const ok = producer.tryPush(item) || producer.tryPush(item);
    ctx.log({ op: "push", item, ok });
    if (!ok) break;
  }
};

/** tryPop up to items + 1 times. */
export const tryConsumer: ThreadBody = (ctx) => {
  const consumer = new ctx.ring.Consumer(ctx.sab);
  ctx.barrier();
  const n = itemsOf(0, ctx.params).length + 1;
  for (let k = 0; k < n; k++) {
    const item = consumer.tryPop();
    ctx.log(item === undefined ? { op: "empty" } : { op: "pop", item });
  }
};

/** push() every item (sleeping while full). */
export function blockingProducer(p: number, close: boolean): ThreadBody {
  return (ctx) => {
    const producer = new ctx.ring.Producer(ctx.sab);
    ctx.barrier();
    for (const item of itemsOf(p, ctx.params)) {
      try {
        producer.push(item);
        ctx.log({ op: "push", item, ok: true });
      } catch (error) {
        if (!isError(ctx, error, "ClosedError")) throw error;
        ctx.log({ op: "push-closed", item });
        return;
      }
    }
    if (close) {
      producer.close();
      ctx.log({ op: "close" });
    }
  };
}

/** pop() `count` items, or until closed and drained. */
export function blockingConsumer(count: number): ThreadBody {
  return (ctx) => {
    const consumer = new ctx.ring.Consumer(ctx.sab);
    ctx.barrier();
    for (let k = 0; k < count; k++) {
      try {
        ctx.log({ op: "pop", item: consumer.pop() });
      } catch (error) {
        if (!isError(ctx, error, "ClosedError")) throw error;
        ctx.log({ op: "drained" });
        return;
      }
    }
  };
}

/** pop() as many items as producer 0 pushes. */
export const matchingConsumer: ThreadBody = (ctx) =>
  blockingConsumer(itemsOf(0, ctx.params).length)(ctx);

/** pop() until closed and drained. */
export const drainingConsumer: ThreadBody = (ctx) =>
  blockingConsumer(Infinity)(ctx);

/** pushMany the items in two batches (sleeping-free: retries once). */
export const manyProducer: ThreadBody = (ctx) => {
  const producer = new ctx.ring.Producer(ctx.sab);
  ctx.barrier();
  let rest = itemsOf(0, ctx.params);
  for (let round = 0; round < 3 && rest.length > 0; round++) {
    const n = producer.pushMany(rest);
    for (const item of rest.slice(0, n)) {
      ctx.log({ op: "push", item, ok: true });
    }
    rest = rest.slice(n);
  }
  for (const item of rest) ctx.log({ op: "push", item, ok: false });
};

/** popMany into a 2-slot target, three times. */
export const manyConsumer: ThreadBody = (ctx) => {
  const consumer = new ctx.ring.Consumer(ctx.sab);
  ctx.barrier();
  for (let round = 0; round < 3; round++) {
    const target = [0, 0];
    const n = consumer.popMany(target);
    for (let i = 0; i < n; i++) ctx.log({ op: "pop", item: target[i]! });
  }
};

/** reserve, write, commit each item (retrying a full ring once). */
export const zeroCopyProducer: ThreadBody = (ctx) => {
  const producer = new ctx.ring.Producer(ctx.sab);
  ctx.barrier();
  for (const item of itemsOf(0, ctx.params)) {
    const slot = producer.reserve() ?? producer.reserve();
    if (slot === null) {
      ctx.log({ op: "push", item, ok: false });
      break;
    }
    slot[0] = item;
    producer.commit();
    ctx.log({ op: "push", item, ok: true });
  }
};

/** peek, read, release up to items + 1 times. */
export const zeroCopyConsumer: ThreadBody = (ctx) => {
  const consumer = new ctx.ring.Consumer(ctx.sab);
  ctx.barrier();
  const n = itemsOf(0, ctx.params).length + 1;
  for (let k = 0; k < n; k++) {
    const view = consumer.peek();
    if (view === null) {
      ctx.log({ op: "empty" });
      continue;
    }
    const item = view[0];
    consumer.release();
    ctx.log({ op: "pop", item });
  }
};

/** pushAsync every item. */
export const asyncProducer: ThreadBody = async (ctx) => {
  const producer = new ctx.ring.Producer(ctx.sab);
  ctx.barrier();
  for (const item of itemsOf(0, ctx.params)) {
    await producer.pushAsync(item);
    ctx.log({ op: "push", item, ok: true });
  }
};

/** popAsync every item. */
export const asyncConsumer: ThreadBody = async (ctx) => {
  const consumer = new ctx.ring.Consumer(ctx.sab);
  ctx.barrier();
  const n = itemsOf(0, ctx.params).length;
  for (let k = 0; k < n; k++) {
    ctx.log({ op: "pop", item: await consumer.popAsync() });
  }
};

/** tryPush each item until the ring is closed (ClosedError). */
export const closingRaceProducer: ThreadBody = (ctx) => {
  const producer = new ctx.ring.Producer(ctx.sab);
  ctx.barrier();
  for (const item of itemsOf(0, ctx.params)) {
    try {
      ctx.log({ op: "push", item, ok: producer.tryPush(item) });
    } catch (error) {
      if (!isError(ctx, error, "ClosedError")) throw error;
      ctx.log({ op: "push-closed", item });
      return;
    }
  }
};

/** closeRing(sab) from a third thread. */
export const closer: ThreadBody = (ctx) => {
  ctx.barrier();
  ctx.ring.closeRing(ctx.sab);
  ctx.log({ op: "close" });
};

/** Pushes half the items, detaches, re-attaches a new Producer, pushes the rest. */
export const reattachProducer: ThreadBody = (ctx) => {
  const items = itemsOf(0, ctx.params);
  let producer = new ctx.ring.Producer(ctx.sab);
  ctx.barrier();
  for (const [i, item] of items.entries()) {
    if (i === Math.ceil(items.length / 2)) {
      producer.detach();
      producer = new ctx.ring.Producer(ctx.sab);
    }
    producer.push(item);
    ctx.log({ op: "push", item, ok: true });
  }
};
