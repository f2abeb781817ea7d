// Copyright 2025 the ringproof authors. MIT license.
/**
 * Checking a real ring against the model, in lockstep: every interleaving
 * the model explores is also performed, step by step, as calls on a real
 * ring (by default the production {@linkcode Producer}/{@linkcode Consumer}
 * on a SharedArrayBuffer), and after every step the ring's state, read back
 * through a documented abstraction function, must equal the model's state
 * and satisfy the model's invariants.
 *
 * Point {@linkcode checkRing} at your own ring by implementing
 * {@linkcode RingUnderTest}.
 *
 * @module
 */

import { Consumer, createRing, inspectRing, Producer } from "../mod.ts";
import type { SlotView } from "../mod.ts";
import type { BufferModel, BufferState } from "./bounded_buffer.ts";
import {
  assertNumbers,
  assertOptionsObject,
  checkedModel,
  choice,
  granularityOf,
  ringFactory,
  stepLimit,
} from "./_lockstep/check_options.ts";
import { explore } from "./explore.ts";
import { runLockstep } from "./_lockstep/driver.ts";
import { productionUnbounded } from "./_lockstep/unbounded_ring.ts";

/**
 * What the abstraction function reads from a ring: the textbook's `in` and
 * `out` as stored in its header, the physical slots they designate, and the
 * raw int32 contents of the `BUFFER_SIZE` slots (0 for a slot never written).
 */
export interface RingObservation {
  /** The textbook's `in`: a slot index, or an unsigned 32-bit counter (counter scheme). */
  readonly in: number;
  /** The textbook's `out`, like `in`. */
  readonly out: number;
  /** The slot `in` designates (equal to `in` in the textbook scheme). */
  readonly inSlot: number;
  /** The slot `out` designates. */
  readonly outSlot: number;
  /** The raw contents of slots 0 … `BUFFER_SIZE - 1`. */
  readonly cells: readonly number[];
}

/** How {@linkcode checkRing} asks for a fresh ring. */
export interface RingConfig {
  /** The textbook's `BUFFER_SIZE`. */
  readonly slots: number;
  /**
   * `"textbook"` (holds `BUFFER_SIZE - 1` items), `"counter"` (all slots) or
   * `"unbounded"` (the unbounded buffer; `slots` is then its segment size).
   */
  readonly scheme: "textbook" | "counter" | "unbounded";
  /** Counter scheme: the counters' initial value; 0 for the textbook scheme. Slots start at 0. */
  readonly start: number;
  /**
   * Items the producer will push. The unbounded buffer needs it: the
   * model's cells are then one per item.
   */
  readonly items?: number;
}

/**
 * A ring driven by {@linkcode checkRing}: one producer and one consumer, in
 * one thread, one call per step of the textbook's loops. Items are nonzero
 * int32 values; a slot never written reads 0.
 *
 * | model step                    | call                                   |
 * | ----------------------------- | -------------------------------------- |
 * | producer: wait until not full | `reserve()`: the slot at `in`, or `null` when full |
 * | producer: write `buffer[in]`  | `write(item)` into the reserved slot   |
 * | producer: publish `in`        | `commit()`                             |
 * | consumer: wait until not empty| `peek()`: the slot at `out`, or `null` when empty |
 * | consumer: read `buffer[out]`  | `read()` from the peeked slot          |
 * | consumer: publish `out`       | `release()`                            |
 * | the three producer steps      | `tryPush(item)` (optional)             |
 * | the three consumer steps      | `tryPop()` (optional)                  |
 */
export interface RingUnderTest {
  /** Producer "wait until not full": reserves the slot at `in`; `null` when full. */
  reserve(): number | null;
  /** Producer "write `buffer[in]`": stores `item` in the reserved slot. */
  write(item: number): void;
  /** Producer "publish `in`": makes the written item visible. */
  commit(): void;
  /** Consumer "wait until not empty": the slot at `out`; `null` when empty. */
  peek(): number | null;
  /** Consumer "read `buffer[out]`": the item in the peeked slot. */
  read(): number;
  /** Consumer "publish `out`": frees the slot. */
  release(): void;
  /** All three producer steps in one call; `false` when full. */
  tryPush?(item: number): boolean;
  /** All three consumer steps in one call; `undefined` when empty. */
  tryPop?(): number | undefined;
  /** The abstraction function's input: the ring's current state. */
  snapshot(): RingObservation;
}

