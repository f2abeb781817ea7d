// Copyright 2025 the ringproof authors. MIT license.
// `deno task check -- --against production`: the production rings checked
// in lockstep with the model — the one-producer/one-consumer ring
// (checkRing, `--sync none`) and the many-producer/many-consumer ring
// (checkSequenceRing, `--sync sequence`) — for one configuration or a grid
// of them, with per-configuration figures for both sides and the verdict.
// Without `--sync` and without configuration flags it runs both grids. Every
// ring kind (against_rings.ts) goes through the same path.

import type { CliIo } from "./io.ts";
import type { RingFactory } from "../conformance.ts";
import type { SequenceRingFactory } from "../conformance_sequence.ts";
import {
  type AnyReport,
  failureText,
  ONE_PRODUCER,
  type RingKind,
  SEQUENCE,
} from "./against_rings.ts";
import { usage, withFlagNames } from "./args.ts";
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
  "workers",
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

/** One run of either lockstep check as JSON. */
function toJson(report: AnyReport) {
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

/** Which ring kinds the flags ask for. */
function kinds(flags: AgainstFlags): RingKind[] {
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
  if (sync !== undefined) return [sync === "none" ? ONE_PRODUCER : SEQUENCE];
  // The default grid has both; a configuration flag picks a one-producer one.
  const configured = CONFIG_FLAGS.some((flag) => values.has(flag));
  return configured ? [ONE_PRODUCER] : [ONE_PRODUCER, SEQUENCE];
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
  const { io } = options;
  const runs = kinds(flags).map((kind) => ({
    kind,
    reports: withFlagNames(() =>
      kind.configurations(values).map((config) => kind.check(config, options))
    ),
  }));
  const all = runs.flatMap((run) => run.reports);
  const passed = all.every((r) => r.verdict === "pass");
  if (switches.has("json")) {
    const json: Record<string, unknown> = {
      schema: "ringproof.against/1",
      passed,
      runs: [],
      sequence: [],
    };
    for (const { kind, reports } of runs) json[kind.json] = reports.map(toJson);
    io.out(JSON.stringify(json, null, 2) + "\n");
    return passed ? 0 : 1;
  }
  const lines: string[] = [];
  for (const { kind, reports } of runs) {
    lines.push(...text(kind, reports), "");
  }
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
      ? `\nverdict: PASS: the ring agrees with the model in ${
        all.length === 1
          ? "the one configuration"
          : `all ${all.length} configurations`
      }`
      : `\nverdict: FAIL: ${failed} of ${all.length} configurations disagree`,
  );
  io.out(lines.join("\n") + "\n");
  return passed ? 0 : 1;
}

/** A ring kind's part of the text report: the intro, the table, the disagreements. */
function text(kind: RingKind, reports: readonly AnyReport[]): string[] {
  return [
    ...kind.intro,
    "",
    table([
      kind.columns.map((column) => column.header),
      ...reports.map((r) => kind.columns.map((column) => column.cell(r))),
    ]),
    ...reports.flatMap((r) => failureText(kind, r)),
  ];
}
