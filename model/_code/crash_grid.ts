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

/** The default crash grid. */
export function crashGrid(): CrashGridEntry[] {
  return [
    {
      scenario: "crash-ring",
      params: { scheme: "textbook", slots: 2, items: 2 },
      ...PER_POINT,
    },
    {
      // A handle dies between its slot-index and counter stores here too;
      // recovery re-derives the slot from the counter and the side's base.
      scenario: "crash-ring",
      params: { scheme: "counter", slots: 2, items: 2 },
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
