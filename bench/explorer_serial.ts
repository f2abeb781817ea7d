// Copyright 2025 the ringproof authors. MIT license.
/**
 * The split's software cost alone: the partitioned BFS of exploreParallel,
 * run for two owners on ONE thread, against the plain BFS of `explore()`, on
 * the bench model. Both loops are written the same way here (one store, or
 * two stores and the two queues between them); no second core, no barrier,
 * no shared memory: what the serial split costs more is what queueing a
 * successor and storing it later costs in instructions and cache misses.
 *
 * `deno run --allow-read bench/explorer_serial.ts [--rounds N]`
 *
 * @module
 */

import { boundedBuffer } from "../model/mod.ts";
import type { PackedModel } from "../model/types.ts";
import { hashWords, PackedStore } from "../model/_explore/visited.ts";
import { ownerOf } from "../model/_explore/parallel_control.ts";
import { BENCH_MODEL } from "./_explorer_model.ts";
import { median } from "./_stats.ts";

const pm = boundedBuffer(BENCH_MODEL).packed! as PackedModel<unknown, unknown>;
const words = pm.words;

/** The plain BFS: one store, each successor stored at once. */
function plain(): number {
  const store = new PackedStore(words);
  const succ = new Int32Array(pm.maxSuccessors * words);
  const acts = new Int32Array(pm.maxSuccessors);
  const roots = pm.initial().slice();
  for (let at = 0; at < roots.length; at += words) store.add(roots, at, -1);
  let bad = 0;
  for (let i = 0; i < store.count; i++) {
    const n = pm.successors(store.page(i), store.offset(i), succ, acts);
    for (let k = 0; k < n; k++) {
      const at = k * words;
      const index = store.addHashed(succ, at, i, hashWords(succ, at, words));
      if (index >= 0) bad |= pm.violations(succ, at) | pm.facts(succ, at);
    }
  }
  if (bad < 0) throw new Error("unreachable");
  return store.count;
}

/**
 * The partitioned BFS for `owners` owners on this thread: per level, each
 * owner expands its states, stores what it owns and queues the rest, then
 * each stores what was queued for it.
 */
function split(owners: number, queueing = true): number {
  const stores = Array.from({ length: owners }, () => new PackedStore(words));
  const stride = words + 2;
  const queues = Array.from(
    { length: owners },
    () => ({ data: new Int32Array(1 << 12), length: 0 }),
  );
  const succ = new Int32Array(pm.maxSuccessors * words);
  const acts = new Int32Array(pm.maxSuccessors);
  const roots = pm.initial().slice();
  for (let at = 0; at < roots.length; at += words) {
    const hash = hashWords(roots, at, words);
    stores[ownerOf(hash, owners)]!.addHashed(roots, at, -1, hash);
  }
  const from = new Array<number>(owners).fill(0);
  let bad = 0;
  for (;;) {
    const ends = stores.map((s) => s.count);
    if (ends.every((end, w) => end === from[w])) break;
    for (let w = 0; w < owners; w++) {
      const store = stores[w]!;
      for (let i = from[w]!; i < ends[w]!; i++) {
        const n = pm.successors(store.page(i), store.offset(i), succ, acts);
        const parent = i * owners + w;
        for (let k = 0; k < n; k++) {
          const at = k * words;
          const hash = hashWords(succ, at, words);
          const to = ownerOf(hash, owners);
          if (to === w || !queueing) {
            const index = stores[to]!.addHashed(succ, at, parent, hash);
            if (index >= 0) bad |= pm.violations(succ, at) | pm.facts(succ, at);
            continue;
          }
          const q = queues[to]!;
          if (q.length + stride > q.data.length) {
            const bigger = new Int32Array(q.data.length * 2);
            bigger.set(q.data);
            q.data = bigger;
          }
          const data = q.data;
          const p = q.length;
          for (let x = 0; x < words; x++) data[p + x] = succ[at + x]!;
          data[p + words] = parent;
          data[p + words + 1] = hash;
          q.length = p + stride;
        }
      }
      from[w] = ends[w]!;
    }
    for (let w = 0; w < owners; w++) {
      const q = queues[w]!;
      const store = stores[w]!;
      const data = q.data;
      for (let at = 0; at < q.length; at += stride) {
        const index = store.addHashed(
          data,
          at,
          data[at + words]!,
          data[at + words + 1]! >>> 0,
        );
        if (index >= 0) bad |= pm.violations(data, at) | pm.facts(data, at);
      }
      q.length = 0;
    }
  }
  if (bad < 0) throw new Error("unreachable");
  return stores.reduce((n, s) => n + s.count, 0);
}

function main(): void {
  const at = Deno.args.indexOf("--rounds");
  const rounds = at >= 0 ? Number(Deno.args[at + 1]) : 9;
  const contenders: [string, () => number][] = [
    ["plain", plain],
    ["split 1", () => split(1)],
    ["split 2, no queue", () => split(2, false)],
    ["split 2", () => split(2)],
  ];
  for (const [, run] of contenders) run();
  const times = new Map<string, number[]>(contenders.map(([n]) => [n, []]));
  let states = 0;
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < contenders.length; k++) {
      const [name, run] = contenders[(r + k) % contenders.length]!;
      const t0 = performance.now();
      states = run();
      times.get(name)!.push(performance.now() - t0);
    }
  }
  const base = times.get("plain")!;
  for (const [name, t] of times) {
    console.log(
      `${name}: median ${
        median(t).toFixed(1)
      } ms (${states} states), ÷ plain per round ${
        median(t.map((x, i) => x / base[i]!)).toFixed(3)
      }x`,
    );
  }
}

if (import.meta.main) main();
