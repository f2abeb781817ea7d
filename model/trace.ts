// Copyright 2025 the ringproof authors. MIT license.
/**
 * Traces a student can read: a table (with changed cells marked), a stable
 * JSON form, and a mermaid sequence diagram of the interleaving.
 *
 * @module
 */

import type { Report, Step } from "./types.ts";
import {
  type BufferAction,
  type BufferModel,
  type BufferState,
  itemName,
} from "./bounded_buffer.ts";
import { describeSequenceStep } from "./_explore/trace_sequence.ts";

/** A bounded-buffer trace, as {@linkcode explore} returns it. */
export type BufferTrace = Step<BufferState, BufferAction>[];

/** One step of a trace in its JSON form (schema `ringproof.trace/1`). */
export interface TraceStepJson {
  /** 0 for the initial state, then 1, 2, … */
  step: number;
  /** `"P0"`, `"C1"`, … or `null` for the initial state. */
  process: string | null;
  /** The operation, or `null` for the initial state. */
  op: string | null;
  /** A readable description, e.g. `write buffer[1] = a0`. */
  description: string;
  /** The state variables the step changed, e.g. `["in"]`, `["cells[1]", "produced[0]"]`. */
  changed: string[];
  /** The state after the step. */
  state: BufferState;
}

function join(values: readonly (number | string)[]): string {
  return values.join(" ");
}

function processOf(state: BufferState, name: string) {
  return name.startsWith("P")
    ? state.producers[Number(name.slice(1))]
    : state.consumers[Number(name.slice(1))];
}

/** The states around a step, for {@linkcode describeStep}. */
export interface StepStates {
  /** The state before the step. */
  before: BufferState;
  /** The state after the step. */
  after: BufferState;
}

/**
 * Describes one step from the state before it and the state after it, in the
 * textbook's terms.
 *
 * @param action The step.
 * @param states The states before and after the step.
 * @returns E.g. `write buffer[1] = a0`, `read buffer[0] → a0`, `publish in = 2`.
 *
 * @example Describing a producer's write
 * ```ts
 * import assert from "node:assert/strict";
 * import { boundedBuffer, describeStep } from "@ringproof/ring/model";
 *
 * const model = boundedBuffer({ slots: 3, items: 1 });
 * const [s0] = [...model.initial()];
 * const write = { process: "P0", op: "write" } as const;
 * const s1 = model.step(s0!, { process: "P0", op: "wait" });
 * const s2 = model.step(s1, write);
 * assert.equal(describeStep(write, { before: s1, after: s2 }), "write buffer[0] = a0");
 * ```
 */
export function describeStep(
  action: BufferAction,
  states: StepStates,
): string {
  const { before, after } = states;
  const self = processOf(before, action.process);
  if (before.sequences !== undefined) {
    return describeSequenceStep(action, {
      before,
      after,
      position: self?.position ?? 0,
      next: processOf(after, action.process)?.pc,
    });
  }
  const producer = action.process.startsWith("P");
  switch (action.op) {
    case "wait":
      return producer
        ? `wait: out = ${before.out}, not full`
        : `wait: in = ${before.in}, not empty`;
    case "write": {
      const slot = self?.slot ?? before.inSlot;
      return `write buffer[${slot}] = ${itemName(after.cells[slot] ?? null)}`;
    }
    case "publish":
      return `publish in = ${after.in}`;
    case "read": {
      const slot = self?.slot ?? before.outSlot;
      return `read buffer[${slot}] → ${itemName(before.cells[slot] ?? null)}`;
    }
    case "release":
      return `release out = ${after.out}`;
    default:
      return action.op;
  }
}

/** The names of the state variables that differ, as in {@linkcode TraceStepJson.changed}. */
function changedNames(before: BufferState, after: BufferState): string[] {
  const changed: string[] = [];
  const differ = (a: unknown, b: unknown) =>
    JSON.stringify(a) !== JSON.stringify(b);
  if (before.in !== after.in) changed.push("in");
  if (before.out !== after.out) changed.push("out");
  if (before.lock !== after.lock) changed.push("lock");
  after.cells.forEach((cell, i) => {
    if (differ(before.cells[i], cell)) changed.push(`cells[${i}]`);
  });
  after.producers.forEach((p, i) => {
    if (before.producers[i]?.produced !== p.produced) {
      changed.push(`produced[${i}]`);
    }
  });
  after.sequences?.forEach((q, i) => {
    if (before.sequences?.[i] !== q) changed.push(`seq[${i}]`);
  });
  if (differ(before.consumed, after.consumed)) changed.push("consumed");
  if (differ(before.flags, after.flags)) changed.push("flags");
  return changed;
}

