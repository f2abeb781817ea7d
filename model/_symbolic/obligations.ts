// Copyright 2025 the ringproof authors. MIT license.
// The proof obligations and how each is put to the solver: Init ⇒ Inv,
// Inv ∧ step ⇒ Inv′ for every step, Inv ⇒ each safety property, plus the
// lemmas the step obligations rely on. A failed obligation is searched again
// with Z3's real `mod` and `bv2int` for a small concrete counterexample.

import { type Assignment, readState } from "./concrete.ts";
import { type ConcreteSystem, concreteSystem } from "./concrete_check.ts";
import { LEMMAS } from "./lemmas.ts";
import {
  type Candidate,
  instanceTerms,
  type Outcome,
  queries,
  type Query,
} from "./queries.ts";
import { type System, system } from "./state.ts";
import type { Variant } from "./variant.ts";
import { type Formula, solve, type Z3 } from "./z3.ts";

/** Options of {@linkcode discharge}. */
export interface DischargeOptions {
  /** The candidate invariant. Default `"inductive"`. */
  candidate?: Candidate;
  /** Extra assumptions on the parameters (e.g. BUFFER_SIZE divides 2^32). */
  assume?: (sys: System) => Formula;
  /** Per-query timeout in milliseconds. Default 30000. */
  timeout?: number;
  /** Largest BUFFER_SIZE and item count a counterexample is first looked for in. Default 6. */
  small?: number;
}

/**
 * Z3's work budget for one counterexample search (one size). The searches
 * the mutants need use at most about 120,000 units; a budget rather than a
 * short timeout keeps the verdicts the same on a loaded machine (a 5 s
 * timeout turned `counter no-full-check` into "not proved" at load 37).
 */
const SEARCH_RLIMIT = 1_000_000;

const lemmaCache = new Map<string, Promise<Outcome[]>>();
const concreteCache = new Map<string, ConcreteSystem>();

function concreteOf(z: Z3, variant: Variant): ConcreteSystem {
  const key = `${variant.scheme} ${variant.mutant}`;
  let found = concreteCache.get(key);
  if (found === undefined) {
    found = concreteSystem(z, variant);
    concreteCache.set(key, found);
  }
  return found;
}

/** The outcome for a candidate counterexample, if it is one on the concrete state. */
function confirmed(
  query: Query,
  concrete: ConcreteSystem,
  candidate: Candidate,
  state: Assignment,
  seconds: number,
): Outcome | undefined {
  const { kind } = query.outcome;
  const base = { ...query.outcome, status: "failed" as const, seconds };
  if (kind === "init") {
    const init = concrete.initial(state);
    const broken = concrete.broken(init, candidate);
    return broken.length > 0 ? { ...base, broken, state: init } : undefined;
  }
  if (concrete.broken(state, candidate).length > 0) return undefined;
  if (kind === "safety") {
    const property = query.outcome.property!;
    return concrete.unsafe(state).includes(property)
      ? { ...base, broken: [property], state }
      : undefined;
  }
  const { process, op } = query.outcome.action!;
  const move = concrete.successors(state).find((m) =>
    m.process === process && m.op === op
  );
  if (move?.next == null) return undefined;
  const broken = concrete.broken(move.next, candidate);
  return broken.length > 0
    ? { ...base, broken, state, next: move.next }
    : undefined;
}

/** The lemmas' obligations, proved with Z3's real `mod` and `bv2int`. */
async function proveLemmas(
  z: Z3,
  variant: Variant,
  timeout: number,
): Promise<Outcome[]> {
  const sys = system(z, variant, "mod");
  const out: Outcome[] = [];
  for (const lemma of LEMMAS) {
    const words = lemma.about === "word" || lemma.name === "word-zero";
    if (words && variant.scheme !== "counter") continue;
    if (lemma.by === "definition") {
      out.push({
        kind: "lemma",
        name: `lemma ${lemma.name}`,
        statement: lemma.statement,
        status: "definition",
        seconds: 0,
      });
      continue;
    }
    const x = lemma.about === "word"
      ? z.BitVec.const("w", 32)
      : z.Int.const("x");
    const cases = lemma.cases?.(sys) ??
      [[sys.N.ge(2), z.Not(lemma.at(sys, x))]];
    let proved = true;
    let seconds = 0;
    for (const formulas of cases) {
      const answer = await solve(z, formulas, { timeout });
      seconds += answer.seconds;
      if (answer.result !== "unsat") proved = false;
    }
    out.push({
      kind: "lemma",
      name: `lemma ${lemma.name}`,
      statement: lemma.statement,
      status: proved ? "proved" : "unknown",
      seconds,
    });
  }
  return out;
}

/**
 * Discharges every obligation of a variant's candidate invariant, for every
 * BUFFER_SIZE and item count (and, for counters, every start).
 */
export async function discharge(
  z: Z3,
  variant: Variant,
  options: DischargeOptions = {},
): Promise<Outcome[]> {
  const candidate = options.candidate ?? "inductive";
  const timeout = options.timeout ?? 30_000;
  const smallSize = options.small ?? 6;
  // The lemmas depend only on the scheme: proved once per run.
  const key = variant.scheme;
  let lemmas = lemmaCache.get(key);
  if (lemmas === undefined) {
    lemmas = proveLemmas(z, variant, timeout);
    lemmaCache.set(key, lemmas);
  }
  const outcomes = [...await lemmas];
  const lemmaSys = system(z, variant, "lemmas");
  const realSys = system(z, variant, "bits");
  for (const query of queries(variant, candidate)) {
    const assume = (sys: System) =>
      options.assume?.(sys) ?? sys.z.Bool.val(true);
    const first = query.build(lemmaSys, "proof");
    const proof = await solve(z, [first.formula, assume(lemmaSys)], {
      timeout,
    });
    let seconds = proof.seconds;
    if (proof.result === "unsat") {
      outcomes.push({ ...query.outcome, status: "proved", seconds });
      continue;
    }
    // Look for a small counterexample with the lemmas, checked exactly on
    // the concrete state; then with Z3's real functions, small, then any size.
    let found: Outcome | undefined;
    const concrete = concreteOf(z, variant);
    // One size at a time, `modN` pinned to the real `mod` at the terms it
    // is used at (linear for a fixed N).
    for (let size = 2; size <= smallSize && found === undefined; size++) {
      const small = query.build(lemmaSys, smallSize);
      const { ints } = instanceTerms(lemmaSys, small.state);
      const exact = ints.map((x) => lemmaSys.modN(x).eq(x.mod(size)));
      const quick = await solve(
        z,
        [small.formula, assume(lemmaSys), lemmaSys.N.eq(size), ...exact],
        {
          timeout,
          rlimit: SEARCH_RLIMIT,
          read: (model) => readState(lemmaSys, model, small.state),
        },
      );
      seconds += quick.seconds;
      if (quick.value === undefined) continue;
      found = confirmed(query, concrete, candidate, quick.value, seconds);
    }
    // With Z3's real `mod` and the words' bits, one size at a time.
    for (let size = 2; size <= smallSize && found === undefined; size++) {
      const built = query.build(realSys, smallSize);
      const search = await solve(
        z,
        [built.formula, assume(realSys), realSys.N.eq(size)],
        {
          timeout,
          rlimit: SEARCH_RLIMIT,
          read: (model) => readState(realSys, model, built.state),
        },
      );
      seconds += search.seconds;
      if (search.value === undefined) continue;
      found = confirmed(query, concrete, candidate, search.value, seconds);
    }
    outcomes.push(found ?? { ...query.outcome, status: "unknown", seconds });
  }
  return outcomes;
}
