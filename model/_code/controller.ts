// The controller: owns the checked Workers and runs one execution of a
// scenario, letting exactly one thread move at a time. At every scheduling
// point it asks a scheduler which thread goes next. Atomics.wait,
// waitAsync and notify are simulated here (a sleeping thread is simply not
// granted), so blocking, timeouts and wake-ups are choices of the search and
// a state where nobody can move is reported instead of hanging.
import {
  A_WRITE,
  ACCESS_OFFSET,
  C_ACCESSES,
  C_ADDR,
  C_ASYNC_ID,
  C_FINITE,
  C_FOLDED,
  C_KIND,
  C_LOC,
  C_RESET,
  C_RESULT,
  C_STATE,
  C_TEXT,
  C_VALUE,
  C_VALUE2,
  C_WAITER,
  C_WAKE,
  C_WIDTH,
  CONTROL_BYTES,
  F_TIMEOUT,
  FOLD_CAP,
  K_BARRIER,
  K_CAS,
  K_LOAD,
  K_NOTIFY,
  K_RMW,
  K_STORE,
  K_WAIT,
  K_WAIT_ASYNC,
  QUIET_WORDS,
  R_ASYNC,
  R_NOT_EQUAL,
  R_OK,
  R_TIMED_OUT,
  S_ABORT,
  S_DONE,
  S_IDLE,
  S_REQUEST,
  S_RUNNING,
  TEXT_OFFSET,
} from "./protocol.ts";
import type { CodeEvent, CodeScenario, RingModule } from "./scenario_types.ts";
import type { RaceDetector, RaceReport } from "./races.ts";

export type { Action, PendingOp, Step } from "./step_types.ts";
import type { Action, PendingOp, Step } from "./step_types.ts";

/** A thread's state as the scheduler sees it. */
export interface ThreadView {
  readonly status: "pending" | "blocked" | "woken" | "idle" | "done";
  /** Its next operation (or the wait it sleeps in). */
  readonly op: PendingOp | null;
  /** The action a choice of this thread performs, or null when it cannot move. */
  readonly action: Action | null;
}

/** How an execution ended. */
export type Outcome =
  | { readonly kind: "done" }
  | { readonly kind: "deadlock"; readonly blocked: readonly number[] }
  | {
    readonly kind: "violation";
    readonly property: string;
    readonly message: string;
  }
  | { readonly kind: "pruned" };

/** One thread's result. */
export interface ThreadResult {
  readonly events: readonly CodeEvent[];
  readonly error?: { readonly name: string; readonly message: string };
}

/** A finished execution. */
export interface Execution {
  readonly steps: readonly Step[];
  readonly outcome: Outcome;
  readonly results: readonly (ThreadResult | null)[];
  readonly ring: SharedArrayBuffer;
  /** The choices made, in order: the schedule that replays it. */
  readonly schedule: readonly number[];
}

/** Decides who goes next; returns a thread index, or -1 to stop (pruned). */
export interface Scheduler {
  choose(threads: readonly ThreadView[], steps: readonly Step[]): number;
}

/** Checks run on the ring's state after every step. */
export type StepCheck = (
  ring: SharedArrayBuffer,
  steps: readonly Step[],
) => { property: string; message: string } | null;

interface ThreadState {
  status: ThreadView["status"];
  op: PendingOp | null;
  /** Sync wait: when it began sleeping (virtual ms). */
  since: number;
  /** Notifier's step that woke it. */
  cause: number;
  /** Async waiters: id → wait. */
  waiters: Map<number, { op: PendingOp; since: number; woken: number }>;
  nextWaiter: number;
  result: ThreadResult | null;
  locs: string[];
  /** Words this thread loaded since its last other operation (its spin window). */
  window: Set<number>;
  /** Another thread wrote a word of the window: tell the Worker at the next grant. */
  reset: boolean;
  /** Whether it passed the scenario's barrier. */
  passed: boolean;
  /**
   * Busy-waiting (a fold hit FOLD_CAP, or SPIN_STEPS re-reads): not
   * scheduled until a word it reads is written.
   */
  spinning: boolean;
  /** Read-only steps since the window was last cleared, as `addr@loc`. */
  reads: Set<string>;
  /** How many of those repeated one before it (same word, same line). */
  rereads: number;
}

