// The built-in scenarios: small programs over the public API of the ring
// module, one function per thread. Items are distinct: producer p pushes
// p * 10 + 1, p * 10 + 2, … so the history check can tell them apart.
import type {
  CodeScenario,
  RingModule,
  ThreadBody,
  ThreadContext,
} from "./scenario_types.ts";

/** The items producer `p` pushes. */
export function itemsOf(p: number, params: Record<string, unknown>): number[] {
  const n = Number(params.items ?? 2);
  return Array.from({ length: n }, (_, i) => p * 10 + i + 1);
}

function isError(ctx: ThreadContext, error: unknown, name: string): boolean {
  return error instanceof Error &&
    error instanceof (ctx.ring[name] as ErrorConstructor);
}

/** The items a scenario's setup pushes before the threads start. */
export function prefillOf(params: Record<string, unknown>): number[] {
  const n = Number(params.prefill ?? 0);
  return Array.from({ length: n }, (_, i) => 90 + i + 1);
}

function ringSetup(
  ring: RingModule,
  params: Record<string, unknown>,
): SharedArrayBuffer {
  return prefilled(
    ring,
    ring.createRing({
      slots: Number(params.slots ?? 2),
      item: "int32",
      scheme: String(params.scheme ?? "textbook"),
      start: Number(params.start ?? 0),
    }),
    params,
  );
}

/**
 * Pushes the scenario's prefill into `sab` on the controller's thread,
 * before the threads start (a full ring makes the producer wait with one
 * item instead of several); returns `sab`.
 */
function prefilled(
  ring: RingModule,
  sab: SharedArrayBuffer,
  params: Record<string, unknown>,
): SharedArrayBuffer {
  const prefill = prefillOf(params);
  if (prefill.length > 0) {
    const producer = new ring.Producer(sab);
    producer.pushMany(prefill);
    producer.detach();
  }
  return sab;
}

/** tryPush each item, retrying once when full; stops at the first refusal. */
const tryProducer: ThreadBody = (ctx) => {
  const producer = new ctx.ring.Producer(ctx.sab);
  ctx.barrier();
  for (const item of itemsOf(0, ctx.params)) {
    const ok = producer.tryPush(item) || producer.tryPush(item);
    ctx.log({ op: "push", item, ok });
    if (!ok) break;
  }
};

/** tryPop up to items + 1 times. */
const tryConsumer: ThreadBody = (ctx) => {
  const consumer = new ctx.ring.Consumer(ctx.sab);
  ctx.barrier();
  const n = itemsOf(0, ctx.params).length + 1;
  for (let k = 0; k < n; k++) {
    const item = consumer.tryPop();
    ctx.log(item === undefined ? { op: "empty" } : { op: "pop", item });
  }
};

