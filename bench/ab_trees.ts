/**
 * Two checkouts' rings side by side: A/B runs of one spin case (one way:
 * `tryPush` spinning in one Worker, `tryPop` in another; or the round trip
 * through two rings), of the blocking or async one-way case
 * (`--mode=blocking`: `push`/`pop`; `--mode=async`: `await pushAsync` /
 * `popAsync`) or of a many-producer shape (`--mode=many`: blocking
 * `push`/`pop` on a sequence ring, one Worker a role, as `bench/mpmc.ts`
 * runs it), alternating A and B round by round in one process, each run in
 * fresh Workers that load that tree's `mod.ts`, warm up untimed on rings of
 * their own (many: two runs, see `WARMUPS` in `bench/mpmc.ts`), and wait for
 * one start signal. Prints the median rates and the per-round ratio B ÷ A as
 * a median, a geometric mean and quartiles. `--mode=bulk --batch=N` moves
 * 16 Mi int32s from one array into another with `pushMany`/`popMany` by
 * range, N at a time (the bench's bulk cases), after three untimed whole
 * runs; with `--v8-flags=--expose-gc` each Worker makes a full collection
 * before the clock, as `deno task bench` does for those cases.
 *
 * Why: on the bench host a spin run's rate swings 0.3-3x from one run to the
 * next (the two vCPUs land on cores close or far apart), so a change of
 * 10-40% shows only over many paired rounds: an A/A run of 101 rounds gave
 * 0.96-0.98, where 21 rounds left ±15%. Every run is verified (the
 * consumer's checksum, the round trips' echo).
 *
 * `deno run --allow-read bench/ab_trees.ts A B [--slots=1024] [--rounds=101] [--scheme=textbook|counter|sequence] [--mode=spin|blocking|async|ping|many|bulk] [--shape=1x2] [--batch=4096] [--items=N]`
 * (A and B: paths of two checkouts, e.g. a `git worktree` of main and this one)
 *
 * @module
 */
import { nextMessage } from "./_message.ts";
import { SPAN } from "./_mpmc_protocol.ts";
import { median } from "./_stats.ts";

/** Items one way per run; round trips per run, and items per producer of a many-producer run, are a tenth. */
const ITEMS = 2_000_000;
/** Items of a bulk run: the bench's bulk cases' 16 Mi int32s (64 MiB arrays). */
const BULK_ITEMS = 1 << 24;

/** What a Worker of `_ab_trees_worker.ts` is asked to do. */
export interface AbTask {
  readonly tree: string;
  readonly role: "producer" | "consumer";
  readonly mode: "spin" | "blocking" | "async" | "ping" | "many" | "bulk";
  /** Bulk: items a `pushMany`/`popMany` call. */
  readonly batch: number;
  /** Items (a producer's, with many), or round trips. */
  readonly count: number;
  /** The warm-up's rings and the timed run's (ping: two each; many: the two warm-ups' rings, and one). */
  readonly warm: readonly SharedArrayBuffer[];
  readonly timed: readonly SharedArrayBuffer[];
  /** One int32: 0 until the clock starts. */
  readonly go: SharedArrayBuffer;
  /** Many: this producer's (consumer's) index, and how many producers. */
  readonly id: number;
  readonly producers: number;
  /** Many: producers done, per ring (warm-ups', then the timed one's); the last closes its ring. */
  readonly done: SharedArrayBuffer;
}

/** Bulk: untimed whole runs before the timed one, as the bench's bulk cases. */
export const BULK_WARMUPS = 3;

/** Parsed flags. */
interface AbFlags {
  readonly trees: readonly [string, string];
  readonly slots: number;
  readonly rounds: number;
  readonly scheme: "textbook" | "counter" | "sequence";
  readonly mode: "spin" | "blocking" | "async" | "ping" | "many" | "bulk";
  /** Many: producers and consumers. */
  readonly shape: readonly [number, number];
  /** Bulk: items a call. */
  readonly batch: number;
  /** Items one way (and of a bulk run); round trips and a producer's items are a tenth. */
  readonly items: number | null;
}

