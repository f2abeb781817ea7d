// Copyright 2025 the ringproof authors. MIT license.
// `deno task check -- --against production`: the production rings checked
// in lockstep with the model — the one-producer/one-consumer ring
// (checkRing, `--sync none`) and the many-producer/many-consumer ring
// (checkSequenceRing, `--sync sequence`) — for one configuration or a grid
// of them, with per-configuration figures for both sides and the verdict.
// Without `--sync` and without configuration flags it runs both grids.

import type { CliIo } from "./io.ts";
import {
  checkRing,
  type CheckRingOptions,
  productionRing,
  type RingCheckReport,
  type RingFactory,
} from "../conformance.ts";
import type {
  SequenceCheckReport,
  SequenceRingFactory,
} from "../conformance_sequence.ts";
import {
  checkSequenceConfigurations,
  SEQUENCE_HEADER,
  sequenceConfigurations,
  sequenceFailureText,
  sequenceRow,
} from "./against_sequence.ts";
import { integerFlag, usage, withFlagNames } from "./flags.ts";
import { table } from "../_lockstep/table.ts";

/** Flags of the model mode that mean nothing here. */
const NOT_HERE = [
  "mutant",
  "proof",
  "symmetry",
  "por",
  "dfs",
  "max-states",
  "ignore",
  "mermaid",
];

/** Flags that pick a configuration (without them: the default grids). */
const CONFIG_FLAGS = [
  "slots",
  "items",
  "scheme",
  "start",
  "producers",
  "consumers",
];

/** Near the counters' wrap: the grid crosses 2^32 within six items. */
const NEAR_WRAP = 2 ** 32 - 3;

/** The configurations to check: the flags given, a grid for the rest. */
export function configurations(
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

function fmt(n: number): string {
  return n.toLocaleString("en-US");
}

/** One row of the summary table. */
function row(report: RingCheckReport): string[] {
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

const HEADER = [
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

/** One run of either lockstep check as JSON. */
function toJson(report: RingCheckReport | SequenceCheckReport) {
  const f = report.failure;
  const consequence = f !== undefined && "consequence" in f
    ? f.consequence
    : undefined;
  return {
    config: report.config,
    verdict: report.verdict,
    model: report.model,
    explored: report.explored,
    production: report.production,
    seconds: report.seconds,
    failure: f === undefined ? null : {
      property: f.property,
      message: f.message,
      table: f.table,
      consequence: consequence === undefined ? null : {
        property: consequence.property,
        message: consequence.message,
        table: consequence.table,
      },
    },
  };
}

/** The command line's flags: values and switches. */
export interface AgainstFlags {
  readonly values: ReadonlyMap<string, string>;
  readonly switches: ReadonlySet<string>;
}

/** Where to write, and the rings to check (default: the production rings). */
export interface AgainstOptions {
  readonly io: CliIo;
  readonly ring?: RingFactory;
  readonly sequenceRing?: SequenceRingFactory;
}

/** Which lockstep checks the flags ask for. */
function modes(flags: AgainstFlags): { spsc: boolean; sequence: boolean } {
  const { values, switches } = flags;
  for (const flag of NOT_HERE) {
    if (values.has(flag) || switches.has(flag)) {
      usage(
        `Flag --${flag} does not apply to --against production (the production rings, no mutant)`,
      );
    }
  }
  const sync = values.get("sync");
  if (sync !== undefined && sync !== "none" && sync !== "sequence") {
    usage(
      `Bad value for --sync: the production rings are none (one producer, one consumer) and sequence (many of each), received ${sync}`,
    );
  }
  if (sync !== "sequence") {
    for (const flag of ["producers", "consumers"]) {
      if (values.has(flag)) {
        usage(
          `Flag --${flag} does not apply to --against production without --sync sequence (one producer, one consumer)`,
        );
      }
    }
  }
  if (sync !== undefined) {
    return { spsc: sync === "none", sequence: sync === "sequence" };
  }
  // The default grid has both; a configuration flag picks an SPSC one.
  const configured = CONFIG_FLAGS.some((flag) => values.has(flag));
  return { spsc: true, sequence: !configured };
}

/**
 * Runs the lockstep checks for the configurations the flags select and
 * prints the figures; returns the exit code (0 all pass, 1 any fails).
 * Bad flags throw a TypeError or RangeError naming the flag.
 */
export function againstProduction(
  flags: AgainstFlags,
  options: AgainstOptions,
): number {
  const { values, switches } = flags;
  const { io, ring = productionRing } = options;
  const mode = modes(flags);
  const reports: RingCheckReport[] = mode.spsc
    ? configurations(values).map((config) =>
      withFlagNames(() => checkRing({ ...config, ring }))
    )
    : [];
  const sequences: SequenceCheckReport[] = mode.sequence
    ? withFlagNames(() =>
      checkSequenceConfigurations(
        sequenceConfigurations(values),
        options.sequenceRing,
      )
    )
    : [];
  const all = [...reports, ...sequences];
  const passed = all.every((r) => r.verdict === "pass");
  if (switches.has("json")) {
    io.out(
      JSON.stringify(
        {
          schema: "ringproof.against/1",
          passed,
          runs: reports.map(toJson),
          sequence: sequences.map(toJson),
        },
        null,
        2,
      ) + "\n",
    );
    return passed ? 0 : 1;
  }
  const lines: string[] = [];
  if (mode.spsc) lines.push(...spscText(reports), "");
  if (mode.sequence) lines.push(...sequenceText(sequences), "");
  const complete = all.every((r) =>
    r.model.states === r.explored.states &&
    r.model.transitions === r.explored.transitions
  );
  if (complete) {
    lines.push(
      "model states and steps: all that explore() visits, in every configuration",
    );
  }
  const failed = all.filter((r) => r.verdict !== "pass").length;
  lines.push(
    passed
      ? `\nverdict: PASS: the ring agrees with the model in all ${all.length} configurations`
      : `\nverdict: FAIL: ${failed} of ${all.length} configurations disagree`,
  );
  io.out(lines.join("\n") + "\n");
  return passed ? 0 : 1;
}

function spscText(reports: readonly RingCheckReport[]): string[] {
  const lines = [
    "against: the production ring (Producer/Consumer on a SharedArrayBuffer) in lockstep",
    "with the model: every reachable state and every step, tryPush/tryPop (coarse) too,",
    "blocked steps probed; each step on a fresh ring with its path replayed",
    "",
    table([HEADER, ...reports.map(row)]),
  ];
  for (const report of reports) {
    const failure = report.failure;
    if (failure === undefined) continue;
    const c = report.config;
    lines.push(
      "",
      `${c.scheme} from ${c.start}, slots ${c.slots}, ${c.items} items: the ring disagrees with the model`,
      failure.table,
    );
    if (failure.consequence !== undefined) {
      lines.push("", failure.consequence.table);
    }
  }
  return lines;
}

function sequenceText(reports: readonly SequenceCheckReport[]): string[] {
  return [
    'against: the production sequence ring (producers and consumers "many") in lockstep',
    "with the model's sync sequence: every reachable state and every one-access step",
    "(load, wait, claim, write/read, publish/release), tryPush/tryPop (coarse) too, blocked",
    "steps probed; the ring saved and restored at each state",
    "",
    table([SEQUENCE_HEADER, ...reports.map(sequenceRow)]),
    ...reports.flatMap(sequenceFailureText),
  ];
}
