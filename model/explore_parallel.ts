// Copyright 2025 the ringproof authors. MIT license.
/**
 * The explorer on Workers: a level-synchronous parallel breadth-first search
 * whose visited set lives in SharedArrayBuffers, shared by every Worker.
 *
 * Each BFS level is split between the Workers in chunks; a new state is
 * stored with one lock-free compareExchange of an empty hash-table slot; the
 * Workers meet at a barrier after each level, so every state is found at its
 * BFS depth and counterexamples stay shortest. A Worker cannot receive a
 * model (functions do not cross `postMessage`), so the model is named by a
 * {@linkcode ModelSource}: a module, an exported factory and its arguments.
 *
 * @module
 */

import type { BufferOptions } from "./bounded_buffer.ts";
import type { PackedModel, Progress, Report, Step } from "./types.ts";
import { checkMaskOf, namesOf, replayPath } from "./_explore/replay.ts";
import { checkNew, type SearchPlan } from "./_explore/parallel_search.ts";
import { loadPackedModel, positive } from "./_explore/parallel_model.ts";
import type { WorkerReply, WorkerTask } from "./_explore/parallel_protocol.ts";
import {
  allocate,
  BLOCK,
  COUNT,
  DEADLOCK,
  FACTS,
  FAILED,
  GEN,
  HEAD,
  INCOMPLETE,
  LEVEL,
  LEVEL_END,
  MAX_INDICES,
  NONE,
  SharedStore,
  STOP,
  VIOLATION,
  VIOLATION_MASK,
} from "./_explore/shared_store.ts";

/**
 * Where each Worker finds the model: the URL of an ES module, the name of the
 * function it exports that returns the model, and that function's arguments
 * (structured-clonable). The model must have a packed fast path.
 */
export interface ModelSource {
  /** The module's URL (e.g. `new URL("./my_model.ts", import.meta.url).href`). */
  readonly module: string;
  /** The exported function that returns the model. */
  readonly factory: string;
  /** The function's arguments. */
  readonly args?: readonly unknown[];
}

/** Options for {@linkcode exploreParallel}. */
export interface ParallelOptions {
  /**
   * Workers to run (default: `navigator.hardwareConcurrency`, at least 1);
   * ignored when a `pool` is given.
   */
  workers?: number;
  /**
   * Workers to reuse (see {@linkcode ExplorerPool}): they start once and stay
   * warm (their code compiled) for the next search. Without it, Workers are
   * started for this search and stopped at its end.
   */
  pool?: ExplorerPool;
  /**
   * Stop with verdict `"incomplete"` after about this many distinct states
   * (the Workers may store a few more before they all see the limit).
   */
  maxStates?: number;
  /** Use the model's symmetry reduction when it has one. Default `false`. */
  symmetry?: boolean;
  /** Invariants not to check, by name. */
  ignore?: readonly string[];
  /** Called about every {@linkcode ParallelOptions.progressSeconds} seconds. */
  onProgress?: (progress: Progress) => void;
  /** Seconds between progress calls. Default 0.5. */
  progressSeconds?: number;
}

/** What {@linkcode exploreParallel} reports: an explorer report, plus the Workers used. */
export interface ParallelReport<S, A> extends Report<S, A> {
  /** Workers that ran the search. */
  workers: number;
}

/**
 * The {@linkcode ModelSource} of a bounded-buffer model, for
 * {@linkcode exploreParallel}.
 *
 * @param options The model's options, as for `boundedBuffer`.
 * @returns A source naming `boundedBuffer` in `bounded_buffer.ts`.
 *
 * @example The source of a two-producer model
 * ```ts
 * import assert from "node:assert/strict";
 * import { bufferSource } from "@ringproof/ring/model";
 *
 * const source = bufferSource({ producers: 2, sync: "mutex" });
 * assert.equal(source.factory, "boundedBuffer");
 * assert.deepEqual(source.args, [{ producers: 2, sync: "mutex" }]);
 * ```
 */
export function bufferSource(options: BufferOptions = {}): ModelSource {
  return {
    module: new URL("./bounded_buffer.ts", import.meta.url).href,
    factory: "boundedBuffer",
    args: [options],
  };
}

const WORKER = new URL("./_explore/parallel_worker.ts", import.meta.url);

/** Each pool's task runner, for {@linkcode exploreParallel} only. */
const RUNNERS = new WeakMap<
  ExplorerPool,
  (task: WorkerTask) => Promise<WorkerReply[]>
>();

