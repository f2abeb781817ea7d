// Copyright 2025 the ringproof authors. MIT license.
/**
 * The explorer for models beyond memory: a depth-first search that keeps no
 * state, only a bit array (SPIN's bitstate search, or supertrace) or 64-bit
 * state signatures (hash compaction). States that hash alike are taken for
 * one, so some may be omitted: a violation it finds is real (its trace is a
 * real path), but a pass is a pass with the reported probability of
 * omission, as SPIN reports it.
 *
 * @module
 */

import type { Model, PackedModel, Report, Step } from "./types.ts";
import {
  type ApproxStore,
  BitStore,
  CompactStore,
} from "./_explore/approx_store.ts";
import { checkMaskOf, namesOf } from "./_explore/replay.ts";
import { shown } from "./_describe.ts";

/** Options for {@linkcode exploreBitstate}. */
export interface BitstateOptions {
  /** `"bitstate"` (default: k bits per state) or `"hashcompact"` (64-bit signatures). */
  mode?: "bitstate" | "hashcompact";
  /** Bitstate: the bit array holds 2^`bits` bits (SPIN's `-w`). Default 27 (16 MiB), 10 to 34. */
  bits?: number;
  /** Bitstate: bits set per state, the hash functions (SPIN's `-k`). Default 3, 1 to 16. */
  hashes?: number;
  /** Stop with verdict `"incomplete"` after this many stored states. */
  maxStates?: number;
  /** Hash each state's symmetry representative, when the model has symmetries. Default `false`. */
  symmetry?: boolean;
  /** Invariants not to check, by name. */
  ignore?: readonly string[];
}

/** What {@linkcode exploreBitstate} reports: an explorer report plus the omission estimate. */
export interface BitstateReport<S, A> extends Report<S, A> {
  /** The store used. */
  mode: "bitstate" | "hashcompact";
  /** Bitstate: bits set per state (k); hash compaction: 0. */
  hashes: number;
  /**
   * SPIN's hash factor: bits in the array per stored state (bitstate; SPIN
   * says "best if > 100"), or signature values per stored state (2^64 / n).
   */
  hashFactor: number;
  /** Estimated number of reachable states omitted (see {@linkcode BitstateReport.omissionProbability}). */
  expectedOmissions: number;
  /**
   * Estimated probability that at least one state was omitted,
   * `1 − e^(−E)` for E = {@linkcode BitstateReport.expectedOmissions}:
   * bitstate E = Σ_{i<n} (1 − e^(−k·i/m))^k (the Bloom-filter false-positive
   * rate with i of n states stored in m bits; Holzmann 1998); hash
   * compaction E = n(n − 1)/2^65 (the birthday bound for 64-bit signatures;
   * Wolper and Leroy 1993). Both assume the hashes behave as random functions.
   */
  omissionProbability: number;
}

function integerIn(name: string, value: number, min: number, max: number) {
  if (typeof value !== "number") {
    throw new TypeError(
      `Cannot explore: ${name} must be an integer from ${min} to ${max}, received ${typeof value} ${
        shown(value)
      }`,
    );
  }
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(
      `Cannot explore: ${name} must be an integer from ${min} to ${max}, received ${value}`,
    );
  }
  return value;
}

/**
 * Explores `model` depth-first, storing each state as bits (or a signature)
 * only, and checks its invariants and deadlock freedom. Traces are the DFS
 * stack: real paths, not always shortest. Needs the model's packed fast
 * path.
 *
 * @typeParam S The model's state type.
 * @typeParam A The model's action type.
 * @param model The transition system to explore.
 * @param options Mode, bit array size and hash count, state limit, symmetry, ignored invariants.
 * @returns The report of `explore()` (order `"dfs"`), plus the store's omission estimate.
 *
 * @example Bitstate finds the lost item of two unlocked producers
 * ```ts
 * import assert from "node:assert/strict";
 * import { boundedBuffer, exploreBitstate } from "@ringproof/ring/model";
 *
 * const report = exploreBitstate(boundedBuffer({ producers: 2, items: 2 }), { bits: 20 });
 * assert.equal(report.verdict, "violation");
 * assert.ok(report.hashFactor > 100);
 * assert.ok(report.omissionProbability < 1e-3);
 * ```
 */
