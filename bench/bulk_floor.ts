/**
 * Where the bulk cases' time goes: the copy ceiling of `deno task bench`
 * (one thread, `TypedArray.set` from a 64 MiB source into a 64 MiB sink),
 * the same copy split over two threads, this ring and ringbuf.js moving the
 * same arrays with two threads and with one (push, then pop, each batch:
 * both copies, no second core), and this ring with two threads on arrays
 * small enough to stay in cache (no memory traffic, only the ring), then
 * sketches of the ring's batch path (`_bulk_sketch.ts`: "sk" as this ring,
 * "sk-rb" as ringbuf.js, and variants flipping one choice each). Every
 * run plays in Workers started for it alone after untimed warm-up runs of the
 * same job in them, rounds alternate, figures are
 * medians, each ratio the median of the per-round ratios; every sink is
 * checked value by value after the clock stops. "Wall" is items ÷ the run's
 * time; "Steady" the receiving side's median 64 Ki-item stretch, which on a
 * loaded machine (where a pair of spinning threads stalls whenever one of
 * them is descheduled) still says what the pair does while both run — it is
 * not the bench's figure: on a quiet machine read the wall.
 *
 * `deno run --v8-flags=--expose-gc --allow-read --allow-sys=loadavg bench/bulk_floor.ts [--rounds=N] [--batch=256] [--slots=4096] [--warmups=3] [--only=ring,ringbuf,…]`
 *
 * @module
 */
import { RingBuffer } from "ringbuf.js";
import { Consumer, createRing, Producer } from "../mod.ts";
import {
  sketchBuffer,
  SKETCHES,
  sketchPop,
  sketchPush,
} from "./_bulk_sketch.ts";
import { rateText } from "./_format.ts";
import { loadAverage } from "./_machine.ts";
import { integerFlag } from "./_flags.ts";
import { median } from "./_stats.ts";

/** Items per run, as in the bulk cases: a 64 MiB source and sink. */
const COUNT = 16 * 2 ** 20;
/** The in-cache arrays' length (256 KiB each); positions wrap at it. */
const IN_CACHE = 2 ** 16;
const READY = 0;
const GO = 1;
const DONE = 2;

/** What one Worker does in one run. */
interface Job {
  readonly kind:
    | "copy"
    | "ring.push"
    | "ring.pop"
    | "ring.both"
    | "ringbuf.push"
    | "ringbuf.pop"
    | "ringbuf.both"
    | "sketch.push"
    | "sketch.pop";
  readonly ring: SharedArrayBuffer | null;
  readonly control: SharedArrayBuffer;
  readonly batch: number;
  /** The items [from, to) of the stream, stored at their index modulo `length`. */
  readonly from: number;
  readonly to: number;
  readonly length: number;
  /** The sketch variant's id in SKETCHES, for the sketch's kinds. */
  readonly sketch?: string;
}

/** A contender: the jobs of its Workers, given fresh buffers. */
interface Contender {
  /** For `--only`. */
  readonly id: string;
  readonly name: string;
  jobs(batch: number, slots: number, control: SharedArrayBuffer): Job[];
}

function job(
  kind: Job["kind"],
  ring: SharedArrayBuffer | null,
  control: SharedArrayBuffer,
  batch: number,
  span: { from?: number; to?: number; length?: number } = {},
): Job {
  const { from = 0, to = COUNT, length = COUNT } = span;
  return { kind, ring, control, batch, from, to, length };
}

const CONTENDERS: readonly Contender[] = [
  {
    id: "ceiling",
    name: "copy ceiling: TypedArray.set, 1 thread",
    jobs: (batch, _slots, control) => [job("copy", null, control, batch)],
  },
  {
    id: "copy2",
    name: "TypedArray.set, 2 threads, half the arrays each",
    jobs: (batch, _slots, control) => [
      job("copy", null, control, batch, { to: COUNT / 2 }),
      job("copy", null, control, batch, { from: COUNT / 2 }),
    ],
  },
  {
    id: "ring",
    name: "this ring, 2 threads",
    jobs: (batch, slots, control) => {
      const ring = createRing({ slots });
      return [
        job("ring.push", ring, control, batch),
        job("ring.pop", ring, control, batch),
      ];
    },
  },
  {
    id: "ringbuf",
    name: "ringbuf.js, 2 threads",
    jobs: (batch, slots, control) => {
      const ring = RingBuffer.getStorageForCapacity(slots - 1, Int32Array);
      return [
        job("ringbuf.push", ring, control, batch),
        job("ringbuf.pop", ring, control, batch),
      ];
    },
  },
  {
    id: "ring1",
    name: "this ring, 1 thread (push, then pop)",
    jobs: (batch, slots, control) => [
      job("ring.both", createRing({ slots }), control, batch),
    ],
  },
  {
    id: "ringbuf1",
    name: "ringbuf.js, 1 thread (push, then pop)",
    jobs: (batch, slots, control) => [
      job(
        "ringbuf.both",
        RingBuffer.getStorageForCapacity(slots - 1, Int32Array),
        control,
        batch,
      ),
    ],
  },
  {
    id: "ring-cache",
    name: "this ring, 2 threads, 256 KiB arrays (in cache)",
    jobs: (batch, slots, control) => {
      const ring = createRing({ slots });
      const span = { length: IN_CACHE };
      return [
        job("ring.push", ring, control, batch, span),
        job("ring.pop", ring, control, batch, span),
      ];
    },
  },
  ...Object.keys(SKETCHES).map(sketchContender),
];

