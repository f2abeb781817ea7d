// Crash exploration: a thread that stops forever at any step. For each
// thread of a crash scenario (`crash_scenarios.ts`) but the supervisor S,
// and for each k = 0, 1, 2 …, the victim is stopped for good after its k-th
// step past the barrier (its handles attached; its id sent to S), and the
// schedules of the others are searched as usual. S is held until the
// victim stopped, then recovers the victim's handle and a replacement
// finishes the victim's work. Every execution must end with every thread
// but the victim done (a survivor that cannot move is a hang), no thread
// throwing (CorruptedRingError included), and every item whose push
// returned delivered exactly once, bar the one item a consumer that died
// inside pop() had taken. k grows until no execution reaches the victim's
// k-th step: each k some execution reached is one crash point.
import type { Controller } from "./controller.ts";
import { stepCheck } from "./checks.ts";
import { Search } from "./search.ts";
import type { RingModule } from "./scenario_types.ts";
import {
  type CodeFailure,
  type CodeRunReport,
  layoutOf,
  racesOf,
  searchOptionsOf,
  type SearchRunOptions,
} from "./run.ts";
import { producersOf } from "./crash_scenarios.ts";
import { crashMask, DEATH, type Death } from "./crash_mask.ts";
import { crashFailure } from "./crash_checks.ts";

/** Crash points explored for one victim. */
export interface CrashVictimReport {
  /** The victim's name (P0, C0 …). */
  readonly thread: string;
  /** Steps after which it was stopped in some execution. */
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

/** Options of {@linkcode runCrash}. */
export interface CrashRunOptions extends SearchRunOptions {
  /** Only these victims (thread indexes); default every thread but S. */
  readonly victims?: readonly number[];
  /** Only crash points up to this k (a cap; the verdict is then incomplete). */
  readonly maxPoint?: number;
}

/** Executions per crash point of a sampling search, by default. */
const SAMPLES_PER_POINT = 4;

/** Runs the crash exploration of one crash scenario on `controller`. */
export function runCrash(
  controller: Controller,
  ring: RingModule,
  options: CrashRunOptions,
): CrashRunReport {
  const scenario = controller.scenario(options.scenario);
  const n = scenario.names.length;
  const s = n - 1;
  if (scenario.names[s] !== "S" || producersOf(scenario) === 0) {
    throw new RangeError(
      `Cannot check crashes: ${options.scenario} is no crash scenario (its last thread must be the supervisor S)`,
    );
  }
  const items = Number(options.params.items ?? 2);
  // Replacements push new numbers after the victim's: valid items too.
  const check = stepCheck(ring, scenario, {
    ...options.params,
    items: 2 * items,
  });
  const races = racesOf(options, scenario.names);
  // A sampling search needs a count: a few schedules per crash point.
  const searchOptions = searchOptionsOf(
    options,
    options.executions ??
      (options.mode === "random" || options.mode === "pct"
        ? SAMPLES_PER_POINT
        : Infinity),
  );
  const started = performance.now();
  const steps0 = controller.steps;
  let executions = 0;
  let redundant = 0;
  let restarts = 0;
  let complete = true;
  let failure: CodeFailure | undefined;
  const victims: CrashVictimReport[] = [];
  const outOfTime = () =>
    options.seconds !== undefined &&
    (performance.now() - started) / 1000 > options.seconds;

  const execute = (
    v: number,
    k: number,
    scheduler: Parameters<Controller["run"]>[2]["scheduler"],
    learnQuiet: boolean,
  ) => {
    const params: Record<string, unknown> = { ...options.params, victim: v };
    const death: Death = { died: false, at: -1 };
    const execution = controller.run(options.scenario, params, {
      scheduler,
      ...(check === undefined ? {} : { check }),
      ...(options.maxSteps === undefined ? {} : { maxSteps: options.maxSteps }),
      races,
      learnQuiet,
      // The supervisor learns of the death through the runtime (a Worker's
      // error event): everything the victim did happens before S goes on.
      mask: crashMask(v, k, s, params, death, () => {
        races?.release(v, DEATH);
        races?.acquireWake(s, DEATH);
      }),
    });
    executions++;
    return { execution, params, death };
  };

  // A probe with no death learns the words nobody writes (their loads are
  // then no scheduling points, hence no crash points either).
  controller.resetQuiet();
  {
    const probe = new Search({ mode: "dfs" }).next()!;
    execute(0, Infinity, probe, true);
    if (controller.quietBroken) controller.resetQuiet();
  }

  const targets = options.victims ??
    Array.from({ length: s }, (_, t) => t);
  outer: for (const v of targets) {
    let points = 0;
    let deaths = 0;
    for (let k = 0;; k++) {
      if (options.maxPoint !== undefined && k > options.maxPoint) {
        complete = false;
        break;
      }
      let search = new Search(searchOptions);
      let died = false;
      while (true) {
        const scheduler = search.next();
        if (scheduler === null) break;
        const { execution, params, death } = execute(v, k, scheduler, false);
        search.finish(execution.steps.length);
        if (controller.quietBroken) {
          // A word thought never written was written: search this crash
          // point again with every load a scheduling point.
          controller.quietBroken = false;
          controller.resetQuiet();
          restarts++;
          search = new Search(searchOptions);
          continue;
        }
        const outcome = execution.outcome;
        if (outcome.kind === "pruned") {
          redundant++;
          continue;
        }
        if (death.died) {
          died = true;
          deaths++;
        }
        const bad = crashFailure({
          scenario,
          execution,
          params,
          v,
          died: death.died,
        });
        if (bad !== null) {
          failure = {
            property: bad.property,
            message: `${bad.message} [${
              scenario.names[v]
            } stopped after ${k} step(s) past its barrier]`,
            steps: execution.steps,
            schedule: execution.schedule,
            names: scenario.names,
            events: execution.results.map((r) => r?.events ?? []),
            layout: layoutOf(ring, execution.ring),
            quiet: controller.quietWords(),
          };
          victims.push({ thread: scenario.names[v]!, points, deaths });
          break outer;
        }
        if (outOfTime()) {
          complete = false;
          victims.push({ thread: scenario.names[v]!, points, deaths });
          break outer;
        }
      }
      if (
        !search.complete && options.mode !== "random" &&
        options.mode !== "pct"
      ) complete = false;
      if (!died) break;
      points++;
    }
    victims.push({ thread: scenario.names[v]!, points, deaths });
  }
  const seconds = (performance.now() - started) / 1000;
  const crashPoints = victims.reduce((sum, r) => sum + r.points, 0);
  return {
    scenario: options.scenario,
    params: options.params,
    mode: options.mode,
    verdict: failure !== undefined ? "fail" : complete ? "pass" : "incomplete",
    executions,
    redundant,
    restarts,
    steps: controller.steps - steps0,
    seconds,
    // A sampled crash point is not explored completely.
    complete: complete && failure === undefined && options.mode !== "random" &&
      options.mode !== "pct",
    crashPoints,
    victims,
    ...(failure === undefined ? {} : { failure }),
  };
}
