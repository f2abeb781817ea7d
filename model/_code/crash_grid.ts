// The default grid of `deno task check -- --against code --crash`: each
// engine with one thread stopped forever at every step, a supervisor's
// recovery and a replacement (`crash.ts`); then deaths while attaching, two
// deaths, and a supervisor's death. Each crash point is sampled with
// PCT (the schedules of the survivors around a death are many); `--search`
// and `--executions` change that.
import type { GridEntry } from "./grid.ts";

/** One entry of the crash grid. */
export interface CrashGridEntry extends GridEntry {
  /** Only these threads are stopped (indexes); default every one but S. */
  readonly victims?: readonly number[];
  /** Which deaths (default one per execution; see `crash.ts`). */
  readonly deaths?: "one" | "two" | "attach" | "supervisor";
}

/** One PCT schedule per crash point: the modes below have many points. */
const ONE = { search: "pct", executions: 1 } as const;

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
    // Deaths inside the constructor, before the id reached S: recovered by
    // role where the side has one handle.
    ...[
      { scenario: "crash-ring", params: { scheme: "textbook" } },
      { scenario: "crash-ring", params: { scheme: "counter" } },
      { scenario: "crash-sequence-1x2", params: { items: 1 } },
      { scenario: "crash-unbounded", params: { slots: 1, items: 3 } },
    ].map((e) => ({
      ...e,
      params: { slots: 2, items: 2, ...e.params },
      deaths: "attach" as const,
      ...ONE,
    })),
    // Two deaths, every pair of points (312 on this ring).
    {
      scenario: "crash-ring",
      params: { scheme: "textbook", slots: 2, items: 2 },
      deaths: "two",
      ...ONE,
    },
    // S dies at every step of its recovery and replacement of P0; S2
    // resumes (with C0 too: 1,101 pairs, about 100 s).
    {
      scenario: "crash-ring-2s",
      params: { scheme: "textbook", slots: 2, items: 2 },
      deaths: "supervisor",
      victims: [0],
      ...ONE,
    },
  ];
}
