// Copyright 2025 the ringproof authors. MIT license.
// The lockstep exploration behind checkRing(): the model's state graph (or
// every path through it) walked breadth-first (depth-first), each step
// performed on a fresh ring with its path replayed, and — on a disagreement —
// the side-by-side trace and an exploration of the ring on its own.

import { abstractState } from "./abstraction.ts";
import {
  candidates,
  type Checked,
  checkStep,
  Oracle,
  replay,
  Run,
} from "./oracle.ts";
import { ringTable, sideBySide } from "./table.ts";
import type { BufferModel, BufferState } from "../bounded_buffer.ts";
import type {
  LockstepRow,
  RingCheckReport,
  RingConfig,
  RingConsequence,
  RingFactory,
  RingFailure,
  RingRow,
  RingStep,
} from "./ring_types.ts";

export interface LockstepContext {
  readonly model: BufferModel;
  readonly factory: RingFactory;
  readonly config: RingConfig;
  readonly items: number;
  readonly coverage: "states" | "paths";
  readonly granularity: "fine" | "coarse" | "mixed";
  readonly consequences: boolean;
  readonly maxSteps: number;
}

type Result = Omit<RingCheckReport, "config" | "explored">;

/** Ring states explored on its own when looking for a consequence. */
const ALONE_MAX_STATES = 200_000;

class Tally {
  readonly modelStates = new Set<string>();
  readonly modelSteps = new Set<string>();
  readonly coarseSteps = new Set<string>();
  readonly ringStates = new Set<string>();
  transitions = 0;
  probes = 0;
  calls = 0;
  rings = 0;
  paths = 0;

  /** A fresh ring with `path` replayed; its calls and itself counted. */
  replay(ctx: LockstepContext, path: readonly RingStep[]): Run {
    const run = replay(ctx.factory, ctx.config, ctx.items, path);
    this.rings++;
    this.calls += run.calls;
    return run;
  }

  count(oracle: Oracle, before: BufferState, step: RingStep, c: Checked) {
    this.calls++;
    if (c.modelEnabled) {
      this.transitions++;
      const coarse = step.op === "tryPush" || step.op === "tryPop";
      (coarse ? this.coarseSteps : this.modelSteps).add(
        `${oracle.key(before)}|${step.process}${step.op}`,
      );
      this.modelStates.add(oracle.key(c.model));
    } else this.probes++;
  }
}

/** The disagreement found: the path to the state and the failing step. */
interface Found {
  readonly path: readonly RingStep[];
  readonly step: RingStep | null;
  readonly property: string;
  readonly message: string;
}

function pcsOf(state: BufferState): [string, string] {
  return [state.producers[0]!.pc, state.consumers[0]!.pc];
}

/** Compares a fresh ring with the model's initial state (step 0). */
function checkInitial(
  oracle: Oracle,
  run: Run,
  initial: BufferState,
): Found | null {
  const abstracted = abstractState(run.observe(), run.shadow, oracle.items);
  if (abstracted.state === undefined) {
    return {
      path: [],
      step: null,
      property: "cells",
      message: `the new ring: ${abstracted.problem}`,
    };
  }
  const row = initialRow(oracle, run, initial);
  if (row.differing.length === 0) return null;
  const field = row.differing[0]!;
  return {
    path: [],
    step: null,
    property: field,
    message: `the new ring differs from the model's initial state in ${
      row.differing.join(", ")
    }`,
  };
}

function initialRow(
  oracle: Oracle,
  run: Run,
  initial: BufferState,
): LockstepRow {
  const observation = run.observe();
  const abstracted = abstractState(observation, run.shadow, oracle.items);
  const fields = ["in", "out", "inSlot", "outSlot"] as const;
  const differing = abstracted.state === undefined
    ? ["cells"]
    : fields.filter((f) => abstracted.state[f] !== initial[f]) as string[];
  if (abstracted.state !== undefined) {
    abstracted.state.cells.forEach((cell, i) => {
      if (cell !== null) differing.push(`cells[${i}]`);
    });
  }
  return {
    step: 0,
    action: null,
    model: "initial state",
    modelState: initial,
    call: "new ring",
    observation,
    differing,
  };
}

/** A fresh ring, compared with the model's initial state. */
function begin(
  ctx: LockstepContext,
  oracle: Oracle,
  tally: Tally,
): Found | { initial: BufferState; root: Run } {
  const initial = oracle.initial();
  const root = tally.replay(ctx, []);
  const bad = checkInitial(oracle, root, initial);
  if (bad !== null) return bad;
  tally.modelStates.add(oracle.key(initial));
  tally.ringStates.add(root.key());
  return { initial, root };
}

