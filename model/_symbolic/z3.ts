// Copyright 2025 the ringproof authors. MIT license.
// Loads Z3 (WebAssembly) on first use: the ring and the explicit model never
// import this file's dynamic import, so they keep zero runtime dependencies.

import type { Arith, BitVec, Bool, Context, SMTArray } from "z3-solver";

/** The Z3 context every symbolic formula of this folder lives in. */
export type Z3 = Context<"ringproof">;
/** An integer term. */
export type Int = Arith<"ringproof">;
/** A formula. */
export type Formula = Bool<"ringproof">;
/** A 32-bit term (the counter scheme's `in` and `out`). */
export type Word = BitVec<32, "ringproof">;
/** The cells: an array from slot to item (`-1`: never written). */
export type Cells = SMTArray<
  "ringproof",
  [Arith<"ringproof">["sort"]],
  Arith<"ringproof">["sort"]
>;

let loading: Promise<Z3> | undefined;

/** The shared Z3 context, loaded (once) on the first call. */
export function loadZ3(): Promise<Z3> {
  loading ??= (async () => {
    const { init } = await import("z3-solver");
    const { Context } = await init();
    return Context("ringproof") as Z3;
  })();
  return loading;
}
