// The built-in scenarios: small programs over the public API of the ring
// module, one function per thread (`ring_threads.ts`,
// `sequence_scenarios.ts`), and the ring each sets up. Items are distinct
// (`scenario_items.ts`) so the history check can tell them apart.
import type { CodeScenario, RingModule, ThreadBody } from "./scenario_types.ts";
import { itemsOf, prefilled } from "./scenario_items.ts";
import {
  asyncConsumer,
  asyncProducer,
  blockingProducer,
  closer,
  closingRaceProducer,
  drainingConsumer,
  manyConsumer,
  manyProducer,
  matchingConsumer,
  reattachProducer,
  tryConsumer,
  tryProducer,
  zeroCopyConsumer,
  zeroCopyProducer,
} from "./ring_threads.ts";
import { sequenceScenario, sequenceWaits } from "./sequence_scenarios.ts";

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
 * A scenario of the one-producer ring: its threads are P0, C0 and, if
 * there is a third, X.
 */
function ringScenario(what: string, threads: ThreadBody[]): CodeScenario {
  return {
    description: `one-producer ring: ${what}`,
    engine: "ring",
    setup: ringSetup,
    threads,
    names: ["P0", "C0", "X"].slice(0, threads.length),
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
  "try": ringScenario("tryPush / tryPop", [tryProducer, tryConsumer]),
  "blocking": ringScenario(
    "push / pop, sleeping while full or empty",
    // With a prefilled ring the consumer pops as many items as the
    // producer pushes: the oldest first, so the producer's wait ends.
    [blockingProducer(0, false), matchingConsumer],
  ),
  "many": ringScenario("pushMany / popMany", [manyProducer, manyConsumer]),
  "zero-copy": ringScenario(
    "reserve / commit, peek / release",
    [zeroCopyProducer, zeroCopyConsumer],
  ),
  "async": ringScenario(
    "pushAsync / popAsync (Atomics.waitAsync)",
    [asyncProducer, asyncConsumer],
  ),
  "close": ringScenario(
    "push, then close() by the producer; pop until drained",
    [blockingProducer(0, true), drainingConsumer],
  ),
  "close-ring": ringScenario(
    "tryPush racing closeRing() from a third thread; pop until drained",
    [closingRaceProducer, drainingConsumer, closer],
  ),
  "reattach": ringScenario(
    "push, detach, a new Producer attaches and pushes; pop",
    [reattachProducer, matchingConsumer],
  ),
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