function exploreStates(
  ctx: LockstepContext,
  oracle: Oracle,
  tally: Tally,
): Found | "incomplete" | null {
  const begun = begin(ctx, oracle, tally);
  if ("property" in begun) return begun;
  const { initial, root } = begun;
  const queue = [{ state: initial, path: [] as RingStep[], key: root.key() }];
  // A state is enqueued once, with the first (shortest) path that reaches it.
  const enqueued = new Set([oracle.key(initial)]);
  for (let head = 0; head < queue.length; head++) {
    const node = queue[head]!;
    for (
      const step of candidates(
        ...pcsOf(node.state),
        ctx.granularity,
        oracle.top,
      )
    ) {
      if (tally.transitions + tally.probes >= ctx.maxSteps) return "incomplete";
      const run = tally.replay(ctx, node.path);
      if (run.key() !== node.key) {
        return {
          path: node.path,
          step: null,
          property: "replay",
          message:
            "replaying the same calls on a fresh ring gave a different state: the ring is not deterministic",
        };
      }
      const checked = checkStep(oracle, node.state, run, step);
      tally.count(oracle, node.state, step, checked);
      if (checked.failure !== undefined) {
        return { path: node.path, step, ...checked.failure };
      }
      tally.ringStates.add(run.key());
      if (!checked.modelEnabled) continue;
      const key = oracle.key(checked.model);
      if (!enqueued.has(key)) {
        enqueued.add(key);
        queue.push({
          state: checked.model,
          path: [...node.path, step],
          key: run.key(),
        });
      }
    }
  }
  return null;
}

function explorePaths(
  ctx: LockstepContext,
  oracle: Oracle,
  tally: Tally,
): Found | "incomplete" | null {
  const begun = begin(ctx, oracle, tally);
  if ("property" in begun) return begun;
  const { initial, root } = begun;
  // Depth-first; the last step out of a state reuses the ring already there,
  // the others replay the path on a fresh ring.
  const visit = (
    state: BufferState,
    path: RingStep[],
    run: Run,
  ): Found | "incomplete" | null => {
    const steps = candidates(...pcsOf(state), ctx.granularity, oracle.top);
    let moved = false;
    for (const [i, step] of steps.entries()) {
      if (tally.transitions + tally.probes >= ctx.maxSteps) return "incomplete";
      const here = i === steps.length - 1 ? run : tally.replay(ctx, path);
      const checked = checkStep(oracle, state, here, step);
      tally.count(oracle, state, step, checked);
      if (checked.failure !== undefined) {
        return { path, step, ...checked.failure };
      }
      tally.ringStates.add(here.key());
      if (!checked.modelEnabled) continue;
      moved = true;
      path.push(step);
      const found = visit(checked.model, path, here);
      path.pop();
      if (found !== null) return found;
    }
    if (!moved) tally.paths++;
    return null;
  };
  return visit(initial, [], root);
}

/** Replays `found` with every step checked, for the side-by-side trace. */
function traceOf(
  ctx: LockstepContext,
  oracle: Oracle,
  found: Found,
): LockstepRow[] {
  let state = oracle.initial();
  const run = new Run(ctx.factory, ctx.config, ctx.items);
  const rows = [initialRow(oracle, run, state)];
  const steps = found.step === null ? found.path : [...found.path, found.step];
  for (const step of steps) {
    const checked = checkStep(oracle, state, run, step);
    rows.push({
      step: rows.length,
      action: step,
      model: checked.modelText,
      modelState: checked.model,
      call: checked.call,
      ...(checked.observation === undefined
        ? {}
        : { observation: checked.observation }),
      differing: [...checked.differing],
    });
    state = checked.model;
  }
  return rows;
}

/**
 * Explores the ring on its own, breadth-first: each process takes whatever
 * step the ring allows; the model only judges, through its invariants on
 * the production state. Finds what a disagreement leads to.
 */
