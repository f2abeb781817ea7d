// Copyright 2025 the ringproof authors. MIT license.
/**
 * Trace files: reading what the CLI's `--json` prints (schema
 * `ringproof.check/1`), replaying its trace on the model step by step, and
 * writing a path in the same schema.
 *
 * @module
 */

import {
  type BufferAction,
  type BufferOptions,
  type BufferState,
  type Report,
  type ReportJson,
  reportToJson,
} from "../../model/mod.ts";
import { checkPageOptions } from "./limits.ts";
import { type BufferStep, DEADLOCK, OPTION_NAMES, Session } from "./session.ts";

/** A trace read from a file, not yet replayed. */
export interface TraceFile {
  /** The model's parameters, from the file's `config`. */
  readonly options: BufferOptions;
  /** The steps after the initial state. */
  readonly actions: readonly BufferAction[];
  /** The recorded state after each step, from step 0. */
  readonly states: readonly BufferState[];
  /** Which trace of the file this is, e.g. `counterexample (violation of fifo)`. */
  readonly title: string;
}

function fail(why: string): never {
  throw new TypeError(`Cannot read trace: ${why}`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function readOptions(config: unknown): BufferOptions {
  if (!isRecord(config)) fail("config must be an object");
  const options: Record<string, unknown> = {};
  for (const key of OPTION_NAMES) {
    if (config[key] !== undefined) options[key] = config[key];
  }
  if (config.mutant !== null && config.mutant !== undefined) {
    options.mutant = config.mutant;
  }
  // The page's limits, the same as the form's; the model checks the rest
  // (e.g. whether the mutant applies) when it is built.
  return checkPageOptions(options, false);
}

function readSteps(steps: unknown): Pick<TraceFile, "actions" | "states"> {
  if (!Array.isArray(steps) || steps.length === 0) {
    fail("the trace must be a non-empty array of steps");
  }
  const actions: BufferAction[] = [];
  const states: BufferState[] = [];
  steps.forEach((step: unknown, i) => {
    if (!isRecord(step) || !isRecord(step.state)) {
      fail(`step ${i} must be an object with a state`);
    }
    if (i === 0) {
      if (step.process !== null) fail("step 0 must be the initial state");
    } else if (
      typeof step.process !== "string" || typeof step.op !== "string"
    ) {
      fail(`step ${i} must name its process and op`);
    } else {
      actions.push({
        process: step.process,
        op: step.op as BufferAction["op"],
      });
    }
    states.push(step.state as unknown as BufferState);
  });
  return { actions, states };
}

/**
 * Reads a `ringproof.check/1` document: its configuration and its
 * counterexample, or (on a pass) the first witnessed fact's witness.
 *
 * @param text The file's text.
 * @returns The configuration and the trace, to replay with {@linkcode replayTrace}.
 * @throws {TypeError} When the text is not such a document.
 * @throws {RangeError} When its parameters are beyond the page's limits.
 */
export function parseTraceFile(text: string): TraceFile {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    fail(`not JSON (${(error as Error).message})`);
  }
  if (!isRecord(data) || data.schema !== "ringproof.check/1") {
    fail(
      'expected the output of deno task check -- --json (schema "ringproof.check/1")',
    );
  }
  const options = readOptions(data.config);
  if (data.counterexample !== null && data.counterexample !== undefined) {
    const what = data.invariant === null || data.invariant === undefined
      ? `${data.verdict}`
      : `${data.verdict} of ${data.invariant}`;
    return {
      options,
      ...readSteps(data.counterexample),
      title: `counterexample (${what})`,
    };
  }
  const facts = Array.isArray(data.facts) ? data.facts : [];
  const fact = facts.find((f: unknown) =>
    isRecord(f) && Array.isArray(f.witness)
  );
  if (fact === undefined) fail("the file has no counterexample and no witness");
  return {
    options,
    ...readSteps(fact.witness),
    title: `witness of ${fact.name}`,
  };
}

function sameData(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (
    typeof a !== "object" || typeof b !== "object" || a === null || b === null
  ) {
    return false;
  }
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const keysA = Object.keys(a);
  const keysB = Object.keys(b);
  return keysA.length === keysB.length &&
    keysA.every((key) =>
      sameData(
        (a as Record<string, unknown>)[key],
        (b as Record<string, unknown>)[key],
      )
    );
}

/**
 * Replays a trace on the model: each step must be enabled where it is taken
 * and lead to the recorded state.
 *
 * @param file The trace, from {@linkcode parseTraceFile}.
 * @returns A session on the replayed path, showing step 0.
 * @throws {RangeError} When a step is not enabled or its state differs from the recording.
 */
export function replayTrace(file: TraceFile): Session {
  const session = new Session(file.options);
  if (!sameData(session.state, file.states[0])) {
    throw new RangeError(
      "Cannot replay trace: step 0 is not the model's initial state",
    );
  }
  file.actions.forEach((action, i) => {
    const enabled = session.choices().some((choice) =>
      choice.action.process === action.process && choice.action.op === action.op
    );
    if (!enabled) {
      throw new RangeError(
        `Cannot replay trace: step ${
          i + 1
        } (${action.process} ${action.op}) is not enabled`,
      );
    }
    session.take(action);
    if (!sameData(session.state, file.states[i + 1])) {
      throw new RangeError(
        `Cannot replay trace: after step ${
          i + 1
        } (${action.process} ${action.op}) the model's state differs from the recorded one`,
      );
    }
  });
  session.seek(0);
  return session;
}

/**
 * The session's whole path as a `ringproof.check/1` document, like the
 * CLI's `--json`: `counterexample` holds the path; `verdict` is
 * `"violation"` or `"deadlock"` when the path ends in one, otherwise
 * `"incomplete"` (one path establishes nothing); the figures count the path.
 *
 * @param session The session.
 * @returns Plain data for `JSON.stringify`.
 */
export function exportPath(session: Session): ReportJson {
  const path: BufferStep[] = [...session.path];
  const last = path[path.length - 1]!.state;
  const { model } = session;
  const violated = Object.entries(model.invariants)
    .filter(([, holds]) => !holds(last)).map(([name]) => name);
  const [anyStep] = model.actions(last);
  const deadlock = violated.length === 0 && anyStep === undefined &&
    !(model.isEnd?.(last) ?? false);
  const steps = path.length - 1;
  const report: Report<BufferState, BufferAction> = {
    verdict: violated.length > 0
      ? "violation"
      : deadlock
      ? "deadlock"
      : "incomplete",
    states: new Set(path.map((step) => JSON.stringify(step.state))).size,
    transitions: steps,
    depth: steps,
    seconds: 0,
    statesPerSecond: 0,
    bytesPerState: 0,
    order: "bfs",
    symmetry: false,
    reduction: "none",
    counterexample: path,
    facts: Object.entries(model.facts ?? {}).map(([name, holds]) => {
      const at = path.findIndex((step) => holds(step.state));
      return at < 0
        ? { name, witnessed: false }
        : { name, witnessed: true, witness: path.slice(0, at + 1) };
    }),
  };
  if (violated.length > 0 || deadlock) {
    report.violated = deadlock ? [DEADLOCK] : violated;
    report.invariant = report.violated[0]!;
  }
  return reportToJson(report, model.config);
}
