// The default grid of `deno task check -- --against code --crash`: each
// engine with one thread stopped forever at every step, a supervisor's
// recovery and a replacement (`crash.ts`). Each crash point is sampled with
// PCT (the schedules of the survivors around a death are many); `--search`
// and `--executions` change that.
import type { GridEntry } from "./grid.ts";

/** One entry of the crash grid. */
export interface CrashGridEntry extends GridEntry {
  /** Only these threads are stopped (indexes); default every one but S. */
  readonly victims?: readonly number[];
}

/** Executions per crash point in the grid. */
const PER_POINT = { search: "pct", executions: 4 } as const;

/**
 * The counter scheme of the one-producer ring stores a slot index and then
 * the counter (`inSlot` then `in`, `outSlot` then `out`), in
 * `src/_engine/spsc.ts`: a handle that dies between the two leaves them out
 * of step for good, and a replacement cannot attach (the torn snapshot
 * outlasts the grace period of `checkIndices`: CorruptedRingError; under
 * the checker, whose clock does not run in that loop, a livelock). Not in
 * the grid for that reason (each spinning step is slow):
 * `--scheme counter --max-steps 800` runs it. The unbounded buffer had the
 * same pair and is repaired by `recoverUnbounded`.
 */
export const TORN_PAIR =
  "a counter-scheme handle that dies between its slot-index store and its counter store leaves them out of step: the replacement cannot attach";

/** The default crash grid. */
export function crashGrid(): CrashGridEntry[] {
  return [
    {
      scenario: "crash-ring",
      params: { scheme: "textbook", slots: 2, items: 2 },
      ...PER_POINT,
    },
    {
      scenario: "crash-sequence-2x2",
      params: { slots: 2, items: 1 },
      search: "pct",
      executions: 2,
    },
    {
      scenario: "crash-unbounded",
      params: { slots: 1, items: 3 },
      search: "pct",
      executions: 2,
    },
  ];
}
