// Copyright 2025 the ringproof authors. MIT license.
// The inductive invariant as formulas (the same conjuncts as the explicit
// model's spscInvariant, with BUFFER_SIZE, the item count and the start
// symbolic) and the safety properties it must imply.

import type { SymState, System } from "./state.ts";
import { wrap } from "./relation.ts";
import { consumerCode, producerCode, producerProgram } from "./variant.ts";
import type { Formula, Int, Word } from "./z3.ts";

/** A named conjunct (or property). */
export interface Named {
  name: string;
  formula: Formula;
  /** For a conjunct `∀j. body(j)`: its body at a term, for instantiation. */
  at?: (j: Int) => Formula;
}

const TWO_32 = 2n ** 32n;

/**
 * Most items the producer can have in the buffer when it passes its wait,
 * plus one: the capacity, or what a mutated full test lets through
 * (`wasted-two`: `N - 2`; `full-when-equal`: nothing).
 */
export function usable(sys: System): Int {
  const { z, N, variant } = sys;
  if (variant.mutant === "full-when-equal") return z.Int.val(0);
  if (variant.mutant === "wasted-two") return N.sub(2);
  return sys.capacity;
}

/**
 * The domain: every variable in its range, as in the explicit model's
 * domain (pcs at a step of their program, counts in `[0, K]`, indices and
 * slots in `[0, N)`). Cells are left free.
 */
export function types(sys: System, s: SymState): Named {
  const { z, N, K, variant } = sys;
  const within = (x: Int, lo: Int | number, hi: Int | number) =>
    z.And(x.ge(lo), x.lt(hi));
  const pcs = [...producerProgram(variant), "done" as const].map((op) =>
    s.pcP.eq(producerCode(op))
  );
  return {
    name: "types",
    formula: z.And(
      z.Or(...pcs),
      within(s.pcC, 0, 3),
      within(s.p, 0, K.add(1)),
      within(s.c, 0, K.add(1)),
      within(s.nc, -1, K),
      within(s.inSlot, 0, N),
      within(s.outSlot, 0, N),
      within(s.slotP, 0, N),
      within(s.slotC, 0, N),
    ),
  };
}

/** The invariant's conjuncts over state `s`, named as in docs/proof.md. */
export function invariant(sys: System, s: SymState): Named[] {
  const { z, K, S, variant } = sys;
  const atP = (op: "wait" | "write" | "publish" | "done") =>
    s.pcP.eq(producerCode(op));
  const atC = (op: "wait" | "read" | "release") => s.pcC.eq(consumerCode(op));
  const pub = z.If(atP("publish"), s.p.sub(1), s.p) as Int;
  const rel = z.If(atC("release"), s.c.sub(1), s.c) as Int;
  const count = pub.sub(rel);
  // `out` encodes `rel` (mod BUFFER_SIZE, or start + rel as a 32-bit
  // counter); `in` is `count` slots ahead of it. On every state this says
  // what spscInvariant says (in encodes pub, out encodes rel), but only the
  // `out` conjunct needs `mod N`: the solver reasons linearly elsewhere.
  const indices = variant.scheme === "textbook"
    ? z.And(
      (s.out as Int).eq(sys.modN(rel)),
      (s.in as Int).eq(wrap(sys, (s.out as Int).add(count))),
    )
    : z.And(
      sys.toInt(s.out as Word).eq(
        sys.toInt(S).add(rel).mod(TWO_32),
      ),
      sys.toInt((s.in as Word).sub(s.out as Word)).eq(count),
      s.outSlot.eq(sys.modN(rel)),
      s.inSlot.eq(wrap(sys, s.outSlot.add(count))),
    );
  // modulo-index: the slots the program uses are the counters mod N; `in`'s
  // must stay `count` slots ahead of `out`'s. Across the 2^32 wrap that
  // holds only when N divides 2^32.
  const modulo = variant.mutant === "modulo-index";
  const outSlot = modulo ? sys.modN(sys.toInt(s.out as Word)) : s.outSlot;
  const slots = modulo
    ? [{
      name: "modulo-slots",
      formula: sys.modN(sys.toInt(s.in as Word)).eq(
        wrap(sys, outSlot.add(count)),
      ),
    }]
    : [];
  const j = z.Int.const("j");
  const cells = (k: Int) =>
    z.Implies(
      z.And(k.ge(0), s.c.le(rel.add(k)), rel.add(k).lt(s.p)),
      (s.cells.select(wrap(sys, outSlot.add(k))) as Int).eq(rel.add(k)),
    );
  const passedFull = z.Or(atP("write"), atP("publish"));
  return [
    types(sys, s),
    { name: "flags", formula: z.Not(z.Or(s.fU, s.fF, s.fD)) },
    {
      name: "counts",
      formula: z.And(rel.ge(0), s.c.le(pub), s.p.le(K)),
    },
    {
      name: "pcs",
      formula: z.If(
        atP("done"),
        s.p.eq(K),
        z.If(atP("publish"), s.p.ge(1), s.p.lt(K)),
      ),
    },
    { name: "indices", formula: indices },
    ...slots,
    {
      name: "occupancy",
      formula: z.And(
        count.ge(0),
        count.le(usable(sys)),
        z.Implies(passedFull, count.le(usable(sys).sub(1))),
        z.Implies(atC("read"), count.ge(1)),
      ),
    },
    {
      // Item rel + j is j slots after out's.
      name: "cells",
      formula: z.ForAll([j], cells(j)),
      at: cells,
    },
    {
      name: "next_consumed",
      formula: z.If(atC("release"), s.nc.eq(s.c.sub(1)), s.nc.eq(-1)),
    },
  ];
}

/** The bare safety property as a candidate invariant: the domain, `bound`, `no-unproduced`, `fifo`. */
export function bareSafety(sys: System, s: SymState): Named[] {
  return [types(sys, s), ...safety(sys, s)];
}

/** The safety properties: `bound`, `no-unproduced`, `fifo`. */
export function safety(sys: System, s: SymState): Named[] {
  const { z } = sys;
  return [
    { name: "bound", formula: s.p.sub(s.c).le(sys.capacity) },
    { name: "no-unproduced", formula: z.Not(s.fU) },
    { name: "fifo", formula: z.Not(s.fF) },
  ];
}
