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
  /** The summary table's header and a report's row. */
  readonly header: readonly string[];
  row(report: R): string[];
  /** A disagreement: the configuration, the trace, what it leads to. */
  failureText(report: R): string[];
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
  const schemes = scheme === undefined
    ? ["textbook", "counter"] as const
    : [scheme] as const;
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

/** One row of the summary table. */
function spscRow(report: RingCheckReport): string[] {
  const { config: c, model, production: p } = report;
  return [
    report.verdict.toUpperCase(),
    c.scheme,
    String(c.start),
    String(c.slots),
    String(c.items),
    fmt(model.states),
    fmt(model.transitions),
    fmt(model.coarse),
    fmt(p.states),
    fmt(p.transitions),
    fmt(p.probes),
    fmt(p.calls),
    fmt(p.rings),
    report.seconds.toFixed(2),
  ];
}

const HEADER: readonly string[] = [
  "verdict",
  "scheme",
  "start",
  "slots",
  "items",
  "model states",
  "model steps",
  "coarse",
  "ring states",
  "ring steps",
  "blocked",
  "calls",
  "rings",
  "seconds",
];

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

/** The summary table's header. */
const SEQUENCE_HEADER: readonly string[] = [
  "verdict",
  "producers",
  "consumers",
  "start",
  "slots",
  "items",
  "model states",
  "model steps",
  "coarse",
  "ring steps",
  "blocked",
  "seconds",
];

/** One row of the summary table. */
function sequenceRow(report: SequenceCheckReport): string[] {
  const { config: c, model, production: p } = report;
  return [
    report.verdict.toUpperCase(),
    String(c.producers),
    String(c.consumers),
    String(c.start),
    String(c.slots),
    String(c.items),
    fmt(model.states),
    fmt(model.transitions),
    fmt(model.coarse),
    fmt(p.steps),
    fmt(p.blocked),
    report.seconds.toFixed(2),
  ];
}

/** How a disagreement is printed: the configuration, then the trace. */
function sequenceFailureText(report: SequenceCheckReport): string[] {
  const failure = report.failure;
  if (failure === undefined) return [];
  const c = report.config;
  return [
    "",
    `${c.producers}×${c.consumers} from ${c.start}, slots ${c.slots}, ${c.items} item${
      c.items === 1 ? "" : "s"
    }: the ring disagrees with the model`,
    failure.table,
    ...(failure.consequence === undefined
      ? []
      : ["", failure.consequence.table]),
  ];
}

function spscFailureText(report: RingCheckReport): string[] {
  const failure = report.failure;
  if (failure === undefined) return [];
  const c = report.config;
  return [
    "",
    `${c.scheme} from ${c.start}, slots ${c.slots}, ${c.items} items: the ring disagrees with the model`,
    failure.table,
    ...(failure.consequence === undefined
      ? []
      : ["", failure.consequence.table]),
  ];
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
  header: HEADER,
  row: spscRow,
  failureText: spscFailureText,
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
  header: SEQUENCE_HEADER,
  row: sequenceRow,
  failureText: sequenceFailureText,
};
