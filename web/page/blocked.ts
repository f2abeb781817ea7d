// Copyright 2025 the ringproof authors. MIT license.
/**
 * Why a process cannot take its next step: the test that holds in the state
 * shown, in the textbook's words with the values filled in, e.g.
 * `full: (in + 1) % 4 == out (in = 3, out = 0)`.
 *
 * @module
 */

import type { BufferModel, BufferState } from "../../model/mod.ts";

/** A process that has a next step but cannot take it now. */
export interface Blocked {
  /** `"P0"`, `"C1"`, … */
  readonly process: string;
  /** Its next step (its pc). */
  readonly op: string;
  /** Why, e.g. `full: (in + 1) % 4 == out (in = 3, out = 0)`. */
  readonly reason: string;
}

function fullTest(model: BufferModel, state: BufferState): string {
  const { scheme, slots, mutant } = model.config;
  const values = `in = ${state.in}, out = ${state.out}`;
  if (scheme === "textbook") {
    const test = mutant === "full-when-equal"
      ? "in == out"
      : mutant === "wasted-two"
      ? `(in + 2) % ${slots} == out`
      : `(in + 1) % ${slots} == out`;
    return `full: ${test} (${values})`;
  }
  const test = mutant === "full-when-equal"
    ? "in == out"
    : mutant === "wasted-two"
    ? `in - out + 2 == ${slots}`
    : `in - out == ${slots}`;
  return `full: ${test} (${values})`;
}

/**
 * The processes that have a next step but cannot take it in `state`, each
 * with the reason.
 *
 * @param model The model.
 * @param state The state.
 * @returns One entry per blocked process, producers first.
 */
export function blockedSteps(
  model: BufferModel,
  state: BufferState,
): Blocked[] {
  const enabled = new Set([...model.actions(state)].map((a) => a.process));
  const sequence = state.sequences !== undefined;
  const n = state.cells.length;
  const out: Blocked[] = [];
  const add = (process: string, op: string, reason: string) =>
    out.push({ process, op, reason });
  for (const p of state.producers) {
    if (enabled.has(p.name) || p.pc === "done") continue;
    if (p.pc === "lock") {
      add(p.name, p.pc, "the lock is held by another process");
    } else if (p.pc === "wait" && sequence) {
      const pos = p.position ?? 0;
      add(
        p.name,
        p.pc,
        `cell not free yet: seq[${pos % n}] = ${
          state.sequences![pos % n]
        } < position ${pos}`,
      );
    } else if (p.pc === "wait") add(p.name, p.pc, fullTest(model, state));
    else {add(
        p.name,
        p.pc,
        "the model's bound: every item is already published",
      );}
  }
  for (const c of state.consumers) {
    if (enabled.has(c.name)) continue;
    if (c.pc === "lock") {
      add(c.name, c.pc, "the lock is held by another process");
    } else if (c.pc === "wait" && sequence) {
      const pos = c.position ?? 0;
      add(
        c.name,
        c.pc,
        `no item yet: seq[${pos % n}] = ${
          state.sequences![pos % n]
        } < position + 1 = ${pos + 1}`,
      );
    } else if (c.pc === "wait") {
      add(
        c.name,
        c.pc,
        `empty: in == out (in = ${state.in}, out = ${state.out})`,
      );
    } else {add(
        c.name,
        c.pc,
        "the model's bound: every item is already released",
      );}
  }
  return out;
}