function alone(ctx: LockstepContext, oracle: Oracle): RingConsequence {
  interface Node {
    path: RingStep[];
    pcs: [string, string];
    parent: number;
    row: RingRow;
  }
  const root = new Run(ctx.factory, ctx.config, ctx.items);
  const rowOf = (run: Run, step: RingStep | null, call: string): RingRow => {
    const observation = run.observe();
    const { state } = abstractState(observation, run.shadow, ctx.items);
    return {
      step: 0,
      action: step,
      call,
      observation,
      ...(state === undefined ? {} : { state }),
    };
  };
  const nodes: Node[] = [{
    path: [],
    pcs: [oracle.top, "wait"],
    parent: -1,
    row: rowOf(root, null, "new ring"),
  }];
  const keys = new Set([root.key()]);
  const finish = (
    at: number,
    property: string | null,
    message: string,
  ): RingConsequence => {
    const trace: RingRow[] = [];
    for (let i = at; i >= 0; i = nodes[i]!.parent) trace.push(nodes[i]!.row);
    trace.reverse();
    trace.forEach((row, step) => row.step = step);
    const rows = property === null ? [] : trace;
    return {
      property,
      message,
      trace: rows,
      table: rows.length === 0
        ? message
        : `${ringTable(rows, ctx.items, ctx.config.scheme)}\n${message}`,
      states: nodes.length,
    };
  };
  for (let head = 0; head < nodes.length; head++) {
    const node = nodes[head]!;
    let moved = false;
    for (const step of candidates(...node.pcs, ctx.granularity, oracle.top)) {
      const run = replay(ctx.factory, ctx.config, ctx.items, node.path);
      let call: string;
      let enabled: boolean;
      try {
        ({ call, enabled } = run.perform(step));
      } catch (error) {
        nodes.push({
          path: [...node.path, step],
          pcs: node.pcs,
          parent: head,
          row: { step: 0, action: step, call: `threw ${error}` },
        });
        return finish(
          nodes.length - 1,
          "error",
          `on its own, the ring threw on step ${step.process} ${step.op}: ${error}`,
        );
      }
      if (!enabled) continue;
      moved = true;
      const key = run.key();
      if (keys.has(key)) continue;
      keys.add(key);
      const row = rowOf(run, step, call);
      nodes.push({
        path: [...node.path, step],
        pcs: [run.shadow.producerPc, run.shadow.consumerPc],
        parent: head,
        row,
      });
      const label = `${step.process} ${step.op}`;
      if (row.state === undefined) {
        const { problem } = abstractState(
          row.observation!,
          run.shadow,
          ctx.items,
        );
        return finish(
          nodes.length - 1,
          "cells",
          `on its own, after ${label}: ${problem}`,
        );
      }
      const outside = outsideDomain(oracle, row.state);
      if (outside !== null) {
        return finish(
          nodes.length - 1,
          "domain",
          `on its own, after ${label} the ring leaves the model's domain: ${outside}`,
        );
      }
      const broken = oracle.violated(row.state);
      if (broken.length > 0) {
        return finish(
          nodes.length - 1,
          broken[0]!,
          `on its own, after ${label} the ring violates ${broken.join(", ")}`,
        );
      }
      if (nodes.length >= ALONE_MAX_STATES) {
        return finish(
          0,
          null,
          `on its own, the ring broke no model invariant in the first ${nodes.length} states (search stopped)`,
        );
      }
    }
    if (
      !moved && node.row.state !== undefined && !oracle.isEnd(node.row.state)
    ) {
      return finish(
        head,
        "deadlock-free",
        "on its own, the ring deadlocks: no step is possible, and this is no proper end state",
      );
    }
  }
  return finish(
    0,
    null,
    `on its own, the ring breaks no model invariant in any of its ${nodes.length} reachable states: the disagreement is harmless here`,
  );
}

function outsideDomain(oracle: Oracle, state: BufferState): string | null {
  try {
    oracle.model.encode(state);
    return null;
  } catch (error) {
    if (error instanceof RangeError || error instanceof TypeError) {
      return error.message;
    }
    throw error;
  }
}

/** Runs the lockstep check. */
export function runLockstep(ctx: LockstepContext): Result {
  const begin = performance.now();
  const oracle = new Oracle(ctx.model);
  const tally = new Tally();
  const found = ctx.coverage === "states"
    ? exploreStates(ctx, oracle, tally)
    : explorePaths(ctx, oracle, tally);
  let failure: RingFailure | undefined;
  if (found !== null && found !== "incomplete") {
    const trace = traceOf(ctx, oracle, found);
    failure = {
      property: found.property,
      message: found.message,
      trace,
      table: `${
        sideBySide(trace, ctx.items, ctx.config.scheme)
      }\n${found.property}: ${found.message}`,
    };
    if (ctx.consequences) failure.consequence = alone(ctx, oracle);
  }
  const result: Result = {
    verdict: found === null
      ? "pass"
      : found === "incomplete"
      ? "incomplete"
      : "fail",
    model: {
      states: tally.modelStates.size,
      transitions: tally.modelSteps.size,
      coarse: tally.coarseSteps.size,
    },
    production: {
      states: tally.ringStates.size,
      transitions: tally.transitions + tally.probes,
      probes: tally.probes,
      calls: tally.calls,
      rings: tally.rings,
    },
    seconds: (performance.now() - begin) / 1000,
  };
  if (ctx.coverage === "paths") result.paths = tally.paths;
  if (failure !== undefined) result.failure = failure;
  return result;
}
