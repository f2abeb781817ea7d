// The public types of checkCode(): its options, entries and reports, shared
// by the public model/check_code.ts (which re-exports them) and the room
// that fills them in (kept apart so neither imports the other).

/** How {@linkcode checkCode} explores the schedules. */
export type CodeSearch = "dpor" | "dfs" | "preemption" | "random" | "pct";

/** One scenario to check, with its parameters. */
export interface CodeCheckEntry {
  /** A scenario of the scenario module (built in: `try`, `blocking`, `close-ring`, …). */
  readonly scenario: string;
  /** Its parameters: `slots`, `items`, `scheme`, `prefill`, `start`, `wrap`. */
  readonly params?: Readonly<Record<string, unknown>>;
  /** A known bug: reported, but does not fail the check. */
  readonly known?: string;
  /**
   * Header words (`inSlot`, `outSlot`) whose plain writes may race with
   * atomic reads without failing: a deliberate mixed access. Plain-plain
   * races on them still fail.
   */
  readonly allowRaces?: readonly string[];
  /** This entry's search, instead of the options' one. */
  readonly search?: CodeSearch;
  /** This entry's executions (for a sampling search). */
  readonly executions?: number;
  /** This entry's preemption bound (for the `preemption` search). */
  readonly bound?: number;
  /**
   * Crash exploration: the threads to stop (indexes into the scenario's
   * threads); default every thread but the supervisor.
   */
  readonly victims?: readonly number[];
  /** Crash exploration: this entry's deaths per execution, instead of the options' ones. */
  readonly deaths?: "one" | "two" | "attach" | "supervisor";
  /** Crash exploration: this entry's cap on crash points, instead of the options' one. */
  readonly maxPoint?: number;
}

/** Options of {@linkcode checkCode}. */
export interface CheckCodeOptions {
  /** What to check; defaults to the default grid (every engine and call). */
  readonly entries?: readonly CodeCheckEntry[];
  /** URL of the ring module under test; defaults to the repository's `mod.ts`. */
  readonly ring?: string | URL;
  /** URL of a module exporting `codeScenarios`; defaults to the built-in ones. */
  readonly scenarios?: string | URL;
  /** The search; defaults to `"dpor"`. */
  readonly search?: CodeSearch;
  /** Preemption bound of `"preemption"` (default 2). */
  readonly bound?: number;
  /** Executions of `"random"` and `"pct"` (default 100), or a cap on the others. */
  readonly executions?: number;
  /** Seed of `"random"` and `"pct"` (default 1). */
  readonly seed?: number;
  /** PCT's depth (default 3). */
  readonly depth?: number;
  /** Check data races on the ring's memory (default true). */
  readonly races?: boolean;
  /**
   * Check after every step that the ring's abstract state is unchanged or
   * made one transition of the model (default true).
   */
  readonly refinement?: boolean;
  /** Longest execution, in steps (default 5000: longer is a livelock). */
  readonly maxSteps?: number;
  /** Time limit per entry in seconds (the verdict is then incomplete). */
  readonly seconds?: number;
  /** Replay exactly this schedule (with one entry). */
  readonly schedule?: readonly number[];
  /**
   * With `schedule`: the words the original search treated as never written
   * (a failure's `quiet`); their loads are not scheduling points.
   */
  readonly quiet?: readonly number[];
  /** Called after each entry. */
  readonly onEntry?: (run: CodeEntryReport) => void;
  /**
   * Crash exploration: stop each thread forever at every step of the crash
   * scenarios (`crash-ring`, `crash-sequence-2x2`, `crash-unbounded`); a
   * supervisor thread then recovers the dead handle and a replacement
   * finishes its work. Each crash point is searched with `search` (the
   * crash grid samples each with PCT). Defaults the entries to the crash
   * grid and the scenarios to the crash scenarios. With `schedule`,
   * `crashPoint` says who was stopped when (a crash failure's `crash`).
   */
  readonly crash?: boolean;
  /**
   * Crash exploration: `"one"` thread stopped per execution (default), or
   * `"two"`: every pair of threads, each at every step (slow: give
   * `maxPoint` to cap the steps).
   */
  readonly deaths?: "one" | "two" | "attach" | "supervisor";
  /** Crash exploration: only crash points up to this step (the verdict is then incomplete). */
  readonly maxPoint?: number;
  /** With `crash` and `schedule`: the crash point to replay. */
  readonly crashPoint?: readonly CodeCrashDeath[];
}

