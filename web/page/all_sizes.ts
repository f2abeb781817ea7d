// Copyright 2025 the ringproof authors. MIT license.
/**
 * The words of the "every BUFFER_SIZE" proof view, kept free of the DOM so
 * they are tested directly: which runs a choice of the form asks for, each
 * obligation's status and time, the headline of a report and a whole
 * counterexample state as rows (the invariant's notation is in
 * `all_sizes_math.ts`).
 *
 * @module
 */

import {
  type AllSizesObligation,
  type AllSizesReport,
  type BufferState,
  itemName,
  type Mutant,
  mutantApplies,
} from "../../model/mod.ts";

/** One call of `proveAllSizes` the page makes (its options). */
export interface AllSizesRun {
  /** The scheme. */
  scheme: "textbook" | "counter";
  /** The candidate: the inductive invariant or the bare safety property. */
  candidate: "inductive" | "safety";
  /** A mutant, if any. */
  mutant?: Mutant;
  /** Milliseconds the solver may spend on one query. */
  timeout: number;
}

/** What the form asks for. */
export interface AllSizesChoice {
  /** `"both"`, `"textbook"` or `"counter"`. */
  schemes: "both" | "textbook" | "counter";
  /** A mutant to give a verdict on, or `null` for the shipped code. */
  mutant: Mutant | null;
  /** Whether to add the bare safety property, to show a counterexample to induction. */
  safety: boolean;
  /** Seconds the solver may spend on one query. */
  timeLimit: number;
}

/** The range of the time limit per query, in seconds. */
export const TIME_LIMIT = { min: 1, max: 600, default: 30 } as const;

/**
 * Reads the time limit field.
 *
 * @param text The field's text.
 * @returns Seconds.
 * @throws {RangeError} When it is not an integer in {@linkcode TIME_LIMIT}'s range.
 */
export function parseTimeLimit(text: string): number {
  const n = /^\s*\d+\s*$/.test(text) ? Number(text) : NaN;
  if (!(n >= TIME_LIMIT.min && n <= TIME_LIMIT.max)) {
    throw new RangeError(
      `Cannot prove: the time limit must be a whole number of seconds from ${TIME_LIMIT.min} to ${TIME_LIMIT.max}, received ${
        JSON.stringify(text)
      }`,
    );
  }
  return n;
}

/**
 * The runs a choice asks for: the inductive invariant for each scheme
 * chosen (with the mutant, on the schemes it applies to), then the bare
 * safety property on the first of them, without a mutant.
 *
 * @param choice The form's choice.
 * @returns The runs, in order.
 * @throws {RangeError} When the mutant applies to none of the schemes chosen.
 */
export function planRuns(choice: AllSizesChoice): AllSizesRun[] {
  const all = choice.schemes === "both"
    ? ["textbook", "counter"] as const
    : [choice.schemes] as const;
  const mutant = choice.mutant;
  const schemes = mutant === null
    ? [...all]
    : all.filter((scheme) => mutantApplies(mutant, scheme));
  if (schemes.length === 0) {
    throw new RangeError(
      `Cannot prove: mutant ${mutant} does not apply to scheme ${all[0]}`,
    );
  }
  const timeout = choice.timeLimit * 1000;
  const runs: AllSizesRun[] = schemes.map((scheme) =>
    mutant === null
      ? { scheme, candidate: "inductive", timeout }
      : { scheme, candidate: "inductive", mutant, timeout }
  );
  if (choice.safety) {
    runs.push({ scheme: schemes[0]!, candidate: "safety", timeout });
  }
  return runs;
}

/**
 * A run as a title.
 *
 * @param run The run.
 * @returns E.g. `textbook scheme, mutant no-full-check: the inductive invariant`.
 */
export function runTitle(run: AllSizesRun): string {
  return `${run.scheme} scheme${
    run.mutant === undefined ? "" : `, mutant ${run.mutant}`
  }: ${
    run.candidate === "inductive"
      ? "the inductive invariant"
      : "the bare safety property"
  }`;
}

/**
 * An obligation's status in words (never colour alone).
 *
 * @param o The obligation.
 * @returns E.g. `✓ proved`, `✗ FAILS (counts, indices)`.
 */
export function statusText(o: AllSizesObligation): string {
  switch (o.status) {
    case "proved":
      return "✓ proved";
    case "failed":
      return `✗ FAILS${
        o.broken.length === 0 ? "" : ` (${o.broken.join(", ")})`
      }`;
    case "unknown":
      return "? unknown (time limit reached, or the solver gave up)";
    case "definition":
      return "assumed (SMT-LIB definition)";
  }
}

/**
 * A solver time.
 *
 * @param seconds Seconds.
 * @returns E.g. `0.208 s`, `< 1 ms`.
 */
export function secondsText(seconds: number): string {
  return seconds < 0.0005 ? "< 1 ms" : `${seconds.toFixed(3)} s`;
}

/**
 * What a report establishes, in one line.
 *
 * @param report The report.
 * @returns E.g. `✓ proved for every BUFFER_SIZE ≥ 2 and every number of items`.
 */
export function headline(report: AllSizesReport): string {
  const every = report.scheme === "counter"
    ? "every BUFFER_SIZE ≥ 2, every number of items and every 32-bit start (across the 2³² wrap)"
    : "every BUFFER_SIZE ≥ 2 and every number of items";
  if (report.verdict === "proved") return `✓ proved for ${every}`;
  if (report.candidate === "safety") {
    return "✗ not inductive: the solver found a counterexample to induction";
  }
  const when = report.provedWhen === null
    ? ""
    : `; proved for ${every} when ${report.provedWhen}`;
  return report.verdict === "violated"
    ? `✗ not proved: violated — the explorer confirms a reachable violation${when}`
    : `✗ not proved${when}`;
}

