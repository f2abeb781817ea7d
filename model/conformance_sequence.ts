// Copyright 2025 the ringproof authors. MIT license.
/**
 * Checking a many-producer/many-consumer ring against the model's
 * `sync: "sequence"` variant (Vyukov's bounded queue), in lockstep: every
 * interleaving of the model's one-access steps — load, wait, claim,
 * write/read, publish/release — of several producers and consumers is also
 * performed, step by step, on a real ring (by default the production
 * `"sequence"` ring's own step functions on a SharedArrayBuffer), and after
 * every step the ring's state, read back through the abstraction function,
 * must equal the model's and satisfy the model's invariants.
 *
 * {@linkcode checkRing} drives one producer and one consumer through
 * handles; this driver needs several processes and finer steps (a claim is
 * three accesses), so it has its own ring interface,
 * {@linkcode SequenceRingUnderTest}.
 *
 * @module
 */

import { Consumer, createRing, inspectRing, Producer } from "../mod.ts";
import {
  BLOCKED,
  CONSUMERS,
  PRODUCERS,
  readHeader,
  READY,
  SequenceCore,
} from "../src/engine_steps.ts";
import type { BufferModel } from "./bounded_buffer.ts";
import {
  assertNumbers,
  assertOptionsObject,
  checkedModel,
  coverageOf,
  granularityOf,
  ringFactory,
  stepLimit,
  WHAT,
} from "./_lockstep/check_options.ts";
import { explore } from "./explore.ts";
import { runSequenceLockstep } from "./_lockstep/sequence_adapter.ts";

import type {
  CheckSequenceRingOptions,
  SequenceCheckReport,
  SequenceProbe,
  SequenceRingConfig,
  SequenceRingUnderTest,
} from "./_lockstep/sequence_types.ts";
export type * from "./_lockstep/sequence_types.ts";

const SIDES = { in: PRODUCERS, out: CONSUMERS } as const;

/** The engine's probe code, by name. */
function probeName(code: number): SequenceProbe {
  return code === READY ? "ready" : code === BLOCKED ? "blocked" : "taken";
}

/**
 * The production `"sequence"` ring as a {@linkcode SequenceRingUnderTest}:
 * an int32 {@linkcode createRing} ring with `producers: "many"` and
 * `consumers: "many"`. The fine steps are the production engine's own step
 * functions (the ones `tryPush`, `push`, `reserve`, … chain); `tryPush` and
 * `tryPop` go through one {@linkcode Producer} or {@linkcode Consumer}
 * handle per process. `save()` copies the SharedArrayBuffer: sequence-ring
 * handles keep no state of their own between calls.
 *
 * @param config Slots, start, processes.
 * @returns A fresh ring under test.
 *
 * @example Claiming and publishing by hand
 * ```ts
 * import assert from "node:assert/strict";
 * import { productionSequenceRing } from "@ringproof/ring/model";
 *
 * const ring = productionSequenceRing({ slots: 2, start: 0, producers: 1, consumers: 1 });
 * const p = ring.load("in");
 * assert.equal(ring.probe("in", p), "ready");
 * assert.equal(ring.claim("in", p), true);
 * ring.write(p, 7);
 * ring.publish(p);
 * assert.deepEqual(ring.observe(), { in: 1, out: 0, sequences: [1, 1], cells: [7, 0] });
 * ```
 */
export function productionSequenceRing(
  config: SequenceRingConfig,
): SequenceRingUnderTest {
  const sab = createRing({
    slots: config.slots,
    start: config.start,
    producers: "many",
    consumers: "many",
    item: "int32",
  });
  const core = new SequenceCore(readHeader(sab, WHAT));
  const producers = Array.from(
    { length: config.producers },
    () => new Producer<number>(sab),
  );
  const consumers = Array.from(
    { length: config.consumers },
    () => new Consumer<number>(sab),
  );
  const { offsets, slots } = inspectRing(sab);
  const cells = new Int32Array(sab, offsets.data, slots);
  const bytes = new Uint8Array(sab);
  return {
    load: (side) => core.load(SIDES[side], WHAT),
    probe: (side, p) => probeName(core.probe(SIDES[side], p, WHAT)),
    claim: (side, p) => core.claim(SIDES[side], p),
    write(p, item) {
      cells[p % slots] = item;
    },
    publish: (p) => core.publish(p),
    read: (p) => cells[p % slots]!,
    release: (p) => core.release(p),
    tryPush: (process, item) => producers[process]!.tryPush(item),
    tryPop: (process) => consumers[process]!.tryPop(),
    observe: () => ({
      in: Atomics.load(core.words, PRODUCERS.position),
      out: Atomics.load(core.words, CONSUMERS.position),
      sequences: Array.from(core.seqs),
      cells: Array.from(cells),
    }),
    save: () => bytes.slice(),
    restore(saved) {
      bytes.set(saved as Uint8Array);
    },
  };
}

