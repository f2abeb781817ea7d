// Copyright 2025 the ringproof authors. MIT license.
// Loads Z3 (WebAssembly) on first use: the ring and the explicit model never
// import this file's dynamic import, so they keep zero runtime dependencies.
//
// Why the context is set up and used the way it is (docs/proof.md, "Running
// Z3 reliably"): z3-solver runs every `check()` on a pthread (a Worker) while
// the JavaScript thread stays free, and it releases Z3 objects from a
// FinalizationRegistry, that is on the JavaScript thread whenever the garbage
// collector ran. Z3 contexts are not thread-safe: a `Z3_dec_ref` that frees
// a term while the solver thread works in the same context corrupted Z3's
// heap ("memory access out of bounds" in ast_manager::delete_node, runaway
// recursion, or a solver thread that never answers, so no timeout fired).
// Hence: (1) concurrent dec-ref is enabled, which makes Z3 queue those
// releases under a lock and apply them on the context's own thread; (2) one
// caller at a time uses the context (`withZ3`), so no term is built while a
// check runs; (3) every query gets Z3's own timeout and a watchdog that
// interrupts Z3, then gives up with an error rather than hang.

import type { Arith, BitVec, Bool, Context, Model, SMTArray } from "z3-solver";

/** The Z3 context every symbolic formula of this folder lives in. */
export type Z3 = Context<"ringproof">;
/** An integer term. */
export type Int = Arith<"ringproof">;
/** A formula. */
export type Formula = Bool<"ringproof">;
/** A 32-bit term (the counter scheme's `in` and `out`). */
export type Word = BitVec<32, "ringproof">;
/** The cells: an array from slot to item (`-1`: never written). */
export type Cells = SMTArray<
  "ringproof",
  [Arith<"ringproof">["sort"]],
  Arith<"ringproof">["sort"]
>;
/** A satisfying assignment. */
export type Z3Model = Model<"ringproof">;

let loading: Promise<Z3> | undefined;
let broken: Error | undefined;
let queue: Promise<unknown> = Promise.resolve();
let running = 0;
const held: (() => void)[] = [];

/**
 * Runs one of Z3's threaded calls (a check, a simplification): releases
 * made meanwhile by the garbage collector wait until it has answered.
 */
export async function onZ3Thread<T>(call: () => Promise<T>): Promise<T> {
  running++;
  try {
    return await call();
  } finally {
    running--;
    if (running === 0) {
      for (const release of held.splice(0)) release();
    }
  }
}

/** The shared Z3 context, loaded (once) on the first call. */
export function loadZ3(): Promise<Z3> {
  if (broken !== undefined) return Promise.reject(broken);
  loading ??= (async () => {
    const { init } = await import("z3-solver");
    const { Context, Z3: api } = await init();
    const z = Context("ringproof") as Z3;
    // Releases from the garbage collector are queued, not applied on a
    // thread that does not own the context.
    api.enable_concurrent_dec_ref(z.ptr);
    // And none enters Z3's WebAssembly while a check runs on Z3's thread:
    // the garbage collector's releases are held until the check ends.
    const table = api as unknown as Record<string, unknown>;
    for (const [name, release] of Object.entries(table)) {
      if (!name.endsWith("dec_ref") || typeof release !== "function") continue;
      table[name] = (...args: unknown[]) => {
        if (running > 0) held.push(() => release(...args));
        else release(...args);
      };
    }
    // Z3 checks on a pthread and times out on another: starting those
    // Workers (each instantiates the 35 MB module) takes seconds, which
    // belong to loading, not to the first obligation's figure.
    await solve(z, [z.Bool.val(true)], { timeout: 60_000 });
    return z;
  })();
  return loading;
}

/**
 * Runs `task` with the shared context, after every earlier task has ended:
 * terms are built on this thread, so nothing may build terms while another
 * task's check runs on Z3's thread.
 */
export function withZ3<T>(task: (z: Z3) => Promise<T>): Promise<T> {
  const run = queue.then(async () => task(await loadZ3()));
  queue = run.catch(() => {});
  return run;
}

/** What {@linkcode solve} found. */
export interface Answer<T> {
  result: "sat" | "unsat" | "unknown";
  /** Seconds Z3 took to answer. */
  seconds: number;
  /** What `read` returned from the model, when satisfiable. */
  value?: T;
}

let clock = (): number => performance.now() / 1000;

/**
 * Replaces the clock {@linkcode solve} times queries with (seconds); a
 * benchmark passes the process's CPU time, which a loaded machine distorts
 * far less than wall time.
 */
export function setSolveClock(next: () => number): void {
  clock = next;
}

/** Seconds past its timeout a query may run before Z3 is interrupted, then abandoned. */
const GRACE = { interrupt: 5, abandon: 30 };

/**
 * Checks the conjunction of `formulas` on a fresh solver, with Z3's own
 * `timeout` (ms) and, if given, its `rlimit` (a budget of work, the same on
 * a loaded machine as on a quiet one); `read` sees the model when it is
 * satisfiable. The solver
 * and model are released at once: Z3's WebAssembly memory is bounded (2 GiB)
 * and a proof makes hundreds of queries.
 */
export async function solve<T>(
  z: Z3,
  formulas: Formula[],
  options: {
    timeout: number;
    rlimit?: number;
    read?: (model: Z3Model) => T;
  },
): Promise<Answer<T>> {
  const solver = new z.Solver();
  const timers: ReturnType<typeof setTimeout>[] = [];
  try {
    solver.set("timeout", options.timeout);
    if (options.rlimit !== undefined) solver.set("rlimit", options.rlimit);
    solver.add(...formulas);
    const started = clock();
    const watchdog = new Promise<never>((_, reject) => {
      timers.push(setTimeout(() => {
        z.interrupt();
      }, options.timeout + GRACE.interrupt * 1000));
      timers.push(setTimeout(() => {
        broken = new Error(
          `Cannot prove: Z3 did not answer within ${
            options.timeout / 1000 + GRACE.abandon
          } s although its timeout was ${options.timeout / 1000} s`,
        );
        reject(broken);
      }, options.timeout + GRACE.abandon * 1000));
    });
    const result = await Promise.race([
      onZ3Thread(() => solver.check()),
      watchdog,
    ]);
    const seconds = clock() - started;
    if (result !== "sat" || options.read === undefined) {
      return { result, seconds };
    }
    const model = solver.model();
    try {
      return { result, seconds, value: options.read(model) };
    } finally {
      model.release();
    }
  } finally {
    for (const timer of timers) clearTimeout(timer);
    // After an abandoned check the solver may still be in use on Z3's thread.
    if (broken === undefined) solver.release();
  }
}
