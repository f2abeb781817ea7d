// Copyright 2025 the ringproof authors. MIT license.
// A proveAllSizes() report as JSON and as text (re-exported by
// model/prove_all_sizes.ts).

import { formatTrace, traceToJson } from "../trace.ts";
import type {
  AllSizesJson,
  AllSizesObligation,
  AllSizesReport,
} from "./report_types.ts";

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
    lines.push(`  => proved when ${report.provedWhen}`);
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
