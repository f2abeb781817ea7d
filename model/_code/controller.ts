// The controller: owns the checked Workers and runs one execution of a
// scenario, letting exactly one thread move at a time. At every scheduling
// point it asks a scheduler which thread goes next. Atomics.wait,
// waitAsync and notify are simulated here (a sleeping thread is simply not
// granted), so blocking, timeouts and wake-ups are choices of the search and
// a state where nobody can move is reported instead of hanging.
import {
  C_RESET,
  C_STATE,
  CONTROL_BYTES,
  K_BARRIER,
  K_CAS,
  K_LOAD,
  K_NOTIFY,
  K_RMW,
  K_STORE,
  K_WAIT,
  K_WAIT_ASYNC,
  S_ABORT,
  S_DONE,
  S_RUNNING,
} from "./protocol.ts";
import type { CodeScenario, RingModule } from "./scenario_types.ts";
import type { RaceDetector, RaceReport } from "./races.ts";
import type { Step } from "./step_types.ts";
import type {
  ControllerOptions,
  Execution,
  Outcome,
  Scheduler,
  StepCheck,
  ThreadView,
} from "./controller_types.ts";
import { newThread, type ThreadState, viewOf } from "./thread_state.ts";
import { type StepHost, stepThread } from "./simulate.ts";
import { QuietWords } from "./quiet.ts";
import { WorkerPort } from "./port.ts";

// The types the search, the checks and the output use, where they found them.
export type { Action, PendingOp, Step } from "./step_types.ts";
export type {
  ControllerOptions,
  Execution,
  Outcome,
  Scheduler,
  StepCheck,
  ThreadResult,
  ThreadView,
} from "./controller_types.ts";

const WORKER_URL = new URL("./worker.ts", import.meta.url).href;

