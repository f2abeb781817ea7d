// Copyright 2025 the ringproof authors. MIT license.
// The symbolic state: the explicit model's variables (one producer, one
// consumer) as Z3 terms, and the parameters BUFFER_SIZE, the item count and
// (counter scheme) the counters' start, all symbolic.

import type { Cells, Formula, Int, Word, Z3 } from "./z3.ts";
import type { Variant } from "./variant.ts";

/**
 * One state as terms. Items are their sequence numbers (one producer); `-1`
 * is "no item" in a cell or in `nc` (`next_consumed`).
 */
export interface SymState {
  /** `in`: an index (textbook) or a 32-bit counter. */
  in: Int | Word;
  /** `out`. */
  out: Int | Word;
  /** Counter scheme: the separate slot index that follows `in`; textbook: `in`. */
  inSlot: Int;
  /** Counter scheme: the separate slot index that follows `out`; textbook: `out`. */
  outSlot: Int;
  /** The cells. */
  cells: Cells;
  /** The producer's pc (see PRODUCER_OPS). */
  pcP: Int;
  /** The consumer's pc (see CONSUMER_OPS). */
  pcC: Int;
  /** Ghost: items produced (written). */
  p: Int;
  /** Ghost: items consumed (the consumer's `seen`). */
  c: Int;
  /** The consumer's `next_consumed`, or -1. */
  nc: Int;
  /** Ghost flag `no-unproduced` broken. */
  fU: Formula;
  /** Ghost flag `fifo` broken. */
  fF: Formula;
  /** Ghost flag `no-duplicate` broken. */
  fD: Formula;
  /** `publish-before-write`: the slot published and still to be written. */
  slotP: Int;
  /** `release-before-read`: the slot released and still to be read. */
  slotC: Int;
}

/** The names of the state's variables. */
export type VarName = keyof SymState;

/** The symbolic system: Z3, the variant, the parameters. */
export interface System {
  z: Z3;
  variant: Variant;
  /** BUFFER_SIZE. */
  N: Int;
  /** Items the producer makes. */
  K: Int;
  /** Counter scheme: the counters' start value (a 32-bit word). */
  S: Word;
  /** What the parameters may be: `N >= 2`, `K >= 1` (counters: `N < 2^32`). */
  params: Formula;
  /** The buffer's capacity: `N - 1` (textbook) or `N` (counter). */
  capacity: Int;
  /**
   * `x mod N`: Z3's `mod`, or (in the solver's queries) an uninterpreted
   * function `modN` constrained by proved lemmas, which keeps the queries
   * linear.
   */
  modN: (x: Int) => Int;
  /** The unsigned value of a 32-bit word: Z3's `bv2int`, or a function `toInt` (as `modN`). */
  toInt: (x: Word) => Int;
}

/**
 * How {@linkcode system} writes `x mod N` and a word's value: Z3's `mod` and
 * `bv2int` ("mod"), uninterpreted functions ("lemmas"), or Z3's `mod` and
 * the sum of the word's bits ("bits": the definition of bv2nat, which Z3
 * searches for models with far better than `bv2int`).
 */
export type ModForm = "mod" | "lemmas" | "bits";

/** The system for a variant, with fresh parameter constants. */
export function system(
  z: Z3,
  variant: Variant,
  form: ModForm = "mod",
): System {
  const N = z.Int.const("N");
  const K = z.Int.const("K");
  const S = z.BitVec.const("start", 32);
  const counter = variant.scheme === "counter";
  const params = z.And(
    N.ge(2),
    K.ge(1),
    ...(counter ? [N.lt(2n ** 32n)] : []),
  );
  const modFn = z.Function.declare("modN", z.Int.sort(), z.Int.sort());
  const intFn = z.Function.declare("toInt", z.BitVec.sort(32), z.Int.sort());
  return {
    z,
    variant,
    N,
    K,
    S,
    params,
    capacity: counter ? N : N.sub(1),
    modN: form === "lemmas" ? (x) => modFn.call(x) as Int : (x) => x.mod(N),
    toInt: form === "mod"
      ? (x) => z.BV2Int(x, false)
      : form === "bits"
      ? (x) => {
        const bits = Array.from({ length: 32 }, (_, i) =>
          z.If(
            x.extract(i, i).eq(z.BitVec.val(1, 1)),
            z.Int.val(2n ** BigInt(i)),
            z.Int.val(0),
          ) as Int);
        return bits.reduce((sum, bit) => sum.add(bit));
      }
      : (x) => intFn.call(x) as Int,
  };
}

/** The variables the variant has (the others are fixed terms). */
export function varNames(variant: Variant): VarName[] {
  const names: VarName[] = ["in", "out"];
  if (variant.scheme === "counter") names.push("inSlot", "outSlot");
  names.push("cells", "pcP", "pcC", "p", "c", "nc", "fU", "fF", "fD");
  if (variant.mutant === "publish-before-write") names.push("slotP");
  if (variant.mutant === "release-before-read") names.push("slotC");
  return names;
}

/** A state of fresh constants (names `in`, `out`, …, with a suffix). */
export function freshState(sys: System, suffix = ""): SymState {
  const { z, variant } = sys;
  const int = (name: string) => z.Int.const(name + suffix);
  const bool = (name: string) => z.Bool.const(name + suffix);
  const counter = variant.scheme === "counter";
  const inV = counter ? z.BitVec.const("in" + suffix, 32) : int("in");
  const outV = counter ? z.BitVec.const("out" + suffix, 32) : int("out");
  const names = varNames(variant);
  return {
    in: inV,
    out: outV,
    inSlot: counter ? int("inSlot") : inV as Int,
    outSlot: counter ? int("outSlot") : outV as Int,
    cells: z.Array.const("cells" + suffix, z.Int.sort(), z.Int.sort()),
    pcP: int("pcP"),
    pcC: int("pcC"),
    p: int("p"),
    c: int("c"),
    nc: int("nc"),
    fU: bool("fU"),
    fF: bool("fF"),
    fD: bool("fD"),
    slotP: names.includes("slotP") ? int("slotP") : z.Int.val(0),
    slotC: names.includes("slotC") ? int("slotC") : z.Int.val(0),
  };
}