function pcs(state: BufferState): string {
  // Sync "sequence": each process's position after its pc.
  return [...state.producers, ...state.consumers].map((p) =>
    `${p.name}:${p.pc}${p.position === undefined ? "" : `@${p.position}`}`
  ).join(" ");
}

function consumedCount(state: BufferState): number {
  return state.consumed.flat().filter((x) => x).length;
}

/**
 * Formats a trace as a table: step, process, action, `in`, `out`, the cells,
 * the program counters and the ghost counters; a `*` marks what the step
 * changed.
 *
 * @param trace The steps, from an initial state.
 * @param options `first`: the label of the first row (default `initial state`).
 * @returns The table, one line per step, with a header.
 *
 * @example A two-step trace
 * ```ts
 * import assert from "node:assert/strict";
 * import { boundedBuffer, explore, formatTrace } from "@ringproof/ring/model";
 *
 * const report = explore(boundedBuffer({ mutant: "publish-before-write" }));
 * const table = formatTrace(report.counterexample!);
 * assert.match(table, /publish in = 1\*?/);
 * assert.match(table, /read buffer\[0\] → ·/);
 * ```
 */
export function formatTrace(
  trace: BufferTrace,
  options: { first?: string } = {},
): string {
  const rows: string[][] = [[
    "step",
    "process",
    "action",
    "in",
    "out",
    "cells",
    "pcs",
    "produced",
    "consumed",
  ]];
  // Sync "sequence": the cells' sequence numbers after the cells.
  const sequences = trace[0]?.state.sequences !== undefined;
  if (sequences) rows[0]!.splice(6, 0, "seq");
  trace.forEach(({ action, state }, i) => {
    const before = i > 0 ? trace[i - 1]!.state : state;
    const changed = new Set(i > 0 ? changedNames(before, state) : []);
    const mark = (name: string, text: string | number) =>
      `${text}${changed.has(name) ? "*" : ""}`;
    rows.push([
      String(i),
      action?.process ?? "-",
      action === null
        ? options.first ?? "initial state"
        : describeStep(action, { before, after: state }),
      mark("in", state.in),
      mark("out", state.out),
      `[${join(state.cells.map((c, j) => mark(`cells[${j}]`, itemName(c))))}]`,
      pcs(state) + (state.lock ? " lock" : ""),
      join(state.producers.map((p, j) => mark(`produced[${j}]`, p.produced))),
      mark("consumed", consumedCount(state)),
    ]);
    if (sequences) {
      rows.at(-1)!.splice(
        6,
        0,
        `[${join(state.sequences!.map((q, j) => mark(`seq[${j}]`, q)))}]`,
      );
    }
  });
  const widths = rows[0]!.map((_, col) =>
    Math.max(...rows.map((row) => [...row[col]!].length))
  );
  return rows.map((row) =>
    row.map((cell, col) => cell.padEnd(widths[col]!)).join("  ").trimEnd()
  ).join("\n");
}

/**
 * The JSON form of a trace (schema `ringproof.trace/1`): one
 * {@linkcode TraceStepJson} per step.
 *
 * @param trace The steps, from an initial state.
 * @returns Plain data, ready for `JSON.stringify`.
 *
 * @example Converting a counterexample
 * ```ts
 * import assert from "node:assert/strict";
 * import { boundedBuffer, explore, traceToJson } from "@ringproof/ring/model";
 *
 * const report = explore(boundedBuffer({ mutant: "publish-before-write" }));
 * const steps = traceToJson(report.counterexample!);
 * assert.equal(steps[0]?.process, null);
 * assert.deepEqual(steps[2]?.changed, ["in"]);
 * ```
 */
export function traceToJson(trace: BufferTrace): TraceStepJson[] {
  return trace.map(({ action, state }, i) => {
    const before = i > 0 ? trace[i - 1]!.state : state;
    return {
      step: i,
      process: action?.process ?? null,
      op: action?.op ?? null,
      description: action === null
        ? "initial state"
        : describeStep(action, { before, after: state }),
      changed: i > 0 ? changedNames(before, state) : [],
      state,
    };
  });
}

/**
 * A mermaid sequence diagram of the interleaving: one lifeline per process
 * and one for shared memory, a message per step, and a note with the final
 * `in`, `out` and cells.
 *
 * @param trace The steps, from an initial state.
 * @param note An optional note at the end, e.g. the violated invariant.
 * @returns The diagram's source.
 *
 * @example A diagram of a counterexample
 * ```ts
 * import assert from "node:assert/strict";
 * import { boundedBuffer, explore, traceToMermaid } from "@ringproof/ring/model";
 *
 * const report = explore(boundedBuffer({ mutant: "publish-before-write" }));
 * const diagram = traceToMermaid(report.counterexample!, "violation: no-unproduced");
 * assert.match(diagram, /^sequenceDiagram/);
 * assert.match(diagram, /P0->>M: publish in = 1/);
 * ```
 */
