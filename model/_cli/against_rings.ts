// Copyright 2025 the ringproof authors. MIT license.
// The ring kinds `--against production` checks, one descriptor each: which
// configurations the flags select (a grid for the flags not given), how one
// is checked, and how its figures and disagreements are printed. The one
// `--against` path (against_production.ts) runs every selected kind alike.

import {
  checkRing,
  type CheckRingOptions,
  productionRing,
  type RingCheckReport,
  type RingFactory,
} from "../conformance.ts";
import {
  checkSequenceRing,
  type CheckSequenceRingOptions,
  productionSequenceRing,
  type SequenceCheckReport,
  type SequenceRingFactory,
} from "../conformance_sequence.ts";
import { positionLimit } from "../_machine/state.ts";
import { integerFlag, usage } from "./args.ts";

/** The rings to check, by kind (default: the production rings). */
export interface Rings {
  readonly ring?: RingFactory;
  readonly sequenceRing?: SequenceRingFactory;
}

/** What every kind's report has. */
export type AnyReport = RingCheckReport | SequenceCheckReport;

/** One ring kind of `--against production`. */
export interface RingKind<R extends AnyReport = AnyReport> {
  /** The key of its runs in the JSON report. */
  readonly json: "runs" | "sequence";
  /** Its configurations, from the flags. */
  configurations(values: ReadonlyMap<string, string>): readonly unknown[];
  /** Checks one configuration. */
  check(config: unknown, rings: Rings): R;
  /** What the text report says first. */
  readonly intro: readonly string[];
  /** The summary table's columns. */
  readonly columns: readonly Column<R>[];
  /** A configuration, as a disagreement's heading names it. */
  describe(report: R): string;
}

/** A column of the summary table: its header and a report's cell. */
export interface Column<R> {
  readonly header: string;
  cell(report: R): string;
}

type Cell<R> = readonly [string, (report: R) => string];

/** The columns every kind's table has: the verdict first, the figures last. */
function figures<R extends AnyReport>(
  config: readonly Cell<R>[],
  production: readonly Cell<R>[],
): Column<R>[] {
  const cells: Cell<R>[] = [
    ["verdict", (r) => r.verdict.toUpperCase()],
    ...config,
    ["model states", (r) => fmt(r.model.states)],
    ["model steps", (r) => fmt(r.model.transitions)],
    ["coarse", (r) => fmt(r.model.coarse)],
    ...production,
    ["seconds", (r) => r.seconds.toFixed(2)],
  ];
  return cells.map(([header, cell]) => ({ header, cell }));
}

/** A disagreement as the text report prints it: the configuration, the trace, what it leads to. */
export function failureText<R extends AnyReport>(
  kind: RingKind<R>,
  report: R,
): string[] {
  const failure = report.failure;
  if (failure === undefined) return [];
  return [
    "",
    `${kind.describe(report)}: the ring disagrees with the model`,
    failure.table,
    ...(failure.consequence === undefined
      ? []
      : ["", failure.consequence.table]),
  ];
}

function fmt(n: number): string {
  return n.toLocaleString("en-US");
}

/** Near the counters' wrap: the grid crosses 2^32 within six items. */
const NEAR_WRAP = 2 ** 32 - 3;

/** The configurations to check: the flags given, a grid for the rest. */
function configurations(
  values: ReadonlyMap<string, string>,
): CheckRingOptions[] {
  const scheme = values.get("scheme");
  if (scheme !== undefined && scheme !== "textbook" && scheme !== "counter") {
    usage(
      `Bad value for --scheme: the production ring has schemes textbook and counter, received ${scheme}`,
    );
  }
  const slots = integerFlag(values, "slots");
  const items = integerFlag(values, "items");
  const start = integerFlag(values, "start");
  // A start applies to counters only: without --scheme it picks them.
  const schemes = scheme !== undefined
    ? [scheme] as const
    : start === undefined
    ? ["textbook", "counter"] as const
    : ["counter"] as const;
  const out: CheckRingOptions[] = [];
  for (const s of schemes) {
    const starts = s === "textbook"
      ? [start ?? 0]
      : start === undefined
      ? [0, NEAR_WRAP]
      : [start];
    for (const from of starts) {
      for (const n of slots === undefined ? [2, 3, 4] : [slots]) {
        out.push({ scheme: s, slots: n, items: items ?? 6, start: from });
      }
    }
  }
  return out;
}

