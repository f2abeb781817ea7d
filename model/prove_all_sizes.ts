// Copyright 2025 the ringproof authors. MIT license.
/**
 * Proofs for every BUFFER_SIZE: the one-producer/one-consumer bounded
 * buffer's inductive invariant discharged by the Z3 SMT solver, with
 * BUFFER_SIZE, the item count and (for counters) the 32-bit start symbolic.
 * Z3 (WebAssembly, `npm:z3-solver`) is loaded on the first call only.
 *
 * @module
 */

import {
  boundedBuffer,
  type BufferAction,
  type BufferState,
  type Mutant,
  mutantApplies,
} from "./bounded_buffer.ts";
import { explore } from "./explore.ts";
import type { Report } from "./types.ts";
import {
  type BufferTrace,
  formatTrace,
  type TraceStepJson,
  traceToJson,
} from "./trace.ts";
import { toBufferState } from "./_symbolic/concrete.ts";
import { concreteSystem } from "./_symbolic/concrete_check.ts";
import { wrapAnalysis } from "./_symbolic/modulo.ts";
import { discharge, type Outcome } from "./_symbolic/obligations.ts";
import type { Variant } from "./_symbolic/variant.ts";
import { withZ3, type Z3 } from "./_symbolic/z3.ts";

/** Options of {@linkcode proveAllSizes}. */
export interface AllSizesOptions {
  /** `"textbook"` (default) or `"counter"` (free-running 32-bit counters). */
  scheme?: "textbook" | "counter";
  /** A deliberate bug to give a verdict on, or none. */
  mutant?: Mutant;
  /** `"inductive"` (default): the SPSC invariant; `"safety"`: the bare safety property. */
  candidate?: "inductive" | "safety";
  /** Milliseconds the solver may spend on one query. Default 30000. */
  timeout?: number;
  /**
   * Whether a failed obligation's size is handed to the explorer, which
   * confirms (a reachable violation) or refutes it. Default `true`.
   */
  confirm?: boolean;
}

/** The concrete parameters of a counterexample. */
export interface AllSizesSize {
  /** BUFFER_SIZE. */
  slots: number;
  /** Items the producer makes. */
  items: number;
  /** The counters' start (0 for the textbook scheme). */
  start: number;
}

/** One obligation and what the solver said. */
export interface AllSizesObligation {
  /** `"lemma"`, `"init"`, `"step"` or `"safety"`. */
  kind: "lemma" | "init" | "step" | "safety";
  /** E.g. `init`, `P0 write`, `bound`, `lemma mod-succ`. */
  name: string;
  /** The obligation in symbols, e.g. `Inv ∧ P0 write ⇒ Inv′`. */
  statement: string;
  /**
   * `proved`; `failed` (with a counterexample); `unknown` (the solver gave
   * up); `definition` (a word lemma that is the SMT-LIB definition of
   * bit-vector arithmetic, assumed).
   */
  status: "proved" | "failed" | "unknown" | "definition";
  /** Solver seconds. */
  seconds: number;
  /** The conjuncts (or property) the counterexample breaks. */
  broken: string[];
  /** The counterexample as a trace: the state, then the step out of it (if any). */
  counterexample: BufferTrace | null;
  /** The counterexample's parameters. */
  size: AllSizesSize | null;
}

/** The explorer's run at a counterexample's size. */
export interface AllSizesConfirmation extends AllSizesSize {
  /** The explorer's verdict there. */
  verdict: Report<BufferState, BufferAction>["verdict"];
  /** The property it found violated, if any. */
  invariant: string | null;
  /** Its (shortest) counterexample, if any. */
  counterexample: BufferTrace | null;
}

