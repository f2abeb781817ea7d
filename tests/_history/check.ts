// Copyright 2025 the ringproof authors. MIT license.
// The history checker: a history recorded under real concurrency (Workers,
// no controlled schedule), of any number of producers and consumers, against
// the bounded FIFO queue the model specifies.
//
// Every history meets the necessary conditions of concurrent.ts, which stay
// sound for the sequence ring's refusals. With one producer and one consumer
// both sides are sequential, so the stronger rules of sequential.ts apply
// too (the j-th pop takes the j-th push; exact full/empty answers): alone
// for the two-sided shape `{ pushes, pops }` (every call recorded), and for
// a complete `{ producers, consumers }` history after the general ones
// (whose reports name the processes).
//
// Kept with the tests, not exported from ./model: its input is the stress
// tests' recording protocol (one shared logical clock, the size read inside
// each call, see tests/_workers/history_protocol.ts), and its rules are
// necessary conditions tuned to this ring, not a general linearizability
// checker a user could point at their own queue.

import type { History, HistoryReport, ManyHistory } from "./operations.ts";
import { checkSequential } from "./sequential.ts";
import { checkConcurrent } from "./concurrent.ts";

export type {
  History,
  HistoryReport,
  HistoryViolation,
  ManyHistory,
  Operation,
} from "./operations.ts";

/**
 * Checks `history` — one producer's and one consumer's operations
 * (`{ pushes, pops }`) or every process's (`{ producers, consumers }`) —
 * against a bounded FIFO queue of `capacity` items; reports the first
 * violation with the offending operations.
 */
export function checkHistory(
  history: History | ManyHistory,
  options: { capacity: number },
): HistoryReport {
  if ("pushes" in history) return checkSequential(history, options);
  const report = checkConcurrent(history, options);
  const { producers, consumers, complete } = history;
  // `complete: false` in this shape also allows calls not recorded, which
  // the j-th-pop rule cannot allow.
  if (
    !report.ok || !complete || producers.length !== 1 ||
    consumers.length !== 1
  ) {
    return report;
  }
  return checkSequential(
    { pushes: producers[0]!, pops: consumers[0]!, complete },
    options,
  );
}