export function traceToMermaid(trace: BufferTrace, note?: string): string {
  const first = trace[0]?.state;
  if (first === undefined) return "sequenceDiagram";
  const snapshot = (s: BufferState) =>
    `in = ${s.in}, out = ${s.out}, cells [${
      join(s.cells.map((c) => itemName(c)))
    }]`;
  const lines = ["sequenceDiagram"];
  for (const p of first.producers) lines.push(`  participant ${p.name}`);
  lines.push("  participant M as shared memory");
  for (const c of first.consumers) lines.push(`  participant ${c.name}`);
  lines.push(`  Note over M: ${snapshot(first)}`);
  trace.forEach(({ action, state }, i) => {
    if (action === null) return;
    const text = describeStep(action, {
      before: trace[i - 1]!.state,
      after: state,
    });
    // Reads dashed, writes solid: `load` (sync sequence) reads in or out.
    const reads = action.op === "read" || action.op === "wait" ||
      action.op === "load";
    const arrow = reads ? "-->>" : "->>";
    lines.push(`  ${action.process}${arrow}M: ${text.replaceAll(";", ",")}`);
  });
  lines.push(`  Note over M: ${snapshot(trace[trace.length - 1]!.state)}`);
  if (note !== undefined) lines.push(`  Note over M: ${note}`);
  return lines.join("\n");
}

/** A model-check report in its JSON form (schema `ringproof.check/1`). */
export interface ReportJson {
  /** Always `"ringproof.check/1"`; bumped on incompatible changes. */
  schema: "ringproof.check/1";
  /** The model's parameters. */
  config: {
    slots: number;
    items: number;
    scheme: string;
    producers: number;
    consumers: number;
    sync: string;
    mutant: string | null;
    start: number;
  };
  /** As in {@linkcode Report.verdict}. */
  verdict: Report<BufferState, BufferAction>["verdict"];
  /** The first violated property (`"deadlock-free"` for a deadlock), or `null`. */
  invariant: string | null;
  /** Every property the counterexample's last state violates (empty on a pass). */
  violated: string[];
  /** The exploration's figures, as in {@linkcode Report}. */
  figures: Pick<
    Report<BufferState, BufferAction>,
    | "states"
    | "transitions"
    | "depth"
    | "seconds"
    | "statesPerSecond"
    | "bytesPerState"
    | "order"
    | "symmetry"
    | "reduction"
  >;
  /** The reachability facts, with their witnesses. */
  facts: {
    name: string;
    witnessed: boolean;
    witness: TraceStepJson[] | null;
  }[];
  /** The counterexample, or `null` on a pass. */
  counterexample: TraceStepJson[] | null;
}

/**
 * The JSON form of a bounded-buffer report (schema `ringproof.check/1`).
 *
 * @param report What {@linkcode explore} returned for the model.
 * @param config The model's parameters ({@linkcode BufferModel.config}).
 * @returns Plain data, ready for `JSON.stringify`.
 *
 * @example A passing run
 * ```ts
 * import assert from "node:assert/strict";
 * import { boundedBuffer, explore, reportToJson } from "@ringproof/ring/model";
 *
 * const model = boundedBuffer({ slots: 2, items: 1 });
 * const json = reportToJson(explore(model), model.config);
 * assert.equal(json.schema, "ringproof.check/1");
 * assert.equal(json.verdict, "pass");
 * assert.equal(json.figures.states, 7);
 * ```
 */
export function reportToJson(
  report: Report<BufferState, BufferAction>,
  config: BufferModel["config"],
): ReportJson {
  return {
    schema: "ringproof.check/1",
    config: { ...config, mutant: config.mutant ?? null },
    verdict: report.verdict,
    invariant: report.invariant ?? null,
    violated: report.violated ?? [],
    figures: {
      states: report.states,
      transitions: report.transitions,
      depth: report.depth,
      seconds: report.seconds,
      statesPerSecond: report.statesPerSecond,
      bytesPerState: report.bytesPerState,
      order: report.order,
      symmetry: report.symmetry,
      reduction: report.reduction,
    },
    facts: report.facts.map((fact) => ({
      name: fact.name,
      witnessed: fact.witnessed,
      witness: fact.witness === undefined ? null : traceToJson(fact.witness),
    })),
    counterexample: report.counterexample === undefined
      ? null
      : traceToJson(report.counterexample),
  };
}
