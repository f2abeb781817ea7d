// The default grid of `deno task check -- --against code`: every engine and
// public call, at the small sizes where the bugs are.

/** One check of the grid. */
export interface GridEntry {
  readonly scenario: string;
  readonly params: Readonly<Record<string, unknown>>;
  /**
   * A known bug of today's code, reported but not failing the grid: what it
   * is. The grid says when such an entry starts to pass. (None today.)
   */
  readonly known?: string;
  /**
   * Header words whose plain writes may race with atomic reads (for user
   * grids; the default grid allows none).
   */
  readonly allowRaces?: readonly string[];
  /**
   * Too many interleavings for the grid's two minutes: sampled with PCT
   * (a seeded, probabilistic search), or explored completely up to a
   * preemption bound, instead of explored exhaustively.
   */
  readonly search?: "pct" | "preemption";
  readonly executions?: number;
  /** The preemption bound of a `preemption` entry. */
  readonly bound?: number;
}

/** A sampled entry: PCT with a fixed seed and number of executions. */
const SAMPLED = { search: "pct", executions: 40 } as const;

const SCHEMES = ["textbook", "counter"] as const;

/** The default grid. */
export function defaultGrid(): GridEntry[] {
  const grid: GridEntry[] = [];
  for (const scheme of SCHEMES) {
    const full = scheme === "textbook" ? 1 : 2;
    const entries: GridEntry[] = [
      { scenario: "try", params: { scheme, slots: 2, items: 2 } },
      // The consumer sleeps (empty ring); then the producer sleeps (a ring
      // filled before the threads start).
      { scenario: "blocking", params: { scheme, slots: 2, items: 1 } },
      {
        scenario: "blocking",
        params: { scheme, slots: 2, items: 1, prefill: full },
      },
      { scenario: "many", params: { scheme, slots: 3, items: 2 } },
      { scenario: "zero-copy", params: { scheme, slots: 2, items: 2 } },
      { scenario: "async", params: { scheme, slots: 2, items: 1 } },
      {
        scenario: "async",
        params: { scheme, slots: 2, items: 1, prefill: full },
      },
      // push, then close() by the producer, pop until drained: every
      // schedule with at most two preemptions (542 executions in the
      // textbook scheme). Exhaustively it is 1,456 executions per scheme,
      // 80% of the grid's steps; the budget goes to the unbounded buffer
      // instead (below), which had been sampled.
      {
        scenario: "close",
        params: { scheme, slots: 2, items: 1 },
        search: "preemption",
        bound: 2,
      },
      {
        scenario: "reattach",
        params: { scheme, slots: 3, items: 2 },
        ...SAMPLED,
      },
    ];
    grid.push(...entries);
    // A push racing closeRing() from a third thread (issue 11, fixed): every
    // schedule with at most one preemption (about 150 executions; the
    // unbounded search does not finish in the grid's two minutes).
    grid.push({
      scenario: "close-ring",
      params: { scheme, slots: 2, items: 1 },
      search: "preemption",
      bound: 1,
    });
  }
  grid.push(
    {
      scenario: "try",
      params: { scheme: "counter", slots: 3, items: 2, start: 2 ** 30 - 2 },
    },
    // The sequence ring: sampled. Exhaustively it is far beyond the budget
    // (measured under load: sequence-1x2 with DPOR not complete after 207
    // executions in 60 s; sequence-2x1 not even within one preemption after
    // 569 executions in 60 s).
    // Two items per producer fill the two slots: producers sleep and are
    // woken (the scenarios end by the last producer's close).
    { scenario: "sequence-2x2", params: { slots: 2, items: 2 }, ...SAMPLED },
    { scenario: "sequence-1x2", params: { slots: 2, items: 1 }, ...SAMPLED },
    { scenario: "sequence-2x1", params: { slots: 2, items: 2 }, ...SAMPLED },
    {
      scenario: "sequence-2x1",
      params: { slots: 2, items: 1, wrap: true },
      ...SAMPLED,
    },
    // The sequence ring's waits without a timeout (a lost wake-up is a
    // deadlock): the consumer sleeps (empty ring), then the producer sleeps
    // (a ring filled before the threads start). Exhaustive, about 30
    // executions each.
    { scenario: "sequence-blocking", params: { slots: 2, items: 1 } },
    {
      scenario: "sequence-blocking",
      params: { slots: 2, items: 1, prefill: 2 },
    },
    // The sequence ring's close with a sleeping consumer: every schedule
    // with at most two preemptions (1,119 executions, about 70 s under
    // load). It found a consumer that read the close's mark as its epoch
    // before `closed` was set and slept through the close's notify (98
    // executions); one preemption does not reach it.
    {
      scenario: "sequence-close",
      params: { slots: 2, items: 1 },
      search: "preemption",
      bound: 2,
    },
    // Growth to a second segment, the link, and the first segment recycled:
    // exhaustively (590 executions, about 40 s under load).
    { scenario: "unbounded", params: { slots: 1, items: 2 } },
  );
  return grid;
}