/** The model of the configuration, its options checked. */
function modelOf(options: CheckSequenceRingOptions): BufferModel {
  const { slots, items, producers = 2, consumers = 2, start = 0 } = options;
  assertNumbers({ slots, items, producers, consumers, start });
  return checkedModel({
    sync: "sequence",
    slots,
    items,
    producers,
    consumers,
    start,
  });
}

/**
 * Checks a sequence ring (many producers, many consumers) against the
 * model's `sync: "sequence"` variant, in lockstep.
 *
 * The model ({@linkcode boundedBuffer} with `sync: "sequence"`) is explored
 * breadth-first (`coverage: "states"`, the default) or along every maximal
 * interleaving (`coverage: "paths"`); from every reachable state, every process's next step —
 * the one-access step of its program (`granularity: "fine"`), a whole
 * `tryPush`/`tryPop` (`"coarse"`), or both (`"mixed"`) — is also performed
 * on the ring under test, blocked steps included (where the model's `wait`
 * blocks, `probe` must say `"blocked"`, `tryPush` false, `tryPop`
 * undefined).
 *
 * After every step the abstraction function maps the ring's observation
 * (`in`, `out`, the sequence numbers, the slots) plus the driver's own
 * bookkeeping (each process's program counter and position, items written,
 * items read, and ghost history computed from the ring's answers) to a model
 * state, which must equal the model's state after the same step and satisfy
 * every model invariant. The first disagreement stops the check with a
 * side-by-side trace.
 *
 * The ring is explored by snapshot and restore
 * ({@linkcode SequenceRingUnderTest.save}): each state's ring is saved once
 * and restored before each step out of it; a restored ring must show what
 * it showed when the state was reached (`property: "replay"` otherwise: the
 * ring is not deterministic).
 *
 * @param options The configuration, the ring, the coverage.
 * @returns The verdict, the figures on both sides and, on failure, the trace.
 * @throws {RangeError} When a number is out of range.
 * @throws {TypeError} When an option has the wrong type.
 *
 * @example Checking the production ring, two producers and two consumers
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkSequenceRing } from "@ringproof/ring/model";
 *
 * const report = checkSequenceRing({ slots: 2, items: 1 });
 * assert.equal(report.verdict, "pass");
 * assert.equal(report.model.states, report.explored.states); // every state…
 * assert.equal(report.model.transitions, report.explored.transitions); // …and step
 * ```
 *
 * @example Every interleaving, one producer and two consumers
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkSequenceRing } from "@ringproof/ring/model";
 *
 * const report = checkSequenceRing({
 *   slots: 2,
 *   items: 1,
 *   producers: 1,
 *   consumers: 2,
 *   coverage: "paths",
 * });
 * assert.equal(report.verdict, "pass");
 * assert.ok(report.paths! > 1);
 * ```
 */
export function checkSequenceRing(
  options: CheckSequenceRingOptions,
): SequenceCheckReport {
  assertOptionsObject(options);
  const model = modelOf(options);
  const { slots, items, producers, consumers, start } = model.config;
  const granularity = granularityOf(options.granularity);
  const coverage = coverageOf(options.coverage);
  const maxSteps = stepLimit(options.maxSteps, 2_000_000);
  const factory = ringFactory(options.ring, {
    fallback: productionSequenceRing,
    returns: "SequenceRingUnderTest",
  });
  const explored = explore(model);
  const result = runSequenceLockstep({
    model,
    ring: factory({ slots, start, producers, consumers }),
    granularity,
    coverage,
    consequences: options.consequences ?? true,
    maxSteps,
  });
  return {
    ...result,
    config: {
      slots,
      items,
      producers,
      consumers,
      start,
      coverage,
      granularity,
    },
    explored: { states: explored.states, transitions: explored.transitions },
  };
}