/** A sketch variant (`_bulk_sketch.ts`) with two threads, from DRAM. */
function sketchContender(id: string): Contender {
  const [what, sketch] = SKETCHES[id]!;
  return {
    id,
    name: `sketch, ${what}, 2 threads`,
    jobs: (batch, slots, control) => {
      const ring = sketchBuffer(sketch, slots);
      return [
        { ...job("sketch.push", ring, control, batch), sketch: id },
        { ...job("sketch.pop", ring, control, batch), sketch: id },
      ];
    },
  };
}

// ---- The Worker's side ----

/** What a Worker reports: the first wrong index (or -1), its steady rate. */
interface Played {
  readonly wrong: number;
  /** Items/s in the median TICK-item stretch (0 for a producer). */
  readonly steady: number;
  /** The share of the receiving time spent in stretches over 4× the median. */
  readonly stalled: number;
}

/** Items between two time stamps of a receiving job. */
const TICK = 2 ** 16;

/**
 * Time stamps every TICK items received. On a loaded machine a thread of a
 * pair is now and then descheduled and the pair stalls; the median stretch
 * between stamps is the rate while both ran, which the wall clock is not.
 */
class Ticks {
  #stamps: Float64Array;
  #n = 0;
  #next = 0;

  constructor(count: number) {
    this.#stamps = new Float64Array(Math.ceil(count / TICK) + 1);
  }