function parse(args: readonly string[]): AbFlags {
  const trees: string[] = [];
  let slots = 1024;
  let rounds = 101;
  let scheme: AbFlags["scheme"] = "textbook";
  let mode: AbFlags["mode"] = "spin";
  let shape: AbFlags["shape"] = [1, 2];
  let batch = 4096;
  let items: number | null = null;
  for (const arg of args) {
    const [name, value = ""] = arg.split("=", 2) as [string, string?];
    if (!name.startsWith("--")) trees.push(arg);
    else if (name === "--slots") slots = Number(value);
    else if (name === "--rounds") rounds = Number(value);
    else if (
      name === "--scheme" &&
      (value === "textbook" || value === "counter" || value === "sequence")
    ) {
      scheme = value;
    } else if (
      name === "--mode" &&
      (value === "spin" || value === "blocking" || value === "async" ||
        value === "ping" || value === "many" || value === "bulk")
    ) {
      mode = value;
    } else if (name === "--shape" && /^[1-9]x[1-9]$/.test(value)) {
      shape = [Number(value[0]), Number(value[2])];
    } else if (name === "--batch") batch = Number(value);
    else if (name === "--items") items = Number(value);
    else throw new TypeError(`unknown flag ${arg} (see bench/ab_trees.ts)`);
  }
  if (trees.length !== 2) {
    throw new TypeError(
      `two checkouts expected (A and B), received ${trees.length}`,
    );
  }
  if (!Number.isInteger(rounds) || rounds < 1) {
    throw new RangeError(`--rounds must be a positive integer: ${rounds}`);
  }
  if (!Number.isInteger(slots) || slots < 2) {
    throw new RangeError(`--slots must be an integer >= 2: ${slots}`);
  }
  if (!Number.isInteger(batch) || batch < 1) {
    throw new RangeError(`--batch must be a positive integer: ${batch}`);
  }
  if (items !== null && (!Number.isInteger(items) || items < 10)) {
    throw new RangeError(`--items must be an integer >= 10: ${items}`);
  }
  return {
    trees: trees as [string, string],
    slots,
    rounds,
    scheme,
    mode,
    shape,
    batch,
    items,
  };
}

/**
 * The consumer's checksum of 0…count-1: their int32-wrapped sum (as
 * `_ab_trees_worker.ts` sums), from the closed form (exact below 2^53).
 */
function checksum(count: number): number {
  return ((count * (count - 1) / 2) % 2 ** 32) | 0;
}

/** The int32-wrapped sum of every producer's items `itemOf(p, 0…count-1)`. */
function manyChecksum(producers: number, count: number): number {
  let sum = 0;
  for (let p = 0; p < producers; p++) {
    sum = (sum + ((p * SPAN * count + count * (count - 1) / 2) % 2 ** 32)) | 0;
  }
  return sum;
}

