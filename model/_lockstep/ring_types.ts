// Copyright 2025 the ringproof authors. MIT license.
// The one-producer ring's conformance types: shared by the public
// conformance.ts (which re-exports them) and the lockstep driver, so neither
// imports the other.

import type { BufferState } from "../bounded_buffer.ts";

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
