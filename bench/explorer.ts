// Copyright 2025 the ringproof authors. MIT license.
/**
 * The model checker's speed: the explorer on the 2-producer/2-consumer mutex
 * model (`slots` 4, 6 items per producer), single-threaded.
 *
 * `deno run --allow-read bench/explorer.ts [--runs N]` prints the figures;
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
import { boundedBuffer, explore } from "../model/mod.ts";

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
 * @param options `runs`: measured runs after the warm-up (default 5).
 * @returns The figures of the median run, plus the symmetry-reduced run.
 *
 * @example A quick run
 * ```ts ignore
 * import { runExplorerBench } from "./explorer.ts";
 *
 * const figures = await runExplorerBench({ runs: 1 });
 * console.log(figures.statesPerSecond);
 * ```
 */
export function runExplorerBench(
  options: { runs?: number } = {},
): Promise<ExplorerFigures> {
  const runs = options.runs ?? 5;
  const cold = timed(false);
  const measured = Array.from({ length: runs }, () => timed(false));
  measured.sort((a, b) => a.report.seconds - b.report.seconds);
  const { report, cpu } = measured[Math.floor(runs / 2)]!;
  const reduced = timed(true).report;
  const por = timed(false, "por").report;
  return Promise.resolve({
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
  });
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
  console.log(
    `partial-order reduction: ${n(f.por.states)} states, ${
      f.por.seconds.toFixed(3)
    } s, ${n(f.por.statesPerSecond)} states/s`,
  );
}
