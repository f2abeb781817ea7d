// Crash exploration: threads that stop forever at any step. For each thread
// of a crash scenario (`crash_scenarios.ts`) but the supervisor S, and for
// each k = 0, 1, 2 …, the victim is stopped for good after its k-th step
// past the barrier (its handles attached; its id sent to S), and the
// schedules of the others are searched as usual. S is held until the
// victim stopped, then recovers the victim's handle and a replacement
// finishes the victim's work (`crash_mask.ts`). Every execution must end
// with every thread but the victim done (a survivor that cannot move is a
// hang), no thread throwing (CorruptedRingError included), and every item
// whose push returned delivered exactly once (`crash_checks.ts`). k grows
// until no execution reaches the victim's k-th step: each k some execution
// reached is one crash point.
//
// With `deaths: "two"`, each pair of victims is stopped at every pair of
// points (k1, k2), and S recovers both in one pass. A victim that can no
// longer move before its k-th step (it waits on the other dead thread) is
// stopped where it waits; such a point is not counted again.
//
// With `deaths: "supervisor"`, the victim at every k1 and then the
// supervisor S at every step k2 of its recovery and replacement; a second
// supervisor S2 recovers both (again: recovery is idempotent) and finishes
// the work S began.
//
// With `deaths: "attach"`, the victim is stopped after its k-th step from
// its start, inside its handle's constructor (taking its lock, its record),
// before it could send its id; S recovers the side by role where the side
// has one handle (`recoverRing(sab, { role })`).
import type { Controller, Scheduler } from "./controller.ts";
import { stepCheck } from "./checks.ts";
import { Search } from "./search.ts";
import type { RingModule } from "./scenario_types.ts";
import {
  type CodeFailure,
  type CodeRunReport,
  layoutOf,
  racesOf,
  replayScheduler,
  reportOf,
  searchOptionsOf,
  type SearchRunOptions,
} from "./run.ts";
import { producersOf } from "./crash_scenarios.ts";
import {
  crashMask,
  type CrashPoint,
  DEATH,
  type Death,
  describePoint,
} from "./crash_mask.ts";
import { crashFailure } from "./crash_checks.ts";
import { crashSegmentsCheck } from "./crash_segments.ts";

/** Crash points explored for one victim (or pair of victims). */
export interface CrashVictimReport {
  /** The victim's name (P0, C0 …); a pair's as `P0+C0`. */
  readonly thread: string;
  /** Crash points at which it was stopped in some execution. */
  readonly points: number;
  /** Executions in which it was stopped. */
  readonly deaths: number;
}

/** The outcome of one crash scenario. */
export interface CrashRunReport extends CodeRunReport {
  /** Crash points explored, over every victim. */
  readonly crashPoints: number;
  /** Per victim. */
  readonly victims: readonly CrashVictimReport[];
}

/**
 * Which deaths an exploration tries: one thread stopped past its barrier,
 * two, one stopped while attaching (before its barrier), or one and then
 * the supervisor S (a scenario with a second supervisor S2).
 */
export type CrashDeaths = typeof CRASH_DEATHS[number];

/** Every {@linkcode CrashDeaths}, for the checks of `deaths` and `--deaths`. */
export const CRASH_DEATHS = ["one", "two", "attach", "supervisor"] as const;

/** Options of {@linkcode runCrash}. */
export interface CrashRunOptions extends SearchRunOptions {
  /** Only these victims (thread indexes); default every thread but S. */
  readonly victims?: readonly number[];
  /** Only crash points up to this k (a cap; the verdict is then incomplete). */
  readonly maxPoint?: number;
  /** One victim per execution (default), two, or one while attaching. */
  readonly deaths?: CrashDeaths;
  /** Replay exactly this schedule at this crash point (one execution). */
  readonly replay?: {
    readonly point: CrashPoint;
    readonly schedule: readonly number[];
    readonly quiet: readonly number[];
  };
}