/** One timed run of `tree`: items (or round trips) a second, in millions. */
async function run(tree: string, flags: AbFlags): Promise<number> {
  const { createRing } = await import(new URL("mod.ts", tree).href);
  const many = flags.mode === "many";
  const ring = () =>
    createRing(
      many
        ? { slots: flags.slots, producers: "many", consumers: "many" }
        : { slots: flags.slots, scheme: flags.scheme },
    ) as SharedArrayBuffer;
  // Ping: two rings a run; many: two warm-up runs, on a ring each.
  const make = (n: number) => Array.from({ length: n }, ring);
  const [producers, consumers] = many ? flags.shape : [1, 1];
  const oneWay = flags.mode === "spin" || flags.mode === "blocking" ||
    flags.mode === "async";
  const items = flags.items ?? (flags.mode === "bulk" ? BULK_ITEMS : ITEMS);
  const count = oneWay || flags.mode === "bulk"
    ? items
    : Math.floor(items / 10);
  const go = new SharedArrayBuffer(4);
  const url = new URL("./_ab_trees_worker.ts", import.meta.url);
  const workers = Array.from(
    { length: producers + consumers },
    () => new Worker(url, { type: "module" }),
  );
  try {
    await Promise.all(workers.map((w) => nextMessage(w))); // "ready"
    const warm = make(
      oneWay ? 1 : flags.mode === "bulk" ? BULK_WARMUPS : 2,
    );
    const timed = make(flags.mode === "ping" ? 2 : 1);
    const done = new SharedArrayBuffer(3 * 4);
    const armed = workers.map((w) => nextMessage(w));
    workers.forEach((worker, k) =>
      worker.postMessage(
        {
          tree,
          role: k < producers ? "producer" : "consumer",
          mode: flags.mode,
          batch: flags.batch,
          count,
          warm,
          timed,
          go,
          id: k < producers ? k : k - producers,
          producers,
          done,
        } satisfies AbTask,
      )
    );
    await Promise.all(armed); // warmed up, waiting for go
    const ended = workers.map((w) => nextMessage<[number, number]>(w));
    const start = performance.timeOrigin + performance.now();
    const signal = new Int32Array(go);
    Atomics.store(signal, 0, 1);
    Atomics.notify(signal, 0);
    const results = await Promise.all(ended);
    const end = Math.max(...results.map(([t]) => t));
    const verified = flags.mode === "ping"
      ? results.every(([, n]) => n === count)
      : oneWay || flags.mode === "bulk"
      ? results[1]![1] === checksum(count)
      : results.slice(producers).reduce((sum, [, s]) => (sum + s) | 0, 0) ===
        manyChecksum(producers, count);
    if (!verified) {
      throw new Error(
        `${tree}: run not verified (${JSON.stringify(results)})`,
      );
    }
    return producers * count / ((end - start) / 1e3) / 1e6;
  } finally {
    for (const worker of workers) worker.terminate();
  }
}

if (import.meta.main) {
  const flags = parse(Deno.args);
  const [a, b] = flags.trees.map((tree) =>
    new URL(tree.endsWith("/") ? tree : `${tree}/`, `file://${Deno.cwd()}/`)
      .href
  ) as [string, string];
  await run(a, flags); // the modules' first load, untimed
  await run(b, flags);
  const rates: [number[], number[]] = [[], []];
  const ratios: number[] = [];
  for (let round = 0; round < flags.rounds; round++) {
    // A first in even rounds, B first in odd ones.
    const order = round % 2 === 0 ? [0, 1] : [1, 0];
    const got: number[] = [];
    for (const k of order) got[k] = await run(k === 0 ? a : b, flags);
    rates[0].push(got[0]!);
    rates[1].push(got[1]!);
    ratios.push(got[1]! / got[0]!);
  }
  const sorted = [...ratios].sort((x, y) => x - y);
  const geomean = Math.exp(
    ratios.reduce((s, r) => s + Math.log(r), 0) / ratios.length,
  );
  const unit = flags.mode === "ping" ? "M round trips/s" : "M items/s";
  const kind = flags.mode === "many"
    ? `${flags.shape[0]}x${flags.shape[1]}, sequence`
    : flags.mode === "bulk"
    ? `${flags.scheme}, batches of ${flags.batch}`
    : flags.scheme;
  console.log(
    `${flags.mode}, ${kind}, ${flags.slots} slots, ${flags.rounds} rounds: A ${
      median(rates[0]).toFixed(1)
    } ${unit}, B ${median(rates[1]).toFixed(1)} ${unit}; B ÷ A median ${
      median(ratios).toFixed(3)
    }, geometric mean ${geomean.toFixed(3)}, quartiles ${
      sorted[sorted.length >> 2]!.toFixed(2)
    }-${sorted[(3 * sorted.length) >> 2]!.toFixed(2)}`,
  );
  console.log(`A: ${a}\nB: ${b}`);
}
