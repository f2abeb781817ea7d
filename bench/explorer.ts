// Copyright 2025 the ringproof authors. MIT license.
/**
 * The model checker's speed: the explorer on the 2-producer/2-consumer mutex
 * model (`slots` 4, 6 items per producer), single-threaded.
 *
 * `deno run --allow-read bench/explorer.ts [--runs N]` prints the figures
 * (single thread, on 2 Workers side by side, bitstate and hash compaction);
 * `bench/run.ts` calls {@linkcode runExplorerBench} (through
 * `bench/explorer_bench.ts`) for its report.
 *
 * Method: one warm-up exploration (JIT), then `runs` measured ones; the
 * figures are the run with the median wall time. CPU seconds (user + system,
 * this process) are reported beside wall seconds because other work on a
 * shared machine inflates wall time only.
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
} from "../model/mod.ts";

/** The bench model's parameters. */
export const BENCH_MODEL = {
  producers: 2,
  consumers: 2,
  slots: 4,
  items: 6,
  sync: "mutex",
} as const;

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
   * The same model on Workers (`exploreParallel`, warm pool), run in
   * alternation with the single-thread runs above: medians of each, and the
   * single-thread median wall time ÷ the parallel one.
   */
  parallel: {
    workers: number;
    states: number;
    seconds: number;
    statesPerSecond: number;
    /** CPU seconds of the median run, all threads of this process. */
    cpuSeconds: number | null;
    /** Single-thread median seconds ÷ parallel median seconds. */
    speedup: number;
    bytesPerState: number;
  };
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

function timed(symmetry: boolean, reduction: "none" | "por" = "none") {
  const cpu = cpuNow();
  const report = explore(boundedBuffer(BENCH_MODEL), { symmetry, reduction });
  const after = cpuNow();
  if (report.verdict !== "pass") {
    throw new Error(`The bench model must pass, got ${report.verdict}`);
  }
  return { report, cpu: cpu === null || after === null ? null : after - cpu };
}

/**
 * Runs the explorer benchmark.
 *
 * @param options `runs`: measured runs after the warm-up (default 5) of each
 *   of the single-thread and the parallel search, alternating; `workers`:
 *   the parallel search's Workers (default 2).
 * @returns The figures of the median runs, plus the reduced and approximate runs.
 *
 * @example A quick run
 * ```ts ignore
 * import { runExplorerBench } from "./explorer.ts";
 *
 * const figures = await runExplorerBench({ runs: 1 });
 * console.log(figures.statesPerSecond);
 * ```
 */
export async function runExplorerBench(
  options: { runs?: number; workers?: number } = {},
): Promise<ExplorerFigures> {
  const runs = options.runs ?? 5;
  const workers = options.workers ?? 2;
  const cold = timed(false);
  const pool = new ExplorerPool(workers);
  const measured: ReturnType<typeof timed>[] = [];
  const parallelRuns: Awaited<ReturnType<typeof timedParallel>>[] = [];
  try {
    await timedParallel(pool); // warm-up: the Workers compile the model
    // Alternate, so both see the same load.
    for (let i = 0; i < runs; i++) {
      if (i % 2 === 0) {
        measured.push(timed(false));
        parallelRuns.push(await timedParallel(pool));
      } else {
        parallelRuns.push(await timedParallel(pool));
        measured.push(timed(false));
      }
    }
  } finally {
    pool.close();
  }
  measured.sort((a, b) => a.report.seconds - b.report.seconds);
  parallelRuns.sort((a, b) => a.report.seconds - b.report.seconds);
  const { report, cpu } = measured[Math.floor(runs / 2)]!;
  const middle = parallelRuns[Math.floor(runs / 2)]!;
  const reduced = timed(true).report;
  const por = timed(false, "por").report;
  const approximate = (["bitstate", "hashcompact"] as const).map((mode) => {
    const r = exploreBitstate(boundedBuffer(BENCH_MODEL), { mode });
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
  return {
    model: "2 producers, 2 consumers, mutex, textbook, slots 4, 6 items each",
    states: report.states,
    transitions: report.transitions,
    seconds: report.seconds,
    statesPerSecond: report.statesPerSecond,
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
    parallel: {
      workers,
      states: middle.report.states,
      seconds: middle.report.seconds,
      statesPerSecond: middle.report.statesPerSecond,
      cpuSeconds: middle.cpu,
      speedup: report.seconds / middle.report.seconds,
      bytesPerState: middle.report.bytesPerState,
    },
    approximate,
  };
}

async function timedParallel(pool: ExplorerPool) {
  const cpu = cpuNow();
  const report = await exploreParallel(bufferSource(BENCH_MODEL), { pool });
  const after = cpuNow();
  if (report.verdict !== "pass") {
    throw new Error(`The bench model must pass, got ${report.verdict}`);
  }
  return { report, cpu: cpu === null || after === null ? null : after - cpu };
}

if (import.meta.main) {
  const at = Deno.args.indexOf("--runs");
  const runs = at >= 0 ? Number(Deno.args[at + 1]) : 5;
  if (!Number.isInteger(runs) || runs < 1) {
    console.error("bench/explorer.ts: --runs must be a positive integer");
    Deno.exit(2);
  }
  const f = await runExplorerBench({ runs });
  const n = (x: number) => Math.round(x).toLocaleString("en-US");
  console.log(`model: ${f.model}`);
  console.log(
    `states ${n(f.states)}, transitions ${
      n(f.transitions)
    }, median of ${f.runs} warm runs:`,
  );
  console.log(
    `  ${f.seconds.toFixed(3)} s wall, ${n(f.statesPerSecond)} states/s` +
      (f.cpuSeconds === null
        ? ""
        : `; ${f.cpuSeconds.toFixed(3)} s CPU, ${
          n(f.statesPerCpuSecond!)
        } states per CPU second`),
  );
  console.log(`  ${f.bytesPerState.toFixed(1)} bytes/state of visited set`);
  console.log(`  cold first run: ${f.coldSeconds.toFixed(3)} s`);
  console.log(
    `symmetry reduction: ${n(f.symmetry.states)} states, ${
      f.symmetry.seconds.toFixed(3)
    } s, ${n(f.symmetry.statesPerSecond)} states/s`,
  );
  const p = f.parallel;
  console.log(
    `on ${p.workers} Workers (alternating with the runs above): ${
      n(p.states)
    } states, ${p.seconds.toFixed(3)} s wall, ${
      n(p.statesPerSecond)
    } states/s, ${p.speedup.toFixed(2)}x the single thread${
      p.cpuSeconds === null ? "" : `; ${p.cpuSeconds.toFixed(3)} s CPU`
    }, ${p.bytesPerState.toFixed(1)} bytes/state`,
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