/** Executions per crash point of a sampling search, by default. */
const SAMPLES_PER_POINT = 4;

/** What the search at one crash point found. */
interface PointResult {
  /** Per death: whether it happened exactly at its step in some execution. */
  readonly exact: readonly boolean[];
  /** Executions in which every death happened. */
  readonly deaths: number;
  readonly failure?: CodeFailure;
  readonly stop?: boolean;
}

/** Runs the crash exploration of one crash scenario on `controller`. */
export function runCrash(
  controller: Controller,
  ring: RingModule,
  options: CrashRunOptions,
): CrashRunReport {
  const scenario = controller.scenario(options.scenario);
  const names = scenario.names;
  const supervisors = names.flatMap((name, t) =>
    name.startsWith("S") ? [t] : []
  );
  if (supervisors.length === 0 || producersOf(scenario) === 0) {
    throw new RangeError(
      `Cannot check crashes: ${options.scenario} is no crash scenario (it needs a supervisor thread S)`,
    );
  }
  const items = Number(options.params.items ?? 2);
  // Replacements push new numbers after the victim's (a second
  // supervisor's after the first's): valid items too.
  const check = stepCheck(ring, scenario, {
    ...options.params,
    items: (supervisors.length + 1) * items,
  });
  if (options.deaths === "supervisor" && supervisors.length < 2) {
    throw new RangeError(
      `Cannot check crashes: deaths "supervisor" needs a scenario with a second supervisor S2 (crash-ring-2s, crash-sequence-2x2-2s, crash-unbounded-2s), received ${options.scenario}`,
    );
  }
  const races = racesOf(options, names);
  const sampling = options.mode === "random" || options.mode === "pct";
  // A sampling search needs a count: a few schedules per crash point.
  const searchOptions = searchOptionsOf(
    options,
    options.executions ?? (sampling ? SAMPLES_PER_POINT : Infinity),
  );
  const started = performance.now();
  const steps0 = controller.steps;
  let executions = 0;
  let redundant = 0;
  let restarts = 0;
  let complete = true;
  const outOfTime = () =>
    options.seconds !== undefined &&
    (performance.now() - started) / 1000 > options.seconds;

  const execute = (
    point: CrashPoint,
    scheduler: Scheduler,
    learnQuiet: boolean,
  ) => {
    const params: Record<string, unknown> = {
      ...options.params,
      victims: point.map((d) => d.thread),
    };
    const deaths: Death[] = [];
    const execution = controller.run(options.scenario, params, {
      scheduler,
      ...(check === undefined ? {} : { check }),
      ...(options.maxSteps === undefined ? {} : { maxSteps: options.maxSteps }),
      races,
      learnQuiet,
      // A supervisor learns of a death through the runtime (a Worker's
      // error event): everything the victim did happens before it goes on.
      mask: crashMask(point, names, params, deaths, (v) => {
        races?.release(v, DEATH);
        for (const s of supervisors) races?.acquireWake(s, DEATH);
      }),
    });
    executions++;
    const dead = point.flatMap((d, i) => deaths[i]!.died ? [d.thread] : []);
    const bad = execution.outcome.kind === "pruned"
      ? null
      : crashFailure({ scenario, execution, params, dead }) ??
        crashSegmentsCheck(ring, scenario, execution, dead);
    const failure: CodeFailure | undefined = bad === null ? undefined : {
      property: bad.property,
      message: `${bad.message} [${describePoint(point, names)}]`,
      steps: execution.steps,
      schedule: execution.schedule,
      names,
      events: execution.results.map((r) => r?.events ?? []),
      layout: layoutOf(ring, execution.ring),
      quiet: controller.quietWords(),
      crash: point,
    };
    return { execution, deaths, failure };
  };

  /** Searches the schedules at one crash point. */
  const explore = (point: CrashPoint): PointResult => {
    let search = new Search(searchOptions);
    const exact = point.map(() => false);
    let deaths = 0;
    while (true) {
      const scheduler = search.next();
      if (scheduler === null) break;
      const run = execute(point, scheduler, false);
      search.finish(run.execution.steps.length);
      if (controller.quietBroken) {
        // A word thought never written was written: search this crash
        // point again with every load a scheduling point.
        controller.quietBroken = false;
        controller.resetQuiet();
        restarts++;
        search = new Search(searchOptions);
        continue;
      }
      if (run.execution.outcome.kind === "pruned") {
        redundant++;
        continue;
      }
      for (const [i, d] of run.deaths.entries()) {
        if (d.died && d.exact) exact[i] = true;
      }
      if (run.deaths.every((d) => d.died)) deaths++;
      if (run.failure !== undefined) {
        return { exact, deaths, failure: run.failure };
      }
      if (outOfTime()) {
        complete = false;
        return { exact, deaths, stop: true };
      }
    }
    if (!search.complete && !sampling) complete = false;
    return { exact, deaths };
  };

  if (options.replay !== undefined) {
    // The failure's quiet words: their loads were no scheduling points.
    controller.resetQuiet();
    controller.setQuiet(options.replay.quiet);
    const run = execute(
      options.replay.point,
      replayScheduler(options.replay.schedule),
      false,
    );
    return report(0, [], run.failure, false);
  }

  // A probe with no death learns the words nobody writes (their loads are
  // then no scheduling points, hence no crash points either).
  controller.resetQuiet();
  execute([], new Search({ mode: "dfs" }).next()!, true);
  if (controller.quietBroken) controller.resetQuiet();

  const targets = options.victims ??
    Array.from({ length: names.length }, (_, t) => t).filter((t) =>
      !supervisors.includes(t)
    );
  const victims: CrashVictimReport[] = [];
  let failure: CodeFailure | undefined;
  const capped = (k: number) => {
    if (options.maxPoint === undefined || k <= options.maxPoint) return false;
    complete = false;
    return true;
  };
  const groups = options.deaths === "two"
    ? targets.flatMap((a, i) => targets.slice(i + 1).map((b) => [a, b]))
    : options.deaths === "supervisor"
    ? targets.map((v) => [v, supervisors[0]!])
    : targets.map((v) => [v]);
  outer: for (const group of groups) {
    let points = 0;
    let deaths = 0;
    const tally = () =>
      victims.push({
        thread: group.map((t) => names[t]).join("+"),
        points,
        deaths,
      });
    // k1 for the first victim; with two, k2 for the second inside it.
    for (let k1 = 0; !capped(k1); k1++) {
      let first = false;
      for (let k2 = 0; group.length === 2 || k2 === 0; k2++) {
        if (group.length === 2 && capped(k2)) break;
        const point: CrashPoint = group.map((thread, i) => ({
          thread,
          after: i === 0 ? k1 : k2,
          ...(options.deaths === "attach" ? { attach: true } : {}),
        }));
        const result = explore(point);
        deaths += result.deaths;
        if (result.exact[0]) first = true;
        if (result.exact.every((e) => e)) points++;
        if (result.failure !== undefined || result.stop) {
          failure = result.failure;
          tally();
          break outer;
        }
        if (group.length === 1 || !result.exact[1]) break;
      }
      if (!first) break;
    }
    tally();
  }
  return report(
    victims.reduce((sum, r) => sum + r.points, 0),
    victims,
    failure,
    // A sampled crash point is not explored completely.
    complete && !sampling,
  );

  function report(
    crashPoints: number,
    victims: CrashVictimReport[],
    failure: CodeFailure | undefined,
    explored: boolean,
  ): CrashRunReport {
    return {
      ...reportOf(options, {
        passed: complete || options.replay !== undefined,
        executions,
        redundant,
        restarts,
        steps: controller.steps - steps0,
        seconds: (performance.now() - started) / 1000,
        complete: explored && failure === undefined,
      }, failure),
      crashPoints,
      victims,
    };
  }
}