/**
 * Workers for {@linkcode exploreParallel}, started once and reused by each
 * search given them as `pool`, one search at a time. Close the pool when done.
 *
 * @example Two searches on the same two Workers
 * ```ts
 * import assert from "node:assert/strict";
 * import { bufferSource, ExplorerPool, exploreParallel } from "@ringproof/ring/model";
 *
 * const pool = new ExplorerPool(2);
 * try {
 *   for (const sync of ["mutex", "sequence"] as const) {
 *     const report = await exploreParallel(
 *       bufferSource({ producers: 2, items: 2, sync }),
 *       { pool },
 *     );
 *     assert.equal(report.verdict, "pass");
 *   }
 * } finally {
 *   pool.close();
 * }
 * ```
 */
export class ExplorerPool {
  /** How many Workers the pool has. */
  readonly size: number;
  readonly #workers: Worker[];
  readonly #ready: Promise<WorkerReply[]>;
  #busy = false;

  /**
   * Starts `size` Workers.
   *
   * @param size How many (default: `navigator.hardwareConcurrency`, at least 1).
   */
  constructor(size: number = Math.max(1, navigator.hardwareConcurrency ?? 1)) {
    this.size = positive("workers", size);
    this.#workers = Array.from(
      { length: size },
      () => new Worker(WORKER, { type: "module" }),
    );
    this.#ready = Promise.all(this.#workers.map(next));
    RUNNERS.set(this, (task) => this.#run(task));
  }

