// Copyright 2025 the ringproof authors. MIT license.
/**
 * The model checker's speed: the explorer on the 2-producer/2-consumer mutex
 * model (`slots` 4, 6 items per producer), on one thread and on Workers.
 *
 * `deno run --allow-read bench/explorer.ts [--runs N] [--workers W]` prints
 * the figures (single thread and `exploreParallel` on W Workers and on one,
 * in alternating rounds; bitstate and hash compaction); `bench/run.ts` calls
 * {@linkcode runExplorerBench} (through `bench/explorer_bench.ts`) for its
 * report.
 *
 * Method: one warm-up of each, then `runs` rounds, each running the single
 * thread, W Workers with and without work stealing, one Worker and
 * `explore()` in a Worker in a rotating order (so all see the same load);
 * the figures are medians. CPU seconds (user + system, all threads of
 * this process) are reported beside wall seconds because other work on a
 * shared machine inflates wall time only: the single thread's CPU ÷ the
 * parallel search's CPU says how much of the work the Workers
 * repeat or waste, and on a quiet machine with W free cores the speedup
 * approaches W times that ratio when the level barriers do not stall.
 *
 * @module
 */

import process from "node:process";
import {
  boundedBuffer,
  bufferSource,
  explore,
  exploreBitstate,
  exploreParallel,
  ExplorerPool,
  type WorkerPhases,
} from "../model/mod.ts";

import { BENCH_MODEL } from "./_explorer_model.ts";
import { type InWorker, peerWorker, searchInWorker } from "./_explorer_peer.ts";

export { BENCH_MODEL };

/** The figures of `exploreParallel` on the bench model. */
export interface ParallelFigures {
  workers: number;
  states: number;
  /** Median wall seconds. */
  seconds: number;
  statesPerSecond: number;
  /** Median CPU seconds, all threads of this process. */
  cpuSeconds: number | null;
  /** Median CPU seconds of each Worker's thread (10 ms ticks), if told. */
  workerCpuSeconds: (number | null)[];
  /**
   * The single thread's wall seconds ÷ this search's, per round (each round
   * runs both): the median.
   */
  speedup: number;
  /**
   * The same against `explore()` run in a Worker (the same kind of thread
   * as the parallel search's).
   */
  speedupOverWorker: number;
  /**
   * The single thread's median CPU seconds ÷ this search's (1: the Workers
   * together spend what the single thread spends).
   */
  cpuRatio: number | null;
  bytesPerState: number;
  /** Per Worker, the median of each of its phases over the rounds. */
  phases: WorkerPhases[];
}

/** The figures of one benchmark. */
export interface ExplorerFigures {
  /** The model, in words. */
  model: string;
  /** Distinct states (without reductions). */
  states: number;
  /** Transitions taken. */
  transitions: number;
  /** Wall seconds of the median run. */
  seconds: number;
  /** `states / seconds`. */
  statesPerSecond: number;
  /** CPU seconds of the same run, if the runtime reports them. */
  cpuSeconds: number | null;
  /** `states / cpuSeconds`. */
  statesPerCpuSecond: number | null;
  /** Visited-set bytes (keys, parents, hash table) per state. */
  bytesPerState: number;
  /** The first, cold (not yet JIT-compiled) run's wall seconds. */
  coldSeconds: number;
  /** Measured runs (after the warm-up). */
  runs: number;
  /** The same model with symmetry reduction over producers and over consumers. */
  symmetry: { states: number; seconds: number; statesPerSecond: number };
  /**
   * The same model with partial-order reduction (`reduction: "por"`): no
   * states are cut under the mutex (only the lock holder can move).
   */
  por: { states: number; seconds: number; statesPerSecond: number };
  /**
   * The same model on Workers (`exploreParallel`, warm pools), in rounds
   * alternating with the single-thread runs above: medians of each.
   */
  parallel: ParallelFigures;
  /** The same on one Worker: what the partitioned search costs per state. */
  oneWorker: ParallelFigures;
  /**
   * The same Workers without work stealing (`stealing: "never"`), in the
   * same rounds.
   */
  noStealing: ParallelFigures;
  /** With stealing ÷ without, speed per round: the median. */
  stealingGain: number;
  /**
   * `explore()` itself in a Worker, in the same rounds: the single-thread
   * peer in the same kind of thread as the parallel search's Workers.
   */
  inWorker: {
    /** Median wall seconds (explore()'s own clock). */
    seconds: number;
    statesPerSecond: number;
    /** Median CPU seconds of the Worker's thread. */
    cpuSeconds: number;
  };
  /** Two Workers' speed ÷ one Worker's, per round: the median. */
  scaling: number;
  /** The same model with the approximate stores (`exploreBitstate`), one run each. */
  approximate: {
    mode: "bitstate" | "hashcompact";
    states: number;
    seconds: number;
    statesPerSecond: number;
    bytesPerState: number;
    hashFactor: number;
    omissionProbability: number;
  }[];
}

