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
import { defaultGrid } from "./_code/grid.ts";
import { crashGrid } from "./_code/crash_grid.ts";
import { runEntry } from "./_code/entry.ts";
import { SEARCH_MODES } from "./_code/search.ts";
import type {
  CheckCodeOptions,
  CheckCodeReport,
  CodeCheckEntry,
  CodeEntryReport,
  CodeSearch,
} from "./_code/check_code_types.ts";
import { CRASH_DEATHS } from "./_code/crash.ts";
import { shown } from "./_describe.ts";

export type {
  CheckCodeOptions,
  CheckCodeReport,
  CodeCheckEntry,
  CodeCrashDeath,
  CodeCrashVictim,
  CodeEntryReport,
  CodeFailureReport,
  CodeSearch,
  CodeStep,
} from "./_code/check_code_types.ts";

/** The search modes of {@linkcode checkCode}. */
export const CODE_SEARCHES: readonly CodeSearch[] = SEARCH_MODES;

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
  checkNumbers(options);
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
  if (options.schedule !== undefined && entries.length !== 1) {
    throw new RangeError(
      `Cannot check code: a schedule replays one execution of one entry, received ${entries.length} entries`,
    );
  }
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
      const report = runEntry(controller, ring, { options, entry, mode });
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

/**
 * The numeric options' ranges (`executions: 0` ran nothing and passed, and
 * `bound: -1` failed inside the search), and the crash options' values.
 */
function checkNumbers(options: CheckCodeOptions): void {
  const ranges = {
    bound: 0,
    executions: 1,
    seed: 0,
    depth: 1,
    maxSteps: 1,
    maxPoint: 0,
  } as const;
  for (const [name, min] of Object.entries(ranges)) {
    const value: unknown = options[name as keyof typeof ranges];
    if (value === undefined) continue;
    if (typeof value !== "number") {
      throw new TypeError(
        `Cannot check code: ${name} must be an integer >= ${min}, received ${typeof value} ${
          shown(value)
        }`,
      );
    }
    if (!Number.isInteger(value) || value < min) {
      throw new RangeError(
        `Cannot check code: ${name} must be an integer >= ${min}, received ${value}`,
      );
    }
  }
  const deaths: unknown = options.deaths;
  if (
    deaths !== undefined &&
    !(CRASH_DEATHS as readonly unknown[]).includes(deaths)
  ) {
    throw new TypeError(
      `Cannot check code: deaths must be "one", "two", "attach" or "supervisor", received ${
        shown(deaths)
      }`,
    );
  }
  // Without crash exploration no thread dies: these would be ignored.
  for (const name of ["deaths", "maxPoint"] as const) {
    if (options[name] !== undefined && options.crash !== true) {
      throw new RangeError(
        `Cannot check code: ${name} applies only with crash: true`,
      );
    }
  }
  const seconds: unknown = options.seconds;
  if (seconds === undefined) return;
  if (typeof seconds !== "number") {
    throw new TypeError(
      `Cannot check code: seconds must be a number > 0, received ${typeof seconds} ${
        shown(seconds)
      }`,
    );
  }
  if (!(seconds > 0)) {
    throw new RangeError(
      `Cannot check code: seconds must be a number > 0, received ${seconds}`,
    );
  }
}