/** push() every item (sleeping while full). */
function blockingProducer(p: number, close: boolean): ThreadBody {
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
function blockingConsumer(count: number): ThreadBody {
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

/** pop() until closed and drained. */
const drainingConsumer: ThreadBody = (ctx) => blockingConsumer(Infinity)(ctx);

/** pushMany the items in two batches (sleeping-free: retries once). */
const manyProducer: ThreadBody = (ctx) => {
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
const manyConsumer: ThreadBody = (ctx) => {
  const consumer = new ctx.ring.Consumer(ctx.sab);
  ctx.barrier();
  for (let round = 0; round < 3; round++) {
    const target = [0, 0];
    const n = consumer.popMany(target);
    for (let i = 0; i < n; i++) ctx.log({ op: "pop", item: target[i]! });
  }
};

/** reserve, write, commit each item (retrying a full ring once). */
const zeroCopyProducer: ThreadBody = (ctx) => {
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
const zeroCopyConsumer: ThreadBody = (ctx) => {
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
const asyncProducer: ThreadBody = async (ctx) => {
  const producer = new ctx.ring.Producer(ctx.sab);
  ctx.barrier();
  for (const item of itemsOf(0, ctx.params)) {
    await producer.pushAsync(item);
    ctx.log({ op: "push", item, ok: true });
  }
};

/** popAsync every item. */
const asyncConsumer: ThreadBody = async (ctx) => {
  const consumer = new ctx.ring.Consumer(ctx.sab);
  ctx.barrier();
  const n = itemsOf(0, ctx.params).length;
  for (let k = 0; k < n; k++) {
    ctx.log({ op: "pop", item: await consumer.popAsync() });
  }
};

/** tryPush each item until the ring is closed (ClosedError). */
const closingRaceProducer: ThreadBody = (ctx) => {
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
const closer: ThreadBody = (ctx) => {
  ctx.barrier();
  ctx.ring.closeRing(ctx.sab);
  ctx.log({ op: "close" });
};

/** Pushes half the items, detaches, re-attaches a new Producer, pushes the rest. */
const reattachProducer: ThreadBody = (ctx) => {
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

/**
 * A producer of the sequence ring: push() its items, then count itself done
 * in `params.done` (a word beside the ring, no scheduling point: one thread
 * runs at a time); the last producer done closes the ring, the others
 * detach. Every push has returned before the close, so every item must be
 * delivered.
 */
function sequenceProducer(p: number, producers: number): ThreadBody {
  return (ctx) => {
    const producer = new ctx.ring.Producer(ctx.sab);
    ctx.barrier();
    for (const item of itemsOf(p, ctx.params)) {
      producer.push(item);
      ctx.log({ op: "push", item, ok: true });
    }
    const done = new Int32Array(ctx.params.done as SharedArrayBuffer);
    done[0] = done[0]! + 1;
    if (done[0] === producers) {
      producer.close();
      ctx.log({ op: "close" });
    } else producer.detach();
  };
}

/**
 * A consumer of the sequence ring: pop() until closed and drained, so
 * consumers need not agree on a share. The first pop has a timeout (time is
 * virtual: it expires only as a choice of the search), so the timeout path
 * is explored too; after it the consumer goes on waiting.
 */
const sequenceConsumer: ThreadBody = (ctx) => {
  const consumer = new ctx.ring.Consumer(ctx.sab);
  ctx.barrier();
  let timeout: { timeout: number } | undefined = { timeout: 10 };
  while (true) {
    try {
      ctx.log({ op: "pop", item: consumer.pop(timeout) });
    } catch (error) {
      if (isError(ctx, error, "ClosedError")) {
        ctx.log({ op: "drained" });
        return;
      }
      if (!isError(ctx, error, "TimeoutError")) throw error;
      ctx.log({ op: "empty" });
    }
    timeout = undefined;
  }
};

function sequenceScenario(producers: number, consumers: number): CodeScenario {
  return {
    description:
      `the sequence ring, ${producers} producer(s) x ${consumers} consumer(s): push/pop, the last producer closes`,
    engine: "sequence",
    setup: (ring, params) => {
      const slots = Number(params.slots ?? 2);
      // The producers' done count: fresh for each execution.
      params.done = new SharedArrayBuffer(4);
      // wrap: start one position below where the positions wrap.
      const limit = Math.floor(2 ** 31 / slots) * slots;
      return ring.createRing({
        slots,
        item: "int32",
        producers: producers > 1 ? "many" : "one",
        consumers: consumers > 1 ? "many" : "one",
        scheme: "sequence",
        start: params.wrap ? limit - 1 : Number(params.start ?? 0),
      });
    },
    threads: [
      ...Array.from(
        { length: producers },
        (_, p) => sequenceProducer(p, producers),
      ),
      ...Array.from({ length: consumers }, () => sequenceConsumer),
    ],
    names: [
      ...Array.from({ length: producers }, (_, p) => `P${p}`),
      ...Array.from({ length: consumers }, (_, c) => `C${c}`),
    ],
  };
}

/**
 * The sequence ring's waits: one producer pushes; `consumers` consumers pop
 * without a timeout, so a lost wake-up is a deadlock. `close`: the producer
 * then closes and the consumers pop until closed and drained (a sleeper must
 * not sleep through the close); else the one consumer pops every item.
 */
function sequenceWaits(consumers: number, close: boolean): CodeScenario {
  return {
    description: close
      ? `the sequence ring, 1 producer x ${consumers} consumer(s): push, close(); pop until drained`
      : "the sequence ring, 1 producer x 1 consumer: push / pop, sleeping while full or empty",
    engine: "sequence",
    setup: (ring, params) => {
      return prefilled(
        ring,
        ring.createRing({
          slots: Number(params.slots ?? 2),
          item: "int32",
          consumers: consumers > 1 ? "many" : "one",
          scheme: "sequence",
          start: Number(params.start ?? 0),
        }),
        params,
      );
    },
    threads: [
      blockingProducer(0, close),
      ...Array.from(
        { length: consumers },
        () =>
          close
            ? drainingConsumer
            : (ctx: ThreadContext) =>
              blockingConsumer(itemsOf(0, ctx.params).length)(ctx),
      ),
    ],
    names: ["P0", ...Array.from({ length: consumers }, (_, c) => `C${c}`)],
  };
}

/** The unbounded buffer: push grows it; pop recycles segments. */
const unboundedProducer: ThreadBody = (ctx) => {
  const producer = new ctx.ring.UnboundedProducer(ctx.sab);
  ctx.barrier();
  for (const item of itemsOf(0, ctx.params)) {
    producer.push(item);
    ctx.log({ op: "push", item, ok: true });
  }
};

const unboundedConsumer: ThreadBody = (ctx) => {
  const consumer = new ctx.ring.UnboundedConsumer(ctx.sab);
  ctx.barrier();
  for (const _ of itemsOf(0, ctx.params)) {
    ctx.log({ op: "pop", item: consumer.pop() });
  }
};

/** Every built-in scenario, by name. */
export const codeScenarios: Record<string, CodeScenario> = {
  "try": {
    description: "one-producer ring: tryPush / tryPop",
    engine: "ring",
    setup: ringSetup,
    threads: [tryProducer, tryConsumer],
    names: ["P0", "C0"],
  },
  "blocking": {
    description: "one-producer ring: push / pop, sleeping while full or empty",
    engine: "ring",
    setup: ringSetup,
    threads: [
      blockingProducer(0, false),
      // With a prefilled ring the consumer pops as many items as the
      // producer pushes: the oldest first, so the producer's wait ends.
      (ctx) => blockingConsumer(itemsOf(0, ctx.params).length)(ctx),
    ],
    names: ["P0", "C0"],
  },
  "many": {
    description: "one-producer ring: pushMany / popMany",
    engine: "ring",
    setup: ringSetup,
    threads: [manyProducer, manyConsumer],
    names: ["P0", "C0"],
  },
  "zero-copy": {
    description: "one-producer ring: reserve / commit, peek / release",
    engine: "ring",
    setup: ringSetup,
    threads: [zeroCopyProducer, zeroCopyConsumer],
    names: ["P0", "C0"],
  },
  "async": {
    description: "one-producer ring: pushAsync / popAsync (Atomics.waitAsync)",
    engine: "ring",
    setup: ringSetup,
    threads: [asyncProducer, asyncConsumer],
    names: ["P0", "C0"],
  },
  "close": {
    description:
      "one-producer ring: push, then close() by the producer; pop until drained",
    engine: "ring",
    setup: ringSetup,
    threads: [blockingProducer(0, true), drainingConsumer],
    names: ["P0", "C0"],
  },
  "close-ring": {
    description:
      "one-producer ring: tryPush racing closeRing() from a third thread; pop until drained",
    engine: "ring",
    setup: ringSetup,
    threads: [closingRaceProducer, drainingConsumer, closer],
    names: ["P0", "C0", "X"],
  },
  "reattach": {
    description:
      "one-producer ring: push, detach, a new Producer attaches and pushes; pop",
    engine: "ring",
    setup: ringSetup,
    threads: [
      reattachProducer,
      (ctx) => blockingConsumer(itemsOf(0, ctx.params).length)(ctx),
    ],
    names: ["P0", "C0"],
  },
  "sequence-2x2": sequenceScenario(2, 2),
  "sequence-1x2": sequenceScenario(1, 2),
  "sequence-2x1": sequenceScenario(2, 1),
  "sequence-blocking": sequenceWaits(1, false),
  "sequence-close": sequenceWaits(1, true),
  "sequence-close-1x2": sequenceWaits(2, true),
  "unbounded": {
    description: "unbounded buffer: push (growing, linking, recycling) / pop",
    engine: "unbounded",
    setup: (ring, params) =>
      ring.createUnbounded({
        item: "int32",
        segmentSlots: Number(params.slots ?? 2),
      }),
    threads: [unboundedProducer, unboundedConsumer],
    names: ["P0", "C0"],
  },
};
