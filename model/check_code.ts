// Copyright 2025 the ringproof authors. MIT license.
/**
 * Model-checking the production code itself: {@linkcode checkCode} runs the
 * unmodified ring module in real Workers under a controlled scheduler that
 * decides, at every shared-memory operation, which Worker goes next, and
 * explores the schedules (exhaustively with dynamic partial-order
 * reduction, within a preemption bound, or at random). On every execution it
 * checks after each step the ring's invariants and refinement (the abstract
 * state is unchanged or made one transition of the model), the history of
 * the calls at the end, data races on the ring's memory, and deadlocks or
 * lost wake-ups.
 *
 * @module
 */
import { Controller } from "./_code/controller.ts";
import { runOne } from "./_code/run.ts";
import type { CodeFailure, CodeRunReport } from "./_code/run.ts";
import { defaultGrid } from "./_code/grid.ts";
import { runCrash } from "./_code/crash.ts";
import { crashGrid } from "./_code/crash_grid.ts";
import {
  describeStep,
  failureToMermaid,
  formatFailure,
  headerOffset,
  reportToJsonObject,
} from "./_code/format.ts";
import { SEARCH_MODES } from "./_code/search.ts";

/** How {@linkcode checkCode} explores the schedules. */
export type CodeSearch = "dpor" | "dfs" | "preemption" | "random" | "pct";

/** The search modes of {@linkcode checkCode}. */
export const CODE_SEARCHES: readonly CodeSearch[] = SEARCH_MODES;

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

/** The deaths and cap of a crash entry: the options' over the entry's. */
function crashOptionsOf(
  options: CheckCodeOptions,
  entry: CodeCheckEntry,
): { deaths?: "one" | "two" | "attach" | "supervisor"; maxPoint?: number } {
  const deaths = options.deaths ?? entry.deaths;
  const maxPoint = options.maxPoint ?? entry.maxPoint;
  return {
    ...(deaths === undefined ? {} : { deaths }),
    ...(maxPoint === undefined ? {} : { maxPoint }),
  };
}

function failureReport(run: CodeRunReport, f: CodeFailure): CodeFailureReport {
  return {
    property: f.property,
    message: f.message,
    schedule: f.schedule,
    quiet: f.quiet,
    steps: f.steps.map((s) => ({
      thread: f.names[s.thread]!,
      operation: describeStep(s, f.layout),
      at: s.op.loc,
      before: s.before,
      after: s.after,
    })),
    table: formatFailure(f),
    mermaid: failureToMermaid(f),
    json: reportToJsonObject(run),
    ...(f.crash === undefined ? {} : { crash: f.crash }),
  };
}

/**
 * Model-checks the production ring: runs each scenario's threads in real
 * Workers on the unmodified ring module and explores their schedules at
 * the granularity of shared-memory operations.
 *
 * @param options What to check and how; by default the default grid.
 * @returns The report: a verdict, figures, and the shortest failure.
 *
 * @example Checking tryPush against tryPop
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkCode } from "@ringproof/ring/model";
 *
 * const report = await checkCode({
 *   entries: [{ scenario: "try", params: { slots: 2, items: 1 } }],
 * });
 * assert.equal(report.verdict, "pass");
 * assert.ok(report.entries[0]!.complete);
 * ```
 */