/**
 * Read-only steps (a load, a failed compareExchange, a wait on a changed
 * value) that repeat an earlier one of the thread (same word, same source
 * line) with nobody writing its words meanwhile, after which the thread is
 * busy-waiting: a loop of such steps (e.g. re-arming a flag that a close
 * marked, until the close sets closed) sees the same values each time. The
 * shim folds only re-reads by loads from one call stack; this catches loops
 * of several kinds of steps. Two rounds of such a loop are enough.
 */
const SPIN_STEPS = 8;

/** Options of a {@linkcode Controller}. */
export interface ControllerOptions {
  readonly ringUrl: string;
  readonly scenarioUrl: string;
  readonly threads: number;
  /** Record plain accesses and check for data races. */
  readonly races: boolean;
  /** Real milliseconds a thread may run between two operations. */
  readonly stallMs?: number;
}

const WORKER_URL = new URL("./worker.ts", import.meta.url).href;

/** The checked Workers and the execution driver. */
export class Controller {
  readonly options: ControllerOptions;
  #workers: Worker[] = [];
  #ctl: Int32Array[] = [];
  #f64: Float64Array[] = [];
  #bytes: Uint8Array[] = [];
  #access: Int32Array[] = [];
  #clock = new Float64Array(new SharedArrayBuffer(8));
  #gen = 0;
  #ring: RingModule;
  #scenarios: Record<string, CodeScenario> = {};
  #decoder = new TextDecoder();
  #locs: string[][] = [];
  #threads: ThreadState[] = [];
  /** See Channel.quiet: words loaded and never written, in any execution. */
  #quiet = new Uint8Array(new SharedArrayBuffer(QUIET_WORDS));
  #written = new Set<number>();
  #loaded = new Set<number>();
  /** Set when a quiet word was written: the search must start over. */
  quietBroken = false;
  /** Executions and steps run so far. */
  executions = 0;
  steps = 0;

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
      this.#ctl.push(new Int32Array(control));
      this.#f64.push(new Float64Array(control, 0, TEXT_OFFSET / 8));
      this.#bytes.push(new Uint8Array(control, TEXT_OFFSET));
      this.#access.push(new Int32Array(control, ACCESS_OFFSET));
      this.#locs.push([]);
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
        quiet: this.#quiet.buffer,
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

  /** The quiet words (word indexes): a replay needs the same. */
  quietWords(): number[] {
    const words: number[] = [];
    for (let w = 0; w < QUIET_WORDS; w++) {
      if (this.#quiet[w] === 1) words.push(w);
    }
    return words;
  }

  /** Sets the quiet words (for a replay). */
  setQuiet(words: readonly number[]): void {
    this.resetQuiet();
    for (const w of words) this.#quiet[w] = 1;
  }

  /** Forgets the quiet words (a new ring layout). */
  resetQuiet(): void {
    this.#quiet.fill(0);
    this.#written.clear();
    this.quietBroken = false;
  }

  #wrote(addr: number): void {
    const w = addr >> 2;
    if (w < 0 || w >= QUIET_WORDS) return;
    this.#written.add(w);
    if (this.#quiet[w] === 1) {
      this.#quiet[w] = 0;
      this.quietBroken = true;
    }
  }

