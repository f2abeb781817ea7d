// Copyright 2025 the ringproof authors. MIT license.
// `deno task check -- --proof`: the inductive invariant's obligations, and
// bare safety shown not inductive.

import type {
  BufferAction,
  BufferModel,
  BufferState,
} from "../bounded_buffer.ts";
import {
  bufferProof,
  type ProofProblem,
  type ProofReport,
  prove,
} from "../proof.ts";
import { formatTrace } from "../trace.ts";
import type { CliIo } from "./io.ts";
import { asUsage, bufferOptions, type Parsed, UsageError } from "./args.ts";
import { describeConfig, fmt } from "./check.ts";

function proofText(reports: ProofReport<BufferState, BufferAction>[]): string {
  const lines: string[] = [];
  for (const report of reports) {
    lines.push(
      `candidate: ${report.invariantName}: ${fmt(report.invariantStates)} of ${
        fmt(report.domainStates)
      } domain states satisfy it (${report.seconds.toFixed(2)} s)`,
    );
    for (const o of report.obligations) {
      const unit = o.name === "step"
        ? "transitions"
        : o.checked === 1
        ? "state"
        : "states";
      const head = `  ${o.statement.padEnd(18)} `;
      if (o.proved) {
        lines.push(`${head}proved (${fmt(o.checked)} ${unit} checked)`);
        continue;
      }
      const cex = o.counterexample!;
      if (o.name === "step") {
        lines.push(
          `${head}FAILS: counterexample to induction (${cex.action!.process} ${
            cex.action!.op
          } leaves Inv):`,
          indent(formatTrace([{ action: null, state: cex.state }, {
            action: cex.action!,
            state: cex.next!,
          }], { first: "a state satisfying Inv" })),
        );
      } else {
        lines.push(
          `${head}FAILS${cex.property ? ` (${cex.property})` : ""} in:`,
          indent(formatTrace([{ action: null, state: cex.state }], {
            first: "a state satisfying Inv",
          })),
        );
      }
    }
    lines.push(
      report.proved ? "  => proved for this bound" : "  => not proved",
      "",
    );
  }
  return lines.join("\n");
}

function indent(text: string): string {
  return text.split("\n").map((line) => `      ${line}`).join("\n");
}

export function runProof(parsed: Parsed, io: CliIo): number {
  const options = bufferOptions(parsed, true);
  for (const flag of ["dfs", "symmetry", "por", "mermaid"]) {
    if (parsed.switches.has(flag)) {
      throw new UsageError(`Flag --${flag} does not apply to --proof`);
    }
  }
  for (const flag of ["max-states", "ignore", "workers"]) {
    if (parsed.values.has(flag)) {
      throw new UsageError(`Flag --${flag} does not apply to --proof`);
    }
  }
  let problems: ProofProblem<BufferState, BufferAction>[];
  try {
    problems = [
      bufferProof(options, { invariant: "inductive" }),
      bufferProof(options, { invariant: "safety" }),
    ];
  } catch (error) {
    asUsage(error);
  }
  const size = problems[0]!.domainSize ?? 0;
  if (size > 20_000_000) {
    throw new UsageError(
      `Flag --proof: the domain has ${
        fmt(size)
      } states; use smaller --slots/--items (e.g. --slots 3 --items 2)`,
    );
  }
  const reports = problems.map((problem) => prove(problem));
  const model = problems[0]!.model as BufferModel;
  if (parsed.switches.has("json")) {
    io.out(
      JSON.stringify(
        {
          schema: "ringproof.proof/1",
          config: { ...model.config, mutant: null },
          results: reports.map((r) => ({
            candidate: r.invariantName,
            proved: r.proved,
            domainStates: r.domainStates,
            invariantStates: r.invariantStates,
            seconds: r.seconds,
            obligations: r.obligations.map((o) => ({
              name: o.name,
              statement: o.statement,
              proved: o.proved,
              checked: o.checked,
              counterexample: o.counterexample ?? null,
            })),
          })),
        },
        null,
        2,
      ) + "\n",
    );
  } else {
    io.out(`proof: ${describeConfig(model)}\n` + proofText(reports));
  }
  return reports[0]!.proved ? 0 : 1;
}