function cpuNow(): number | null {
  try {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1e6;
  } catch {
    return null;
  }
}

const MODEL = boundedBuffer(BENCH_MODEL);

function timed(symmetry: boolean, reduction: "none" | "por" = "none") {
  const cpu = cpuNow();
  const report = explore(MODEL, { symmetry, reduction });
  const after = cpuNow();
  if (report.verdict !== "pass") {
    throw new Error(`The bench model must pass, got ${report.verdict}`);
  }
  return { report, cpu: cpu === null || after === null ? null : after - cpu };
}

async function timedParallel(
  pool: ExplorerPool,
  stealing: "idle" | "never" = "idle",
) {
  const cpu = cpuNow();
  const report = await exploreParallel(bufferSource(BENCH_MODEL), {
    pool,
    stealing,
  });
  const after = cpuNow();
  if (report.verdict !== "pass") {
    throw new Error(`The bench model must pass, got ${report.verdict}`);
  }
  return { report, cpu: cpu === null || after === null ? null : after - cpu };
}

type Single = ReturnType<typeof timed>;
type Parallel = Awaited<ReturnType<typeof timedParallel>>;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >>> 1;
  return sorted.length % 2 === 1
    ? sorted[mid]!
    : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function medianOrNull(values: readonly (number | null)[]): number | null {
  return values.some((v) => v === null) ? null : median(values as number[]);
}

/** The median over rounds of `a[i] / b[i]`. */
function pairedRatio(a: readonly number[], b: readonly number[]): number {
  return median(a.map((x, i) => x / b[i]!));
}

function parallelFigures(
  runs: readonly Parallel[],
  singles: readonly Single[],
  inWorker: readonly InWorker[],
): ParallelFigures {
  const first = runs[0]!.report;
  const seconds = median(runs.map((r) => r.report.seconds));
  const cpu = medianOrNull(runs.map((r) => r.cpu));
  const singleCpu = medianOrNull(singles.map((r) => r.cpu));
  return {
    workers: first.workers,
    states: first.states,
    seconds,
    statesPerSecond: first.states / seconds,
    cpuSeconds: cpu,
    workerCpuSeconds: first.workerCpuSeconds.map((_, w) =>
      medianOrNull(runs.map((r) => r.report.workerCpuSeconds[w] ?? null))
    ),
    speedup: pairedRatio(
      singles.map((r) => r.report.seconds),
      runs.map((r) => r.report.seconds),
    ),
    speedupOverWorker: pairedRatio(
      inWorker.map((r) => r.seconds),
      runs.map((r) => r.report.seconds),
    ),
    cpuRatio: cpu === null || singleCpu === null ? null : singleCpu / cpu,
    bytesPerState: first.bytesPerState,
    phases: first.workerPhases.map((_, w) => {
      const of = (key: keyof WorkerPhases) =>
        median(runs.map((r) => r.report.workerPhases[w]![key]));
      return {
        startDelay: of("startDelay"),
        expanding: of("expanding"),
        waiting: of("waiting"),
        early: of("early"),
        earlyStates: of("earlyStates"),
        draining: of("draining"),
        replyDelay: of("replyDelay"),
        wakeDelay: of("wakeDelay"),
        levels: of("levels"),
        sleeps: of("sleeps"),
        sent: of("sent"),
        stolen: of("stolen"),
      };
    }),
  };
}

