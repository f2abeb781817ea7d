// Smoke test of the MPMC benchmark (bench/mpmc.ts): a tiny run of every
// shape and contender, each run verified (counts, sums, per-producer order).
// It checks that the benchmark works, never speed.
import assert from "node:assert/strict";
import { mpmcMarkdown, runMpmcBench } from "../bench/mpmc.ts";

Deno.test("runMpmcBench() verifies every run of every shape and contender", async () => {
  const report = await runMpmcBench({ items: 3000, rounds: 1, slots: 16 });
  assert.deepEqual(
    report.rows.map((row) => `${row.shape} ${row.contender}`),
    ["2x2", "1x2", "2x1", "4x4"].flatMap((shape) =>
      ["sequence ring", "mutex ring", "postMessage"].map((contender) =>
        `${shape} ${contender}`
      )
    ),
  );
  for (const row of report.rows) {
    assert.equal(
      row.verified,
      true,
      `${row.shape} ${row.contender}: ${row.problem}`,
    );
    assert.equal(row.rates.length, 1);
    assert.ok(row.median > 0);
  }
  assert.match(mpmcMarkdown(report), /\| 2x2 \| sequence ring \|/);
});