/**
 * What a proof of safety leaves out for a mutant: the prover shows safety
 * only, so a mutant that is safe for a bad reason gets a word of warning.
 *
 * @param report The report.
 * @returns The sentence, or `null`.
 */
export function caveatText(report: AllSizesReport): string | null {
  if (report.verdict !== "proved") return null;
  if (report.mutant === "full-when-equal") {
    return "Safe only vacuously: the full test is the empty test, so neither process ever passes its wait — the explorer reports a deadlock at step 0. The prover checks safety, not progress.";
  }
  if (report.mutant === "wasted-two") {
    return "Safe, but wasteful: the buffer never holds more than BUFFER_SIZE − 2 items — the explorer's bound-tight fact is never witnessed. The prover checks safety, not that the capacity is reached.";
  }
  return null;
}

/**
 * The explorer's confirmation of a report's first counterexample, in words.
 *
 * @param report The report.
 * @returns The sentence, or `null` when the explorer did not run.
 */
export function confirmationText(report: AllSizesReport): string | null {
  const c = report.confirmation;
  if (c === null) return null;
  const at = `The explorer at BUFFER_SIZE ${c.slots}, ${c.items} items${
    report.scheme === "counter" ? `, start ${c.start}` : ""
  }`;
  if (c.verdict === "violation") {
    const steps = (c.counterexample?.length ?? 1) - 1;
    return `${at}: a reachable violation of ${c.invariant} in ${steps} step${
      steps === 1 ? "" : "s"
    } — the counterexample is real.`;
  }
  return `${at}: ${c.verdict}, no violation — the counterexample to induction is not reachable there.`;
}

/**
 * Where a counterexample lives.
 *
 * @param o The obligation.
 * @param scheme The scheme.
 * @returns E.g. `BUFFER_SIZE 2, 2 items`, or `""` without a counterexample.
 */
export function sizeText(
  o: AllSizesObligation,
  scheme: "textbook" | "counter",
): string {
  if (o.size === null) return "";
  return `BUFFER_SIZE ${o.size.slots}, ${o.size.items} item${
    o.size.items === 1 ? "" : "s"
  }${scheme === "counter" ? `, start ${o.size.start}` : ""}`;
}

/**
 * A whole state of the one-producer/one-consumer model as rows of a
 * table: shared variables, cells, each process's program counter, locals
 * and ghost counters, and the ghost flags — a counterexample to induction is
 * not reachable, so nothing of it can be read off a path.
 *
 * @param state The state.
 * @param options The scheme and the number of items.
 * @returns `[variable, value]` rows.
 */
export function wholeStateRows(
  state: BufferState,
  options: { scheme: "textbook" | "counter"; items: number },
): [string, string][] {
  const flags = Object.entries(state.flags).filter(([, on]) => on)
    .map(([name]) => name);
  const rows: [string, string][] = [["in", String(state.in)], [
    "out",
    String(state.out),
  ]];
  if (options.scheme === "counter") {
    rows.push(["inSlot", String(state.inSlot)], [
      "outSlot",
      String(state.outSlot),
    ]);
  }
  rows.push([
    "cells",
    `[${
      state.cells.map((cell) => cell === null ? "·" : itemName(cell)).join(" ")
    }]`,
  ]);
  for (const p of state.producers) {
    rows.push([
      `${p.name} pc`,
      p.pc,
    ], [
      `${p.name} next_produced`,
      p.nextProduced === null ? "—" : itemName(p.nextProduced),
    ], [
      `${p.name} produced`,
      `${p.produced} of ${options.items}`,
    ]);
    if (p.slot !== null) rows.push([`${p.name} slot`, String(p.slot)]);
  }
  for (const c of state.consumers) {
    rows.push([
      `${c.name} pc`,
      c.pc,
    ], [
      `${c.name} next_consumed`,
      c.nextConsumed === null ? "—" : itemName(c.nextConsumed),
    ], [
      `${c.name} consumed`,
      c.seen.map(String).join(", "),
    ]);
    if (c.slot !== null) rows.push([`${c.name} slot`, String(c.slot)]);
  }
  rows.push(
    ["held", String(state.itemsInBuffer)],
    ["flags", flags.length === 0 ? "none" : flags.join(", ")],
  );
  return rows;
}

/**
 * The status line once every run is done.
 *
 * @param reports The reports, in the order of the runs.
 * @returns E.g. `Done in 9.4 s: textbook ✓ proved, counter ✓ proved; the bare safety property is not inductive.`
 */
export function summaryText(reports: readonly AllSizesReport[]): string {
  const seconds = reports.reduce((sum, r) => sum + r.seconds, 0);
  const parts = reports.filter((r) => r.candidate === "inductive").map((r) =>
    `${r.scheme}${r.mutant === null ? "" : ` (${r.mutant})`} ${
      r.verdict === "proved"
        ? "✓ proved"
        : r.verdict === "violated"
        ? "✗ violated"
        : "✗ not proved"
    }`
  );
  const safety = reports.find((r) => r.candidate === "safety");
  const bare = safety === undefined
    ? ""
    : `; the bare safety property is ${
      safety.verdict === "proved" ? "inductive" : "not inductive"
    }`;
  return `Done in ${seconds.toFixed(1)} s: ${parts.join(", ")}${bare}.`;
}
