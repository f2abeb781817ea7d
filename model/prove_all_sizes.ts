// Copyright 2025 the ringproof authors. MIT license.
/**
 * Proofs for every BUFFER_SIZE: the one-producer/one-consumer bounded
 * buffer's inductive invariant discharged by the Z3 SMT solver, with
 * BUFFER_SIZE, the item count and (for counters) the 32-bit start symbolic.
 * Z3 (WebAssembly, `npm:z3-solver`) is loaded on the first call only.
 *
 * @module
 */

import { boundedBuffer, mutantApplies, MUTANTS } from "./bounded_buffer.ts";
import { explore } from "./explore.ts";
import type { BufferTrace } from "./trace.ts";
import { toBufferState } from "./_symbolic/concrete.ts";
import { concreteSystem } from "./_symbolic/concrete_check.ts";
import { wrapAnalysis } from "./_symbolic/modulo.ts";
import { discharge } from "./_symbolic/obligations.ts";
import type { Outcome } from "./_symbolic/queries.ts";
import type {
  AllSizesConfirmation,
  AllSizesObligation,
  AllSizesOptions,
  AllSizesReport,
  AllSizesSize,
} from "./_symbolic/report_types.ts";
import type { Variant } from "./_symbolic/variant.ts";
import { withZ3, type Z3 } from "./_symbolic/z3.ts";

export { allSizesToJson, formatAllSizes } from "./_symbolic/report.ts";
export type {
  AllSizesConfirmation,
  AllSizesJson,
  AllSizesObligation,
  AllSizesOptions,
  AllSizesReport,
  AllSizesSize,
} from "./_symbolic/report_types.ts";
import { shown } from "./_describe.ts";

function trace(
  variant: Variant,
  outcome: Outcome,
): BufferTrace | null {
  if (outcome.state === undefined) return null;
  const first = { action: null, state: toBufferState(variant, outcome.state) };
  if (outcome.next === undefined || outcome.action === undefined) {
    return [first];
  }
  return [first, {
    action: { process: outcome.action.process, op: outcome.action.op },
    state: toBufferState(variant, outcome.next),
  }];
}

function obligation(variant: Variant, o: Outcome): AllSizesObligation {
  return {
    kind: o.kind,
    name: o.name,
    statement: o.statement,
    status: o.status,
    seconds: o.seconds,
    broken: o.broken ?? [],
    counterexample: trace(variant, o),
    size: o.state === undefined
      ? null
      : { slots: o.state.N, items: o.state.K, start: o.state.start },
  };
}

function confirmAt(
  variant: Variant,
  size: AllSizesSize,
): AllSizesConfirmation | null {
  if (size.slots > 64) return null;
  // Enough items to fill the buffer and wrap around it.
  const items = Math.min(31, Math.max(size.items, size.slots + 2));
  const model = boundedBuffer({
    slots: size.slots,
    items,
    scheme: variant.scheme,
    ...(variant.mutant === undefined ? {} : { mutant: variant.mutant }),
    ...(variant.scheme === "counter" ? { start: size.start } : {}),
  });
  const report = explore(model, { maxStates: 2_000_000 });
  return {
    slots: size.slots,
    items,
    start: size.start,
    verdict: report.verdict,
    invariant: report.invariant ?? null,
    counterexample: report.counterexample ?? null,
  };
}

async function moduloIndex(
  z: Z3,
  variant: Variant,
  timeout: number,
): Promise<{ outcomes: Outcome[]; provedWhen: string | null }> {
  const divides = await discharge(z, variant, {
    timeout,
    assume: (sys) => sys.modN(sys.z.Int.val(2n ** 32n)).eq(0),
  });
  const wrap = await wrapAnalysis(z, timeout);
  const witness = wrap.witness;
  if (witness.state !== undefined) {
    // The wrap's publish, evaluated exactly on the concrete state.
    const concrete = concreteSystem(z, variant);
    const move = concrete.successors(witness.state).find((m) =>
      m.op === "publish"
    );
    const before = concrete.broken(witness.state, "inductive");
    if (move?.next != null && before.length === 0) {
      witness.next = move.next;
      witness.broken = concrete.broken(move.next, "inductive");
      if (witness.broken.length === 0) witness.status = "unknown";
    } else {
      witness.status = "unknown";
    }
  }
  const lemmas = divides.filter((o) => o.kind === "lemma");
  const rest = divides.filter((o) => o.kind !== "lemma").map((o) => ({
    ...o,
    statement: `${o.statement}   (N divides 2^32)`,
  }));
  const allProved =
    divides.every((o) => o.status === "proved" || o.status === "definition") &&
    wrap.exact.status === "proved";
  return {
    outcomes: [...lemmas, wrap.exact, ...rest, {
      ...witness,
      statement: `${witness.statement}   (N does not divide 2^32)`,
    }],
    provedWhen: allProved ? "BUFFER_SIZE divides 2^32" : null,
  };
}

