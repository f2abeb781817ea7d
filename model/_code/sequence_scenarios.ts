// The sequence ring's built-in scenarios: many producers and consumers
// pushing and popping until the last producer closes, and the waits of one
// producer (sleeping while full or empty, a close a sleeper must not miss).
import type { CodeScenario, ThreadBody } from "./scenario_types.ts";
import { itemsOf, prefilled } from "./scenario_items.ts";
import {
  blockingProducer,
  drainingConsumer,
  isError,
  matchingConsumer,
} from "./ring_threads.ts";

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

export function sequenceScenario(
  producers: number,
  consumers: number,
): CodeScenario {
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
export function sequenceWaits(consumers: number, close: boolean): CodeScenario {
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
        () => close ? drainingConsumer : matchingConsumer,
      ),
    ],
    names: ["P0", ...Array.from({ length: consumers }, (_, c) => `C${c}`)],
  };
}
