// One check: a search over the schedules of one scenario, with the step and
// history checks on every execution.
import type {
  Controller,
  Execution,
  Scheduler,
  Step,
  StepCheck,
} from "./controller.ts";
import { type CheckFailure, historyCheck, stepCheck } from "./checks.ts";
import { refinementOf } from "./refinement.ts";
import { RaceDetector } from "./races.ts";
import { Search, type SearchMode } from "./search.ts";
import type { CodeEvent } from "./scenario_types.ts";
import type { CrashPoint } from "./crash_mask.ts";

/** A failing execution, ready to print or replay. */
export interface CodeFailure {
  readonly property: string;
  readonly message: string;
  readonly steps: readonly Step[];
  /** The thread chosen at every step: replays the execution. */
  readonly schedule: readonly number[];
  readonly names: readonly string[];
  readonly events: readonly (readonly CodeEvent[])[];
  /** Byte offsets of `in`, `out` and slot 0, the slot stride and count. */
  readonly layout: RingLayout | null;
  /** The words the search treated as never written: a replay needs them. */
  readonly quiet: readonly number[];
  /** The abstract state after each step that changed it (by step index). */
  readonly abstract?: ReadonlyMap<number, string>;
  /** Crash exploration: who was stopped when (a replay needs it). */
  readonly crash?: CrashPoint;
}

/** Where the ring's words are, for naming them in output. */
export interface RingLayout {
  readonly in: number;
  readonly out: number;
  readonly data: number;
  readonly stride: number;
  readonly slots: number;
}

/** The outcome of one check. */
export interface CodeRunReport {
  readonly scenario: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly mode: SearchMode;
  readonly verdict: "pass" | "fail" | "incomplete";
  readonly executions: number;
  /** Executions cut short because every thread that could move was asleep (DPOR). */
  readonly redundant: number;
  /** Times the search started over because a word thought never written was written. */
  readonly restarts: number;
  readonly steps: number;
  readonly seconds: number;
  readonly complete: boolean;
  readonly failure?: CodeFailure;
}

/** What every search over one scenario takes (a check, a crash exploration). */
export interface SearchRunOptions {
  readonly scenario: string;
  readonly params: Record<string, unknown>;
  readonly mode: SearchMode;
  readonly bound?: number;
  readonly executions?: number;
  readonly seed?: number;
  readonly depth?: number;
  readonly races: boolean;
  /** Byte offsets of words whose plain writes may race with atomic accesses. */
  readonly allowMixed?: readonly number[];
  readonly maxSteps?: number;
  /** Stop after this many seconds (verdict incomplete). */
  readonly seconds?: number;
}

/** Options of {@linkcode runOne}. */
export interface RunOptions extends SearchRunOptions {
  /** Check refinement against the model after every step (default true). */
  readonly refinement?: boolean;
  /** Replay exactly this schedule (one execution). */
  readonly schedule?: readonly number[];
  /** With `schedule`: the failure's quiet words. */
  readonly quiet?: readonly number[];
  readonly onProgress?: (executions: number, steps: number) => void;
}

/** The search's own options, from a run's. */
export function searchOptionsOf(
  options: SearchRunOptions,
  executions = options.executions,
): ConstructorParameters<typeof Search>[0] {
  return {
    mode: options.mode,
    ...(options.bound === undefined ? {} : { bound: options.bound }),
    ...(executions === undefined ? {} : { executions }),
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    ...(options.depth === undefined ? {} : { depth: options.depth }),
  };
}

/** The race detector of a run (null without race checks). */
export function racesOf(
  options: SearchRunOptions,
  names: readonly string[],
): RaceDetector | null {
  if (!options.races) return null;
  const races = new RaceDetector();
  races.names(names);
  races.allowMixed(
    (options.allowMixed ?? []).flatMap((a) => [a, a + 1, a + 2, a + 3]),
  );
  return races;
}

/** A violation, with the step it followed named (a data race names its own). */
export function violationOf(
  outcome: { readonly property: string; readonly message: string },
  execution: Execution,
  names: readonly string[],
): CheckFailure {
  const last = execution.steps[execution.steps.length - 1];
  if (last === undefined || outcome.property === "data-race") {
    return { property: outcome.property, message: outcome.message };
  }
  return {
    property: outcome.property,
    message: `${outcome.message} (after step ${execution.steps.length}, ${
      names[last.thread]
    }'s step at ${last.op.loc})`,
  };
}

export function layoutOf(
  ring: unknown,
  sab: SharedArrayBuffer,
): RingLayout | null {
  try {
    // deno-lint-ignore no-explicit-any
    const s = (ring as any).inspectRing(sab);
    return {
      in: s.offsets.in,
      out: s.offsets.out,
      data: s.offsets.data,
      stride: s.stride,
      slots: s.slots,
    };
  } catch {
    return null;
  }
}

/** A scheduler that makes exactly the choices of `schedule`. */
export function replayScheduler(schedule: readonly number[]): Scheduler {
  return {
    choose: (_, steps) =>
      steps.length < schedule.length ? schedule[steps.length]! : -1,
  };
}

