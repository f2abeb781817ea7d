// Copyright 2025 the ringproof authors. MIT license.
/**
 * What a passing run did and did not witness about the buffer's fill level:
 * the most items it ever holds, a shortest path there, and — the defect of a
 * full test that fires early, like `wasted-two` — a shortest path to a
 * producer that waits although the buffer holds fewer items than its
 * capacity. Runs the explorer on a generic view of the model with one fact
 * per fill level, so it is used only when the fact `bound-tight` was not
 * witnessed.
 *
 * @module
 */

import {
  type BufferAction,
  type BufferModel,
  type BufferState,
  explore,
  type Model,
  type Step,
} from "../../model/mod.ts";

/** The fill levels a run reached. */
export interface FillReport {
  /** Whether every reachable state was visited (else: up to the cap). */
  readonly complete: boolean;
  /** The most items the buffer held in any visited state. */
  readonly most: number;
  /** A shortest path to a state holding `most` items. */
  readonly mostPath: Step<BufferState, BufferAction>[];
  /** A shortest path to a producer waiting below capacity, if there is one. */
  readonly blockedBelow?: Step<BufferState, BufferAction>[];
}

/** The fact's name for a producer waiting at a buffer that is not full. */
const BLOCKED = "producer waits below capacity";

/**
 * Whether a producer is at its full test and cannot pass it, though the
 * buffer holds fewer items than its capacity.
 *
 * @param model The model.
 * @param state The state.
 * @returns `true` in such a state.
 */
export function blockedBelowCapacity(
  model: BufferModel,
  state: BufferState,
): boolean {
  if (state.itemsInBuffer >= model.capacity) return false;
  const enabled = new Set([...model.actions(state)].map((a) => a.process));
  return state.producers.some((p) =>
    p.pc === "wait" && !enabled.has(p.name) && !state.lock
  );
}

/**
 * Explores `model` for its fill levels.
 *
 * @param model A bounded model (finite capacity).
 * @param maxStates The state cap.
 * @returns What was reached.
 */
export function fillLevels(model: BufferModel, maxStates: number): FillReport {
  const levels = Math.min(
    model.capacity,
    model.config.producers * model.config.items,
  );
  const facts: Record<string, (state: BufferState) => boolean> = {};
  for (let k = 1; k <= levels; k++) {
    facts[`holds ${k}`] = (state) => state.itemsInBuffer >= k;
  }
  if (model.config.sync !== "sequence") {
    facts[BLOCKED] = (state) => blockedBelowCapacity(model, state);
  }
  const generic: Model<BufferState, BufferAction> = {
    initial: () => model.initial(),
    actions: (state) => model.actions(state),
    step: (state, action) => model.step(state, action),
    encode: (state) => model.encode(state),
    invariants: {},
    isEnd: (state) => model.isEnd!(state),
    facts,
  };
  const report = explore(generic, { maxStates });
  let most = 0;
  let mostPath: Step<BufferState, BufferAction>[] = [];
  for (const fact of report.facts) {
    if (fact.name === BLOCKED || !fact.witnessed) continue;
    const k = Number(fact.name.slice("holds ".length));
    if (k > most) {
      most = k;
      mostPath = fact.witness!;
    }
  }
  if (most === 0) {
    mostPath = [{ action: null, state: [...model.initial()][0]! }];
  }
  const blocked = report.facts.find((f) => f.name === BLOCKED)?.witness;
  return {
    complete: report.verdict !== "incomplete",
    most,
    mostPath,
    ...(blocked === undefined ? {} : { blockedBelow: blocked }),
  };
}
