// Copyright 2025 the ringproof authors. MIT license.
// Facts about `mod N` and 32-bit words that the step obligations use in
// place of nonlinear arithmetic and bit-blasting. The `mod N` lemmas are
// proved once, for every N >= 2 and every x, with Z3's own `mod`; the word
// lemmas are the SMT-LIB definitions of bv2nat, bvadd and bvsub (Z3 does not
// prove them about its `bv2int` in reasonable time; the agreement test checks
// them on concrete words). The obligations treat `modN` and `toInt` as
// uninterpreted functions and assume only ground instances of these lemmas.
// That is sound: the real functions satisfy every instance, so a query that
// is unsatisfiable for all functions satisfying them is unsatisfiable for the
// real ones.

import type { System } from "./state.ts";
import { wrap } from "./relation.ts";
import type { Formula, Int, Word } from "./z3.ts";

const TOP = 2n ** 32n - 1n;

/** A lemma: its statement for Z3's real functions, and its instances. */
export interface Lemma {
  name: string;
  /** The statement in symbols, for reports. */
  statement: string;
  /** The statement over `sys`'s functions, at a term (an Int or a word). */
  at(sys: System, x: Int | Word): Formula;
  /** Whether it is about `mod N` (Int terms), words, or a ground fact. */
  about: "mod" | "word" | "ground";
  /** How it is established: by the solver, or by the SMT-LIB definition of bit-vectors. */
  by: "solver" | "definition";
  /**
   * For a lemma proved by the solver in cases: each case's formulas, all
   * unsatisfiable together (default: one query, `N >= 2` and the negated
   * statement with Z3's `mod`).
   */
  cases?: (sys: System) => Formula[][];
}

/**
 * mod-succ's cases in division form: `r` and `r1` are the remainders of `x`
 * and `x + 1` (`x = N·q + r`, `0 ≤ r < N`: the SMT-LIB definition of `mod`
 * for N > 0), and `r + 1` is below N or equal to it. Z3 answers these in
 * well under a second; the statement with its `mod` took it 1 to 11 s.
 */
function modSuccCases(sys: System): Formula[][] {
  const { z, N } = sys;
  const [x, q, r, q1, r1] = ["x", "q", "r", "q1", "r1"].map((name) =>
    z.Int.const(name)
  ) as [Int, Int, Int, Int, Int];
  const division = [
    N.ge(2),
    x.eq(N.mul(q).add(r)),
    r.ge(0),
    r.lt(N),
    x.add(1).eq(N.mul(q1).add(r1)),
    r1.ge(0),
    r1.lt(N),
  ];
  return [
    [...division, r.add(1).lt(N), z.Not(r1.eq(r.add(1)))],
    [...division, r.add(1).eq(N), z.Not(r1.eq(0))],
  ];
}

/** The lemmas, in the order they are proved. */
export const LEMMAS: readonly Lemma[] = [
  {
    name: "mod-zero",
    statement: "0 mod N = 0",
    about: "ground",
    by: "solver",
    at: (sys) => sys.modN(sys.z.Int.val(0)).eq(0),
  },
  {
    name: "word-zero",
    statement: "toInt(0) = 0",
    about: "ground",
    by: "definition",
    at: (sys) => sys.toInt(sys.z.BitVec.val(0, 32)).eq(0),
  },
  {
    name: "mod-range",
    statement: "0 ≤ x mod N < N",
    about: "mod",
    by: "solver",
    at: (sys, x) => {
      const m = sys.modN(x as Int);
      return sys.z.And(m.ge(0), m.lt(sys.N));
    },
  },
  {
    name: "mod-succ",
    statement: "(x + 1) mod N = wrap(x mod N + 1)",
    about: "mod",
    by: "solver",
    at: (sys, x) =>
      sys.modN((x as Int).add(1)).eq(wrap(sys, sys.modN(x as Int).add(1))),
    cases: modSuccCases,
  },
  {
    name: "word-range",
    statement: "0 ≤ toInt(w) < 2^32",
    about: "word",
    by: "definition",
    at: (sys, x) => {
      const v = sys.toInt(x as Word);
      return sys.z.And(v.ge(0), v.le(TOP));
    },
  },
  {
    name: "word-zero-only",
    statement: "toInt(w) = 0 ⇒ w = 0",
    about: "word",
    by: "definition",
    at: (sys, x) =>
      sys.z.Implies(
        sys.toInt(x as Word).eq(0),
        (x as Word).eq(sys.z.BitVec.val(0, 32)),
      ),
  },
  {
    name: "word-succ",
    statement: "toInt(w + 1) = (toInt(w) + 1) mod 2^32",
    about: "word",
    by: "definition",
    at: (sys, x) => {
      const v = sys.toInt(x as Word);
      return sys.toInt((x as Word).add(1)).eq(
        sys.z.If(v.eq(TOP), sys.z.Int.val(0), v.add(1)) as Int,
      );
    },
  },
  {
    name: "word-pred",
    statement: "toInt(w - 1) = (toInt(w) - 1) mod 2^32",
    about: "word",
    by: "definition",
    at: (sys, x) => {
      const v = sys.toInt(x as Word);
      return sys.toInt((x as Word).sub(1)).eq(
        sys.z.If(v.eq(0), sys.z.Int.val(TOP), v.sub(1)) as Int,
      );
    },
  },
];
