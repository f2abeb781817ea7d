// The engines a suite runs one behaviour over: the one-producer ring (its
// textbook and counter index schemes), the sequence ring and the unbounded
// buffer. A suite steps through the engines that support its behaviour,
// one `t.step` each, named after the engine; what only one engine has stays
// as that engine's own step.
import type { CreateRingOptions, Scheme } from "../mod.ts";
import { openRing } from "./_helpers.ts";

/** A ring engine: the options of createRing() that choose it. */
export interface RingEngine {
  readonly name: Scheme;
  readonly options: Pick<
    CreateRingOptions<"int32">,
    "scheme" | "producers" | "consumers"
  >;
}

/** The one-producer ring with the textbook's `in`/`out`: slots - 1 items. */
export const TEXTBOOK: RingEngine = {
  name: "textbook",
  options: { scheme: "textbook" },
};

/** The one-producer ring with free-running counters: all slots. */
export const COUNTER: RingEngine = {
  name: "counter",
  options: { scheme: "counter" },
};

/** The sequence ring (Vyukov's per-slot sequence numbers), many handles a side. */
export const SEQUENCE: RingEngine = {
  name: "sequence",
  options: { producers: "many", consumers: "many" },
};

/** The one-producer engine under both index schemes. */
export const ONE_PRODUCER: readonly RingEngine[] = [TEXTBOOK, COUNTER];

/** Every bounded ring engine. */
export const RINGS: readonly RingEngine[] = [TEXTBOOK, COUNTER, SEQUENCE];

/** A fresh int32 ring of `engine` with a producer and a consumer attached. */
export function openEngine(
  engine: RingEngine,
  options: Omit<CreateRingOptions<"int32">, "scheme" | "item"> & {
    slots: number;
  },
): ReturnType<typeof openRing> {
  return openRing({ ...engine.options, ...options });
}

/** Runs `body` once per engine, each as a step named after the engine. */
export async function eachEngine(
  t: Deno.TestContext,
  engines: readonly RingEngine[],
  body: (engine: RingEngine) => void | Promise<void>,
): Promise<void> {
  for (const engine of engines) {
    await t.step(engine.name, () => body(engine));
  }
}