/**
 * Proves the one-producer/one-consumer bounded buffer safe for **every**
 * BUFFER_SIZE >= 2 and every item count (counters: every 32-bit start, so
 * across the 2^32 wrap), by discharging with Z3 the obligations of its
 * inductive invariant: `Init ⇒ Inv`, `Inv ∧ step ⇒ Inv′` for each step of
 * each loop, and `Inv ⇒ bound`, `no-unproduced`, `fifo`. A failed
 * obligation comes back with a concrete counterexample (a state and the step
 * out of it, in the explorer's trace format), which the explorer then
 * confirms or refutes at that size.
 *
 * @param options Scheme, mutant, candidate invariant, solver timeout.
 * @returns One entry per obligation, the verdict and the explorer's confirmation.
 * @throws {RangeError} For a mutant that does not apply to the scheme, or a
 * timeout that is not a positive integer.
 * @throws {TypeError} For an unknown scheme, candidate or mutant, or a
 * timeout that is not a number.
 *
 * @example Proving the textbook buffer for every BUFFER_SIZE
 * ```ts
 * import assert from "node:assert/strict";
 * import { proveAllSizes } from "@ringproof/ring/model";
 *
 * const report = await proveAllSizes({ scheme: "textbook" });
 * assert.equal(report.verdict, "proved");
 * assert.ok(report.obligations.some((o) => o.name === "P0 write"));
 * ```
 */
export async function proveAllSizes(
  options: AllSizesOptions = {},
): Promise<AllSizesReport> {
  const started = performance.now();
  const scheme = options.scheme ?? "textbook";
  if (scheme !== "textbook" && scheme !== "counter") {
    throw new TypeError(
      `Cannot prove: scheme must be textbook or counter, received ${
        shown(scheme)
      }`,
    );
  }
  const candidate = options.candidate ?? "inductive";
  if (candidate !== "inductive" && candidate !== "safety") {
    throw new TypeError(
      `Cannot prove: candidate must be inductive or safety, received ${
        shown(candidate)
      }`,
    );
  }
  const mutant = options.mutant;
  // An unknown name would be proved as the unmutated buffer.
  if (mutant !== undefined && !MUTANTS.includes(mutant)) {
    throw new TypeError(
      `Cannot prove: mutant must be one of ${MUTANTS.join(", ")}, received ${
        shown(mutant)
      }`,
    );
  }
  if (mutant !== undefined && !mutantApplies(mutant, scheme)) {
    throw new RangeError(
      `Cannot prove: mutant ${mutant} does not apply to scheme ${scheme}`,
    );
  }
  const timeout = options.timeout ?? 30_000;
  if (typeof timeout !== "number") {
    throw new TypeError(
      `Cannot prove: timeout must be a positive integer (milliseconds), received ${typeof timeout} ${
        shown(timeout)
      }`,
    );
  }
  if (!Number.isInteger(timeout) || timeout < 1) {
    throw new RangeError(
      `Cannot prove: timeout must be a positive integer (milliseconds), received ${timeout}`,
    );
  }
  const variant: Variant = { scheme, mutant };
  // One proof at a time on the shared context (see _symbolic/z3.ts).
  const { outcomes, provedWhen } = await withZ3((z) =>
    mutant === "modulo-index" && candidate === "inductive"
      ? moduloIndex(z, variant, timeout)
      : discharge(z, variant, { candidate, timeout }).then((outcomes) => ({
        outcomes,
        provedWhen: null,
      }))
  );
  const obligations = outcomes.map((o) => obligation(variant, o));
  const failed = obligations.find((o) => o.status === "failed");
  const confirmation = failed?.size == null || options.confirm === false
    ? null
    : confirmAt(variant, failed.size);
  const proved = obligations.every((o) =>
    o.status === "proved" || o.status === "definition"
  );
  const violated = confirmation?.verdict === "violation";
  return {
    scheme,
    mutant: mutant ?? null,
    candidate,
    verdict: proved ? "proved" : violated ? "violated" : "not-proved",
    provedWhen,
    obligations,
    confirmation,
    seconds: (performance.now() - started) / 1000,
  };
}
