// Copyright 2025 the ringproof authors. MIT license.
// Step descriptions for sync "sequence" (Vyukov's bounded queue): each cell
// has a sequence number, each process a copy of `in` (`out`), its position.

import {
  type BufferAction,
  type BufferState,
  itemName,
} from "../bounded_buffer.ts";

/**
 * Describes one step of a sync "sequence" state machine, e.g.
 * `wait: seq[1] = 3, free`, `claim: in 3 → 4`, `publish seq[1] = 4`, from
 * the stepping process's position and the step it takes next.
 */
export function describeSequenceStep(
  action: BufferAction,
  step: {
    before: BufferState;
    after: BufferState;
    /** The stepping process's position before the step. */
    position: number;
    /** The process's next step after this one. */
    next: string | undefined;
  },
): string {
  const producer = action.process.startsWith("P");
  const shared = producer ? "in" : "out";
  const { before, after, position, next: went } = step;
  const slot = position % before.cells.length;
  const seq = (state: BufferState) =>
    `seq[${slot}] = ${state.sequences?.[slot]}`;
  switch (action.op) {
    case "load":
      return `load ${shared} = ${before[shared]}`;
    case "wait": {
      if (went === "load") return `wait: ${seq(before)}, ${position} taken`;
      return `wait: ${seq(before)}, ${producer ? "free" : "item ready"}`;
    }
    case "claim":
      return went === "load"
        ? `claim fails: ${shared} = ${before[shared]}, not ${position}`
        : `claim: ${shared} ${position} → ${after[shared]}`;
    case "write":
      return `write buffer[${slot}] = ${itemName(after.cells[slot] ?? null)}`;
    case "read":
      return `read buffer[${slot}] → ${itemName(before.cells[slot] ?? null)}`;
    default: // publish, release
      return `${action.op} ${seq(after)}`;
  }
}
