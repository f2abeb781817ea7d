// Copyright 2025 the ringproof authors. MIT license.
/**
 * The explorer on Workers: a partitioned, level-synchronous parallel
 * breadth-first search.
 *
 * Each Worker owns the states whose hash picks it and keeps them in its own
 * visited set (the single-thread explorer's, with no atomics); a successor
 * another Worker owns is queued for it in a SharedArrayBuffer and stored by
 * its owner after the level's barrier. The Workers meet at a barrier after
 * each BFS level, so every state is found at its BFS depth and
 * counterexamples stay shortest; within a level, a Worker that has run out
 * of states of its own expands another's (work stealing). A Worker cannot receive a model (functions
 * do not cross `postMessage`), so the model is named by a
 * {@linkcode ModelSource}: a module, an exported factory and its arguments.
 *
 * @module
 */

import type { BufferOptions } from "./bounded_buffer.ts";
import type { PackedModel, Progress, Report, Step } from "./types.ts";
import { checkMaskOf, namesOf, replayPath } from "./_explore/replay.ts";
import type { Found, SearchPlan } from "./_explore/parallel_protocol.ts";
import {
  defaultWorkers,
  loadPackedModel,
  MAX_WORKERS,
  positive,
} from "./_explore/parallel_model.ts";

export { MAX_WORKERS };
import { clock, ExplorerPool } from "./_explore/parallel_pool.ts";
import { allocate, INCOMPLETE, STOP } from "./_explore/parallel_control.ts";
import { runWorkers } from "./_explore/parallel_run.ts";
import { PAGE_BITS } from "./_explore/visited.ts";

export { ExplorerPool };

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
   * Workers to run, 1 to 64 (default: `navigator.hardwareConcurrency`, at
   * least 1 and at most 64); ignored when a `pool` is given.
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
   * (the limit is checked at the end of each BFS level, so the Workers may
   * store up to one level more).
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
  /**
   * When a Worker expands its own states of the next level before a level's
   * barrier releases it (storing their successors after it, as if expanded
   * then): `"idle"` (default) while it waits for the others; `"always"`, all
   * of them at every barrier, even when it arrived last (slower; it runs
   * that path on every level, for tests); `"never"` (it waits idle, for
   * comparisons). The report is the same in each.
   */
  earlyExpansion?: "idle" | "always" | "never";
  /**
   * Work stealing within a BFS level: each Worker publishes its states of
   * the level in shared memory, and every Worker claims them 32 at a time,
   * so one that has run out of its own expands another's instead of waiting
   * for it at the barrier (a Worker descheduled mid-level no longer holds
   * the others as long). `"idle"` (default): a Worker steals once it has
   * claimed all of its own; `"always"`: a Worker expands only other
   * Workers' states, never its own (slower; every expansion is a stolen
   * one, for tests; one Worker alone expands its own); `"never"`: each
   * Worker expands only its own (as before, for comparisons). The report
   * is the same in each.
   */
  stealing?: "idle" | "always" | "never";
}

/** What {@linkcode exploreParallel} reports: an explorer report, plus the Workers used. */
export interface ParallelReport<S, A> extends Report<S, A> {
  /** Workers that ran the search. */
  workers: number;
  /**
   * Each Worker's CPU seconds (its thread's user + system time) in the
   * search, or null where the runtime does not tell (Deno does, on Linux).
   */
  workerCpuSeconds: (number | null)[];
  /** Where each Worker's time went (see {@linkcode WorkerPhases}). */
  workerPhases: WorkerPhases[];
}

/**
 * Where one Worker's wall time went in a parallel search, in seconds (the
 * clock is read a few times per BFS level, not per state).
 */