export function exploreBitstate<S, A>(
  model: Model<S, A>,
  options: BitstateOptions = {},
): BitstateReport<S, A> {
  const pm = model.packed;
  if (pm === undefined) {
    throw new TypeError(
      "Cannot explore with bitstate: the model has no packed fast path",
    );
  }
  const mode = options.mode ?? "bitstate";
  if (mode !== "bitstate" && mode !== "hashcompact") {
    throw new TypeError(
      `Cannot explore: mode must be "bitstate" or "hashcompact", received ${
        shown(mode)
      }`,
    );
  }
  const bits = integerIn("bits", options.bits ?? 27, 10, 34);
  const hashes = integerIn("hashes", options.hashes ?? 3, 1, 16);
  const maxStates = integerIn(
    "maxStates",
    options.maxStates ?? Number.MAX_SAFE_INTEGER,
    1,
    Number.MAX_SAFE_INTEGER,
  );
  const checkMask = checkMaskOf(pm.invariantNames, options.ignore ?? []);
  const store: ApproxStore = mode === "bitstate"
    ? new BitStore(bits, hashes)
    : new CompactStore();
  const started = performance.now();
  const search = new DepthFirst(pm, store, {
    checkMask,
    maxStates,
    symmetry: (options.symmetry ?? false) && pm.canonicalize !== undefined,
  });
  search.run();
  const seconds = (performance.now() - started) / 1000;
  const states = store.count;
  const expectedOmissions = store.expectedOmissions();
  const report: BitstateReport<S, A> = {
    verdict: search.verdict,
    states,
    transitions: search.transitions,
    depth: search.maxDepth,
    seconds,
    statesPerSecond: seconds > 0 ? states / seconds : states,
    bytesPerState: states === 0 ? 0 : (store.bytes + search.bytes()) / states,
    order: "dfs",
    symmetry: search.symmetry,
    reduction: "none",
    facts: pm.factNames.map((name, i) => {
      const witness = search.witnesses[i];
      return witness === undefined
        ? { name, witnessed: false }
        : { name, witnessed: true, witness };
    }),
    mode,
    hashes: mode === "bitstate" ? hashes : 0,
    hashFactor: store.hashFactor(),
    expectedOmissions,
    omissionProbability: -Math.expm1(-expectedOmissions),
  };
  if (search.counterexample !== undefined) {
    report.violated = search.violated;
    report.invariant = search.violated[0]!;
    report.counterexample = search.counterexample;
  }
  return report;
}

interface Plan {
  readonly checkMask: number;
  readonly maxStates: number;
  readonly symmetry: boolean;
}

/**
 * The depth-first search: a stack of frames, each the state, its successors
 * and action codes, and the next successor to try.
 */
class DepthFirst<S, A> {
  readonly symmetry: boolean;
  verdict: Report<S, A>["verdict"] = "pass";
  transitions = 0;
  maxDepth = 0;
  violated: string[] = [];
  counterexample: Step<S, A>[] | undefined;
  readonly witnesses: (Step<S, A>[] | undefined)[];
  readonly #pm: PackedModel<S, A>;
  readonly #store: ApproxStore;
  readonly #plan: Plan;
  readonly #words: number;
  readonly #fan: number;
  readonly #probe: Int32Array;
  readonly #canonicalize:
    | ((state: Int32Array, offset: number) => void)
    | undefined;
  /** Per depth: the state. */
  #states = new Int32Array(0);
  /** Per depth: its successors, their action codes, how many, the next. */
  #succ = new Int32Array(0);
  #acts = new Int32Array(0);
  #counts = new Int32Array(0);
  #next = new Int32Array(0);
  /** Per depth: the action code that led to the state (-1 for a root). */
  #codes = new Int32Array(0);
  #top = -1;
  #pendingFacts: number;

  constructor(pm: PackedModel<S, A>, store: ApproxStore, plan: Plan) {
    this.#pm = pm;
    this.#store = store;
    this.#plan = plan;
    this.#words = pm.words;
    this.#fan = pm.maxSuccessors;
    this.#probe = new Int32Array(pm.words);
    this.symmetry = plan.symmetry;
    this.#canonicalize = plan.symmetry ? pm.canonicalize!.bind(pm) : undefined;
    this.witnesses = pm.factNames.map(() => undefined);
    this.#pendingFacts = (1 << pm.factNames.length) - 1;
    this.#reserve(64);
  }

