// The scenarios of the crash exploration (`crash.ts`): the same engines as
// `scenarios.ts`, plus a supervisor thread S. The explorer stops one thread
// (the victim) forever at a chosen step; S is held until then, recovers the
// victim's handle with the public supervisor API and takes its place (a
// replacement handle finishing the victim's work).
//
// The threads talk to S through a mailbox (`crash_mailbox.ts`).
import type { CodeScenario, RingModule } from "./scenario_types.ts";
import { mailboxWords } from "./crash_mailbox.ts";
import { consumer, producer, type Shape, threadsOf } from "./crash_threads.ts";
import { supervisor } from "./crash_supervisor.ts";

function crashScenario(shape: Shape, setup: CodeScenario["setup"]) {
  const { producers, consumers, engine } = shape;
  const threads = threadsOf(shape);
  return {
    description:
      `${engine}: ${producers} producer(s) x ${consumers} consumer(s); one stops forever, a supervisor recovers it and a replacement finishes its work`,
    engine,
    setup: (ring: RingModule, params: Record<string, unknown>) => {
      params.mailbox = new SharedArrayBuffer(mailboxWords(threads) * 4);
      return setup(ring, params);
    },
    threads: [
      ...Array.from({ length: producers }, (_, p) => producer(p, shape)),
      ...Array.from({ length: consumers }, () => consumer(shape)),
      ...Array.from(
        { length: shape.supervisors ?? 1 },
        () => supervisor(shape),
      ),
    ],
    names: [
      ...Array.from({ length: producers }, (_, p) => `P${p}`),
      ...Array.from({ length: consumers }, (_, c) => `C${c}`),
      ...Array.from(
        { length: shape.supervisors ?? 1 },
        (_, s) => s === 0 ? "S" : `S${s + 1}`,
      ),
    ],
  } satisfies CodeScenario;
}

/** A one-producer ring of the parameters' scheme and size. */
function ringSetup(ring: RingModule, params: Record<string, unknown>) {
  return ring.createRing({
    slots: Number(params.slots ?? 2),
    item: "int32",
    scheme: String(params.scheme ?? "textbook"),
    start: Number(params.start ?? 0),
  });
}

/** A sequence ring with many consumers and one or many producers. */
function sequenceSetup(producers: "one" | "many"): CodeScenario["setup"] {
  return (ring, params) =>
    ring.createRing({
      slots: Number(params.slots ?? 2),
      item: "int32",
      producers,
      consumers: "many",
      scheme: "sequence",
    });
}

/** An unbounded buffer of the parameters' segment size. */
function unboundedSetup(ring: RingModule, params: Record<string, unknown>) {
  return ring.createUnbounded({
    item: "int32",
    segmentSlots: Number(params.slots ?? 1),
  });
}

/** The crash scenarios, by name. */
export const codeScenarios: Record<string, CodeScenario> = {
  "crash-ring": crashScenario(
    { engine: "ring", producers: 1, consumers: 1 },
    ringSetup,
  ),
  // A second supervisor S2 takes over when S dies (`deaths: "supervisor"`).
  "crash-ring-2s": crashScenario(
    { engine: "ring", producers: 1, consumers: 1, supervisors: 2 },
    ringSetup,
  ),
  "crash-sequence-2x2": crashScenario(
    { engine: "sequence", producers: 2, consumers: 2 },
    sequenceSetup("many"),
  ),
  "crash-sequence-2x2-2s": crashScenario(
    { engine: "sequence", producers: 2, consumers: 2, supervisors: 2 },
    sequenceSetup("many"),
  ),
  "crash-sequence-1x2": crashScenario(
    { engine: "sequence", producers: 1, consumers: 2 },
    sequenceSetup("one"),
  ),
  "crash-unbounded": crashScenario(
    { engine: "unbounded", producers: 1, consumers: 1 },
    unboundedSetup,
  ),
  "crash-unbounded-2s": crashScenario(
    { engine: "unbounded", producers: 1, consumers: 1, supervisors: 2 },
    unboundedSetup,
  ),
};

/** How many producers a crash scenario has (the threads before them are producers). */
export function producersOf(scenario: CodeScenario): number {
  return scenario.names.filter((n) => n.startsWith("P")).length;
}
