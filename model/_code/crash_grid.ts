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
 * A producer that dies between storing its slot index and publishing its
 * counter (`inSlot` then `in`) leaves the two out of step for good: a
 * replacement producer of the counter scheme cannot attach (the torn
 * snapshot outlasts the grace period: CorruptedRingError; under the checker,
 * whose clock does not run in that loop, a livelock), and one of the
 * unbounded buffer trusts `inSlot`, so it skips a slot that consumers will
 * read (an unpublished item is delivered and a published one lost).
 */
export const TORN_PRODUCER =
  "a producer that dies between its inSlot store and its in store leaves them out of step: the replacement cannot continue the stream";

/** The default crash grid. */
export function crashGrid(): CrashGridEntry[] {
  return [
    {
      scenario: "crash-ring",
      params: { scheme: "textbook", slots: 2, items: 2 },
      ...PER_POINT,
    },
    {
      scenario: "crash-ring",
      params: { scheme: "counter", slots: 2, items: 2 },
      victims: [1],
      allowRaces: ["inSlot", "outSlot"],
      ...PER_POINT,
    },
    {
      scenario: "crash-ring",
      params: { scheme: "counter", slots: 2, items: 2 },
      victims: [0],
      allowRaces: ["inSlot", "outSlot"],
      known: TORN_PRODUCER,
      ...PER_POINT,
    },
    {
      scenario: "crash-sequence-2x2",
      params: { slots: 2, items: 1 },
      ...PER_POINT,
    },
    {
      scenario: "crash-unbounded",
      params: { slots: 1, items: 3 },
      victims: [1],
      ...PER_POINT,
    },
    {
      scenario: "crash-unbounded",
      params: { slots: 1, items: 3 },
      victims: [0],
      known: TORN_PRODUCER,
      ...PER_POINT,
    },
  ];
}
