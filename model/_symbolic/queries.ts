// Copyright 2025 the ringproof authors. MIT license.
// The proof obligations as solver queries: Init ⇒ Inv, Inv ∧ step ⇒ Inv′ for
// every step, Inv ⇒ each safety property, each with the lemma instances it
// may need; built as a proof (∀j instantiated) or as a bounded search for a
// small counterexample.

import type { ConsumerOp, ProducerOp } from "../bounded_buffer.ts";
import type { Assignment } from "./concrete.ts";
import { bareSafety, invariant, type Named, safety } from "./invariant.ts";
import { LEMMAS } from "./lemmas.ts";
import { actions, initialState } from "./relation.ts";
import { freshState, type SymState, type System } from "./state.ts";
import { consumerProgram, producerProgram, type Variant } from "./variant.ts";
import type { Formula, Int, Word } from "./z3.ts";

/** Which candidate invariant the obligations are about. */
export type Candidate = "inductive" | "safety";

/** The outcome of one obligation. */
export interface Outcome {
  kind: "lemma" | "init" | "step" | "safety";
  /** `lemma mod-succ`, `init`, `P0 write`, `bound`. */
  name: string;
  /** The obligation in symbols. */
  statement: string;
  /** For a step: the action. */
  action?: { process: "P0" | "C0"; op: ProducerOp | ConsumerOp };
  /** For a safety obligation: the property. */
  property?: string;
  /**
   * `proved` (unsat), `failed` (a counterexample), `unknown` (the solver gave
   * up), `definition` (a lemma that is the SMT-LIB definition of bit-vectors).
   */
  status: "proved" | "failed" | "unknown" | "definition";
  /** Solver seconds (both searches when a counterexample was looked for). */
  seconds: number;
  /** The conjuncts (or the property) the counterexample breaks. */
  broken?: string[];
  /** The counterexample's state: before the step, or the state itself. */
  state?: Assignment;
  /** For a failed step: the state after it. */
  next?: Assignment;
}

function conjunctsOf(candidate: Candidate) {
  return candidate === "inductive" ? invariant : bareSafety;
}

/** The terms the lemmas are instantiated at, for state `s`. */
export function instanceTerms(
  sys: System,
  s: SymState,
): { ints: Int[]; words: Word[] } {
  const { z } = sys;
  const ints: Int[] = [];
  for (const x of [s.c, s.p]) {
    for (const d of [-2, -1, 0, 1]) ints.push(x.add(d));
  }
  const words: Word[] = [];
  if (sys.variant.scheme === "counter") {
    const inW = s.in as Word;
    const outW = s.out as Word;
    words.push(inW, outW, sys.S, inW.sub(outW), inW.sub(outW).add(1));
    if (sys.variant.mutant === "modulo-index") {
      // The slots are the counters' values mod N, also at the wrap.
      ints.push(sys.toInt(inW), sys.toInt(outW), z.Int.val(2n ** 32n - 1n));
    }
  }
  return { ints, words };
}

/** The lemma instances the obligations about state `s` may need. */
function instances(sys: System, s: SymState): Formula[] {
  const { z } = sys;
  const { ints, words } = instanceTerms(sys, s);
  return LEMMAS.flatMap((lemma) =>
    lemma.about === "ground"
      ? [lemma.at(sys, z.Int.val(0))]
      : lemma.about === "mod"
      ? ints.map((x) => lemma.at(sys, x))
      : words.map((x) => lemma.at(sys, x))
  );
}

/** How a query treats `∀j`: instances (a proof), or every `j < small` (a search). */
export type Mode = "proof" | number;

/** A conjunction of named formulas, with `∀j` conjuncts instantiated at `terms`. */
function instantiated(sys: System, named: Named[], terms: Int[]): Formula {
  return sys.z.And(
    ...named.flatMap((n) =>
      n.at === undefined ? [n.formula] : terms.map((t) => n.at!(t))
    ),
  );
}

function goalAt(sys: System, named: Named[], j: Int): Formula {
  return sys.z.And(
    ...named.map((n) => n.at === undefined ? n.formula : n.at(j)),
  );
}