/**
 * The configurations to check: the flags given, a grid for the rest — two
 * producers and two consumers, one item each, slots 2 and 3, positions from
 * 0 and from two below their wrap.
 */
function sequenceConfigurations(
  values: ReadonlyMap<string, string>,
): CheckSequenceRingOptions[] {
  const scheme = values.get("scheme");
  if (scheme !== undefined && scheme !== "counter") {
    usage(
      `Bad value for --scheme: sync sequence needs scheme counter, received ${scheme}`,
    );
  }
  const slots = integerFlag(values, "slots");
  const items = integerFlag(values, "items") ?? 1;
  const producers = integerFlag(values, "producers") ?? 2;
  const consumers = integerFlag(values, "consumers") ?? 2;
  const start = integerFlag(values, "start");
  const out: CheckSequenceRingOptions[] = [];
  for (const n of slots === undefined ? [2, 3] : [slots]) {
    // An out-of-range slot count is reported by checkSequenceRing.
    const nearWrap = n >= 2 && n <= 64 ? positionLimit(n) - 2 : 0;
    for (const from of start === undefined ? [0, nearWrap] : [start]) {
      out.push({ slots: n, items, producers, consumers, start: from });
    }
  }
  return out;
}

/** The one-producer/one-consumer ring (checkRing, `--sync none`). */
export const ONE_PRODUCER: RingKind<RingCheckReport> = {
  json: "runs",
  configurations,
  check: (config, rings) =>
    checkRing({
      ...config as CheckRingOptions,
      ring: rings.ring ?? productionRing,
    }),
  intro: [
    "against: the production ring (Producer/Consumer on a SharedArrayBuffer) in lockstep",
    "with the model: every reachable state and every step, tryPush/tryPop (coarse) too,",
    "blocked steps probed; each step on a fresh ring with its path replayed",
  ],
  columns: figures<RingCheckReport>([
    ["scheme", (r) => r.config.scheme],
    ["start", (r) => String(r.config.start)],
    ["slots", (r) => String(r.config.slots)],
    ["items", (r) => String(r.config.items)],
  ], [
    ["ring states", (r) => fmt(r.production.states)],
    ["ring steps", (r) => fmt(r.production.transitions)],
    ["blocked", (r) => fmt(r.production.probes)],
    ["calls", (r) => fmt(r.production.calls)],
    ["rings", (r) => fmt(r.production.rings)],
  ]),
  describe: ({ config: c }) =>
    `${c.scheme} from ${c.start}, slots ${c.slots}, ${c.items} items`,
};

/** The many-producer/many-consumer ring (checkSequenceRing, `--sync sequence`). */
export const SEQUENCE: RingKind<SequenceCheckReport> = {
  json: "sequence",
  configurations: sequenceConfigurations,
  check: (config, rings) =>
    checkSequenceRing({
      ...config as CheckSequenceRingOptions,
      ring: rings.sequenceRing ?? productionSequenceRing,
    }),
  intro: [
    'against: the production sequence ring (producers and consumers "many") in lockstep',
    "with the model's sync sequence: every reachable state and every one-access step",
    "(load, wait, claim, write/read, publish/release), tryPush/tryPop (coarse) too, blocked",
    "steps probed; the ring saved and restored at each state",
  ],
  columns: figures<SequenceCheckReport>([
    ["producers", (r) => String(r.config.producers)],
    ["consumers", (r) => String(r.config.consumers)],
    ["start", (r) => String(r.config.start)],
    ["slots", (r) => String(r.config.slots)],
    ["items", (r) => String(r.config.items)],
  ], [
    ["ring steps", (r) => fmt(r.production.steps)],
    ["blocked", (r) => fmt(r.production.blocked)],
  ]),
  describe: ({ config: c }) =>
    `${c.producers}×${c.consumers} from ${c.start}, slots ${c.slots}, ${c.items} item${
      c.items === 1 ? "" : "s"
    }`,
};
