// Copyright 2025 the ringproof authors. MIT license.
// The symbolic formulas evaluated on concrete states (compiled once from
// Z3's own text of each formula, see evaluate.ts): the candidate invariant,
// the safety properties, and each action's guard and next state. Used to
// confirm counterexamples exactly and by the agreement test.

import type { Assignment } from "./concrete.ts";
import { compile, type Env, type Value } from "./evaluate.ts";
import { bareSafety, invariant, type Named, safety } from "./invariant.ts";
import { actions, initialState } from "./relation.ts";
import { freshState, type SymState, system, varNames } from "./state.ts";
import type { Variant } from "./variant.ts";
import type { Z3 } from "./z3.ts";

type Fn = (env: Env) => Value;

/** A predicate compiled per conjunct; `∀j` conjuncts carry their body at `j`. */
interface CompiledNamed {
  name: string;
  holds: Fn;
  forAll: boolean;
}

/** The compiled formulas of one variant. */
export interface ConcreteSystem {
  /** The conjuncts of the candidate invariant that fail in `a` (empty: it holds). */
  broken(a: Assignment, candidate: "inductive" | "safety"): string[];
  /** The safety properties that fail in `a`. */
  unsafe(a: Assignment): string[];
  /** The initial state for the parameters of `a`. */
  initial(a: Pick<Assignment, "N" | "K" | "start">): Assignment;
  /** The actions, in order: each `{ process, op }`, and its successor (or null when disabled). */
  successors(a: Assignment): {
    process: string;
    op: string;
    next: Assignment | null;
  }[];
}

/** The environment of an assignment: the constants' values by their names. */
export function envOf(a: Assignment, j = 0): Env {
  const cells = a.cells;
  return {
    N: a.N,
    K: a.K,
    start: a.start,
    in: a.in,
    out: a.out,
    inSlot: a.inSlot,
    outSlot: a.outSlot,
    cells: (k: number) => cells[k] ?? -1,
    pcP: a.pcP,
    pcC: a.pcC,
    p: a.p,
    c: a.c,
    nc: a.nc,
    fU: a.fU,
    fF: a.fF,
    fD: a.fD,
    slotP: a.slotP,
    slotC: a.slotC,
    j,
  };
}

function compileNamed(named: Named[], j: SymState["p"]): CompiledNamed[] {
  return named.map((n) => ({
    name: n.name,
    holds: compile((n.at === undefined ? n.formula : n.at(j)).sexpr()),
    forAll: n.at !== undefined,
  }));
}

function failing(list: CompiledNamed[], a: Assignment): string[] {
  // A ∀j conjunct's body holds outside 0 <= j < K (its range is within
  // [0, p - rel) with 0 <= rel and p <= K whenever `counts` holds; when it
  // does not, the invariant fails anyway): checking j in [0, K] is exact.
  return list.filter((n) => {
    if (!n.forAll) return n.holds(envOf(a)) !== true;
    for (let j = 0; j <= Math.max(a.K, 0); j++) {
      if (n.holds(envOf(a, j)) !== true) return true;
    }
    return false;
  }).map((n) => n.name);
}

/** Compiles the variant's formulas (Z3's real `mod` and `bv2int`). */
export function concreteSystem(z: Z3, variant: Variant): ConcreteSystem {
  const sys = system(z, variant, "mod");
  const s = freshState(sys);
  const j = z.Int.const("j");
  const inductive = compileNamed(invariant(sys, s), j);
  const bare = compileNamed(bareSafety(sys, s), j);
  const props = compileNamed(safety(sys, s), j);
  const names = varNames(variant);
  const compileState = (state: SymState) => {
    const parts = names.map((name) =>
      [name, compile(state[name].sexpr())] as const
    );
    return (a: Assignment): Assignment => {
      const env = envOf(a);
      const next: Assignment = { ...a, cells: [...a.cells] };
      for (const [name, fn] of parts) {
        const value = fn(env);
        if (name === "cells") {
          const cells = value as (k: number) => number;
          next.cells = a.cells.map((_, k) => cells(k));
        } else {
          (next as unknown as Record<string, Value>)[name] = value;
        }
      }
      // Textbook: the slots are `in` and `out` themselves.
      if (variant.scheme === "textbook") {
        next.inSlot = next.in;
        next.outSlot = next.out;
      }
      return next;
    };
  };
  const moves = actions(sys, s).map((action) => ({
    process: action.process,
    op: action.op,
    guard: compile(action.guard.sexpr()),
    next: compileState(action.next),
  }));
  const init = compileState(initialState(sys));
  return {
    broken: (a, candidate) =>
      failing(candidate === "inductive" ? inductive : bare, a),
    unsafe: (a) => failing(props, a),
    initial: (params) =>
      init({
        ...params,
        in: 0,
        out: 0,
        inSlot: 0,
        outSlot: 0,
        cells: Array.from({ length: params.N }, () => -1),
        pcP: 0,
        pcC: 0,
        p: 0,
        c: 0,
        nc: -1,
        fU: false,
        fF: false,
        fD: false,
        slotP: 0,
        slotC: 0,
      }),
    successors: (a) =>
      moves.map((move) => ({
        process: move.process,
        op: move.op,
        next: move.guard(envOf(a)) === true ? move.next(a) : null,
      })),
  };
}
