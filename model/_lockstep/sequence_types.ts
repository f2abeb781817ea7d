// Copyright 2025 the ringproof authors. MIT license.
// The sequence ring's conformance types: shared by the public
// conformance_sequence.ts (which re-exports them) and its lockstep driver, so
// neither imports the other.

/** Which shared position a step works on: `in` (producers) or `out` (consumers). */
export type SequenceSide = "in" | "out";

/** What a slot's sequence number says to the process holding position p. */
export type SequenceProbe = "ready" | "blocked" | "taken";

/** What the abstraction function reads from a sequence ring. */
export interface SequenceObservation {
  /** The producers' shared position. */
  readonly in: number;
  /** The consumers' shared position. */
  readonly out: number;
  /** Each slot's sequence number. */
  readonly sequences: readonly number[];
  /** The raw int32 contents of the slots (0 for a slot never written). */
  readonly cells: readonly number[];
}

/** How {@linkcode checkSequenceRing} asks for a fresh ring. */
export interface SequenceRingConfig {
  /** The textbook's `BUFFER_SIZE`. */
  readonly slots: number;
  /** The positions' initial value. */
  readonly start: number;
  /** Producer processes. */
  readonly producers: number;
  /** Consumer processes. */
  readonly consumers: number;
}

/**
 * A sequence ring driven by {@linkcode checkSequenceRing}, in one thread,
 * one call per step of the model's programs. Items are nonzero int32
 * values; a slot never written reads 0.
 *
 * | model step                      | call                              |
 * | ------------------------------- | --------------------------------- |
 * | `load` (copy `in` / `out`)      | `load(side)`                      |
 * | `wait` (read the slot's number) | `probe(side, p)`                  |
 * | `claim` (compareExchange)       | `claim(side, p)`                  |
 * | producer `write`                | `write(p, item)`                  |
 * | producer `publish`              | `publish(p)`                      |
 * | consumer `read`                 | `read(p)`                         |
 * | consumer `release`              | `release(p)`                      |
 * | a producer's five steps         | `tryPush(process, item)` (optional) |
 * | a consumer's five steps         | `tryPop(process)` (optional)      |
 */
export interface SequenceRingUnderTest {
  /** Step `load`: the current `in` (producers) or `out` (consumers). */
  load(side: SequenceSide): number;
  /** Step `wait`: what position p's slot says to that side. */
  probe(side: SequenceSide, p: number): SequenceProbe;
  /** Step `claim`: compareExchange of `in` (`out`) from p to p + 1; true on success. */
  claim(side: SequenceSide, p: number): boolean;
  /** Step `write`: stores the item in p's slot. */
  write(p: number, item: number): void;
  /** Step `publish`: hands p's slot to the consumers. */
  publish(p: number): void;
  /** Step `read`: the item in p's slot. */
  read(p: number): number;
  /** Step `release`: frees p's slot for the next lap. */
  release(p: number): void;
  /** A producer process's five steps in one call; false when full. */
  tryPush?(process: number, item: number): boolean;
  /** A consumer process's five steps in one call; undefined when empty. */
  tryPop?(process: number): number | undefined;
  /** The abstraction function's input: the ring's state now. */
  observe(): SequenceObservation;
  /** A copy of the ring's whole state, for {@linkcode SequenceRingUnderTest.restore}. */
  save(): unknown;
  /** Puts back a state {@linkcode SequenceRingUnderTest.save} returned. */
  restore(saved: unknown): void;
}

/** Makes a fresh, empty {@linkcode SequenceRingUnderTest}. */
export type SequenceRingFactory = (
  config: SequenceRingConfig,
) => SequenceRingUnderTest;

