// Copyright 2025 the ringproof authors. MIT license.
// A deliberately naive breadth-first search over the generic Model interface
// (a Set of JSON strings, arrays of objects): slow, obviously correct, and
// independent of the explorer's packed path and hash tables.

import assert from "node:assert/strict";
import {
  boundedBuffer,
  type BufferAction,
  type BufferOptions,
  type BufferState,
  type Model,
  type Step,
} from "../model/mod.ts";

/** Checks that `trace` is a run of the model of `options`, step by step. */
export function replays(
  options: BufferOptions,
  trace: Step<BufferState, BufferAction>[],
): void {
  const model = boundedBuffer(options);
  assert.deepEqual(trace[0]!.state, [...model.initial()][0]);
  for (let i = 1; i < trace.length; i++) {
    assert.deepEqual(
      model.step(trace[i - 1]!.state, trace[i]!.action!),
      trace[i]!.state,
    );
  }
}

export interface ReferenceResult {
  states: number;
  transitions: number;
  depth: number;
  /** The depth of the shallowest state violating an invariant or deadlocked, or null. */
  firstBad: number | null;
  /** Every reachable state's JSON. */
  keys: Set<string>;
}

export function referenceBfs<S, A>(
  model: Model<S, A>,
  options: { stopAtBad?: boolean; ignore?: string[] } = {},
): ReferenceResult {
  const keys = new Set<string>();
  let level: S[] = [];
  for (const s of model.initial()) {
    const key = JSON.stringify(s);
    if (!keys.has(key)) {
      keys.add(key);
      level.push(s);
    }
  }
  let transitions = 0;
  let depth = 0;
  let firstBad: number | null = null;
  const checked = Object.entries(model.invariants).filter(([name]) =>
    !(options.ignore ?? []).includes(name)
  );
  const bad = (s: S) => checked.some(([, holds]) => !holds(s));
  while (level.length > 0) {
    const next: S[] = [];
    for (const s of level) {
      const actions = [...model.actions(s)];
      if (bad(s) || (actions.length === 0 && !(model.isEnd?.(s) ?? false))) {
        firstBad ??= depth;
        if (options.stopAtBad) {
          return { states: keys.size, transitions, depth, firstBad, keys };
        }
      }
      for (const a of actions) {
        transitions++;
        const t = model.step(s, a);
        const key = JSON.stringify(t);
        if (!keys.has(key)) {
          keys.add(key);
          next.push(t);
        }
      }
    }
    if (next.length > 0) depth++;
    level = next;
  }
  return { states: keys.size, transitions, depth, firstBad, keys };
}
