// Issue 5's targets, checked against the measured ratios.
import type { Side } from "./_cases.ts";
import type { CaseResult } from "./_runner.ts";

/** One target and how this run did against it. */
export interface TargetResult {
  readonly target: string;
  readonly caseId: string;
  readonly versus: Side;
  /** The least ratio (this ring ÷ peer) that meets the target. */
  readonly threshold: number;
  /** The measured ratio of medians (null when a side has no verified run). */
  readonly ratio: number | null;
  readonly met: boolean;
}

const TARGETS: readonly {
  readonly target: string;
  /** The cases it applies to: ids starting with `prefix`, but not `unless`. */
  readonly prefix: string;
  readonly unless?: string;
  readonly versus: Side;
  readonly threshold: number;
}[] = [
  {
    target: "single-item spin ≥ 2× ringbuf.js",
    prefix: "spin-",
    versus: "ringbuf.js",
    threshold: 2,
  },
  {
    target: "batch ≥ 1.5× ringbuf.js",
    prefix: "batch-",
    versus: "ringbuf.js",
    threshold: 1.5,
  },
  {
    // Issue 5: the verified harness against one thread copying within L1.
    target: "batch ≥ 50% of the copy ceiling",
    prefix: "batch-",
    unless: "batch-bulk-",
    versus: "copy ceiling",
    threshold: 0.5,
  },
  {
    // Issue 15: checked after the timed region, against one thread copying
    // the same source array into the same sink array.
    target: "bulk batch (checked after the clock) ≥ 50% of the copy ceiling",
    prefix: "batch-bulk-",
    versus: "copy ceiling",
    threshold: 0.5,
  },
  {
    target: "blocking ≥ 20× postMessage",
    prefix: "blocking-",
    versus: "postMessage",
    threshold: 20,
  },
  {
    target: "async ≥ 5× postMessage",
    prefix: "async-",
    versus: "postMessage",
    threshold: 5,
  },
  {
    target: "spin round trip ≤ ringbuf.js's (round trips/s ≥ 1×)",
    prefix: "ping-",
    versus: "ringbuf.js",
    threshold: 1,
  },
];

/** Every target, once per case it applies to. */
export function checkTargets(cases: readonly CaseResult[]): TargetResult[] {
  const results: TargetResult[] = [];
  for (const spec of TARGETS) {
    for (const result of cases) {
      if (!result.id.startsWith(spec.prefix)) continue;
      if (spec.unless !== undefined && result.id.startsWith(spec.unless)) {
        continue;
      }
      const found = result.ratios.find((r) => r.side === spec.versus);
      if (found === undefined) continue;
      const ratio = Number.isFinite(found.ratio) ? found.ratio : null;
      results.push({
        target: spec.target,
        caseId: result.id,
        versus: spec.versus,
        threshold: spec.threshold,
        ratio,
        met: ratio !== null && ratio >= spec.threshold,
      });
    }
  }
  return results;
}