/** One thread stopped forever in a crash execution. */
export interface CodeCrashDeath {
  /** The thread's index in the scenario. */
  readonly thread: number;
  /** Stopped after this many of its steps past its barrier (from its start with `attach`). */
  readonly after: number;
  /** Whether it died while attaching (before its barrier). */
  readonly attach?: boolean;
}

/** Crash points explored for one thread of a crash scenario. */
export interface CodeCrashVictim {
  /** The thread's name (P0, C0 …). */
  readonly thread: string;
  /** Steps after which it was stopped forever in some execution. */
  readonly points: number;
  /** Executions in which it was stopped. */
  readonly deaths: number;
}

/** One step of a failing execution, as printed. */
export interface CodeStep {
  /** Which thread moved. */
  readonly thread: string;
  /** What it did, e.g. `store in = 1`. */
  readonly operation: string;
  /** The production source line, e.g. `src/producer.ts:552`. */
  readonly at: string;
  /** The word's value before the step. */
  readonly before: number;
  /** The word's value after it. */
  readonly after: number;
}

/** A failing execution. */
export interface CodeFailureReport {
  /** The property that failed: `no-loss`, `deadlock`, `data-race`, `refinement`, … */
  readonly property: string;
  /** What went wrong. */
  readonly message: string;
  /** The thread chosen at every step: replays the execution. */
  readonly schedule: readonly number[];
  /** The words treated as never written (give them back to replay). */
  readonly quiet: readonly number[];
  /** The steps. */
  readonly steps: readonly CodeStep[];
  /** The per-thread table. */
  readonly table: string;
  /** A Mermaid sequence diagram. */
  readonly mermaid: string;
  /** JSON that `--replay` reads. */
  readonly json: unknown;
  /** Crash exploration: who was stopped when (give it back to replay). */
  readonly crash?: readonly CodeCrashDeath[];
}

/** The outcome of one entry. */
export interface CodeEntryReport {
  /** The scenario. */
  readonly scenario: string;
  /** Its parameters. */
  readonly params: Readonly<Record<string, unknown>>;
  /** The known bug it stands for, if any. */
  readonly known?: string;
  /** The search that ran. */
  readonly search: CodeSearch;
  /** `pass`, `fail`, or `incomplete` (stopped by a bound or the time limit). */
  readonly verdict: "pass" | "fail" | "incomplete";
  /** Executions run. */
  readonly executions: number;
  /** Executions cut short as redundant (every movable thread in the sleep set). */
  readonly redundant: number;
  /** Steps run. */
  readonly steps: number;
  /** Seconds taken. */
  readonly seconds: number;
  /** Whether every schedule (within the bounds) was explored. */
  readonly complete: boolean;
  /** The failing execution. */
  readonly failure?: CodeFailureReport;
  /** Crash exploration: crash points explored, over every victim. */
  readonly crashPoints?: number;
  /** Crash exploration: per victim. */
  readonly victims?: readonly CodeCrashVictim[];
}

/** The outcome of {@linkcode checkCode}. */
export interface CheckCodeReport {
  /** `pass` when every entry passed (known bugs aside). */
  readonly verdict: "pass" | "fail" | "incomplete";
  /** One report per entry. */
  readonly entries: readonly CodeEntryReport[];
  /** Executions in all. */
  readonly executions: number;
  /** Steps in all. */
  readonly steps: number;
  /** Seconds in all (Workers' start included). */
  readonly seconds: number;
  /** Executions per second. */
  readonly executionsPerSecond: number;
  /** Steps per second. */
  readonly stepsPerSecond: number;
  /** The shortest failure of an entry that is not a known bug. */
  readonly failure?: CodeFailureReport & { readonly scenario: string };
}