  /** Notes the time when `done` items passed the next mark. */
  at(done: number): void {
    if (done < this.#next) return;
    this.#stamps[this.#n++] = performance.now();
    this.#next += TICK;
  }

  /** Items/s over the median stretch, and the share of time in stalls. */
  rate(): { steady: number; stalled: number } {
    const gaps: number[] = [];
    for (let i = 1; i < this.#n; i++) {
      gaps.push(this.#stamps[i]! - this.#stamps[i - 1]!);
    }
    if (gaps.length === 0) return { steady: 0, stalled: 0 };
    const typical = median(gaps);
    const total = gaps.reduce((sum, gap) => sum + gap, 0);
    const stalls = gaps.filter((gap) => gap > 4 * typical);
    return {
      steady: TICK / (typical / 1000),
      stalled: stalls.reduce((sum, gap) => sum + gap, 0) / total,
    };
  }
}

/** Runs `job` between GO and DONE. */
function play(job: Job): Played {
  const control = new Int32Array(job.control);
  const { batch, from, to, length } = job;
  const source = new Int32Array(Math.min(length, to - from));
  for (let i = 0; i < source.length; i++) source[i] = from + i;
  const sink = new Int32Array(source.length).fill(-1);
  const ticks = new Ticks(to - from);
  const run = runner(job, { source, sink, ticks });
  // Before the clock (with --v8-flags=--expose-gc): the arrays of the
  // Worker's earlier runs are otherwise freed by a collection inside this one.
  (globalThis as { gc?: () => void }).gc?.();
  Atomics.add(control, READY, 1);
  Atomics.notify(control, READY);
  while (Atomics.load(control, GO) === 0) Atomics.wait(control, GO, 0);
  run(batch, to - from);
  Atomics.add(control, DONE, 1);
  Atomics.notify(control, DONE);
  if (job.kind.endsWith(".push")) return { wrong: -1, steady: 0, stalled: 0 };
  for (let i = 0; i < sink.length; i++) {
    if (sink[i] !== from + i) return { wrong: i, steady: 0, stalled: 0 };
  }
  return { wrong: -1, ...ticks.rate() };
}

/** The timed loop of a job: moves `count` items, `batch` at a time. */
function runner(
  job: Job,
  arrays: { source: Int32Array; sink: Int32Array; ticks: Ticks },
): (batch: number, count: number) => void {
  const { source, sink, ticks } = arrays;
  const ring = job.ring;
  const m = source.length;
  switch (job.kind) {
    case "copy":
      return (batch, count) => {
        for (let at = 0; at < count; at += batch) {
          sink.set(source.subarray(at, Math.min(at + batch, count)), at);
          ticks.at(at);
        }
      };
    case "ring.push": {
      const producer = new Producer<number>(ring!);
      return (batch, count) => {
        for (let at = 0; at < count;) {
          const o = at % m;
          at += producer.pushMany(source, {
            start: o,
            end: Math.min(o + batch, m),
          });
        }
      };
    }
    case "ring.pop": {
      const consumer = new Consumer<number>(ring!);
      return (batch, count) => {
        for (let got = 0; got < count;) {
          const o = got % m;
          got += consumer.popMany(sink, {
            start: o,
            end: Math.min(o + batch, m),
          });
          ticks.at(got);
        }
      };
    }
    case "ring.both": {
      const producer = new Producer<number>(ring!);
      const consumer = new Consumer<number>(ring!);
      return (batch, count) => {
        for (let at = 0; at < count;) {
          const end = Math.min(at + batch, count);
          producer.pushMany(source, { start: at, end });
          at += consumer.popMany(sink, { start: at, end });
          ticks.at(at);
        }
      };
    }
    case "sketch.push": {
      const push = sketchPush(ring!, SKETCHES[job.sketch!]![1]);
      return (batch, count) => {
        for (let at = 0; at < count;) {
          const o = at % m;
          at += push(source, o, Math.min(o + batch, m));
        }
      };
    }
    case "sketch.pop": {
      const pop = sketchPop(ring!, SKETCHES[job.sketch!]![1]);
      return (batch, count) => {
        for (let got = 0; got < count;) {
          const o = got % m;
          got += pop(sink, o, Math.min(o + batch, m));
          ticks.at(got);
        }
      };
    }
    case "ringbuf.push": {
      const rb = new RingBuffer(ring!, Int32Array);
      return (batch, count) => {
        for (let at = 0; at < count;) {
          const o = at % m;
          at += rb.push(source, Math.min(batch, m - o), o);
        }
      };
    }
    case "ringbuf.pop": {
      const rb = new RingBuffer(ring!, Int32Array);
      return (batch, count) => {
        for (let got = 0; got < count;) {
          const o = got % m;
          got += rb.pop(sink, Math.min(batch, m - o), o);
          ticks.at(got);
        }
      };
    }
    case "ringbuf.both": {
      const rb = new RingBuffer(ring!, Int32Array);
      return (batch, count) => {
        for (let at = 0; at < count;) {
          const k = Math.min(batch, count - at);
          rb.push(source, k, at);
          at += rb.pop(sink, k, at);
          ticks.at(at);
        }
      };
    }
  }
}

// ---- The parent's side ----

/** One Worker per thread a contender uses, for one timed run and its warm-ups. */
async function startWorkers(n: number): Promise<Worker[]> {
  return await Promise.all(
    Array.from({ length: n }, async () => {
      const worker = new Worker(import.meta.url, {
        type: "module",
        name: "bulk_floor",
      });
      await new Promise((resolve) => worker.onmessage = resolve);
      return worker;
    }),
  );
}

/** One timed run of `contender`: its rate in items/s. */
async function runOnce(
  workers: Worker[],
  contender: Contender,
  batch: number,
  slots: number,
): Promise<{ wall: number; steady: number; stalled: number }> {
  const control = new SharedArrayBuffer(12);
  const words = new Int32Array(control);
  const jobs = contender.jobs(batch, slots, control);
  const results = jobs.map((j, k) =>
    new Promise<Played>((resolve) => {
      workers[k]!.onmessage = (e: MessageEvent<Played>) => resolve(e.data);
      workers[k]!.postMessage(j);
    })
  );
  for (let r; (r = Atomics.load(words, READY)) < jobs.length;) {
    Atomics.wait(words, READY, r);
  }
  const t0 = performance.now();
  Atomics.store(words, GO, 1);
  Atomics.notify(words, GO);
  for (let d; (d = Atomics.load(words, DONE)) < jobs.length;) {
    Atomics.wait(words, DONE, d);
  }
  const seconds = (performance.now() - t0) / 1000;
  const played = await Promise.all(results);
  const bad = played.find((p) => p.wrong !== -1);
  if (bad !== undefined) {
    throw new Error(`${contender.name}: wrong item at ${bad.wrong}`);
  }
  const steady = played.reduce((sum, p) => sum + p.steady, 0);
  const stalled = Math.max(...played.map((p) => p.stalled));
  return { wall: COUNT / seconds, steady, stalled };
}

/**
 * The contenders `--only=id,id` names, after the copy ceiling (always run:
 * every ratio is paired with it); all of them without the flag.
 */
function only(all: readonly Contender[]): readonly Contender[] {
  const arg = Deno.args.find((a) => a.startsWith("--only="));
  if (arg === undefined) return all;
  const ids = arg.slice("--only=".length).split(",");
  const unknown = ids.find((id) => !all.some((c) => c.id === id));
  if (unknown !== undefined) {
    throw new RangeError(
      `--only: no contender ${unknown} (ids: ${
        all.map((c) => c.id).join(", ")
      })`,
    );
  }
  return [all[0]!, ...all.filter((c, i) => i > 0 && ids.includes(c.id))];
}

const scope = self as unknown as {
  name?: string;
  onmessage: ((event: MessageEvent<Job>) => void) | null;
  postMessage(message: unknown): void;
};

if (scope.name === "bulk_floor") {
  scope.onmessage = (event) => scope.postMessage(play(event.data));
  scope.postMessage("ready");
} else if (import.meta.main) {
  const rounds = integerFlag("rounds", 7);
  const batch = integerFlag("batch", 256);
  const slots = integerFlag("slots", 4096);
  const warmups = integerFlag("warmups", 3);
  const chosen = only(CONTENDERS);
  const startLoad = loadAverage();
  const walls: number[][] = chosen.map(() => []);
  const steadies: number[][] = chosen.map(() => []);
  const stalls: number[][] = chosen.map(() => []);
  // Rounds rotating who goes first; each run in Workers started for it alone
  // and warmed up there by untimed runs of the same job (Workers kept across
  // rounds settle into one speed each and keep it, which made the ratios
  // between contenders say more about the pools than the code).
  for (let round = 0; round < rounds; round++) {
    for (let j = 0; j < chosen.length; j++) {
      const i = (round + j) % chosen.length;
      const contender = chosen[i]!;
      const workers = await startWorkers(
        contender.jobs(batch, slots, new SharedArrayBuffer(12)).length,
      );
      for (let w = 0; w < warmups; w++) {
        await runOnce(workers, contender, batch, slots);
      }
      const rate = await runOnce(workers, contender, batch, slots);
      for (const worker of workers) worker.terminate();
      walls[i]!.push(rate.wall);
      steadies[i]!.push(rate.steady);
      stalls[i]!.push(rate.stalled);
    }
  }
  const gc = "gc" in globalThis
    ? "a full GC before each run"
    : "NO GC before the runs (run with --v8-flags=--expose-gc)";
  console.log(
    `Batches of ${batch}, ${slots} slots, ${COUNT} int32s; ${rounds} rounds, each run in fresh Workers after ${warmups} untimed warm-up run(s) in them, ${gc}; load ${startLoad} before, ${loadAverage()} after.\n` +
      `Wall: items ÷ time of the run. Steady: the median ${TICK}-item stretch of the receiving side (summed over receivers), the rate while both threads ran. Stalled: the median share of the receiving time spent in stretches over 4× the typical one.\n`,
  );
  console.log(
    "| Contender | Wall | ÷ ceiling | ÷ ringbuf.js | Steady | ÷ ceiling | ÷ ringbuf.js | Stalled |\n|---|---:|---:|---:|---:|---:|---:|---:|",
  );
  const peer = chosen.findIndex((c) => c.id === "ringbuf");
  const paired = (rates: number[][], i: number, base: number) =>
    median(rates[i]!.map((r, k) => r / rates[base]![k]!));
  const columns = (rates: number[][], i: number) =>
    `${rateText(median(rates[i]!), "items")} | ${
      (paired(rates, i, 0) * 100).toFixed(1)
    }% | ${peer === -1 ? "" : `${paired(rates, i, peer).toFixed(2)}×`}`;
  chosen.forEach((c, i) => {
    console.log(
      `| ${c.name} | ${columns(walls, i)} | ${columns(steadies, i)} | ${
        (median(stalls[i]!) * 100).toFixed(0)
      }% |`,
    );
  });
}