/** Options for {@linkcode checkSequenceRing}. */
export interface CheckSequenceRingOptions {
  /** The textbook's `BUFFER_SIZE`, 2 to 64. */
  slots: number;
  /** Items each producer produces, 1 to 31. */
  items: number;
  /** Producer processes, 1 to 8. Default 2. */
  producers?: number;
  /** Consumer processes, 1 to 8. Default 2. */
  consumers?: number;
  /** The positions' initial value, e.g. just below their wrap. Default 0. */
  start?: number;
  /**
   * `"states"` (default): every reachable model state and every step out of
   * it. `"paths"`: every maximal interleaving, one by one (grows
   * exponentially with `items`; meant for 1 or 2 items).
   */
  coverage?: "states" | "paths";
  /**
   * `"fine"`: the model's one-access steps; `"coarse"`: only
   * `tryPush`/`tryPop`; `"mixed"` (default): both, at every state.
   */
  granularity?: "fine" | "coarse" | "mixed";
  /** Makes the ring under test. Default {@linkcode productionSequenceRing}. */
  ring?: SequenceRingFactory;
  /** Stop with verdict `"incomplete"` after this many checked steps. Default 2,000,000. */
  maxSteps?: number;
  /**
   * On a disagreement, also explore the ring on its own (no model in
   * control) for the first model invariant it breaks. Default `true`.
   */
  consequences?: boolean;
}

/** One row of a side-by-side trace. */
export interface SequenceRow {
  /** 0 for the initial state, then 1, 2, … */
  readonly step: number;
  /** `"P0"`, `"C1"`, …, or `"-"` for the initial state. */
  readonly process: string;
  /** The model's description of the step. */
  readonly model: string;
  /** The call on the ring and its result. */
  readonly call: string;
  /** The ring's state after the call (absent when it threw). */
  readonly observation?: SequenceObservation;
  /** The model state's fields the ring disagrees with. */
  readonly differing: readonly string[];
}

/** Where and how the ring disagreed with the model. */
export interface SequenceFailure {
  /**
   * A model invariant broken on the ring's state, `enabled` (one side
   * blocks a step the other takes), a differing field (`in`, `seq[1]`,
   * `cells[0]`, `C1.nextConsumed`, …), or `error` (the ring threw).
   */
  readonly property: string;
  /** A sentence naming the step and both sides' values. */
  readonly message: string;
  /** The steps from the initial state to the failing one. */
  readonly trace: readonly SequenceRow[];
  /** The trace as a side-by-side table, ending with the message. */
  readonly table: string;
  /** What the ring breaks on its own, when `consequences` is on. */
  consequence?: SequenceConsequence;
}

/** What the sequence ring breaks when it runs on its own: see {@linkcode SequenceFailure.consequence}. */
export interface SequenceConsequence {
  /** The first model invariant broken (or `"deadlock-free"`, `"error"`), or `null` when none within the bound. */
  property: string | null;
  /** A sentence saying what happened. */
  message: string;
  /** A shortest trace of the ring alone to the violation (empty when none); `model` is empty. */
  trace: SequenceRow[];
  /** The trace as a table. */
  table: string;
  /** Ring states explored on its own. */
  states: number;
}

/** What {@linkcode checkSequenceRing} reports. */
export interface SequenceCheckReport {
  /** `"pass"`, `"fail"` (see `failure`) or `"incomplete"` (`maxSteps` reached). */
  verdict: "pass" | "fail" | "incomplete";
  /** The configuration checked. */
  config: {
    slots: number;
    items: number;
    producers: number;
    consumers: number;
    start: number;
    coverage: "states" | "paths";
    granularity: "fine" | "coarse" | "mixed";
  };
  /**
   * The model side: distinct states reached, distinct one-access steps
   * taken, and distinct coarse steps (`tryPush`/`tryPop`).
   */
  model: { states: number; transitions: number; coarse: number };
  /** The same model explored by {@linkcode explore}, for comparison. */
  explored: { states: number; transitions: number };
  /** The ring side: steps performed and checked, of which blocked. */
  production: { steps: number; blocked: number };
  /** `coverage: "paths"`: maximal interleavings performed. */
  paths?: number;
  /** Wall-clock seconds. */
  seconds: number;
  /** On `"fail"`. */
  failure?: SequenceFailure;
}
