// Copyright 2025 the ringproof authors. MIT license.
/**
 * Proof mode: checks an inductive invariant over every state of a bounded
 * domain — reachable or not — by its three obligations `Init ⇒ Inv`,
 * `Inv ∧ Next ⇒ Inv′` and `Inv ⇒ Safety`, and gives a counterexample to
 * induction when one fails.
 *
 * @module
 */

import type { Model } from "./types.ts";
import {
  boundedBuffer,
  type BufferAction,
  type BufferOptions,
  type BufferState,
} from "./bounded_buffer.ts";
import { MachineState } from "./_machine/state.ts";
import { decode, domain, domainSize } from "./_machine/codec.ts";
import { shown } from "./_describe.ts";

/** What {@linkcode prove} checks. */
export interface ProofProblem<S, A> {
  /** The transition system (`initial`, `actions`, `step`). */
  model: Model<S, A>;
  /** Every state of the bounded domain, reachable or not. */
  domain(): Iterable<S>;
  /** How many states {@linkcode ProofProblem.domain} yields, if known. */
  domainSize?: number;
  /** The candidate inductive invariant's name, for reports. */
  invariantName: string;
  /** The candidate inductive invariant. */
  invariant(state: S): boolean;
  /** The safety properties the invariant must imply. */
  safety: Record<string, (state: S) => boolean>;
}

/** A counterexample to one obligation. */
export interface ProofCounterexample<S, A> {
  /** The state: an initial state violating Inv, an Inv state, or an Inv state violating safety. */
  state: S;
  /** For `"step"`: the step taken from it. */
  action?: A;
  /** For `"step"`: the state after the step, which violates Inv. */
  next?: S;
  /** For `"safety"`: the violated property. */
  property?: string;
}

/** One proof obligation and its outcome. */
export interface Obligation<S, A> {
  /** `"init"`, `"step"` or `"safety"`. */
  name: "init" | "step" | "safety";
  /** The obligation in symbols, e.g. `Inv ∧ Next ⇒ Inv′`. */
  statement: string;
  /** Whether it holds over the whole bounded domain. */
  proved: boolean;
  /** States (`init`, `safety`) or transitions (`step`) checked. */
  checked: number;
  /** The first counterexample found, when not proved. */
  counterexample?: ProofCounterexample<S, A>;
}

/** What {@linkcode prove} reports. */
export interface ProofReport<S, A> {
  /** The candidate invariant's name. */
  invariantName: string;
  /** Whether every obligation holds. */
  proved: boolean;
  /** Domain states enumerated. */
  domainStates: number;
  /** Domain states satisfying the invariant. */
  invariantStates: number;
  /** Wall-clock seconds. */
  seconds: number;
  /** `init`, `step`, `safety`, in that order. */
  obligations: Obligation<S, A>[];
}

/**
 * Checks the three obligations of an inductive invariant over every state of
 * a bounded domain. Each obligation is reported as proved (for that bound) or
 * with its first counterexample; a failed `step` obligation is a
 * counterexample to induction: a state satisfying the invariant and a step
 * out of it.
 *
 * @typeParam S The state type.
 * @typeParam A The action type.
 * @param problem The model, the domain, the invariant and the safety properties.
 * @returns One entry per obligation, plus the figures.
 *
 * @example A counter that stays below 3 — but the bare property is not inductive
 * ```ts
 * import assert from "node:assert/strict";
 * import { type Model, prove } from "@ringproof/ring/model";
 *
 * // x starts at 0 and steps by 2 (mod 8): it only ever takes 0, 2, 4, 6.
 * const model: Model<number, "add"> = {
 *   initial: () => [0],
 *   actions: () => ["add"],
 *   step: (x) => (x + 2) % 8,
 *   encode: String,
 *   invariants: {},
 * };
 * const domain = () => [0, 1, 2, 3, 4, 5, 6, 7];
 * const safety = { "x != 5": (x: number) => x !== 5 };
 * const even = prove({
 *   model, domain, safety, invariantName: "x is even",
 *   invariant: (x) => x % 2 === 0,
 * });
 * assert.equal(even.proved, true);
 * const bare = prove({
 *   model, domain, safety, invariantName: "x != 5",
 *   invariant: (x) => x !== 5,
 * });
 * assert.equal(bare.proved, false);
 * assert.deepEqual(bare.obligations[1]?.counterexample, { state: 3, action: "add", next: 5 });
 * ```
 */