/**
 * Runs the explorer benchmark.
 *
 * @param options `runs`: measured rounds after the warm-up (default 5), each
 *   running the single thread, `workers` Workers (default 2) and one Worker.
 * @returns The figures of the median runs, plus the reduced and approximate runs.
 *
 * @example A quick run
 * ```ts ignore
 * import { runExplorerBench } from "./explorer.ts";
 *
 * const figures = await runExplorerBench({ runs: 1 });
 * console.log(figures.parallel.speedup);
 * ```
 */
export async function runExplorerBench(
  options: { runs?: number; workers?: number } = {},
): Promise<ExplorerFigures> {
  const runs = options.runs ?? 5;
  const workers = options.workers ?? 2;
  const cold = timed(false);
  const pool = new ExplorerPool(workers);
  const one = new ExplorerPool(1);
  const peer = await peerWorker();
  const singles: Single[] = [];
  const parallel: Parallel[] = [];
  const alone: Parallel[] = [];
  const noSteal: Parallel[] = [];
  const inWorker: InWorker[] = [];
  try {
    // Warm-up: the Workers compile the model.
    await timedParallel(pool);
    await timedParallel(pool, "never");
    await timedParallel(one);
    await searchInWorker(peer);
    await searchInWorker(peer);
    // Rotate the order each round, so all five see the same load.
    const steps: (() => Promise<void> | void)[] = [
      () => void singles.push(timed(false)),
      async () => void parallel.push(await timedParallel(pool)),
      async () => void noSteal.push(await timedParallel(pool, "never")),
      async () => void alone.push(await timedParallel(one)),
      async () => void inWorker.push(await searchInWorker(peer)),
    ];
    for (let i = 0; i < runs; i++) {
      for (let k = 0; k < steps.length; k++) {
        await steps[(i + k) % steps.length]!();
      }
    }
  } finally {
    pool.close();
    one.close();
    peer.terminate();
  }
  const middle = [...singles].sort((a, b) =>
    a.report.seconds - b.report.seconds
  )[Math.floor(runs / 2)]!;
  const report = middle.report;
  const reduced = timed(true).report;
  const por = timed(false, "por").report;
  const approximate = (["bitstate", "hashcompact"] as const).map((mode) => {
    const r = exploreBitstate(MODEL, { mode });
    return {
      mode,
      states: r.states,
      seconds: r.seconds,
      statesPerSecond: r.statesPerSecond,
      bytesPerState: r.bytesPerState,
      hashFactor: r.hashFactor,
      omissionProbability: r.omissionProbability,
    };
  });
  const cpu = medianOrNull(singles.map((r) => r.cpu));
  return {
    model: "2 producers, 2 consumers, mutex, textbook, slots 4, 6 items each",
    states: report.states,
    transitions: report.transitions,
    seconds: median(singles.map((r) => r.report.seconds)),
    statesPerSecond: report.states /
      median(singles.map((r) => r.report.seconds)),
    cpuSeconds: cpu,
    statesPerCpuSecond: cpu === null ? null : report.states / cpu,
    bytesPerState: report.bytesPerState,
    coldSeconds: cold.report.seconds,
    runs,
    symmetry: {
      states: reduced.states,
      seconds: reduced.seconds,
      statesPerSecond: reduced.statesPerSecond,
    },
    por: {
      states: por.states,
      seconds: por.seconds,
      statesPerSecond: por.statesPerSecond,
    },
    parallel: parallelFigures(parallel, singles, inWorker),
    oneWorker: parallelFigures(alone, singles, inWorker),
    noStealing: parallelFigures(noSteal, singles, inWorker),
    stealingGain: pairedRatio(
      noSteal.map((r) => r.report.seconds),
      parallel.map((r) => r.report.seconds),
    ),
    inWorker: {
      seconds: median(inWorker.map((r) => r.seconds)),
      statesPerSecond: report.states / median(inWorker.map((r) => r.seconds)),
      cpuSeconds: median(inWorker.map((r) => r.cpuSeconds)),
    },
    scaling: pairedRatio(
      alone.map((r) => r.report.seconds),
      parallel.map((r) => r.report.seconds),
    ),
    approximate,
  };
}

