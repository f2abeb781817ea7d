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
import {
  type Controller,
  type Execution,
  K_BARRIER,
  K_CAS,
  K_RMW,
  K_STORE,
  type Step,
  type ThreadView,
} from "./controller.ts";
import { popFailure, stepCheck } from "./checks.ts";
import { crashSegmentsCheck } from "./crash_segments.ts";
import { RaceDetector } from "./races.ts";
import { Search, type SearchMode } from "./search.ts";
import type { CodeEvent, CodeScenario, RingModule } from "./scenario_types.ts";
import { type CodeFailure, type CodeRunReport, layoutOf } from "./run.ts";
import {
  MAILBOX_EVENTS,
  mailboxOf,
  MB_CLOSE_BEGUN,
  producersOf,
} from "./crash_scenarios.ts";

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
export interface CrashRunOptions {
  readonly scenario: string;
  readonly params: Record<string, unknown>;
  /** The search at each crash point. */
  readonly mode: SearchMode;
  readonly bound?: number;
  /** Executions per crash point (a cap for dpor/dfs/preemption). */
  readonly executions?: number;
  readonly seed?: number;
  readonly depth?: number;
  readonly races: boolean;
  readonly allowMixed?: readonly number[];
  readonly maxSteps?: number;
  /** Stop after this many seconds (verdict incomplete). */
  readonly seconds?: number;
  /** Only these victims (thread indexes); default every thread but S. */
  readonly victims?: readonly number[];
  /** Only crash points up to this k (a cap; the verdict is then incomplete). */
  readonly maxPoint?: number;
}

/** Executions per crash point of a sampling search, by default. */
const SAMPLES_PER_POINT = 4;

/** The key under which the victim's clock is released at its death. */
const DEATH = -1;

/** What the mask learned about the victim in one execution. */
interface Death {
  died: boolean;
  /** Steps of the execution when the victim stopped. */
  at: number;
}

/**
 * The views rewrite of one execution: the victim shows as done once it has
 * made `k` steps past its barrier; S cannot move past its barrier until the
 * victim stopped or finished.
 */
function crashMask(
  v: number,
  k: number,
  s: number,
  params: Record<string, unknown>,
  death: Death,
  onDeath: () => void,
): (views: ThreadView[], steps: readonly Step[]) => ThreadView[] {
  const threads = s + 1;
  let seen = 0;
  let count = 0;
  let passedAt = -1;
  let closingAt = -1;
  return (views, steps) => {
    for (; seen < steps.length; seen++) {
      const step = steps[seen]!;
      if (step.thread !== v) continue;
      count++;
      if (step.action === "op" && step.op.kind === K_BARRIER) passedAt = count;
    }
    const mb = mailboxOf(params, threads);
    if (closingAt < 0 && mb.has(v, MAILBOX_EVENTS.closing)) {
      closingAt = steps.length;
    }
    if (
      !death.died && passedAt >= 0 && count - passedAt >= k &&
      views[v]!.status !== "done"
    ) {
      death.died = true;
      death.at = steps.length;
      // Its close had begun when it changed memory after announcing it.
      if (closingAt >= 0 && wroteSince(steps, v, closingAt)) {
        mb.setFlag(MB_CLOSE_BEGUN, 1);
      }
      onDeath();
    }
    const out = views.slice();
    if (death.died) out[v] = { status: "done", op: null, action: null };
    else if (views[v]!.status !== "done" && views[s]!.op?.kind !== K_BARRIER) {
      out[s] = { ...views[s]!, action: null };
    }
    return out;
  };
}

/** Whether thread `t` changed a word of the ring in `steps[from…]`. */
function wroteSince(steps: readonly Step[], t: number, from: number): boolean {
  for (let i = from; i < steps.length; i++) {
    const step = steps[i]!;
    const kind = step.op.kind;
    if (
      step.thread === t && step.action === "op" &&
      (kind === K_STORE || kind === K_RMW || kind === K_CAS) &&
      step.before !== step.after
    ) return true;
  }
  return false;
}