export function prove<S, A>(problem: ProofProblem<S, A>): ProofReport<S, A> {
  const started = performance.now();
  const { model, invariant } = problem;
  const init: Obligation<S, A> = {
    name: "init",
    statement: "Init ⇒ Inv",
    proved: true,
    checked: 0,
  };
  const step: Obligation<S, A> = {
    name: "step",
    statement: "Inv ∧ Next ⇒ Inv′",
    proved: true,
    checked: 0,
  };
  const safety: Obligation<S, A> = {
    name: "safety",
    statement: "Inv ⇒ Safety",
    proved: true,
    checked: 0,
  };
  for (const state of model.initial()) {
    init.checked++;
    if (init.proved && !invariant(state)) {
      init.proved = false;
      init.counterexample = { state };
    }
  }
  const properties = Object.entries(problem.safety);
  let domainStates = 0;
  let invariantStates = 0;
  for (const state of problem.domain()) {
    domainStates++;
    if (!invariant(state)) continue;
    invariantStates++;
    safety.checked++;
    if (safety.proved) {
      const broken = properties.find(([, holds]) => !holds(state));
      if (broken !== undefined) {
        safety.proved = false;
        safety.counterexample = { state, property: broken[0] };
      }
    }
    if (!step.proved) continue;
    for (const action of model.actions(state)) {
      step.checked++;
      const next = model.step(state, action);
      if (!invariant(next)) {
        step.proved = false;
        step.counterexample = { state, action, next };
        break;
      }
    }
  }
  return {
    invariantName: problem.invariantName,
    proved: init.proved && step.proved && safety.proved,
    domainStates,
    invariantStates,
    seconds: (performance.now() - started) / 1000,
    obligations: [init, step, safety],
  };
}

/** Which candidate invariant {@linkcode bufferProof} checks. */
export type BufferInvariant = "inductive" | "safety";

/**
 * The inductive invariant of the single-producer/single-consumer bounded
 * buffer (schemes `"textbook"` and `"counter"`). With `p` items produced,
 * `c` consumed, `pub` published (`p`, less one while the producer is about to
 * publish) and `rel` released (`c`, less one while the consumer is about to
 * release):
 *
 * 1. no ghost flag is set;
 * 2. `rel <= c <= pub <= p <= items`, and the program counters agree
 *    (`wait`/`write` ⇒ `p < items`, `done` ⇒ `p == items`, `publish` ⇒
 *    `p >= 1`);
 * 3. `in` and `out` encode `pub` and `rel` (mod `BUFFER_SIZE` for
 *    `"textbook"`; `start + pub` as a 32-bit counter for `"counter"`);
 * 4. `0 <= pub - rel <= capacity`; `pub - rel <= capacity - 1` once the
 *    producer has passed its wait; `pub - rel >= 1` once the consumer has
 *    passed its wait;
 * 5. every produced, unconsumed item `i` (`c <= i < p`) is in cell
 *    `i mod BUFFER_SIZE`;
 * 6. the consumer's `next_consumed` is item `c - 1` while it is about to
 *    release, and nothing otherwise.
 *
 * @param options The buffer's parameters: `slots`, `items`, `scheme`, `start`.
 * @returns The predicate over {@linkcode BufferState}.
 * @throws {RangeError} For a scheme other than `"textbook"` and `"counter"`.
 *
 * @example The initial state satisfies it
 * ```ts
 * import assert from "node:assert/strict";
 * import { boundedBuffer, spscInvariant } from "@ringproof/ring/model";
 *
 * const model = boundedBuffer({ slots: 3, items: 2 });
 * const [initial] = [...model.initial()];
 * assert.equal(spscInvariant({ slots: 3, items: 2 })(initial!), true);
 * ```
 */
