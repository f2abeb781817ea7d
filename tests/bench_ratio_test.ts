// The benchmark's ratio against a peer (bench/_runner.ts): paired by round,
// so a burst of outside load over a few consecutive rounds cancels out.
import assert from "node:assert/strict";
import { pairedRatio, type RunRecord } from "../bench/_runner.ts";

function runs(rates: readonly number[], failed: readonly number[] = []) {
  return rates.map((rate, r): RunRecord =>
    failed.includes(r)
      ? { seconds: NaN, rate: NaN, verified: false, problem: "planted" }
      : { seconds: 1 / rate, rate, verified: true }
  );
}

Deno.test("pairedRatio() takes the median of the per-round ratios, not the ratio of medians", () => {
  // bench0's spin-4096 (M items/s): outside load slowed both sides over
  // rounds 1-5 and ended between the two runs of round 5.
  const ring = [5.05, 4.31, 5.05, 4.72, 4.68, 16.5, 14.46, 16.17, 15.13];
  const peer = [4.68, 3.21, 4.83, 3.06, 8.0, 9.86, 10.26, 10.32, 9.76];
  const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
  const ratio = pairedRatio(runs(ring), runs(peer));
  // Round 6's ratio is the median of the nine; the medians' ratio is 5.05 / 8.
  assert.equal(ratio, 14.46 / 10.26);
  assert.notEqual(ratio, sorted(ring)[4]! / sorted(peer)[4]!);
});

Deno.test("pairedRatio() skips a round in which either run failed", () => {
  const ring = runs([2, 30, 4, 6], [3]);
  const peer = runs([1, 1, 2, 1], [1]);
  // Rounds 0 and 2 remain: ratios 2 and 2.
  assert.equal(pairedRatio(ring, peer), 2);
  assert.ok(Number.isNaN(pairedRatio(runs([1], [0]), runs([1]))));
});