export interface WorkerPhases {
  /** From posting the task to the Worker starting its search. */
  startDelay: number;
  /** Expanding its states, storing or queueing their successors. */
  expanding: number;
  /** At the level barriers: publishing, spinning, sleeping, deciding. */
  waiting: number;
  /**
   * Expanding its states of the next level early, while it waited at a
   * barrier for the others (their successors are stored after the barrier).
   */
  early: number;
  /** States it expanded early. */
  earlyStates: number;
  /** Storing the states the other Workers queued for it. */
  draining: number;
  /** From the end of its search to the parent thread getting its reply. */
  replyDelay: number;
  /**
   * From each barrier's release (by the last Worker to arrive) to this
   * Worker's return from it, summed: the cost of waking up.
   */
  wakeDelay: number;
  /** Level barriers it met. */
  levels: number;
  /** Barriers at which it slept on the futex (after its spin). */
  sleeps: number;
  /** States it queued for other Workers. */
  sent: number;
  /** States of other Workers it expanded (work stealing). */
  stolen: number;
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

/**
 * Explores every reachable state of the model `source` names, on Workers,
 * breadth-first, and checks its invariants and deadlock freedom.
 *
 * The verdict, the state and transition counts of a full search, and the
 * length of the counterexample and of each fact's witness are those of
 * `explore()` (BFS, no reduction). When the search finds both a deadlocked
 * state at level L and a violating state at level L + 1, the deadlock (the
 * shorter counterexample) is reported. Which of several equally short
 * counterexamples is returned may differ from run to run. Partial-order
 * reduction and depth-first order are not offered here.
 *
 * @typeParam S The model's state type.
 * @typeParam A The model's action type.
 * @param source Where the Workers find the model (see {@linkcode bufferSource}).
 * @param options Workers (or a pool), state limit, symmetry, ignored
 *   invariants, progress, early expansion and work stealing.
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
 *
 * @example The same search with and without work stealing
 * ```ts
 * import assert from "node:assert/strict";
 * import { bufferSource, exploreParallel } from "@ringproof/ring/model";
 *
 * const source = bufferSource({ producers: 2, consumers: 2, sync: "mutex" });
 * const stealing = await exploreParallel(source, { workers: 2 });
 * const own = await exploreParallel(source, { workers: 2, stealing: "never" });
 * assert.equal(stealing.verdict, "pass");
 * assert.equal(stealing.states, own.states);
 * assert.equal(own.workerPhases.reduce((n, p) => n + p.stolen, 0), 0);
 * ```
 */
export async function exploreParallel<S, A>(
  source: ModelSource,
  options: ParallelOptions = {},
): Promise<ParallelReport<S, A>> {
  const workers = options.pool?.size ?? positive(
    "workers",
    options.workers ?? defaultWorkers(),
    MAX_WORKERS,
  );
  const maxStates = options.maxStates === undefined
    ? Number.MAX_SAFE_INTEGER
    : positive("maxStates", options.maxStates);
  const started = performance.now();
  const pm = await loadPackedModel(source) as PackedModel<S, A>;
  const checkMask = checkMaskOf(pm.invariantNames, options.ignore ?? []);
  const symmetry = (options.symmetry ?? false) && pm.canonicalize !== undefined;
  const canonicalize = symmetry ? pm.canonicalize!.bind(pm) : undefined;
  const buffers = allocate(workers);
  const plan: SearchPlan = {
    workers,
    checkMask,
    symmetry,
    maxStates,
    origin: clock(),
    early: mode("earlyExpansion", options.earlyExpansion ?? "idle"),
    steal: mode("stealing", options.stealing ?? "idle"),
  };
  const replies = await runWorkers({ source, buffers, plan }, options);
  const outcomes = replies.map((reply) => reply.outcome);
  const ctl = new Int32Array(buffers.control);
  const words = pm.words;
  const stride = words + 1; // a PackedStore entry: words, parent
  const mask = (1 << PAGE_BITS) - 1;
  const entry = (id: number) => {
    const outcome = outcomes[id % workers]!;
    const local = Math.floor(id / workers);
    return {
      page: outcome.pages[local >>> PAGE_BITS]!,
      at: (local & mask) * stride,
    };
  };
  const trace = (id: number): Step<S, A>[] => {
    const path: Int32Array[] = [];
    for (let i = id; i >= 0;) {
      const { page, at } = entry(i);
      path.push(page.slice(at, at + words));
      i = page[at + words]!;
    }
    return replayPath(pm, path.reverse(), canonicalize);
  };

  let states = 0;
  let transitions = 0;
  let depth = 0;
  let bytes = 0;
  for (const outcome of outcomes) {
    states += outcome.states;
    transitions += outcome.transitions;
    depth = Math.max(depth, outcome.depth);
    bytes += outcome.bytes;
  }
  for (const queue of buffers.queues) bytes += queue.byteLength;
  for (const level of buffers.levels) bytes += level.byteLength;
  // The shortest counterexample: a deadlock at level L has L + 1 states, a
  // violation at level L too; on a tie the violation, which explore() finds
  // while expanding level L - 1, before it expands level L.
  const deadlock = shallowest(outcomes.map((outcome) => outcome.deadlock));
  const violation = shallowest(outcomes.map((outcome) => outcome.violation));
  const failure = deadlock !== null &&
      (violation === null || deadlock.level < violation.level)
    ? deadlock
    : violation;
  const seconds = (performance.now() - started) / 1000;
  const report: ParallelReport<S, A> = {
    verdict: failure === null
      ? Atomics.load(ctl, STOP) === INCOMPLETE ? "incomplete" : "pass"
      : failure === deadlock
      ? "deadlock"
      : "violation",
    states,
    transitions,
    depth: failure === null ? depth : failure.level,
    seconds,
    statesPerSecond: seconds > 0 ? states / seconds : states,
    bytesPerState: states === 0 ? 0 : bytes / states,
    order: "bfs",
    symmetry,
    reduction: "none",
    facts: pm.factNames.map((name, i) => {
      const found = shallowest(outcomes.map((outcome) => outcome.facts[i]!));
      // After a failure at level L every state up to level L is stored;
      // deeper ones only in part (explore() would not have got there).
      return found === null || found.level > (failure?.level ?? Infinity)
        ? { name, witnessed: false }
        : { name, witnessed: true, witness: trace(found.id) };
    }),
    workers,
    workerCpuSeconds: replies.map((reply) => reply.cpuSeconds),
    workerPhases: replies.map(({ outcome, postedAt, repliedAt }) => {
      const p = outcome.phases;
      return {
        startDelay: (p.startedAt - postedAt) / 1000,
        expanding: p.expand / 1000,
        waiting: p.barrier / 1000,
        early: p.early / 1000,
        earlyStates: p.earlyStates,
        draining: p.drain / 1000,
        replyDelay: (repliedAt - p.endedAt) / 1000,
        wakeDelay: p.wake / 1000,
        levels: p.levels,
        sleeps: p.sleeps,
        sent: p.sent,
        stolen: p.stolen,
      };
    }),
  };
  if (failure !== null) {
    const violated = failure === deadlock
      ? ["deadlock-free"]
      : namesOf(pm.invariantNames, violation!.mask);
    report.invariant = violated[0]!;
    report.violated = violated;
    report.counterexample = trace(failure.id);
  }
  return report;
}

/** An `"idle" | "always" | "never"` option as 1, 2 or 0. */
function mode(name: string, value: string): 0 | 1 | 2 {
  const modes = ["never", "idle", "always"];
  if (!modes.includes(value)) {
    throw new TypeError(
      `Cannot explore in parallel: ${name} must be "idle", "always" or "never", received ${
        JSON.stringify(value)
      }`,
    );
  }
  return modes.indexOf(value) as 0 | 1 | 2;
}

/** The state found at the smallest level, or null. */
function shallowest<T extends Found>(found: readonly (T | null)[]): T | null {
  let best: T | null = null;
  for (const f of found) {
    if (f !== null && (best === null || f.level < best.level)) best = f;
  }
  return best;
}