  bytes(): number {
    return this.#states.byteLength + this.#succ.byteLength +
      this.#acts.byteLength + this.#counts.byteLength + this.#next.byteLength;
  }

  run(): void {
    const roots = this.#pm.initial();
    for (let at = 0; at < roots.length; at += this.#words) {
      if (!this.#visit(roots, at, -1)) return;
      while (this.#top >= 0) {
        const d = this.#top;
        const i = this.#next[d]!;
        if (i === this.#counts[d]) {
          this.#top--;
          continue;
        }
        this.#next[d] = i + 1;
        const offset = (d * this.#fan + i) * this.#words;
        if (!this.#visit(this.#succ, offset, this.#acts[d * this.#fan + i]!)) {
          return;
        }
      }
    }
  }

  /** Stores and checks a state; pushes it when new. False ends the search. */
  #visit(src: Int32Array, offset: number, code: number): boolean {
    const words = this.#words;
    let key = src;
    let at = offset;
    if (this.#canonicalize !== undefined) {
      const probe = this.#probe;
      for (let w = 0; w < words; w++) probe[w] = src[offset + w]!;
      this.#canonicalize(probe, 0);
      key = probe;
      at = 0;
    }
    if (!this.#store.add(key, at, words)) return true;
    const pm = this.#pm;
    // Push the state: successors are generated now, so a deadlock shows.
    const d = ++this.#top;
    if (d * words >= this.#states.length) this.#reserve(2 * (d + 1));
    this.#states.set(src.subarray(offset, offset + words), d * words);
    this.#codes[d] = code;
    if (d > this.maxDepth) this.maxDepth = d; // in steps
    const bad = pm.violations(this.#states, d * words) & this.#plan.checkMask;
    if (bad !== 0) {
      this.verdict = "violation";
      this.violated = namesOf(pm.invariantNames, bad);
      this.counterexample = this.#path();
      return false;
    }
    if (this.#pendingFacts !== 0) {
      const hit = pm.facts(this.#states, d * words) & this.#pendingFacts;
      for (let i = 0; hit !== 0 && i < pm.factNames.length; i++) {
        if ((hit >>> i) & 1) this.witnesses[i] = this.#path();
      }
      this.#pendingFacts &= ~hit;
    }
    const fan = this.#fan;
    const n = pm.successors(
      this.#states,
      d * words,
      this.#succ.subarray(d * fan * words, (d + 1) * fan * words),
      this.#acts.subarray(d * fan, (d + 1) * fan),
    );
    this.transitions += n;
    this.#counts[d] = n;
    this.#next[d] = 0;
    if (n === 0 && !pm.isEnd(this.#states, d * words)) {
      this.verdict = "deadlock";
      this.violated = ["deadlock-free"];
      this.counterexample = this.#path();
      return false;
    }
    if (this.#store.count >= this.#plan.maxStates) {
      this.verdict = "incomplete";
      return false;
    }
    return true;
  }

  /** The stack as a trace. */
  #path(): Step<S, A>[] {
    const pm = this.#pm;
    const words = this.#words;
    const steps: Step<S, A>[] = [];
    for (let d = 0; d <= this.#top; d++) {
      steps.push({
        action: d === 0
          ? null
          : pm.action(this.#codes[d]!, this.#states, (d - 1) * words),
        state: pm.decode(this.#states, d * words),
      });
    }
    return steps;
  }

  #reserve(depth: number): void {
    const words = this.#words;
    const fan = this.#fan;
    const grow = (old: Int32Array, size: number) => {
      const bigger = new Int32Array(size);
      bigger.set(old);
      return bigger;
    };
    this.#states = grow(this.#states, depth * words);
    this.#succ = grow(this.#succ, depth * fan * words);
    this.#acts = grow(this.#acts, depth * fan);
    this.#counts = grow(this.#counts, depth);
    this.#next = grow(this.#next, depth);
    this.#codes = grow(this.#codes, depth);
  }
}