function flag(name: string, fallback: number): number {
  const at = Deno.args.indexOf(name);
  const value = at >= 0 ? Number(Deno.args[at + 1]) : fallback;
  if (!Number.isInteger(value) || value < 1) {
    console.error(`bench/explorer.ts: ${name} must be a positive integer`);
    Deno.exit(2);
  }
  return value;
}

if (import.meta.main) {
  const f = await runExplorerBench({
    runs: flag("--runs", 5),
    workers: flag("--workers", 2),
  });
  const n = (x: number) => Math.round(x).toLocaleString("en-US");
  const s = (x: number | null) => x === null ? "?" : x.toFixed(3);
  console.log(`model: ${f.model}`);
  console.log(
    `states ${n(f.states)}, transitions ${
      n(f.transitions)
    }, medians of ${f.runs} rounds (single thread, Workers, Workers without stealing, one Worker, explore() in a Worker, rotating; ratios: medians of per-round ratios):`,
  );
  console.log(
    `single thread: ${f.seconds.toFixed(3)} s wall, ${
      n(f.statesPerSecond)
    } states/s; ${s(f.cpuSeconds)} s CPU` +
      (f.statesPerCpuSecond === null
        ? ""
        : `, ${n(f.statesPerCpuSecond)} states per CPU second`) +
      `; ${f.bytesPerState.toFixed(1)} bytes/state`,
  );
  console.log(
    `explore() in a Worker: ${f.inWorker.seconds.toFixed(3)} s wall, ${
      n(f.inWorker.statesPerSecond)
    } states/s; ${s(f.inWorker.cpuSeconds)} s CPU of its thread`,
  );
  for (const p of [f.parallel, f.noStealing, f.oneWorker]) {
    console.log(
      `on ${p.workers} Worker${p.workers === 1 ? "" : "s"}${
        p === f.noStealing ? " without stealing" : ""
      }: ${n(p.states)} states, ${p.seconds.toFixed(3)} s wall, ${
        n(p.statesPerSecond)
      } states/s, ${p.speedup.toFixed(2)}x the single thread's speed (${
        p.speedupOverWorker.toFixed(2)
      }x explore() in a Worker); ${s(p.cpuSeconds)} s CPU (Workers ${
        p.workerCpuSeconds.map(s).join(" + ")
      }), single CPU / this CPU ${
        p.cpuRatio === null ? "?" : p.cpuRatio.toFixed(2)
      }; ${p.bytesPerState.toFixed(1)} bytes/state`,
    );
    const ms = (x: number) => (x * 1000).toFixed(1);
    p.phases.forEach((w, i) =>
      console.log(
        `  Worker ${i} (medians, ms): start ${ms(w.startDelay)}, expanding ${
          ms(w.expanding)
        }, early ${ms(w.early)} (${n(w.earlyStates)} states), barriers ${
          ms(w.waiting)
        } (${w.sleeps} of ${w.levels} slept; waking ${
          ms(w.wakeDelay)
        }), draining ${ms(w.draining)}, reply ${ms(w.replyDelay)}; ${
          n(w.sent)
        } states sent, ${n(w.stolen)} stolen`,
      )
    );
  }
  console.log(
    `${f.parallel.workers} Workers ÷ 1 Worker: ${
      f.scaling.toFixed(2)
    }x; with stealing ÷ without: ${f.stealingGain.toFixed(2)}x`,
  );
  console.log(`cold first run (single thread): ${f.coldSeconds.toFixed(3)} s`);
  console.log(
    `symmetry reduction: ${n(f.symmetry.states)} states, ${
      f.symmetry.seconds.toFixed(3)
    } s, ${n(f.symmetry.statesPerSecond)} states/s`,
  );
  for (const a of f.approximate) {
    console.log(
      `${a.mode}: ${n(a.states)} states, ${a.seconds.toFixed(3)} s, ${
        n(a.statesPerSecond)
      } states/s, ${a.bytesPerState.toFixed(1)} bytes/state, hash factor ${
        a.hashFactor.toPrecision(3)
      }, probability of omission ${a.omissionProbability.toPrecision(2)}`,
    );
  }
  console.log(
    `partial-order reduction: ${n(f.por.states)} states, ${
      f.por.seconds.toFixed(3)
    } s, ${n(f.por.statesPerSecond)} states/s`,
  );
}