export async function checkCode(
  options: CheckCodeOptions = {},
): Promise<CheckCodeReport> {
  const started = performance.now();
  const crash = options.crash ?? false;
  if (
    crash &&
    (options.schedule === undefined) !== (options.crashPoint === undefined)
  ) {
    throw new RangeError(
      "Cannot check code: a crash replay needs both schedule and crashPoint",
    );
  }
  const entries: readonly CodeCheckEntry[] = options.entries ??
    (crash ? crashGrid() : defaultGrid());
  const ringUrl = new URL(options.ring ?? new URL("../mod.ts", import.meta.url))
    .href;
  const scenarioUrl = new URL(
    options.scenarios ??
      new URL(
        crash ? "./_code/crash_scenarios.ts" : "./_code/scenarios.ts",
        import.meta.url,
      ),
  ).href;
  const mode = options.search ?? "dpor";
  if (!SEARCH_MODES.includes(mode)) {
    throw new RangeError(
      `Cannot check code: search must be one of ${
        SEARCH_MODES.join(", ")
      }, received ${mode}`,
    );
  }
  const ring = await import(ringUrl);
  const scenarioModule = await import(scenarioUrl);
  let threads = 1;
  for (const entry of entries) {
    const scenario = scenarioModule.codeScenarios?.[entry.scenario];
    if (scenario === undefined) {
      throw new RangeError(
        `Cannot check code: no scenario named ${entry.scenario} (known: ${
          Object.keys(scenarioModule.codeScenarios ?? {}).join(", ")
        })`,
      );
    }
    threads = Math.max(threads, scenario.threads.length);
  }
  const controller = new Controller({
    ringUrl,
    scenarioUrl,
    threads,
    races: options.races ?? true,
  });
  const reports: CodeEntryReport[] = [];
  try {
    await controller.start();
    for (const entry of entries) {
      const entryMode = options.search ?? entry.search ?? mode;
      const executions = options.executions ?? entry.executions;
      const bound = options.bound ?? entry.bound;
      const common = {
        scenario: entry.scenario,
        params: { ...entry.params },
        mode: entryMode,
        races: options.races ?? true,
        refinement: options.refinement ?? true,
        allowMixed: (entry.allowRaces ?? []).map((name) => {
          const offset = headerOffset(name);
          if (offset === undefined) {
            throw new RangeError(
              `Cannot check code: allowRaces names no header word: ${name}`,
            );
          }
          return offset;
        }),
        ...(bound === undefined ? {} : { bound }),
        ...(executions === undefined ? {} : { executions }),
        ...(options.seed === undefined ? {} : { seed: options.seed }),
        ...(options.depth === undefined ? {} : { depth: options.depth }),
        ...(options.maxSteps === undefined
          ? {}
          : { maxSteps: options.maxSteps }),
        ...(options.seconds === undefined ? {} : { seconds: options.seconds }),
      };
      const crashRun = crash
        ? runCrash(controller, ring, {
          ...common,
          ...(entry.victims === undefined ? {} : { victims: entry.victims }),
          ...crashOptionsOf(options, entry),
          ...(options.crashPoint === undefined ? {} : {
            replay: {
              point: options.crashPoint,
              schedule: options.schedule!,
              quiet: options.quiet ?? [],
            },
          }),
        })
        : undefined;
      const run = crashRun ?? runOne(controller, ring, {
        ...common,
        ...(executions === undefined &&
            (entryMode === "random" || entryMode === "pct")
          ? { executions: 100 }
          : {}),
        ...(options.schedule === undefined
          ? {}
          : { schedule: options.schedule }),
        ...(options.quiet === undefined ? {} : { quiet: options.quiet }),
      });
      const report: CodeEntryReport = {
        scenario: run.scenario,
        params: run.params,
        search: run.mode,
        ...(entry.known === undefined ? {} : { known: entry.known }),
        verdict: run.verdict,
        executions: run.executions,
        redundant: run.redundant,
        steps: run.steps,
        seconds: run.seconds,
        complete: run.complete,
        ...(run.failure === undefined
          ? {}
          : { failure: failureReport(run, run.failure) }),
        ...(crashRun === undefined ? {} : {
          crashPoints: crashRun.crashPoints,
          victims: crashRun.victims,
        }),
      };
      reports.push(report);
      options.onEntry?.(report);
    }
  } finally {
    controller.close();
  }
  const seconds = (performance.now() - started) / 1000;
  const executions = reports.reduce((n, r) => n + r.executions, 0);
  const steps = reports.reduce((n, r) => n + r.steps, 0);
  const counted = reports.filter((r) => r.known === undefined);
  const failures = counted.filter((r) => r.failure !== undefined)
    .sort((a, b) => a.failure!.steps.length - b.failure!.steps.length);
  const verdict = failures.length > 0
    ? "fail"
    : counted.some((r) => r.verdict === "incomplete")
    ? "incomplete"
    : "pass";
  const first = failures[0];
  const busy = reports.reduce((n, r) => n + r.seconds, 0);
  return {
    verdict,
    entries: reports,
    executions,
    steps,
    seconds,
    executionsPerSecond: busy > 0 ? executions / busy : 0,
    stepsPerSecond: busy > 0 ? steps / busy : 0,
    ...(first === undefined
      ? {}
      : { failure: { ...first.failure!, scenario: first.scenario } }),
  };
}