/** Runs one scenario's search on `controller`. */
export function runOne(
  controller: Controller,
  ring: unknown,
  options: RunOptions,
): CodeRunReport {
  const scenario = controller.scenario(options.scenario);
  const invariants = stepCheck(ring, scenario, options.params);
  const refinement = options.refinement === false
    ? undefined
    : refinementOf(ring, scenario, options.params);
  const check: StepCheck | undefined = refinement === undefined
    ? invariants
    : (sab, steps) => invariants?.(sab, steps) ?? refinement.check(sab, steps);
  const searchOptions = searchOptionsOf(options);
  let search = new Search(searchOptions);
  controller.resetQuiet();
  if (options.schedule !== undefined) controller.setQuiet(options.quiet ?? []);
  let restarts = 0;
  const races = racesOf(options, scenario.names);
  const started = performance.now();
  const steps0 = controller.steps;
  let executions = 0;
  let redundant = 0;
  let failure: CodeFailure | undefined;
  let timedOut = false;
  const replay = options.schedule;
  while (true) {
    const scheduler = replay !== undefined
      ? (executions === 0 ? replayScheduler(replay) : null)
      : search.next();
    if (scheduler === null) break;
    const execution: Execution = controller.run(
      options.scenario,
      // A copy: a setup may add what its threads share (fresh each time).
      { ...options.params },
      {
        scheduler,
        ...(check === undefined ? {} : { check }),
        ...(refinement === undefined
          ? {}
          : { begin: (sab: SharedArrayBuffer) => refinement.begin(sab) }),
        ...(options.maxSteps === undefined
          ? {}
          : { maxSteps: options.maxSteps }),
        races,
        // The first execution learns the words nobody writes; the search
        // proper starts after it (its steps no longer include their loads).
        learnQuiet: executions === 0 && replay === undefined,
      },
    );
    executions++;
    if (executions === 1 && replay === undefined) {
      search = new Search(searchOptions);
    }
    search.finish(execution.steps.length);
    if (controller.quietBroken && replay === undefined) {
      // A word thought never written was written: the loads of it skipped
      // as scheduling points may matter. Start the search over.
      controller.quietBroken = false;
      restarts++;
      search = new Search(searchOptions);
    }
    const outcome = execution.outcome;
    let bad: { property: string; message: string } | null = null;
    if (outcome.kind === "pruned") {
      redundant++;
      if (replay === undefined) continue;
    }
    if (outcome.kind === "violation") {
      bad = violationOf(outcome, execution, scenario.names);
    } else if (outcome.kind === "deadlock") {
      bad = {
        property: "deadlock",
        message: `no thread can move and ${
          outcome.blocked.map((t) => scenario.names[t]).join(", ")
        } ${
          outcome.blocked.length === 1 ? "has" : "have"
        } not finished (asleep in ${
          outcome.blocked.map((t) => {
            const step = [...execution.steps].reverse().find((s) =>
              s.thread === t
            );
            return step?.op.loc ?? "?";
          }).join(", ")
        }): a lost wake-up or a deadlock`,
      };
    } else if (outcome.kind === "done") {
      bad = historyCheck(ring, scenario, execution, options.params);
    }
    if (bad !== null) {
      const candidate: CodeFailure = {
        ...bad,
        steps: execution.steps,
        schedule: execution.schedule,
        names: scenario.names,
        events: execution.results.map((r) => r?.events ?? []),
        layout: layoutOf(ring, execution.ring),
        // The probe execution ran before any word was quiet.
        quiet: executions === 1 && replay === undefined
          ? []
          : controller.quietWords(),
        ...(refinement === undefined
          ? {}
          : { abstract: new Map(refinement.states) }),
      };
      failure = candidate;
      break;
    }
    options.onProgress?.(executions, controller.steps - steps0);
    if (
      options.seconds !== undefined &&
      (performance.now() - started) / 1000 > options.seconds
    ) {
      timedOut = true;
      break;
    }
  }
  const seconds = (performance.now() - started) / 1000;
  const complete = replay === undefined && search.complete && !timedOut &&
    failure === undefined;
  return reportOf(options, {
    passed: complete || options.mode === "random" || options.mode === "pct" ||
      replay !== undefined,
    executions,
    redundant,
    restarts,
    steps: controller.steps - steps0,
    seconds,
    complete,
  }, failure);
}

/**
 * A run's report: `fail` with a failure, else `pass` when `passed` (the
 * search finished, or sampled what it was asked to), else `incomplete`.
 */
export function reportOf(
  options: SearchRunOptions,
  figures:
    & Omit<
      CodeRunReport,
      "scenario" | "params" | "mode" | "verdict" | "failure"
    >
    & { readonly passed: boolean },
  failure: CodeFailure | undefined,
): CodeRunReport {
  const { passed, ...rest } = figures;
  return {
    scenario: options.scenario,
    params: options.params,
    mode: options.mode,
    verdict: failure !== undefined ? "fail" : passed ? "pass" : "incomplete",
    ...rest,
    ...(failure === undefined ? {} : { failure }),
  };
}
