// Copyright 2025 the ringproof authors. MIT license.
// `deno task check -- --against production --sync sequence`: the production
// many-producer/many-consumer ring checked in lockstep with the model's
// `sync: "sequence"` variant (checkSequenceRing), for one configuration or a
// small grid, with the figures of both sides.

import {
  checkSequenceRing,
  type CheckSequenceRingOptions,
  productionSequenceRing,
  type SequenceCheckReport,
  type SequenceRingFactory,
} from "../conformance_sequence.ts";
import { positionLimit } from "../_machine/machine.ts";
import { integerFlag, usage } from "./flags.ts";

/**
 * The configurations to check: the flags given, a grid for the rest — two
 * producers and two consumers, one item each, slots 2 and 3, positions from
 * 0 and from two below their wrap.
 */
export function sequenceConfigurations(
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

function fmt(n: number): string {
  return n.toLocaleString("en-US");
}

/** The summary table's header. */
export const SEQUENCE_HEADER: readonly string[] = [
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
export function sequenceRow(report: SequenceCheckReport): string[] {
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
export function sequenceFailureText(report: SequenceCheckReport): string[] {
  const failure = report.failure;
  if (failure === undefined) return [];
  const c = report.config;
  return [
    "",
    `${c.producers}×${c.consumers} from ${c.start}, slots ${c.slots}, ${c.items} item${
      c.items === 1 ? "" : "s"
    }: the ring disagrees with the model`,
    failure.table,
  ];
}

/** Runs the sequence lockstep for each configuration. */
export function checkSequenceConfigurations(
  configurations: readonly CheckSequenceRingOptions[],
  ring: SequenceRingFactory = productionSequenceRing,
): SequenceCheckReport[] {
  return configurations.map((options) =>
    checkSequenceRing({ ...options, ring })
  );
}