  #text(t: number): Record<string, unknown> {
    const n = this.#ctl[t]![C_TEXT]!;
    if (n === 0) return {};
    const data = JSON.parse(
      this.#decoder.decode(this.#bytes[t]!.slice(0, n)),
    ) as Record<string, unknown>;
    for (const loc of (data.newLocs as string[] | undefined) ?? []) {
      this.#locs[t]!.push(loc);
    }
    return data;
  }

  /** Waits until thread `t` reports (after a grant or a start). */
  #await(t: number): number {
    const ctl = this.#ctl[t]!;
    const stall = this.options.stallMs ?? 30_000;
    const started = performance.now();
    while (Atomics.load(ctl, C_STATE) === S_RUNNING) {
      Atomics.wait(ctl, C_STATE, S_RUNNING, 1000);
      if (
        Atomics.load(ctl, C_STATE) === S_RUNNING &&
        performance.now() - started > stall
      ) {
        throw new Error(
          `Cannot check code: thread ${t} ran ${stall} ms without reaching a shared-memory operation`,
        );
      }
    }
    return Atomics.load(ctl, C_STATE);
  }

  #grant(t: number): void {
    this.#ctl[t]![C_RESET] = this.#threads[t]!.reset ? 1 : 0;
    this.#threads[t]!.reset = false;
    Atomics.store(this.#ctl[t]!, C_STATE, S_RUNNING);
    Atomics.notify(this.#ctl[t]!, C_STATE);
  }

  #word(ring: SharedArrayBuffer, op: PendingOp): number {
    if (op.addr < 0 || op.addr + op.width > ring.byteLength) return 0;
    if (op.width === 8) {
      return Number(Atomics.load(new BigInt64Array(ring, op.addr, 1), 0));
    }
    if (op.width === 4) {
      return Atomics.load(new Int32Array(ring, op.addr, 1), 0);
    }
    if (op.width === 2) {
      return Atomics.load(new Int16Array(ring, op.addr, 1), 0);
    }
    return Atomics.load(new Int8Array(ring, op.addr, 1), 0);
  }

  /** Reads thread `t`'s report into its state; returns the new status. */
  #absorb(
    t: number,
    state: ThreadState,
    races: RaceDetector | null,
    step: number,
  ): number {
    const code = this.#await(t);
    const ctl = this.#ctl[t]!;
    const text = this.#text(t);
    let writes = 0;
    {
      const n = ctl[C_ACCESSES]!;
      const access = this.#access[t]!;
      for (let i = 0; i < n; i++) {
        if (access[i * 4] === A_WRITE) {
          writes++;
          const last = (access[i * 4 + 2]! - 1) >> 2;
          for (let w = access[i * 4 + 1]! >> 2; w <= last; w++) {
            this.#wrote(w * 4);
          }
        }
        if (races === null) continue;
        races.plain(t, {
          write: access[i * 4] === A_WRITE,
          start: access[i * 4 + 1]!,
          end: access[i * 4 + 2]!,
          loc: this.#locs[t]![access[i * 4 + 3]!] ?? "?",
          step,
        });
      }
    }
    if (code === S_REQUEST) {
      state.status = "pending";
      state.op = {
        kind: ctl[C_KIND]!,
        addr: ctl[C_ADDR]!,
        value: ctl[C_VALUE]!,
        value2: ctl[C_VALUE2]!,
        width: ctl[C_WIDTH]!,
        timeout: ctl[C_FINITE] ? this.#f64[t]![F_TIMEOUT]! : Infinity,
        loc: this.#locs[t]![ctl[C_LOC]!] ?? "?",
      };
    } else if (code === S_DONE) {
      state.status = "done";
      state.op = null;
      state.result = text.result as ThreadResult;
    } else if (code === S_IDLE) {
      state.status = "idle";
      state.op = null;
    }
    return writes;
  }

  #view(s: ThreadState): ThreadView {
    switch (s.status) {
      case "pending":
        if (s.op!.kind === K_BARRIER) {
          // Enabled once every thread is at the barrier, past it or done.
          const open = this.#threads.every((o) =>
            o.status === "done" || o.passed ||
            (o.status === "pending" && o.op!.kind === K_BARRIER)
          );
          return { status: s.status, op: s.op, action: open ? "op" : null };
        }
        return { status: s.status, op: s.op, action: "op" };
      case "woken":
        return { status: s.status, op: s.op, action: "resume" };
      case "blocked":
        return {
          status: s.status,
          op: s.op,
          action: Number.isFinite(s.op!.timeout) ? "timeout" : null,
        };
      case "idle": {
        let timed: PendingOp | null = null;
        let any: PendingOp | null = null;
        for (const w of s.waiters.values()) {
          any ??= w.op;
          if (w.woken >= 0) {
            return { status: s.status, op: w.op, action: "resume" };
          }
          if (Number.isFinite(w.op.timeout)) timed ??= w.op;
        }
        return timed !== null
          ? { status: s.status, op: timed, action: "timeout" }
          : { status: s.status, op: any, action: null };
      }
      default:
        return { status: s.status, op: null, action: null };
    }
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
    const races = options.races ?? null;
    races?.reset(n);
    const threads: ThreadState[] = [];
    this.#threads = threads;
    for (let t = 0; t < n; t++) {
      this.#ctl[t]![C_RESET] = 0;
      Atomics.store(this.#ctl[t]!, C_STATE, S_RUNNING);
      this.#workers[t]!.postMessage({
        gen,
        ring,
        scenario: name,
        thread: t,
        params,
      });
    }
    for (let t = 0; t < n; t++) {
      const state: ThreadState = {
        status: "pending",
        op: null,
        since: 0,
        cause: -1,
        waiters: new Map(),
        nextWaiter: 0,
        result: null,
        locs: [],
        window: new Set(),
        reset: false,
        passed: false,
        spinning: false,
        reads: new Set(),
        rereads: 0,
      };
      threads.push(state);
      this.#absorb(t, state, races, -1);
    }
    const steps: Step[] = [];
    const schedule: number[] = [];
    const maxSteps = options.maxSteps ?? 5000;
    let outcome: Outcome = { kind: "done" };
    while (true) {
      let views = threads.map((s) => this.#view(s));
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
      const step = this.#step(t, threads, view, ring, steps.length, races);
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
    if (options.learnQuiet) {
      for (const w of this.#loaded) {
        if (w >= 0 && w < QUIET_WORDS && !this.#written.has(w)) {
          this.#quiet[w] = 1;
        }
      }
    }
    this.#loaded.clear();
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
      const ctl = this.#ctl[t]!;
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

  #step(
    t: number,
    threads: ThreadState[],
    view: ThreadView,
    ring: SharedArrayBuffer,
    index: number,
    races: RaceDetector | null,
  ): Step {
    const s = threads[t]!;
    const ctl = this.#ctl[t]!;
    const op = view.op!;
    const before = this.#word(ring, op);
    let result: string | undefined;
    let cause: number | undefined;
    let writes = -1;
    if (s.status === "idle") {
      // Resume (or time out) one async waiter.
      let id = -1;
      for (const [key, w] of s.waiters) {
        if (view.action === "resume" ? w.woken >= 0 : w.op === op) {
          id = key;
          cause = w.woken >= 0 ? w.woken : undefined;
          if (view.action === "timeout") {
            this.#clock[0] = Math.max(this.#clock[0]!, w.since + w.op.timeout);
          }
          break;
        }
      }
      s.waiters.delete(id);
      calm(s);
      result = view.action === "resume" ? "ok" : "timed-out";
      ctl[C_WAITER] = id;
      ctl[C_RESULT] = view.action === "resume" ? R_OK : R_TIMED_OUT;
      Atomics.store(ctl, C_STATE, S_RUNNING);
      Atomics.add(ctl, C_WAKE, 1);
      Atomics.notify(ctl, C_WAKE);
      if (cause !== undefined) races?.acquireWake(t, cause);
      writes = this.#absorb(t, s, races, index);
    } else if (view.action === "resume" || view.action === "timeout") {
      calm(s);
      result = view.action === "resume" ? "ok" : "timed-out";
      if (view.action === "timeout") {
        this.#clock[0] = Math.max(this.#clock[0]!, s.since + op.timeout);
      } else {
        cause = s.cause;
        races?.acquireWake(t, cause);
      }
      ctl[C_RESULT] = view.action === "resume" ? R_OK : R_TIMED_OUT;
      this.#grant(t);
      writes = this.#absorb(t, s, races, index);
    } else if (op.kind === K_BARRIER) {
      if (!threads.some((o) => o.passed)) races?.barrier();
      s.passed = true;
      calm(s);
      this.#grant(t);
      writes = this.#absorb(t, s, races, index);
    } else {
      // A failed compareExchange, and a wait on a value that changed, only
      // read their word.
      const failedCas = op.kind === K_CAS && before !== op.value;
      const readOnly = op.kind === K_LOAD || failedCas ||
        ((op.kind === K_WAIT || op.kind === K_WAIT_ASYNC) &&
          before !== op.value);
      if (readOnly) {
        const key = `${op.addr}@${op.loc}`;
        if (s.reads.has(key)) s.rereads++;
        s.reads.add(key);
        s.window.add(op.addr);
        if (op.kind === K_LOAD) this.#loaded.add(op.addr >> 2);
      } else calm(s);
      if (op.kind === K_STORE || op.kind === K_RMW || op.kind === K_CAS) {
        this.#wrote(op.addr);
        for (const other of threads) {
          if (!failedCas && other !== s && other.window.has(op.addr)) {
            calm(other);
            other.reset = true;
            other.spinning = false;
          }
        }
      }
      races?.atomic(t, op, index);
      if (op.kind === K_WAIT || op.kind === K_WAIT_ASYNC) {
        if (before !== op.value) {
          result = "not-equal";
          ctl[C_RESULT] = R_NOT_EQUAL;
        } else if (op.timeout <= 0) {
          result = "timed-out";
          ctl[C_RESULT] = R_TIMED_OUT;
        } else if (op.kind === K_WAIT) {
          // Asleep: not granted until a notify or its timeout.
          s.status = "blocked";
          s.since = this.#clock[0]!;
          return {
            thread: t,
            action: "op",
            op,
            before,
            after: before,
            result: "sleeps",
            folded: 0,
            writes: 0,
          };
        } else {
          const id = s.nextWaiter++;
          s.waiters.set(id, { op, since: this.#clock[0]!, woken: -1 });
          ctl[C_ASYNC_ID] = id;
          ctl[C_RESULT] = R_ASYNC;
          result = "async";
        }
      } else if (op.kind === K_NOTIFY) {
        let left = op.value < 0 ? Infinity : op.value;
        let woken = 0;
        // Waiters in the order they slept (threads by index, then waiter id).
        for (const other of threads) {
          if (left === 0) break;
          if (other.status === "blocked" && other.op!.addr === op.addr) {
            other.status = "woken";
            other.cause = index;
            woken++;
            left--;
          }
          for (const w of other.waiters.values()) {
            if (left > 0 && w.woken < 0 && w.op.addr === op.addr) {
              w.woken = index;
              woken++;
              left--;
            }
          }
        }
        races?.release(t, index);
        result = String(woken);
        ctl[C_RESULT] = woken;
      }
      this.#grant(t);
      writes = this.#absorb(t, s, races, index);
    }
    const after = this.#word(ring, op);
    const folded = ctl[C_FOLDED]!;
    if (writes > 0) s.rereads = 0;
    if (
      (folded >= FOLD_CAP || s.rereads >= SPIN_STEPS) && s.status === "pending"
    ) s.spinning = true;
    const step: Step = {
      thread: t,
      action: view.action!,
      op,
      before,
      after,
      folded,
      writes,
      ...(result === undefined ? {} : { result }),
      ...(cause === undefined ? {} : { cause }),
    };
    return step;
  }
}

/** Forgets a thread's spin window: it did something else than re-read. */
function calm(s: ThreadState): void {
  s.window.clear();
  s.reads.clear();
  s.rereads = 0;
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
