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
 * A handle that dies between storing its slot index and publishing its
 * counter (`inSlot` then `in`, `outSlot` then `out`) leaves the two out of
 * step for good. A replacement on the unbounded buffer trusts the slot
 * index: after a dead producer it skips a slot that consumers will read (an
 * unpublished item is delivered and a published one lost); after a dead
 * consumer it refuses to attach (CorruptedRingError). The counter scheme of
 * the one-producer ring has the same pair: a replacement cannot attach (the
 * torn snapshot outlasts the grace period of `checkIndices`; under the
 * checker, whose clock does not run in that loop, a livelock), which is why
 * the counter scheme is not in this grid (`--scheme counter` runs it, with
 * `--max-steps 800`: each spinning step is slow). The textbook scheme and
 * the sequence ring keep no such pair.
 */
export const TORN_PAIR =
  "a handle that dies between its slot-index store and its counter store leaves them out of step: the replacement cannot continue the stream";

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
      victims: [0],
      known: TORN_PAIR,
      ...PER_POINT,
    },
    {
      scenario: "crash-unbounded",
      params: { slots: 1, items: 2 },
      victims: [1],
      known: TORN_PAIR,
      ...PER_POINT,
    },
  ];
}
