// Copyright 2025 the ringproof authors. MIT license.
// The transition relation, one action per step of each loop, written as a
// guard and the next state's terms (so each action is a function of the
// state: one successor when enabled). It follows the explicit model's step
// (Machine.step in the explicit model) for one producer, one consumer, sync
// "none"; tests/symbolic_agreement_test.ts checks that the two agree.

import type { ConsumerOp, ProducerOp } from "../bounded_buffer.ts";
import type { SymState, System } from "./state.ts";
import {
  consumerCode,
  consumerProgram,
  producerCode,
  producerProgram,
} from "./variant.ts";
import type { Formula, Int, Word } from "./z3.ts";

/** One action: a process's step, its guard and the state after it. */
export interface SymAction {
  process: "P0" | "C0";
  op: ProducerOp | ConsumerOp;
  /** When the step is enabled (the pc is at it and its wait, if any, passes). */
  guard: Formula;
  /** The state after the step. */
  next: SymState;
}

/** The initial state: every variable at its start value. */
export function initialState(sys: System): SymState {
  const { z, variant, S } = sys;
  const counter = variant.scheme === "counter";
  const zero = z.Int.val(0);
  return {
    in: counter ? S : zero,
    out: counter ? S : zero,
    inSlot: zero,
    outSlot: zero,
    cells: z.Array.K(z.Int.sort(), z.Int.val(-1)),
    pcP: z.Int.val(producerCode(producerProgram(variant)[0]!)),
    pcC: z.Int.val(consumerCode("wait")),
    p: zero,
    c: zero,
    nc: z.Int.val(-1),
    fU: z.Bool.val(false),
    fF: z.Bool.val(false),
    fD: z.Bool.val(false),
    slotP: zero,
    slotC: zero,
  };
}

/** `x % N` for `x` in `[0, 2N)`: the wrap of an index moved forward. */
export function wrap(sys: System, x: Int): Int {
  return sys.z.If(x.ge(sys.N), x.sub(sys.N), x) as Int;
}

/** The number of items the counters say are in the buffer, `(in - out) mod 2^32`. */
function count(sys: System, s: SymState): Int {
  return sys.toInt((s.in as Word).sub(s.out as Word));
}

/** The producer's full test, as the (possibly mutated) program computes it. */
export function full(sys: System, s: SymState): Formula {
  const { N, variant } = sys;
  const { mutant } = variant;
  if (mutant === "full-when-equal") return (s.in as Int).eq(s.out as Int);
  if (variant.scheme === "textbook") {
    const i = s.in as Int;
    const ahead = mutant === "wasted-two" ? 2 : 1;
    // (in + ahead) % N with in in [0, N) and N >= 2.
    return wrap(sys, i.add(ahead)).eq(s.out as Int);
  }
  if (mutant === "wasted-two") {
    return sys.toInt((s.in as Word).sub(s.out as Word).add(2)).eq(N);
  }
  return count(sys, s).eq(N);
}

/** The slot `in` (or `out`) designates, as the program computes it. */
function slotOf(sys: System, index: Int | Word, slot: Int): Int {
  const { variant } = sys;
  if (variant.scheme === "textbook") return index as Int;
  return variant.mutant === "modulo-index"
    ? sys.modN(sys.toInt(index as Word))
    : slot;
}

/** `in` (or `out`) and its slot index after `in = in + 1` in the scheme. */
function advance(
  sys: System,
  index: Int | Word,
  slot: Int,
): { index: Int | Word; slot: Int } {
  if (sys.variant.scheme === "textbook") {
    const next = wrap(sys, (index as Int).add(1));
    return { index: next, slot: next };
  }
  return { index: (index as Word).add(1), slot: wrap(sys, slot.add(1)) };
}

function producerActions(sys: System, s: SymState): SymAction[] {
  const { z, K, variant } = sys;
  const program = producerProgram(variant);
  return program.map((op, at): SymAction => {
    const next: SymState = { ...s };
    let guard: Formula = s.pcP.eq(producerCode(op));
    if (op === "wait") {
      guard = z.And(guard, z.Not(full(sys, s)));
    } else if (op === "write") {
      guard = z.And(guard, s.p.lt(K));
      const slot = variant.mutant === "publish-before-write"
        ? s.slotP
        : slotOf(sys, s.in, s.inSlot);
      next.cells = s.cells.store(slot, s.p);
      next.p = s.p.add(1);
      next.slotP = z.Int.val(0);
    } else {
      const moved = advance(sys, s.in, s.inSlot);
      next.in = moved.index;
      next.inSlot = moved.slot;
      if (variant.mutant === "publish-before-write") {
        next.slotP = slotOf(sys, s.in, s.inSlot);
      }
    }
    // After the loop's last step: the next item, or done after the last.
    next.pcP = at + 1 < program.length
      ? z.Int.val(producerCode(program[at + 1]!))
      : z.If(
        next.p.lt(K),
        z.Int.val(producerCode(program[0]!)),
        z.Int.val(producerCode("done")),
      ) as Int;
    return { process: "P0", op, guard, next };
  });
}

function consumerActions(sys: System, s: SymState): SymAction[] {
  const { z, variant } = sys;
  const program = consumerProgram(variant);
  return program.map((op, at): SymAction => {
    const next: SymState = { ...s };
    let guard: Formula = s.pcC.eq(consumerCode(op));
    if (op === "wait") {
      guard = z.And(guard, z.Not((s.in as Int).eq(s.out as Int)));
    } else if (op === "read") {
      const slot = variant.mutant === "release-before-read"
        ? s.slotC
        : slotOf(sys, s.out, s.outSlot);
      const v = s.cells.select(slot) as Int;
      const item = v.ge(0);
      // As the explicit model: an old item is unproduced and a duplicate;
      // any item but the next one in order breaks fifo.
      const old = z.And(item, v.lt(s.c));
      next.fU = z.Or(s.fU, z.Not(item), old);
      next.fD = z.Or(s.fD, old);
      next.fF = z.Or(s.fF, z.And(item, v.neq(s.c)));
      next.c = z.If(z.And(item, v.eq(s.c)), s.c.add(1), s.c) as Int;
      next.nc = z.If(item, v, z.Int.val(-1)) as Int;
      next.slotC = z.Int.val(0);
    } else {
      const moved = advance(sys, s.out, s.outSlot);
      next.out = moved.index;
      next.outSlot = moved.slot;
      if (variant.mutant === "release-before-read") {
        next.slotC = slotOf(sys, s.out, s.outSlot);
      }
    }
    if (at + 1 < program.length) {
      next.pcC = z.Int.val(consumerCode(program[at + 1]!));
    } else {
      // next_consumed is consumed at the end of the iteration: dead from here.
      next.pcC = z.Int.val(consumerCode(program[0]!));
      next.nc = z.Int.val(-1);
    }
    return { process: "C0", op, guard, next };
  });
}

/** Every action of the system from state `s`. */
export function actions(sys: System, s: SymState): SymAction[] {
  return [...producerActions(sys, s), ...consumerActions(sys, s)];
}