/** The checked Workers and the execution driver. */
export class Controller {
  readonly options: ControllerOptions;
  #workers: Worker[] = [];
  #ports: WorkerPort[] = [];
  #clock = new Float64Array(new SharedArrayBuffer(8));
  #gen = 0;
  #ring: RingModule;
  #scenarios: Record<string, CodeScenario> = {};
  #threads: ThreadState[] = [];
  #quiet = new QuietWords();
  /** Executions and steps run so far. */
  executions = 0;
  steps = 0;
  /** What a step (simulate.ts) needs of this controller. */
  #host: StepHost = {
    ctl: (t) => this.#ports[t]!.ctl,
    clock: this.#clock,
    grant: (t) => this.#grant(t),
    absorb: (t, state, races, step) => this.#absorb(t, state, races, step),
    wrote: (addr) => this.#quiet.wrote(addr),
    loaded: (w) => this.#quiet.loaded(w),
  };

  constructor(options: ControllerOptions) {
    this.options = options;
  }

  /** Starts the Workers and loads the ring and the scenarios. */
  async start(): Promise<void> {
    this.#ring = await import(this.options.ringUrl);
    this.#scenarios = (await import(this.options.scenarioUrl)).codeScenarios;
    const ready: Promise<void>[] = [];
    for (let i = 0; i < this.options.threads; i++) {
      const control = new SharedArrayBuffer(CONTROL_BYTES);
      const worker = new Worker(WORKER_URL, { type: "module" });
      this.#workers.push(worker);
      this.#ports.push(new WorkerPort(control));
      ready.push(
        new Promise((resolve, reject) => {
          worker.onmessage = (event) => {
            if (event.data === "ready") resolve();
            else {
              reject(
                new Error(
                  `Cannot start checked Worker: ${event.data.failed?.message}`,
                ),
              );
            }
          };
          worker.onerror = (event) => {
            event.preventDefault();
            reject(new Error(`Cannot start checked Worker: ${event.message}`));
          };
        }),
      );
      worker.postMessage({
        ringUrl: this.options.ringUrl,
        scenarioUrl: this.options.scenarioUrl,
        control,
        clock: this.#clock.buffer,
        races: this.options.races,
        quiet: this.#quiet.map.buffer,
      });
    }
    await Promise.all(ready);
  }

  /** Stops the Workers. */
  close(): void {
    for (const worker of this.#workers) worker.terminate();
    this.#workers = [];
  }

  /** The scenario named `name`. */
  scenario(name: string): CodeScenario {
    const scenario = this.#scenarios[name];
    if (scenario === undefined) {
      throw new RangeError(
        `Cannot check code: no scenario named ${name} (known: ${
          Object.keys(this.#scenarios).join(", ")
        })`,
      );
    }
    return scenario;
  }

  /** The scenarios the scenario module defines. */
  get scenarios(): Record<string, CodeScenario> {
    return this.#scenarios;
  }

  /** Set when a quiet word was written: the search must start over. */
  get quietBroken(): boolean {
    return this.#quiet.broken;
  }
  set quietBroken(value: boolean) {
    this.#quiet.broken = value;
  }

  /** The quiet words (word indexes): a replay needs the same. */
  quietWords(): number[] {
    return this.#quiet.list();
  }

  /** Sets the quiet words (for a replay). */
  setQuiet(words: readonly number[]): void {
    this.#quiet.set(words);
  }

  /** Forgets the quiet words (a new ring layout). */
  resetQuiet(): void {
    this.#quiet.reset();
  }

  #grant(t: number): void {
    this.#ports[t]!.grant(this.#threads[t]!.reset);
    this.#threads[t]!.reset = false;
  }

  #absorb(
    t: number,
    state: ThreadState,
    races: RaceDetector | null,
    step: number,
  ): number {
    return this.#ports[t]!.absorb(t, state, {
      races,
      step,
      quiet: this.#quiet,
      stallMs: this.options.stallMs ?? 30_000,
    });
  }

  /**
   * Runs one execution of `scenario` from a fresh ring. `scheduler` picks
   * every step; `check` runs after every step.
   */
  run(
    name: string,
    params: Record<string, unknown>,
    options: {
      scheduler: Scheduler;
      check?: StepCheck;
      /** Called with the fresh ring, before the first step. */
      begin?: (ring: SharedArrayBuffer) => void;
      maxSteps?: number;
      races?: RaceDetector | null;
      /** Make the words this execution loaded and nobody wrote quiet. */
      learnQuiet?: boolean;
      /**
       * Rewrites the threads' views before each choice (crash exploration:
       * a stopped thread shows as done, a held one cannot move).
       */
      mask?: (views: ThreadView[], steps: readonly Step[]) => ThreadView[];
    },
  ): Execution & { races: RaceReport[] } {
    const scenario = this.scenario(name);
    const n = scenario.threads.length;
    if (n > this.#workers.length) {
      throw new RangeError(
        `Cannot check code: scenario ${name} has ${n} threads, the controller ${this.#workers.length}`,
      );
    }
    this.executions++;
    const gen = ++this.#gen;
    this.#clock[0] = 0;
    const ring = scenario.setup(this.#ring, params);
    options.begin?.(ring);
    const races = options.races ?? null;
    races?.reset(n);
    const threads: ThreadState[] = [];
    this.#threads = threads;
    for (let t = 0; t < n; t++) {
      this.#ports[t]!.ctl[C_RESET] = 0;
      Atomics.store(this.#ports[t]!.ctl, C_STATE, S_RUNNING);
      this.#workers[t]!.postMessage({
        gen,
        ring,
        scenario: name,
        thread: t,
        params,
      });
    }
    for (let t = 0; t < n; t++) {
      const state = newThread();
      threads.push(state);
      this.#absorb(t, state, races, -1);
    }
    const steps: Step[] = [];
    const schedule: number[] = [];
    const maxSteps = options.maxSteps ?? 5000;
    let outcome: Outcome = { kind: "done" };
    while (true) {
      let views = threads.map((s) => viewOf(s, threads));
      if (options.mask) views = options.mask(views, steps);
      // A busy-waiting thread goes only when nobody else can.
      if (views.some((v, t) => v.action !== null && !threads[t]!.spinning)) {
        views = views.map((v, t) =>
          threads[t]!.spinning ? { ...v, action: null } : v
        );
      }
      const enabled = views.filter((v) => v.action !== null);
      if (enabled.length === 0) {
        const stuck = views.flatMap((v, t) => v.status === "done" ? [] : [t]);
        if (stuck.length > 0) outcome = { kind: "deadlock", blocked: stuck };
        break;
      }
      if (steps.length >= maxSteps) {
        outcome = {
          kind: "violation",
          property: "livelock",
          message: `the execution did not end within ${maxSteps} steps`,
        };
        break;
      }
      const t = options.scheduler.choose(views, steps);
      if (t < 0) {
        outcome = { kind: "pruned" };
        break;
      }
      const view = views[t]!;
      if (view.action === null) {
        throw new Error(
          `Cannot check code: at step ${steps.length} the scheduler chose thread ${t}, which cannot move (${
            views.map((v, u) => `${u}: ${v.status} ${v.op?.loc ?? ""}`).join(
              "; ",
            )
          })`,
        );
      }
      schedule.push(t);
      const step = stepThread(
        this.#host,
        t,
        threads,
        view,
        ring,
        steps.length,
        races,
      );
      steps.push(step);
      this.steps++;
      races?.step(step, steps.length - 1);
      const race = races?.first();
      if (race !== undefined) {
        outcome = {
          kind: "violation",
          property: "data-race",
          message: race.message,
        };
        break;
      }
      // Loads, waits and notifies change no memory: check after the others.
      const k = step.op.kind;
      const quiet = step.action === "op" && step.writes === 0 &&
        (k === K_LOAD || k === K_WAIT || k === K_WAIT_ASYNC || k === K_NOTIFY);
      const failure = quiet ? null : options.check?.(ring, steps);
      if (failure) {
        outcome = { kind: "violation", ...failure };
        break;
      }
    }
    this.#abort(threads);
    this.#quiet.endExecution(options.learnQuiet ?? false);
    return {
      steps,
      outcome,
      ring,
      schedule,
      results: threads.map((s) => s.result),
      races: races?.all() ?? [],
    };
  }

  /** Unwinds threads left inside an operation; idle ones are simply dropped. */
  #abort(threads: ThreadState[]): void {
    for (let t = 0; t < threads.length; t++) {
      const s = threads[t]!;
      if (s.status === "done" || s.status === "idle") continue;
      const ctl = this.#ports[t]!.ctl;
      Atomics.store(ctl, C_STATE, S_ABORT);
      Atomics.notify(ctl, C_STATE);
      const stall = this.options.stallMs ?? 30_000;
      const started = performance.now();
      while (Atomics.load(ctl, C_STATE) !== S_DONE) {
        Atomics.wait(ctl, C_STATE, S_ABORT, 100);
        if (performance.now() - started > stall) {
          throw new Error(`Cannot check code: thread ${t} did not unwind`);
        }
      }
    }
  }
}

export {
  K_BARRIER,
  K_CAS,
  K_LOAD,
  K_NOTIFY,
  K_RMW,
  K_STORE,
  K_WAIT,
  K_WAIT_ASYNC,
};