/** Makes a fresh, empty {@linkcode RingUnderTest}. */
export type RingFactory = (config: RingConfig) => RingUnderTest;

/** A step of the lockstep exploration: which process, which operation. */
export interface RingStep {
  /** `"P0"` (the producer) or `"C0"` (the consumer). */
  readonly process: "P0" | "C0";
  /** A model step, or a coarse `tryPush`/`tryPop`. */
  readonly op:
    | "wait"
    | "write"
    | "publish"
    | "read"
    | "release"
    | "tryPush"
    | "tryPop";
}

/** Options for {@linkcode checkRing}. */
export interface CheckRingOptions {
  /** The textbook's `BUFFER_SIZE`, 2 to 64. */
  slots: number;
  /** Items the producer produces, 1 to 31. */
  items: number;
  /**
   * The index scheme. Default `"textbook"`. `"unbounded"` checks the
   * unbounded buffer against the model's `"unbounded"` scheme, with
   * segments of `slots` items.
   */
  scheme?: "textbook" | "counter" | "unbounded";
  /** Counter scheme: the counters' initial value, e.g. `2 ** 32 - 3`. Default 0. */
  start?: number;
  /** Makes the ring under test. Default {@linkcode productionRing}. */
  ring?: RingFactory;
  /**
   * `"states"` (default): every reachable model state and every step out of
   * it. `"paths"`: every maximal interleaving, one by one (grows
   * exponentially with `items`; meant for 2 to 4 items).
   */
  coverage?: "states" | "paths";
  /**
   * `"fine"`: the model's one-access steps; `"coarse"`: only
   * `tryPush`/`tryPop`; `"mixed"` (default): both, at every state. Coarse
   * steps are skipped when the ring has no `tryPush`/`tryPop`.
   */
  granularity?: "fine" | "coarse" | "mixed";
  /**
   * On a disagreement, also explore the ring on its own (no model in
   * control) for the first model invariant it breaks. Default `true`.
   */
  consequences?: boolean;
  /** Stop with verdict `"incomplete"` after this many checked steps. Default 5,000,000. */
  maxSteps?: number;
}

/** One row of a side-by-side trace: a step on the model and on the ring. */
export interface LockstepRow {
  /** 0 for the initial state, then 1, 2, … */
  step: number;
  /** The step, or `null` for the initial state. */
  action: RingStep | null;
  /** The model's description, e.g. `write buffer[0] = a0`, or why it blocks. */
  model: string;
  /** The model's state after the step. */
  modelState: BufferState;
  /** The call on the ring and its result, e.g. `reserve() → slot 0`. */
  call: string;
  /** The ring's state after the call (absent when it threw). */
  observation?: RingObservation;
  /** The model's fields the ring disagrees with after this step. */
  differing: string[];
}

/** One row of a trace of the ring alone. */
export interface RingRow {
  /** 0 for the initial state, then 1, 2, … */
  step: number;
  /** The step, or `null` for the initial state. */
  action: RingStep | null;
  /** The call and its result. */
  call: string;
  /** The ring's state after the call (absent when it threw). */
  observation?: RingObservation;
  /** The production state through the abstraction function, when it has one. */
  state?: BufferState;
}

/** What the ring breaks when it runs on its own: see {@linkcode RingFailure.consequence}. */
export interface RingConsequence {
  /** The first model invariant broken (or `"deadlock-free"`), or `null` when none within the bound. */
  property: string | null;
  /** A sentence saying what happened. */
  message: string;
  /** A shortest trace of the ring alone to the violation (empty when none). */
  trace: RingRow[];
  /** The trace as a table. */
  table: string;
  /** Ring states explored on its own. */
  states: number;
}

/** Where and how the ring disagreed with the model. */
export interface RingFailure {
  /**
   * What failed: a model invariant broken on the ring's state (`bound`,
   * `no-unproduced`, `fifo`, `no-loss`, `no-duplicate`); `enabled` (one side
   * blocks a step the other takes); a field that differs (`in`, `out`,
   * `inSlot`, `outSlot`, `cells[i]`, `next_consumed`); `read` (another item
   * read); `reserve`/`peek` (another slot); `error` (the ring threw);
   * `replay` (the ring is not deterministic).
   */
  property: string;
  /** A sentence naming the step and both sides' values. */
  message: string;
  /** The steps from the initial state to the failing one, both sides. */
  trace: LockstepRow[];
  /** The trace as a side-by-side table, ending with the message. */
  table: string;
  /** What the ring breaks on its own, when `consequences` is on. */
  consequence?: RingConsequence;
}