  /** Stops the Workers. */
  close(): void {
    for (const worker of this.#workers) worker.terminate();
  }

  /** Runs one search's task on every Worker; returns their replies. */
  async #run(task: WorkerTask): Promise<WorkerReply[]> {
    if (this.#busy) {
      throw new Error(
        "Cannot explore in parallel: the pool is already running a search",
      );
    }
    this.#busy = true;
    try {
      const ready = await this.#ready;
      const failed = ready.find((reply) => reply.type === "error");
      if (failed !== undefined) return [failed];
      const done = this.#workers.map(next);
      for (const worker of this.#workers) worker.postMessage(task);
      return await Promise.all(done);
    } finally {
      this.#busy = false;
    }
  }
}

function next(worker: Worker): Promise<WorkerReply> {
  return new Promise((resolve) => {
    worker.onmessage = (event: MessageEvent<WorkerReply>) =>
      resolve(event.data);
    worker.onerror = (event: ErrorEvent) => {
      event.preventDefault();
      resolve({ type: "error", message: event.message });
    };
  });
}

/**
 * Explores every reachable state of the model `source` names, on Workers,
 * breadth-first, and checks its invariants and deadlock freedom.
 *
 * The verdict, the state and transition counts of a full search, and the
 * length of the counterexample and of each fact's witness are those of
 * `explore()` (BFS, no reduction). When one BFS level holds both a deadlocked
 * state and a step to a violating state, the deadlock (the shorter
 * counterexample) is reported. Which of several equally short
 * counterexamples is returned may differ from run to run. Partial-order
 * reduction and depth-first order are not offered here.
 *
 * @typeParam S The model's state type.
 * @typeParam A The model's action type.
 * @param source Where the Workers find the model (see {@linkcode bufferSource}).
 * @param options Workers (or a pool), state limit, symmetry, ignored
 *   invariants, progress.
 * @returns The report of `explore()`, plus the number of Workers.
 *
 * @example Two producers without a lock lose an item, found on two Workers
 * ```ts
 * import assert from "node:assert/strict";
 * import { bufferSource, exploreParallel } from "@ringproof/ring/model";
 *
 * const report = await exploreParallel(
 *   bufferSource({ producers: 2, items: 2 }),
 *   { workers: 2 },
 * );
 * assert.equal(report.verdict, "violation");
 * assert.equal(report.workers, 2);
 * ```
 */
export async function exploreParallel<S, A>(
  source: ModelSource,
  options: ParallelOptions = {},
): Promise<ParallelReport<S, A>> {
  const workers = options.pool?.size ?? positive(
    "workers",
    options.workers ?? Math.max(1, navigator.hardwareConcurrency ?? 1),
  );
  const maxStates = Math.min(
    positive("maxStates", options.maxStates ?? MAX_INDICES),
    MAX_INDICES,
  );
  const started = performance.now();
  const pm = await loadPackedModel(source) as PackedModel<S, A>;
  const checkMask = checkMaskOf(pm.invariantNames, options.ignore ?? []);
  const symmetry = (options.symmetry ?? false) && pm.canonicalize !== undefined;
  const canonicalize = symmetry ? pm.canonicalize!.bind(pm) : undefined;
  const words = pm.words;
  const facts = pm.factNames.length;
  const buffers = allocate(
    words,
    facts,
    Math.min(MAX_INDICES, maxStates + (maxStates >>> 3) + 64 * BLOCK),
  );
  const store = new SharedStore(words, buffers);
  const ctl = store.ctl;
  const plan: SearchPlan = { workers, checkMask, symmetry, maxStates, words };

  // The roots are level 0, stored here before the Workers start.
  const roots = pm.initial().slice();
  const rootCount = roots.length / words;
  store.reserve(rootCount + BLOCK);
  for (let at = 0; at < roots.length; at += words) {
    if (canonicalize !== undefined) canonicalize(roots, at);
    const index = store.insert(roots, at, -1);
    if (index >= 0) checkNew(pm, store, plan, roots, at, index);
    if (Atomics.load(ctl, STOP) !== NONE) break;
  }
  store.release();
  const count = Atomics.load(ctl, COUNT);
  store.reserve(count + rootCount * pm.maxSuccessors + workers * BLOCK);
  Atomics.store(ctl, LEVEL_END, count);
  Atomics.store(ctl, HEAD, 0);

  let transitions = 0;
  const searched = Atomics.load(ctl, STOP) === NONE;
  if (searched) {
    transitions = await runWorkers(source, buffers, plan, options, store);
    store.refresh(); // the Workers grew the arena
  }
  const deadlock = Atomics.load(ctl, DEADLOCK);
  const violation = Atomics.load(ctl, VIOLATION);
  const level = Atomics.load(ctl, LEVEL);
  const states = store.states;
  const seconds = (performance.now() - started) / 1000;
  const trace = (index: number): Step<S, A>[] => {
    const path: Int32Array[] = [];
    for (let i = index; i >= 0; i = store.parent(i)) {
      const at = i * store.stride;
      path.push(store.arena.slice(at, at + words));
    }
    return replayPath(pm, path.reverse(), canonicalize);
  };
  const report: ParallelReport<S, A> = {
    verdict: deadlock >= 0
      ? "deadlock"
      : violation >= 0
      ? "violation"
      : Atomics.load(ctl, STOP) === INCOMPLETE
      ? "incomplete"
      : "pass",
    states,
    transitions,
    // A violation found while expanding level L is at depth L + 1, unless
    // a root violates (the Workers never ran).
    depth: deadlock < 0 && violation >= 0 && searched ? level + 1 : level,
    seconds,
    statesPerSecond: seconds > 0 ? states / seconds : states,
    bytesPerState: store.bytesPerState(),
    order: "bfs",
    symmetry,
    reduction: "none",
    facts: pm.factNames.map((name, i) => {
      const at = Atomics.load(ctl, FACTS + i);
      return at < 0
        ? { name, witnessed: false }
        : { name, witnessed: true, witness: trace(at) };
    }),
    workers,
  };
  if (deadlock >= 0 || violation >= 0) {
    const violated = deadlock >= 0
      ? ["deadlock-free"]
      : namesOf(pm.invariantNames, Atomics.load(ctl, VIOLATION_MASK));
    report.invariant = violated[0]!;
    report.violated = violated;
    report.counterexample = trace(deadlock >= 0 ? deadlock : violation);
  }
  return report;
}

async function runWorkers(
  source: ModelSource,
  buffers: WorkerTask["buffers"],
  plan: SearchPlan,
  options: ParallelOptions,
  store: SharedStore,
): Promise<number> {
  const ctl = store.ctl;
  const pool = options.pool ?? new ExplorerPool(plan.workers);
  const started = performance.now();
  const onProgress = options.onProgress;
  const timer = onProgress === undefined ? undefined : setInterval(() => {
    const seconds = (performance.now() - started) / 1000;
    const states = store.states;
    onProgress({
      states,
      transitions: 0,
      frontier: Math.max(0, Atomics.load(ctl, 0) - Atomics.load(ctl, HEAD)),
      depth: Atomics.load(ctl, LEVEL),
      seconds,
      statesPerSecond: seconds > 0 ? states / seconds : 0,
    });
  }, (options.progressSeconds ?? 0.5) * 1000);
  try {
    const plain = { ...source, args: source.args ?? [] };
    const replies = await RUNNERS.get(pool)!({ source: plain, buffers, plan });
    let transitions = 0;
    for (const reply of replies) {
      if (reply.type === "error") {
        throw new Error(`Cannot explore in parallel: ${reply.message}`);
      }
      if (reply.type === "done") transitions += reply.transitions;
    }
    return transitions;
  } catch (error) {
    Atomics.store(ctl, STOP, FAILED);
    Atomics.notify(ctl, GEN);
    throw error;
  } finally {
    if (timer !== undefined) clearInterval(timer);
    if (options.pool === undefined) pool.close();
  }
}