/** The check at the end of a crash execution (see the file comment). */
export function crashHistoryCheck(
  scenario: CodeScenario,
  execution: Execution,
  params: Record<string, unknown>,
  v: number,
  died: boolean,
): { property: string; message: string } | null {
  const names = scenario.names;
  for (const [t, result] of execution.results.entries()) {
    if (result?.error !== undefined) {
      return {
        property: "exception",
        message: `${
          names[t]
        } threw ${result.error.name}: ${result.error.message}`,
      };
    }
  }
  const mb = mailboxOf(params, names.length);
  const logs: CodeEvent[][] = execution.results.map((r) => [
    ...(r?.events ?? []),
  ]);
  let allowedMissing = 0;
  let inflight: number | undefined;
  if (died) {
    // The victim's events come from the mailbox: its result never came.
    const own: CodeEvent[] = [];
    let open: number | undefined;
    let popping = false;
    for (const e of mb.events(v)) {
      if (e.kind === MAILBOX_EVENTS.pushing) open = e.item;
      if (e.kind === MAILBOX_EVENTS.pushed) {
        own.push({ op: "push", item: e.item, ok: true });
        open = undefined;
      }
      if (e.kind === MAILBOX_EVENTS.popping) popping = true;
      if (e.kind === MAILBOX_EVENTS.popped) {
        own.push({ op: "pop", item: e.item });
        popping = false;
      }
    }
    logs[v] = own;
    inflight = open;
    // A consumer that died inside pop() may have taken its item with it.
    if (popping) allowedMissing = 1;
  }
  const pushed = new Set<number>();
  const popped = new Map<number, string>();
  for (const [t, events] of logs.entries()) {
    const last = new Map<number, number>();
    for (const event of events) {
      if (event.op === "push" && event.ok) pushed.add(event.item);
      if (event.op !== "pop") continue;
      const failure = popFailure(event.item, names[t]!, { popped, last });
      if (failure !== null) return failure;
    }
  }
  for (const [item, by] of popped) {
    if (!pushed.has(item) && item !== inflight) {
      return {
        property: "no-unproduced",
        message: `${by} popped ${item}, which was never pushed`,
      };
    }
  }
  const missing = [...pushed].filter((item) => !popped.has(item));
  if (missing.length > allowedMissing) {
    return {
      property: "no-loss",
      message: `${
        missing.join(", ")
      } pushed (the push returned) but never popped, although every consumer concluded the ring closed and drained${
        died
          ? ` (${names[v]} stopped forever after ${
            allowedMissing === 1 ? "starting a pop" : "its last step"
          })`
          : ""
      }`,
    };
  }
  return null;
}

/** The deadlock message of a crash execution: who hangs, where. */
function hangMessage(
  scenario: CodeScenario,
  execution: Execution,
  blocked: readonly number[],
  v: number,
  died: boolean,
): string {
  const where = blocked.map((t) => {
    const step = execution.steps.findLast((s) => s.thread === t);
    return `${scenario.names[t]} at ${step?.op.loc ?? "?"}`;
  }).join(", ");
  return `${
    died ? `after ${scenario.names[v]} stopped forever, ` : ""
  }no thread can move and ${where} ${
    blocked.length === 1 ? "has" : "have"
  } not finished: a hang`;
}

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
  const races = options.races ? new RaceDetector() : null;
  races?.names(scenario.names);
  races?.allowMixed(
    (options.allowMixed ?? []).flatMap((a) => [a, a + 1, a + 2, a + 3]),
  );
  const searchOptions = {
    mode: options.mode,
    ...(options.bound === undefined ? {} : { bound: options.bound }),
    // A sampling search needs a count: a few schedules per crash point.
    executions: options.executions ??
      (options.mode === "random" || options.mode === "pct"
        ? SAMPLES_PER_POINT
        : Infinity),
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    ...(options.depth === undefined ? {} : { depth: options.depth }),
  };
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
        let bad: { property: string; message: string } | null = null;
        const thrown = execution.results.findIndex((r) =>
          r?.error !== undefined
        );
        if (thrown >= 0 && outcome.kind !== "violation") {
          // What a thread threw explains a hang better than the hang.
          const error = execution.results[thrown]!.error!;
          bad = {
            property: "exception",
            message: `${
              scenario.names[thrown]
            } threw ${error.name}: ${error.message}`,
          };
        } else if (outcome.kind === "violation") {
          const last = execution.steps[execution.steps.length - 1];
          bad = last === undefined || outcome.property === "data-race"
            ? outcome
            : {
              property: outcome.property,
              message: `${outcome.message} (after ${
                scenario.names[last.thread]
              }'s step at ${last.op.loc})`,
            };
        } else if (outcome.kind === "deadlock") {
          bad = {
            property: "hang",
            message: hangMessage(
              scenario,
              execution,
              outcome.blocked,
              v,
              death.died,
            ),
          };
        } else {
          bad = crashHistoryCheck(scenario, execution, params, v, death.died) ??
            crashSegmentsCheck(ring, scenario, execution, v);
        }
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