/** What {@linkcode checkRing} reports. */
export interface RingCheckReport {
  /** `"pass"`: the ring agreed everywhere; `"fail"`: see `failure`; `"incomplete"`: `maxSteps` reached. */
  verdict: "pass" | "fail" | "incomplete";
  /** The configuration checked. */
  config: {
    slots: number;
    items: number;
    scheme: "textbook" | "counter" | "unbounded";
    start: number;
    coverage: "states" | "paths";
    granularity: "fine" | "coarse" | "mixed";
  };
  /**
   * The model side: distinct states reached, distinct one-access steps taken
   * (as {@linkcode explore} counts transitions), and distinct coarse steps
   * (`tryPush`/`tryPop`, each three model steps).
   */
  model: { states: number; transitions: number; coarse: number };
  /** The same model explored by {@linkcode explore}, for comparison. */
  explored: { states: number; transitions: number };
  /** The ring side. */
  production: {
    /** Distinct ring states (observation and driver bookkeeping). */
    states: number;
    /** Steps performed on a ring and checked against the model. */
    transitions: number;
    /** Of which blocked steps: `reserve()`/`peek()` answering full/empty. */
    probes: number;
    /** Every call made, replays included. */
    calls: number;
    /** Fresh rings made (one per replay). */
    rings: number;
  };
  /** `coverage: "paths"`: maximal interleavings performed. */
  paths?: number;
  /** Wall-clock seconds. */
  seconds: number;
  /** On `"fail"`. */
  failure?: RingFailure;
}

/**
 * The production ring as a {@linkcode RingUnderTest}: an int32
 * {@linkcode createRing} ring with a {@linkcode Producer} and a
 * {@linkcode Consumer}. `reserve()`/`peek()` return the slot of the view the
 * handle returned; `snapshot()` is {@linkcode inspectRing} plus the slots'
 * contents. With scheme `"unbounded"` it is an int32
 * `createUnbounded()` buffer with segments of `slots` items instead,
 * its slots numbered by logical position (see `docs/unbounded.md`).
 *
 * @param config Slots, scheme and start.
 * @returns A fresh ring under test.
 *
 * @example Driving the production ring by hand
 * ```ts
 * import assert from "node:assert/strict";
 * import { productionRing } from "@ringproof/ring/model";
 *
 * const ring = productionRing({ slots: 3, scheme: "textbook", start: 0 });
 * assert.equal(ring.reserve(), 0);
 * ring.write(7);
 * ring.commit();
 * assert.deepEqual(ring.snapshot(), { in: 1, out: 0, inSlot: 1, outSlot: 0, cells: [7, 0, 0] });
 * ```
 */
export function productionRing(config: RingConfig): RingUnderTest {
  if (config.scheme === "unbounded") return productionUnbounded(config);
  const sab = createRing({
    slots: config.slots,
    scheme: config.scheme,
    start: config.start,
    item: "int32",
  });
  const producer = new Producer<number>(sab);
  const consumer = new Consumer<number>(sab);
  const { offsets, stride, slots } = inspectRing(sab);
  const cells = new Int32Array(sab, offsets.data, slots);
  let reserved: SlotView<number> | null = null;
  let peeked: SlotView<number> | null = null;
  // The slot a view points at: its offset from slot 0.
  const slotOf = (view: SlotView<number>) =>
    ((view as Int32Array).byteOffset - offsets.data) / stride;
  return {
    reserve() {
      reserved = producer.reserve();
      return reserved === null ? null : slotOf(reserved);
    },
    write(item) {
      reserved![0] = item;
    },
    commit() {
      producer.commit();
      reserved = null;
    },
    peek() {
      peeked = consumer.peek();
      return peeked === null ? null : slotOf(peeked);
    },
    read() {
      return peeked![0]!;
    },
    release() {
      consumer.release();
      peeked = null;
    },
    tryPush: (item) => producer.tryPush(item),
    tryPop: () => consumer.tryPop(),
    snapshot() {
      const s = inspectRing(sab);
      return {
        in: s.in,
        out: s.out,
        inSlot: s.inSlot,
        outSlot: s.outSlot,
        cells: Array.from(cells),
      };
    },
  };
}