/** What {@linkcode proveAllSizes} reports. */
export interface AllSizesReport {
  /** The scheme. */
  scheme: "textbook" | "counter";
  /** The mutant, or `null`. */
  mutant: Mutant | null;
  /** The candidate invariant. */
  candidate: "inductive" | "safety";
  /**
   * `proved`: every obligation holds for every size; `violated`: an
   * obligation failed and the explorer found a reachable violation at the
   * counterexample's size; `not-proved`: otherwise.
   */
  verdict: "proved" | "violated" | "not-proved";
  /** A condition under which every obligation is proved (modulo-index: `BUFFER_SIZE divides 2^32`). */
  provedWhen: string | null;
  /** Every obligation, lemmas first. */
  obligations: AllSizesObligation[];
  /** The explorer at the first counterexample's size, or `null`. */
  confirmation: AllSizesConfirmation | null;
  /** Wall-clock seconds, Z3's loading included. */
  seconds: number;
}

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
 * @throws {RangeError} For a mutant that does not apply to the scheme.
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
        JSON.stringify(scheme)
      }`,
    );
  }
  const candidate = options.candidate ?? "inductive";
  if (candidate !== "inductive" && candidate !== "safety") {
    throw new TypeError(
      `Cannot prove: candidate must be inductive or safety, received ${
        JSON.stringify(candidate)
      }`,
    );
  }
  const mutant = options.mutant;
  if (mutant !== undefined && !mutantApplies(mutant, scheme)) {
    throw new RangeError(
      `Cannot prove: mutant ${mutant} does not apply to scheme ${scheme}`,
    );
  }
  const timeout = options.timeout ?? 30_000;
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

/** An {@linkcode AllSizesReport} in its JSON form (schema `ringproof.proof-all-sizes/1`). */
export interface AllSizesJson {
  /** Always `"ringproof.proof-all-sizes/1"`. */
  schema: "ringproof.proof-all-sizes/1";
  /** Scheme, mutant, candidate. */
  config: { scheme: string; mutant: string | null; candidate: string };
  /** As in {@linkcode AllSizesReport.verdict}. */
  verdict: AllSizesReport["verdict"];
  /** As in {@linkcode AllSizesReport.provedWhen}. */
  provedWhen: string | null;
  /** Wall-clock seconds. */
  seconds: number;
  /** The obligations; counterexamples as `ringproof.trace/1` steps. */
  obligations: (Omit<AllSizesObligation, "counterexample"> & {
    counterexample: TraceStepJson[] | null;
  })[];
  /** The explorer's confirmation; its counterexample as trace steps. */
  confirmation:
    | (Omit<AllSizesConfirmation, "counterexample"> & {
      counterexample: TraceStepJson[] | null;
    })
    | null;
}

/**
 * The JSON form of a report (schema `ringproof.proof-all-sizes/1`).
 *
 * @param report What {@linkcode proveAllSizes} returned.
 * @returns Plain data, ready for `JSON.stringify`.
 *
 * @example A report in its JSON form
 * ```ts
 * import assert from "node:assert/strict";
 * import { allSizesToJson, type AllSizesReport } from "@ringproof/ring/model";
 *
 * // A report as proveAllSizes() returns it (here written out by hand).
 * const report: AllSizesReport = {
 *   scheme: "textbook",
 *   mutant: null,
 *   candidate: "inductive",
 *   verdict: "proved",
 *   provedWhen: null,
 *   obligations: [{
 *     kind: "init", name: "init", statement: "Init ⇒ Inv", status: "proved",
 *     seconds: 0.02, broken: [], counterexample: null, size: null,
 *   }],
 *   confirmation: null,
 *   seconds: 1.5,
 * };
 * const json = allSizesToJson(report);
 * assert.equal(json.schema, "ringproof.proof-all-sizes/1");
 * assert.equal(json.obligations[0]?.counterexample, null);
 * ```
 */
export function allSizesToJson(report: AllSizesReport): AllSizesJson {
  return {
    schema: "ringproof.proof-all-sizes/1",
    config: {
      scheme: report.scheme,
      mutant: report.mutant,
      candidate: report.candidate,
    },
    verdict: report.verdict,
    provedWhen: report.provedWhen,
    seconds: report.seconds,
    obligations: report.obligations.map((o) => ({
      ...o,
      counterexample: o.counterexample === null
        ? null
        : traceToJson(o.counterexample),
    })),
    confirmation: report.confirmation === null ? null : {
      ...report.confirmation,
      counterexample: report.confirmation.counterexample === null
        ? null
        : traceToJson(report.confirmation.counterexample),
    },
  };
}

/**
 * A readable report: each obligation with its status and solver time, each
 * counterexample as a trace table, the explorer's confirmation and the
 * verdict.
 *
 * @param report What {@linkcode proveAllSizes} returned.
 * @returns The text, ending in a newline.
 *
 * @example Printing a report
 * ```ts
 * import assert from "node:assert/strict";
 * import { type AllSizesReport, formatAllSizes } from "@ringproof/ring/model";
 *
 * // A report as proveAllSizes() returns it (here written out by hand).
 * const report: AllSizesReport = {
 *   scheme: "counter",
 *   mutant: null,
 *   candidate: "inductive",
 *   verdict: "proved",
 *   provedWhen: null,
 *   obligations: [{
 *     kind: "step", name: "P0 publish", statement: "Inv ∧ P0 publish ⇒ Inv′",
 *     status: "proved", seconds: 0.13, broken: [], counterexample: null,
 *     size: null,
 *   }],
 *   confirmation: null,
 *   seconds: 3.2,
 * };
 * const text = formatAllSizes(report);
 * assert.match(text, /Inv ∧ P0 publish ⇒ Inv′ +proved/);
 * assert.match(text, /=> proved for every BUFFER_SIZE/);
 * ```
 */
export function formatAllSizes(report: AllSizesReport): string {
  const lines = [
    `proof for every BUFFER_SIZE: scheme ${report.scheme}, ${
      report.mutant === null ? "no mutant" : `mutant ${report.mutant}`
    }, candidate ${
      report.candidate === "inductive"
        ? "inductive invariant"
        : "bare safety (bound ∧ no-unproduced ∧ fifo)"
    }`,
  ];
  const label = (o: AllSizesObligation) =>
    o.kind === "lemma" ? `${o.name}: ${o.statement}` : o.statement;
  const width = Math.max(
    ...report.obligations.map((o) => [...label(o)].length),
  );
  for (const o of report.obligations) {
    const status = o.status === "definition"
      ? "assumed (SMT-LIB definition)"
      : o.status === "failed"
      ? `FAILS (${o.broken.join(", ")})`
      : o.status;
    lines.push(
      `  ${label(o).padEnd(width)}  ${status.padEnd(12)} ${
        o.status === "definition" ? "" : `${o.seconds.toFixed(3)} s`
      }`.trimEnd(),
    );
    if (o.counterexample !== null && o.size !== null) {
      lines.push(
        `      counterexample at BUFFER_SIZE ${o.size.slots}, ${o.size.items} items${
          report.scheme === "counter" ? `, start ${o.size.start}` : ""
        }:`,
        ...formatTrace(o.counterexample, {
          first: o.kind === "init" ? "initial state" : "a state satisfying Inv",
        }).split("\n").map((line) => `      ${line}`),
      );
    }
  }
  const c = report.confirmation;
  if (c !== null) {
    lines.push(
      `  explorer at slots ${c.slots}, ${c.items} items${
        report.scheme === "counter" ? `, start ${c.start}` : ""
      }: ${
        c.verdict === "violation"
          ? `VIOLATION of ${c.invariant} (${
            c.counterexample!.length - 1
          } steps): the counterexample is real`
          : `${c.verdict}: no violation there; the counterexample to induction is unreachable at that size`
      }`,
    );
  }
  if (report.provedWhen !== null) {
    lines.push(`  => proved for every BUFFER_SIZE with ${report.provedWhen}`);
  }
  lines.push(
    report.verdict === "proved"
      ? `  => proved for every BUFFER_SIZE (${report.seconds.toFixed(2)} s)`
      : report.verdict === "violated"
      ? `  => not proved: violated (${report.seconds.toFixed(2)} s)`
      : `  => not proved (${report.seconds.toFixed(2)} s)`,
  );
  return lines.join("\n") + "\n";
}
