// Copyright 2025 the ringproof authors. MIT license.
// The modulo-index mutant across the 2^32 wrap: the slot is `counter mod N`,
// which steps from (2^32 - 1) mod N to 0. The invariant is inductive exactly
// when that step is one slot forward, that is when N divides 2^32.

import type { Assignment } from "./concrete.ts";
import type { Outcome } from "./queries.ts";
import { solve, type Z3, type Z3Model } from "./z3.ts";

const TOP = 2n ** 32n - 1n;

/** What {@linkcode wrapAnalysis} finds. */
export interface WrapAnalysis {
  /** `2^32 mod N = 0 ⇔ (2^32 − 1) mod N = N − 1`, for every N >= 2. */
  exact: Outcome;
  /** The solver's BUFFER_SIZE that does not divide 2^32 (at most 64), and its CTI. */
  witness: Outcome;
}

/** The obligation of the publish that crosses the wrap, with its outcome. */
function wrapStep(status: Outcome["status"], seconds: number): Outcome {
  return {
    kind: "step",
    name: "P0 publish",
    statement: "Inv ∧ P0 publish ⇒ Inv′",
    action: { process: "P0", op: "publish" },
    status,
    seconds,
  };
}

/**
 * Proves that the wrap step is one slot forward exactly when N divides 2^32,
 * and asks the solver for an N (at most 64) where it is not; the CTI is the
 * publish that crosses the wrap, from `start = 2^32 - 1` after one write.
 */
export async function wrapAnalysis(
  z: Z3,
  timeout: number,
): Promise<WrapAnalysis> {
  const N = z.Int.const("N");
  const forward = z.Int.val(TOP).mod(N).eq(N.sub(1));
  const divides = z.Int.val(TOP + 1n).mod(N).eq(0);
  const exactRun = await solve(z, [N.ge(2), z.Not(z.Eq(divides, forward))], {
    timeout,
  });
  const exact: Outcome = {
    kind: "lemma",
    name: "lemma wrap-forward",
    statement: "2^32 mod N = 0 ⇔ (2^32 − 1) mod N = N − 1",
    status: exactRun.result === "unsat" ? "proved" : "unknown",
    seconds: exactRun.seconds,
  };
  const sizeOf = (model: Z3Model) =>
    Number((model.eval(N, true) as unknown as { value(): bigint }).value());
  // A small N first, for a readable trace; the explorer handles up to 64.
  let witnessRun = await solve(z, [N.ge(2), N.le(6), z.Not(divides)], {
    timeout,
    read: sizeOf,
  });
  if (witnessRun.value === undefined) {
    witnessRun = await solve(z, [N.ge(2), N.le(64), z.Not(divides)], {
      timeout,
      read: sizeOf,
    });
  }
  const size = witnessRun.value;
  if (size === undefined) {
    return { exact, witness: wrapStep("unknown", witnessRun.seconds) };
  }
  const slot = Number(TOP % BigInt(size));
  const cells = Array.from({ length: size }, (_, k) => k === slot ? 0 : -1);
  // After P0 wait and P0 write of item 0 from start 2^32 - 1.
  const state: Assignment = {
    N: size,
    K: 2,
    start: Number(TOP),
    in: Number(TOP),
    out: Number(TOP),
    inSlot: 0,
    outSlot: 0,
    cells,
    pcP: 2,
    pcC: 0,
    p: 1,
    c: 0,
    nc: -1,
    fU: false,
    fF: false,
    fD: false,
    slotP: 0,
    slotC: 0,
  };
  return {
    exact,
    witness: { ...wrapStep("failed", witnessRun.seconds), state },
  };
}