/** The model of the configuration, its options checked. */
function modelOf(options: CheckRingOptions): BufferModel {
  const { slots, items, start = 0 } = options;
  assertNumbers({ slots, items, start });
  const scheme = choice({ scheme: options.scheme ?? "textbook" }, [
    "textbook",
    "counter",
    "unbounded",
  ]);
  return checkedModel({ slots, items, scheme, start });
}

/**
 * Checks a ring against the model of the textbook bounded buffer, one
 * producer and one consumer, in lockstep.
 *
 * The model ({@linkcode boundedBuffer}) is explored breadth-first; every
 * reachable state and every step out of it (`coverage: "states"`), or every
 * maximal interleaving (`coverage: "paths"`), is also performed as calls on a
 * ring (see {@linkcode RingUnderTest} for the mapping), including the blocked
 * steps: where the model's producer must wait, `reserve()` (and `tryPush`)
 * must answer full, and likewise `peek()`/`tryPop` when empty.
 *
 * After every step the ring's state is read back through the abstraction
 * function — `in`, `out`, their slots and the slot contents from
 * {@linkcode RingUnderTest.snapshot}, with the driver's bookkeeping of what
 * it wrote and read as the ghost state — and must equal the model's state
 * and satisfy the model's invariants. The first disagreement stops the check
 * with a side-by-side trace.
 *
 * Rings are not copied: a handle keeps private state (a reserved slot, a
 * cached copy of the other side's index) that copying the bytes would lose.
 * Each step is instead checked on a fresh ring with the path to its state
 * replayed from the start (the shortest path, under `"states"`); a replay
 * must reproduce the ring's state exactly, or the check fails with
 * `replay`.
 *
 * @param options The configuration, the ring, the coverage.
 * @returns The verdict, the figures on both sides and, on failure, the trace.
 * @throws {RangeError} When `slots`, `items` or `start` is out of range.
 * @throws {TypeError} When `scheme`, `coverage` or `granularity` is unknown.
 *
 * @example Checking the production ring
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkRing } from "@ringproof/ring/model";
 *
 * const report = checkRing({ slots: 3, items: 4, scheme: "counter", start: 2 ** 32 - 3 });
 * assert.equal(report.verdict, "pass");
 * assert.equal(report.model.states, report.explored.states); // every state…
 * assert.equal(report.model.transitions, report.explored.transitions); // …and step
 * assert.ok(report.production.transitions > report.model.states);
 * ```
 *
 * @example A ring whose tryPush claims success when full
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkRing, productionRing } from "@ringproof/ring/model";
 *
 * const report = checkRing({
 *   slots: 2,
 *   items: 2,
 *   ring: (config) => {
 *     const ring = productionRing(config);
 *     return { ...ring, tryPush: (item) => ring.tryPush!(item) || true };
 *   },
 * });
 * assert.equal(report.verdict, "fail");
 * assert.equal(report.failure?.property, "enabled");
 * assert.match(report.failure!.table, /tryPush\(a1\) → true/);
 * ```
 */
export function checkRing(options: CheckRingOptions): RingCheckReport {
  assertOptionsObject(options);
  const model = modelOf(options);
  const { slots, items, scheme, start } = model.config as {
    slots: number;
    items: number;
    scheme: "textbook" | "counter" | "unbounded";
    start: number;
  };
  const coverage = choice({ coverage: options.coverage ?? "states" }, [
    "states",
    "paths",
  ]);
  let granularity = granularityOf(options.granularity);
  const maxSteps = stepLimit(options.maxSteps, 5_000_000);
  const factory = ringFactory(options.ring, {
    fallback: productionRing,
    returns: "RingUnderTest",
  });
  const config: RingConfig = { slots, scheme, start, items };
  // Coarse steps only for a ring that has them.
  const sample = factory(config);
  if (sample.tryPush === undefined || sample.tryPop === undefined) {
    granularity = "fine";
  }
  const explored = explore(model);
  const result = runLockstep({
    model,
    factory,
    config,
    items,
    coverage,
    granularity,
    consequences: options.consequences ?? true,
    maxSteps,
  });
  return {
    ...result,
    config: { slots, items, scheme, start, coverage, granularity },
    explored: { states: explored.states, transitions: explored.transitions },
  };
}
