// Copyright 2025 the ringproof authors. MIT license.
/**
 * Our explorer side by side with the SPIN model checker on the same model:
 * the 2-producer/2-consumer mutex bounded buffer, `slots` 4, 6 items per
 * producer (`bench/promela/bounded_buffer_mutex.pml`, the Promela twin of
 * `boundedBuffer(BENCH_MODEL)`; both store 584,823 states).
 *
 * `deno run --allow-read --allow-write --allow-run --allow-env bench/spin.ts [--runs N]`
 * prints a Markdown table. Without `spin` or `gcc` it says so and exits 0.
 *
 * Method: for each SPIN variant, `spin -a` and `gcc -O2` are timed once
 * (compile time); then `./pan` runs `runs` times, single-threaded, and the
 * run with the median search time (pan's own "elapsed time") is reported.
 * Our figures come from `runExplorerBench` in the same process run (median
 * of `runs` warm explorations). Bytes per state: SPIN's "total actual
 * memory usage" (states, hash table, DFS stack) over states stored; ours is
 * the visited set (keys, parents, hash table) over states.
 *
 * @module
 */

import { type ExplorerFigures, runExplorerBench } from "./explorer.ts";
import {
  buildPan,
  hasTool,
  type PanFigures,
  removeBuild,
  runPan,
  type SpinVariant,
} from "./_spin.ts";

/** The SPIN variants measured. */
export const SPIN_VARIANTS: readonly SpinVariant[] = [
  {
    name: "SPIN exhaustive, no POR (-DNOREDUCE)",
    gccFlags: ["-DSAFETY", "-DNOREDUCE"],
    panFlags: ["-w20"],
    lossy: false,
  },
  {
    name: "SPIN exhaustive, default POR",
    gccFlags: ["-DSAFETY"],
    panFlags: ["-w20"],
    lossy: false,
  },
  {
    name: "SPIN exhaustive, no POR, -DCOLLAPSE",
    gccFlags: ["-DSAFETY", "-DNOREDUCE", "-DCOLLAPSE"],
    panFlags: ["-w20"],
    lossy: false,
  },
  {
    name: "SPIN bitstate (lossy), no POR, -w26",
    gccFlags: ["-DSAFETY", "-DNOREDUCE", "-DBITSTATE"],
    panFlags: ["-w26"],
    lossy: true,
  },
];

/** One SPIN variant's figures. */
export interface SpinRow {
  /** The variant. */
  variant: SpinVariant;
  /** Wall seconds of `spin -a`. */
  generateSeconds: number;
  /** Wall seconds of `gcc -O2`. */
  compileSeconds: number;
  /** The median run (by pan's search time). */
  median: PanFigures;
  /** Every run's search seconds. */
  runSeconds: number[];
}

/** The whole comparison, or why there is none. */
export type SpinBenchResult =
  | { explorer: ExplorerFigures; spin: SpinRow[]; missing: null }
  | { explorer: null; spin: []; missing: string };

/**
 * Runs SPIN's variants and our explorer on the bench model.
 *
 * @param options `runs`: measured runs of each (default 5).
 * @returns The figures, or `missing` naming the absent tool.
 *
 * @example A quick run
 * ```ts ignore
 * import { runSpinBench } from "./spin.ts";
 *
 * const result = await runSpinBench({ runs: 1 });
 * if (result.missing === null) console.log(result.spin[0]!.median.states);
 * ```
 */
export async function runSpinBench(
  options: { runs?: number } = {},
): Promise<SpinBenchResult> {
  const runs = options.runs ?? 5;
  for (const tool of ["spin", "gcc"]) {
    if (!(await hasTool(tool))) {
      return { explorer: null, spin: [], missing: tool };
    }
  }
  const spin: SpinRow[] = [];
  for (const variant of SPIN_VARIANTS) {
    const build = await buildPan("bounded_buffer_mutex.pml", {
      gccFlags: variant.gccFlags,
    });
    try {
      const measured: PanFigures[] = [];
      for (let r = 0; r < runs; r++) {
        const figures = await runPan(build, variant.panFlags);
        if (figures.errors !== 0) {
          throw new Error(
            `${variant.name}: pan reports ${figures.errors} errors`,
          );
        }
        measured.push(figures);
      }
      const sorted = [...measured].sort((a, b) => a.panSeconds - b.panSeconds);
      spin.push({
        variant,
        generateSeconds: build.generateSeconds,
        compileSeconds: build.compileSeconds,
        median: sorted[Math.floor(runs / 2)]!,
        runSeconds: measured.map((m) => m.panSeconds),
      });
    } finally {
      await removeBuild(build);
    }
  }
  const explorer = await runExplorerBench({ runs });
  return { explorer, spin, missing: null };
}

function _n(x: number): string {
  return Math.round(x).toLocaleString("en-US");
}

function _ratio(x: number): string {
  return Number.isFinite(x) ? `${x.toFixed(2)}×` : "–";
}

/**
 * The comparison as a Markdown table, with ratios ours ÷ SPIN's (states/s:
 * above 1 is faster; bytes/state: below 1 is smaller).
 *
 * @param explorer Our explorer's figures.
 * @param spin SPIN's rows.
 * @returns The Markdown table.
 */
export function spinTable(
  explorer: ExplorerFigures,
  spin: readonly SpinRow[],
): string {
  const lines = [
    "| checker | states | transitions | compile s (spin -a + gcc) | search s | states/s | bytes/state | ours ÷ SPIN states/s | ours ÷ SPIN bytes/state |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    `| ringproof explorer (no reduction) | ${_n(explorer.states)} | ${
      _n(explorer.transitions)
    } | – (cold first run ${explorer.coldSeconds.toFixed(3)}) | ${
      explorer.seconds.toFixed(3)
    } | ${_n(explorer.statesPerSecond)} | ${
      explorer.bytesPerState.toFixed(1)
    } | | |`,
  ];
  for (const row of spin) {
    const m = row.median;
    const rate = m.states / m.panSeconds;
    const bytes = m.memoryBytes / m.states;
    lines.push(
      `| ${row.variant.name} | ${_n(m.states)} | ${_n(m.transitions)} | ${
        row.generateSeconds.toFixed(2)
      } + ${row.compileSeconds.toFixed(2)} | ${m.panSeconds.toFixed(3)} | ${
        _n(rate)
      } | ${bytes.toFixed(1)} | ${_ratio(explorer.statesPerSecond / rate)} | ${
        _ratio(explorer.bytesPerState / bytes)
      } |`,
    );
  }
  return lines.join("\n");
}

if (import.meta.main) {
  const at = Deno.args.indexOf("--runs");
  const runs = at >= 0 ? Number(Deno.args[at + 1]) : 5;
  if (!Number.isInteger(runs) || runs < 1) {
    console.error("bench/spin.ts: --runs must be a positive integer");
    Deno.exit(2);
  }
  const result = await runSpinBench({ runs });
  if (result.missing !== null) {
    console.log(
      `bench/spin.ts: ${result.missing} not found; skipping the SPIN comparison (Debian: apt-get install -y spin gcc).`,
    );
    Deno.exit(0);
  }
  console.log(`model: ${result.explorer.model}; median of ${runs} runs each`);
  console.log("");
  console.log(spinTable(result.explorer, result.spin));
  console.log("");
  for (const row of result.spin) {
    console.log(
      `${row.variant.name}: search s per run ${
        row.runSeconds.map((s) => s.toFixed(2)).join(", ")
      }; pan process wall ${
        row.median.wallSeconds.toFixed(3)
      } s; state vector ${row.median.stateVectorBytes} B`,
    );
  }
}
