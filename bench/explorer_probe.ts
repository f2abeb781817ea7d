// Copyright 2025 the ringproof authors. MIT license.
/**
 * Where the parallel explorer's split costs: a probe beside bench/explorer.ts.
 *
 * `deno run --allow-read bench/explorer_probe.ts [--rounds N]` runs, in
 * rotating order each round, on the bench model:
 *
 * - `alone`: `explore()` in one Worker, the other core idle;
 * - `pair`: `explore()` in two Workers at once, two independent searches
 *   (what the host gives two CPU-bound threads that share nothing: each one's
 *   time ÷ `alone`'s is the host's own cost of running both cores);
 * - `2 W` and `1 W`: `exploreParallel` on two Workers and on one (warm pools).
 *
 * It prints each round's wall seconds and the threads' CPU seconds, then the
 * medians and the per-round ratios.
 *
 * @module
 */

import { bufferSource, exploreParallel, ExplorerPool } from "../model/mod.ts";
import { BENCH_MODEL } from "./_explorer_model.ts";
import { peerWorker, searchInWorker } from "./_explorer_peer.ts";
import { median } from "./_stats.ts";

async function parallel(pool: ExplorerPool) {
  const report = await exploreParallel(bufferSource(BENCH_MODEL), { pool });
  if (report.verdict !== "pass") {
    throw new Error(`The bench model must pass: ${report.verdict}`);
  }
  return {
    seconds: report.seconds,
    cpu: report.workerCpuSeconds.reduce<number>((a, b) => a + (b ?? NaN), 0),
    expanding: report.workerPhases.reduce((a, p) => a + p.expanding, 0),
    draining: report.workerPhases.reduce((a, p) => a + p.draining, 0),
    waiting: report.workerPhases.reduce((a, p) => a + p.waiting, 0),
  };
}

async function main(): Promise<void> {
  const at = Deno.args.indexOf("--rounds");
  const rounds = at >= 0 ? Number(Deno.args[at + 1]) : 7;
  const a = await peerWorker();
  const b = await peerWorker();
  const two = new ExplorerPool(2);
  const one = new ExplorerPool(1);
  type Row = Record<string, number>;
  const rows: Row[] = [];
  try {
    for (let i = 0; i < 2; i++) {
      await searchInWorker(a);
      await searchInWorker(b);
      await parallel(two);
      await parallel(one);
    }
    for (let r = 0; r < rounds; r++) {
      const row: Row = {};
      const steps = [
        async () => {
          const x = await searchInWorker(a);
          row.alone = x.seconds;
          row.aloneCpu = x.cpuSeconds;
        },
        async () => {
          const [x, y] = await Promise.all([
            searchInWorker(a),
            searchInWorker(b),
          ]);
          row.pair = (x.seconds + y.seconds) / 2;
          row.pairCpu = (x.cpuSeconds + y.cpuSeconds) / 2;
        },
        async () => {
          const x = await parallel(two);
          row.w2 = x.seconds;
          row.w2Cpu = x.cpu;
          row.w2Expand = x.expanding;
          row.w2Drain = x.draining;
          row.w2Wait = x.waiting;
        },
        async () => {
          const x = await parallel(one);
          row.w1 = x.seconds;
          row.w1Cpu = x.cpu;
          row.w1Expand = x.expanding;
        },
      ];
      for (let k = 0; k < steps.length; k++) {
        await steps[(r + k) % steps.length]!();
      }
      rows.push(row);
      const f = (x: number) => x.toFixed(3);
      console.log(
        `round ${r}: alone ${f(row.alone!)} s (cpu ${f(row.aloneCpu!)}), pair ${
          f(row.pair!)
        } s each (cpu ${f(row.pairCpu!)}), 2 W ${f(row.w2!)} s (cpu ${
          f(row.w2Cpu!)
        }, expanding ${f(row.w2Expand!)}, draining ${
          f(row.w2Drain!)
        }, waiting ${f(row.w2Wait!)} ms-sums), 1 W ${f(row.w1!)} s (cpu ${
          f(row.w1Cpu!)
        }, expanding ${f(row.w1Expand!)})`,
      );
    }
  } finally {
    a.terminate();
    b.terminate();
    two.close();
    one.close();
  }
  const m = (key: string) => median(rows.map((r) => r[key]!));
  const ratio = (x: string, y: string) =>
    median(rows.map((r) => r[x]! / r[y]!));
  console.log(
    `medians: alone ${m("alone").toFixed(3)} s, pair ${
      m("pair").toFixed(3)
    } s, 2 W ${m("w2").toFixed(3)} s, 1 W ${m("w1").toFixed(3)} s`,
  );
  console.log(
    `per-round medians: pair ÷ alone ${
      ratio("pair", "alone").toFixed(2)
    }x (CPU ${ratio("pairCpu", "aloneCpu").toFixed(2)}x); 2 W CPU ÷ 1 W CPU ${
      ratio("w2Cpu", "w1Cpu").toFixed(2)
    }x; 2 W expanding+draining ÷ 1 W expanding ${
      median(rows.map((r) => (r.w2Expand! + r.w2Drain!) / r.w1Expand!)).toFixed(
        2,
      )
    }x; alone ÷ 2 W ${ratio("alone", "w2").toFixed(2)}x`,
  );
}

if (import.meta.main) await main();