export function spscInvariant(
  options: Pick<BufferOptions, "slots" | "items" | "scheme" | "start">,
): (state: BufferState) => boolean {
  const scheme = options.scheme ?? "textbook";
  // The unbounded scheme has no capacity: this invariant says nothing of it.
  if (scheme !== "textbook" && scheme !== "counter") {
    throw new RangeError(
      `Cannot build proof: spscInvariant covers schemes textbook and counter, received ${
        shown(scheme)
      }`,
    );
  }
  const slots = options.slots ?? 4;
  const items = options.items ?? 3;
  const start = options.start ?? 0;
  const counter = scheme === "counter";
  const capacity = counter ? slots : slots - 1;
  return (s) => {
    const producer = s.producers[0]!;
    const consumer = s.consumers[0]!;
    if (s.flags.unproduced || s.flags.fifo || s.flags.duplicate) return false;
    const p = producer.produced;
    const c = consumer.seen[0]!;
    const pub = p - (producer.pc === "publish" ? 1 : 0);
    const rel = c - (consumer.pc === "release" ? 1 : 0);
    if (!(0 <= rel && c <= pub && p <= items)) return false;
    const pcAgrees = producer.pc === "done"
      ? p === items
      : producer.pc === "publish"
      ? p >= 1
      : p < items;
    if (!pcAgrees) return false;
    const indices = counter
      ? s.in === ((start + pub) >>> 0) && s.out === ((start + rel) >>> 0)
      : s.in === pub % slots && s.out === rel % slots;
    if (!indices) return false;
    const count = pub - rel;
    const passedFull = producer.pc === "write" || producer.pc === "publish";
    if (count < 0 || count > (passedFull ? capacity - 1 : capacity)) {
      return false;
    }
    if (consumer.pc === "read" && count < 1) return false;
    for (let i = c; i < p; i++) {
      const cell = s.cells[i % slots];
      if (cell?.producer !== 0 || cell.seq !== i) return false;
    }
    const next = consumer.nextConsumed;
    return consumer.pc === "release"
      ? next?.producer === 0 && next.seq === c - 1
      : next === null;
  };
}

/**
 * The proof problem for the single-producer/single-consumer bounded buffer
 * without a lock: the safety properties `bound` and `no-unproduced`, over
 * every assignment of the model's variables within their ranges.
 *
 * With `invariant: "inductive"` the candidate is {@linkcode spscInvariant},
 * which is inductive; with `"safety"` it is the bare safety property, which
 * is not: {@linkcode prove} then finds a counterexample to induction.
 *
 * @param options `slots`, `items`, `scheme` (`"textbook"` or `"counter"`) and `start`.
 * @param proof Which candidate invariant to check.
 * @returns A {@linkcode ProofProblem} for {@linkcode prove}.
 * @throws {RangeError} For several processes, a lock, a mutant or the `"unbounded"` scheme.
 *
 * @example Proving the textbook buffer with 2 slots and 2 items
 * ```ts
 * import assert from "node:assert/strict";
 * import { bufferProof, prove } from "@ringproof/ring/model";
 *
 * const report = prove(bufferProof({ slots: 2, items: 2 }));
 * assert.equal(report.proved, true);
 * const bare = prove(bufferProof({ slots: 2, items: 2 }, { invariant: "safety" }));
 * assert.equal(bare.obligations[1]?.proved, false); // not inductive
 * ```
 */
export function bufferProof(
  options: BufferOptions = {},
  proof: { invariant?: BufferInvariant } = {},
): ProofProblem<BufferState, BufferAction> {
  const model = boundedBuffer(options);
  const { config } = model;
  if (
    config.producers !== 1 || config.consumers !== 1 ||
    config.sync !== "none" || config.mutant !== undefined ||
    config.scheme === "unbounded"
  ) {
    throw new RangeError(
      "Cannot build proof: proof mode covers one producer, one consumer, sync none, no mutant, scheme textbook or counter",
    );
  }
  const kind = proof.invariant ?? "inductive";
  if (kind !== "inductive" && kind !== "safety") {
    throw new TypeError(
      `Cannot build proof: invariant must be "inductive" or "safety", received ${
        shown(kind)
      }`,
    );
  }
  const machine = new MachineState(config);
  const safety: Record<string, (state: BufferState) => boolean> = {
    "bound": (s) => s.itemsInBuffer <= model.capacity,
    "no-unproduced": (s) => !s.flags.unproduced,
  };
  const bare = (s: BufferState) => safety["bound"]!(s) && !s.flags.unproduced;
  return {
    model,
    *domain() {
      for (const words of domain(machine)) yield decode(machine, words, 0);
    },
    domainSize: domainSize(machine),
    invariantName: kind === "inductive"
      ? "inductive invariant (spscInvariant)"
      : "bare safety: bound ∧ no-unproduced",
    invariant: kind === "inductive" ? spscInvariant(config) : bare,
    safety,
  };
}
