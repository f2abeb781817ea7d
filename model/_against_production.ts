// Copyright 2025 the ringproof authors. MIT license.
// `deno task check -- --against production`: the production ring checked in
// lockstep with the model (checkRing) for one configuration or a grid of
// them, with per-configuration figures for both sides and the verdict.

import type { CliIo } from "./cli.ts";
import {
  checkRing,
  type CheckRingOptions,
  productionRing,
  type RingCheckReport,
  type RingFactory,
} from "./conformance.ts";
import { table } from "./_lockstep_table.ts";

/** Flags of the model mode that mean nothing here. */
const NOT_HERE = [
  "producers",
  "consumers",
  "sync",
  "mutant",
  "proof",
  "symmetry",
  "dfs",
  "max-states",
  "ignore",
  "mermaid",
];

/** Near the counters' wrap: the grid crosses 2^32 within six items. */
const NEAR_WRAP = 2 ** 32 - 3;

function usage(message: string): never {
  // The command line turns a TypeError into exit code 2 with this message.
  throw new TypeError(message);
}

function integerFlag(
  values: ReadonlyMap<string, string>,
  flag: string,
): number | undefined {
  const text = values.get(flag);
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text)) {
    usage(`Flag --${flag} must be a non-negative integer, received ${text}`);
  }
  return Number(text);
}

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

function toJson(report: RingCheckReport) {
  const f = report.failure;
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
      consequence: f.consequence === undefined ? null : {
        property: f.consequence.property,
        message: f.consequence.message,
        table: f.consequence.table,
      },
    },
  };
}

/**
 * Runs the lockstep check for the configurations the flags select and
 * prints the figures; returns the exit code (0 all pass, 1 any fails).
 * Bad flags throw a TypeError or RangeError naming the flag.
 */
export function againstProduction(
  values: ReadonlyMap<string, string>,
  switches: ReadonlySet<string>,
  io: CliIo,
  ring: RingFactory = productionRing,
): number {
  for (const flag of NOT_HERE) {
    if (values.has(flag) || switches.has(flag)) {
      usage(
        `Flag --${flag} does not apply to --against production (one producer, one consumer, no mutant)`,
      );
    }
  }
  const reports: RingCheckReport[] = [];
  for (const options of configurations(values)) {
    try {
      reports.push(checkRing({ ...options, ring }));
    } catch (error) {
      if (error instanceof RangeError || error instanceof TypeError) {
        const option = /^Cannot check ring: (\w+) (.*)$/.exec(error.message);
        if (option !== null) {
          usage(`Bad value for --${option[1]}: ${option[2]}`);
        }
      }
      throw error;
    }
  }
  const passed = reports.every((r) => r.verdict === "pass");
  if (switches.has("json")) {
    io.out(
      JSON.stringify(
        { schema: "ringproof.against/1", passed, runs: reports.map(toJson) },
        null,
        2,
      ) + "\n",
    );
    return passed ? 0 : 1;
  }
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
  const complete = reports.every((r) =>
    r.model.states === r.explored.states &&
    r.model.transitions === r.explored.transitions
  );
  if (complete) {
    lines.push(
      "",
      "model states and steps: all that explore() visits, in every configuration",
    );
  }
  const failed = reports.filter((r) => r.verdict !== "pass").length;
  lines.push(
    passed
      ? `\nverdict: PASS: the ring agrees with the model in all ${reports.length} configurations`
      : `\nverdict: FAIL: ${failed} of ${reports.length} configurations disagree`,
  );
  io.out(lines.join("\n") + "\n");
  return passed ? 0 : 1;
}
