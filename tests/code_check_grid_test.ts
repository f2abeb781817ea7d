// The default grid of `deno task check -- --against code`: every engine and
// public call of the ring, model-checked at the granularity of shared-memory
// operations (see docs/code_check.md for what each entry explores and how
// long the grid takes).
import assert from "node:assert/strict";
import { checkCode } from "../model/mod.ts";

Deno.test("checkCode() passes the default grid over every engine and public call", async () => {
  const report = await checkCode();
  assert.equal(
    report.verdict,
    "pass",
    report.failure === undefined
      ? report.entries.filter((e) => e.verdict !== "pass").map((e) =>
        `${e.scenario} ${JSON.stringify(e.params)}: ${e.verdict}`
      ).join("; ")
      : `${report.failure.scenario}: ${report.failure.table}`,
  );
  // Every engine is in it, and no entry is a known bug or allows a race.
  const scenarios = new Set(report.entries.map((e) => e.scenario));
  for (
    const name of [
      "try",
      "blocking",
      "many",
      "zero-copy",
      "async",
      "close",
      "close-ring",
      "reattach",
      "sequence-2x2",
      "sequence-1x2",
      "sequence-2x1",
      "sequence-blocking",
      "sequence-close",
      "unbounded",
    ]
  ) assert.ok(scenarios.has(name), `the grid checks ${name}`);
  assert.ok(report.entries.every((e) => e.known === undefined));
  // The exhaustive entries explored every schedule (within their bound).
  for (const entry of report.entries) {
    if (entry.search === "dpor" || entry.search === "preemption") {
      assert.ok(entry.complete, `${entry.scenario} explored completely`);
    }
  }
});
