// What `--against code` prints: a line per entry (on standard error as each
// entry ends) and the report: JSON (replayable), a Mermaid diagram, or the
// lines and the failing schedule's table.
import type { CheckCodeReport, CodeEntryReport } from "../check_code.ts";
import { REPLAY_SCHEMA } from "./format.ts";

function describeParams(params: Readonly<Record<string, unknown>>): string {
  return Object.entries(params).map(([k, v]) => `${k} ${v}`).join(", ");
}

/** One entry's line: its verdict and figures. */
export function entryLine(r: CodeEntryReport): string {
  const verdict = r.known !== undefined
    ? r.verdict === "fail"
      ? "KNOWN BUG (found)"
      : "KNOWN BUG NOT FOUND (fixed? flip this entry)"
    : r.verdict.toUpperCase();
  const what = r.failure === undefined
    ? ""
    : `: ${r.failure.property}: ${r.failure.message}`;
  const points = r.victims === undefined || r.victims.length === 0
    ? ""
    : `${r.crashPoints} crash points (${
      r.victims.map((v) => `${v.thread} ${v.points}`).join(", ")
    }), `;
  return `${r.scenario} (${
    describeParams(r.params)
  }): ${verdict}, ${points}${r.executions} executions, ${r.steps} steps, ${
    r.seconds.toFixed(1)
  } s${r.complete ? ", complete" : ""}${what}`;
}

/**
 * The report as `--json` or `--mermaid` ask, else as lines; `replay`: the
 * run replayed a schedule (its failure is shown even for a known bug).
 */
export function reportText(
  report: CheckCodeReport,
  how: { json: boolean; mermaid: boolean; replay: boolean },
): string {
  const failure = report.failure;
  if (how.json) {
    const shown = report.entries.find((e) =>
      e.failure !== undefined &&
      e.known === undefined
    ) ?? report.entries.find((e) => e.failure);
    return (JSON.stringify(
      shown?.failure?.json ?? {
        schema: REPLAY_SCHEMA,
        verdict: report.verdict,
        entries: report.entries.map((e) => ({
          scenario: e.scenario,
          params: e.params,
          verdict: e.verdict,
          executions: e.executions,
          steps: e.steps,
          seconds: e.seconds,
          complete: e.complete,
        })),
      },
      null,
      2,
    ) + "\n");
  } else if (how.mermaid) {
    const shown = failure ?? report.entries.find((e) => e.failure)?.failure;
    return shown === undefined ? "" : shown.mermaid + "\n";
  } else {
    const lines = report.entries.map(entryLine);
    lines.push(
      `verdict: ${report.verdict.toUpperCase()}: ${report.entries.length} scenarios, ${report.executions} executions, ${report.steps} steps in ${
        report.seconds.toFixed(1)
      } s (${report.executionsPerSecond.toFixed(0)} executions/s, ${
        report.stepsPerSecond.toFixed(0)
      } steps/s)`,
    );
    const shown = failure ??
      (how.replay ? report.entries[0]?.failure : undefined);
    if (shown !== undefined) {
      lines.push(
        "",
        `failing schedule (${shown.steps.length} steps${
          shown.crash === undefined ? "" : ", at a crash point"
        }; replay it: the same command with --json > FILE, then --replay FILE):`,
        shown.table,
      );
    }
    return lines.join("\n") + "\n";
  }
}
