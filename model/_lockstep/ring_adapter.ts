// Copyright 2025 the ringproof authors. MIT license.
// The one-producer rings' adapter to the lockstep driver (driver.ts), behind
// checkRing(): each step performed on a fresh ring with its path replayed
// (or, walking paths, on the ring that arrived), and — on a disagreement —
// the side-by-side trace and an exploration of the ring on its own
// (alone.ts).

import { abstractState } from "./abstraction.ts";
import { type Checked, checkStep, Oracle } from "./oracle.ts";
import { candidates, replay, Run } from "./run.ts";
import { sideBySide } from "./table.ts";
import { ringAlone } from "./alone_sides.ts";
import {
  type Found as SearchFound,
  lockstep,
  type LockstepAdapter,
  verdictOf,
} from "./driver.ts";
import type { BufferModel, BufferState } from "../bounded_buffer.ts";
import type {
  LockstepRow,
  RingCheckReport,
  RingConfig,
  RingFactory,
  RingFailure,
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
type Found = SearchFound<RingStep>;

function pcsOf(state: BufferState): [string, string] {
  return [state.producers[0]!.pc, state.consumers[0]!.pc];
}

/** Compares a fresh ring with the model's initial state (step 0). */
function checkInitial(
  oracle: Oracle,
  run: Run,
  initial: BufferState,
): { property: string; message: string } | null {
  const { problem } = abstractState(run.observe(), run.shadow, oracle.items);
  if (problem !== undefined) {
    return { property: "cells", message: `the new ring: ${problem}` };
  }
  const { differing } = initialRow(oracle, run, initial);
  return differing.length === 0 ? null : {
    property: differing[0]!,
    message: `the new ring differs from the model's initial state in ${
      differing.join(", ")
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
): { property: string; message: string } | { initial: BufferState; root: Run } {
  const initial = oracle.initial();
  const root = tally.replay(ctx, []);
  const bad = checkInitial(oracle, root, initial);
  if (bad !== null) return bad;
  tally.modelStates.add(oracle.key(initial));
  tally.ringStates.add(root.key());
  return { initial, root };
}

/** A node: a model state and the key of the ring state that matches it. */
interface RingNode {
  readonly state: BufferState;
  readonly ringKey: string;
  /** The ring that arrived here (coverage "paths" only: reused for the last step). */
  readonly run: Run | null;
}

/** The one-producer rings (textbook, counter, unbounded) as a lockstep adapter. */
function ringAdapter(
  ctx: LockstepContext,
  oracle: Oracle,
  tally: Tally,
): LockstepAdapter<RingNode, RingStep, Run> {
  const keepRuns = ctx.coverage === "paths";
  return {
    root() {
      const begun = begin(ctx, oracle, tally);
      if ("property" in begun) return begun;
      return {
        state: begun.initial,
        ringKey: begun.root.key(),
        run: keepRuns ? begun.root : null,
      };
    },
    steps: (node) =>
      candidates(...pcsOf(node.state), ctx.granularity, oracle.top),
    enter(node, path, reuse) {
      if (reuse && node.run !== null) return node.run;
      const run = tally.replay(ctx, path);
      return run.key() === node.ringKey
        ? run
        : "replaying the same calls on a fresh ring gave a different state: the ring is not deterministic";
    },
    take(node, run, step) {
      const checked = checkStep(oracle, node.state, run, step);
      tally.count(oracle, node.state, step, checked);
      if (checked.failure !== undefined) return { failure: checked.failure };
      const ringKey = run.key();
      tally.ringStates.add(ringKey);
      if (!checked.modelEnabled) return { next: null };
      return {
        next: { state: checked.model, ringKey, run: keepRuns ? run : null },
      };
    },
    key: (node) => oracle.key(node.state),
  };
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

/** Runs the lockstep check. */
export function runLockstep(ctx: LockstepContext): Result {
  const begin = performance.now();
  const oracle = new Oracle(ctx.model);
  const tally = new Tally();
  const { found, paths } = lockstep(ringAdapter(ctx, oracle, tally), ctx);
  tally.paths = paths;
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
    if (ctx.consequences) failure.consequence = ringAlone(ctx, oracle);
  }
  const result: Result = {
    verdict: verdictOf(found),
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
