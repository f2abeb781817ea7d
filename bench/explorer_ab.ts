// Copyright 2025 the ringproof authors. MIT license.
/**
 * Two trees' parallel explorer side by side in one process: for each tree
 * (a checkout's root directory), `exploreParallel` on warm pools of 2 and 1
 * Workers, and `explore()` in a Worker, rotating all of them each round as
 * bench/explorer.ts does, so all see the same load. Prints per contender the
 * median wall time, `explore()` in a Worker ÷ it per round (and the median),
 * and the Workers' phases summed (expanding, draining, barriers, CPU).
 *
 * `deno run --allow-read bench/explorer_ab.ts /path/to/main,/path/to/branch [rounds]`
 *
 * @module
 */

import { peerWorker, searchInWorker } from "./_explorer_peer.ts";
import { median } from "./_stats.ts";

interface Row {
  seconds: number;
  exp: number;
  drain: number;
  wait: number;
  cpu: number;
}

interface Phases {
  expanding: number;
  draining: number;
  waiting: number;
}

async function main(): Promise<void> {
  if (Deno.args.length < 1) {
    console.error("usage: bench/explorer_ab.ts ROOT[,ROOT...] [rounds]");
    Deno.exit(2);
  }
  const roots = Deno.args[0]!.split(",");
  const rounds = Number(Deno.args[1] ?? 7);
  const mods = await Promise.all(
    roots.map((r) => import(`file://${r}/model/mod.ts`)),
  );
  const { BENCH_MODEL } = await import("./_explorer_model.ts");
  const peer = await peerWorker();
  const inWorker = async (): Promise<Row> => {
    const { seconds, cpuSeconds } = await searchInWorker(peer);
    return { seconds, exp: 0, drain: 0, wait: 0, cpu: cpuSeconds };
  };
  const steps: [string, () => Promise<Row>][] = [[
    "explore() in a Worker",
    inWorker,
  ]];
  const pools: { close(): void }[] = [];
  mods.forEach((m, i) => {
    for (const w of [2, 1]) {
      const pool = new m.ExplorerPool(w);
      pools.push(pool);
      steps.push([`${roots[i]!.split("/").pop()} ${w}W`, async () => {
        const rep = await m.exploreParallel(m.bufferSource(BENCH_MODEL), {
          pool,
        });
        if (rep.verdict !== "pass") {
          throw new Error("The bench model must pass");
        }
        const p = rep.workerPhases as Phases[];
        return {
          seconds: rep.seconds,
          exp: p.reduce((a, x) => a + x.expanding, 0),
          drain: p.reduce((a, x) => a + x.draining, 0),
          wait: p.reduce((a, x) => a + x.waiting, 0),
          cpu: (rep.workerCpuSeconds as number[]).reduce((a, b) => a + b, 0),
        };
      }]);
    }
  });
  const results = new Map<string, Row[]>(steps.map(([n]) => [n, []]));
  try {
    for (let r = -2; r < rounds; r++) {
      for (let k = 0; k < steps.length; k++) {
        const [name, run] = steps[(r + 2 + k) % steps.length]!;
        const row = await run();
        if (r >= 0) results.get(name)!.push(row);
      }
    }
  } finally {
    peer.terminate();
    pools.forEach((p) => p.close());
  }
  const peerSeconds = results.get("explore() in a Worker")!.map((x) =>
    x.seconds
  );
  for (const [name, rows] of results) {
    const ms = (f: (x: Row) => number) =>
      (median(rows.map(f)) * 1000).toFixed(1);
    const ratios = rows.map((x, i) => peerSeconds[i]! / x.seconds);
    console.log(
      `${name.padEnd(24)} wall ${ms((x) => x.seconds)} ms; in-Worker ÷ this ${
        median(ratios).toFixed(2)
      }x [${ratios.map((x) => x.toFixed(2)).join(" ")}]; sums: expanding ${
        ms((x) => x.exp)
      }, draining ${ms((x) => x.drain)}, barriers ${ms((x) => x.wait)}, cpu ${
        ms((x) => x.cpu)
      }`,
    );
  }
}

if (import.meta.main) await main();