export interface Query {
  outcome: Omit<Outcome, "status" | "seconds">;
  /** Builds the query over a system: hypotheses and the negated goal. */
  build(sys: System, mode: Mode): {
    formula: Formula;
    state: SymState;
    next?: SymState;
    goal: (s: SymState) => Named[];
  };
}

/** Bounds on a counterexample's size, and its cells and locals typed. */
function smallBounds(sys: System, s: SymState, small: number): Formula {
  const { z, N, K } = sys;
  const cells = Array.from({ length: small }, (_, k) => {
    const v = s.cells.select(z.Int.val(k)) as Int;
    return z.Implies(N.gt(k), z.And(v.ge(-1), v.lt(K)));
  });
  return z.And(
    N.le(small),
    K.le(small),
    ...cells,
    s.nc.ge(-1),
    s.nc.lt(K),
    s.slotP.ge(0),
    s.slotP.lt(N),
    s.slotC.ge(0),
    s.slotC.lt(N),
  );
}

export function queries(variant: Variant, candidate: Candidate): Query[] {
  const conj = conjunctsOf(candidate);
  const terms = (sys: System, mode: Mode) => {
    const { z } = sys;
    const j0 = z.Int.const("j0");
    // "proof": instances of ∀j (sound: implied by it); a search: every j
    // below the item bound (exact there: j < K).
    return {
      j0,
      hyp: mode === "proof"
        ? [z.Int.val(0), j0.sub(1), j0, j0.add(1)]
        : Array.from({ length: mode }, (_, k) => z.Int.val(k)),
    };
  };
  const base = (sys: System, s: SymState, mode: Mode) =>
    sys.z.And(
      sys.params,
      ...instances(sys, s),
      ...(typeof mode === "number" ? [smallBounds(sys, s, mode)] : []),
    );
  const list: Query[] = [{
    outcome: { kind: "init", name: "init", statement: "Init ⇒ Inv" },
    build(sys, mode) {
      const s = initialState(sys);
      const { j0 } = terms(sys, mode);
      return {
        formula: sys.z.And(
          base(sys, s, mode),
          sys.z.Not(goalAt(sys, conj(sys, s), j0)),
        ),
        state: s,
        goal: (x) => conj(sys, x),
      };
    },
  }];
  for (const [index, label] of actionLabels(variant).entries()) {
    list.push({
      outcome: {
        kind: "step",
        name: `${label.process} ${label.op}`,
        statement: `Inv ∧ ${label.process} ${label.op} ⇒ Inv′`,
        action: label,
      },
      build(sys, mode) {
        const s = freshState(sys);
        const action = actions(sys, s)[index]!;
        const { j0, hyp } = terms(sys, mode);
        return {
          formula: sys.z.And(
            base(sys, s, mode),
            instantiated(sys, conj(sys, s), hyp),
            action.guard,
            sys.z.Not(goalAt(sys, conj(sys, action.next), j0)),
          ),
          state: s,
          next: action.next,
          goal: (x) => conj(sys, x),
        };
      },
    });
  }
  for (const property of ["bound", "no-unproduced", "fifo"]) {
    list.push({
      outcome: {
        kind: "safety",
        name: property,
        statement: `Inv ⇒ ${property}`,
        property,
      },
      build(sys, mode) {
        const s = freshState(sys);
        const { hyp } = terms(sys, mode);
        const prop = safety(sys, s).find((p) => p.name === property)!;
        return {
          formula: sys.z.And(
            base(sys, s, mode),
            instantiated(sys, conj(sys, s), hyp),
            sys.z.Not(prop.formula),
          ),
          state: s,
          goal: (x) => safety(sys, x).filter((p) => p.name === property),
        };
      },
    });
  }
  return list;
}

/** The processes' steps of a variant, in the relation's order. */
export function actionLabels(
  variant: Variant,
): { process: "P0" | "C0"; op: ProducerOp | ConsumerOp }[] {
  // The relation lists the producer's program, then the consumer's.
  return [
    ...producerLabels(variant),
    ...consumerLabels(variant),
  ];
}

function producerLabels(variant: Variant) {
  return producerProgram(variant).map((op) => ({ process: "P0" as const, op }));
}

function consumerLabels(variant: Variant) {
  return consumerProgram(variant).map((op) => ({ process: "C0" as const, op }));
}
