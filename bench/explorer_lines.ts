// Copyright 2025 the ringproof authors. MIT license.
/**
 * What the parallel explorer's queue memory costs when it crosses cores: two
 * Workers take turns, one writing a level's worth of queue entries (5 words
 * each) into a SharedArrayBuffer and the other reading them back (as an owner
 * drains its queue), the same memory reused every turn (as the queues are).
 * Against: each Worker writing and reading its own region. Variants of the
 * reader: plain (the drain's loop), or a pre-pass that loads one word per
 * cache line first (all of the level's lines requested at once).
 *
 * `deno run --allow-read bench/explorer_lines.ts [--entries N] [--turns N]`
 *
 * @module
 */

const flag = (name: string, fallback: number) => {
  const at = Deno.args.indexOf(name);
  return at >= 0 ? Number(Deno.args[at + 1]) : fallback;
};

if (import.meta.main) {
  const entries = flag("--entries", 4096);
  const turns = flag("--turns", 400);
  const stride = 5;
  const sab = new SharedArrayBuffer(4 * (64 + 2 * entries * stride + 64));
  const url = new URL("./_explorer_lines_worker.ts", import.meta.url);
  const workers = [0, 1].map(() => new Worker(url, { type: "module" }));
  await Promise.all(
    workers.map((w) => new Promise((r) => (w.onmessage = r))),
  );
  const results: Record<string, number>[] = await Promise.all(
    workers.map((w, i) =>
      new Promise<Record<string, number>>((resolve) => {
        w.onmessage = (e) => resolve(e.data);
        w.postMessage({ sab, me: i, entries, turns });
      })
    ),
  );
  for (const w of workers) w.terminate();
  const r = results[0]!;
  const s = results[1]!;
  const f = (x: number) => x.toFixed(1);
  console.log(
    `ns per entry (${entries} entries a turn, ${turns} turns; Worker 0 writes, Worker 1 reads):`,
  );
  console.log(
    `  across cores: write ${f(r.crossWrite!)}, read ${
      f(s.crossRead!)
    }, read with a pre-pass ${
      f(s.crossPrefetch!)
    }, write after a pre-write pass ${f(r.crossPrewrite!)}`,
  );
  console.log(
    `  own memory:   write ${f(r.ownWrite!)}, read ${f(r.ownRead!)}`,
  );
}
