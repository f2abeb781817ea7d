/**
 * Where a two-thread bulk run's time goes when it is not in the ring: this
 * ring and ringbuf.js move 16 Mi int32s in batches (as the bulk cases do),
 * `--reps` times in a row in the same two Workers, each time through a new
 * ring, and the probe reports each rep's time and, from Linux's per-thread
 * `/proc/self/task/<tid>/schedstat`, the CPU time the process's other
 * threads took meanwhile (V8's background threads compile and collect) and
 * how long the two Workers waited for a core. Contenders alternate round by
 * round, each round in fresh Workers; the first rep is the one a bench run
 * with a short warm-up times.
 *
 * What it showed (docs/bulk.md; 4 rounds, load 1.3–2.1): both rings start
 * cold (rep 1, 230–350 ms); in rep 2 this ring took 45–81 ms against
 * ringbuf.js's 40–63 ms, with V8's background threads busier (35–45 against
 * 25–33 ms of CPU: the ring's larger call tree still being compiled); from
 * rep 3 the two ran level. The Workers' wait for a core follows the
 * background threads' CPU: on two cores that both spin, each millisecond a
 * background thread runs is a millisecond one side waits and the other spins.
 * `-A`: Deno reads `/proc/self` only with all permissions.
 *
 * `deno run --v8-flags=--expose-gc -A bench/stall_probe.ts [--rounds=3] [--reps=4] [--batch=256] [--slots=4096]`
 *
 * @module
 */
import { RingBuffer } from "ringbuf.js";
import { Consumer, createRing, Producer } from "../mod.ts";
import { integerFlag } from "./_flags.ts";
import { median } from "./_stats.ts";

const COUNT = 16 * 2 ** 20;

/** What one Worker plays: one side, `rings.length` reps, one ring each. */
interface Job {
  readonly kind: "ring" | "ringbuf";
  readonly side: "push" | "pop";
  readonly rings: readonly SharedArrayBuffer[];
  /** [arrived, go]: a barrier before each rep. */
  readonly control: SharedArrayBuffer;
  readonly batch: number;
}

/** A batch call from position `at`: how many items it moved. */
type Call = (at: number) => number;

function callOf(job: Job, ring: SharedArrayBuffer, array: Int32Array): Call {
  const { batch } = job;
  if (job.kind === "ring") {
    if (job.side === "push") {
      const producer = new Producer<number>(ring);
      return (at) =>
        producer.pushMany(array, {
          start: at,
          end: Math.min(at + batch, COUNT),
        });
    }
    const consumer = new Consumer<number>(ring);
    return (at) =>
      consumer.popMany(array, { start: at, end: Math.min(at + batch, COUNT) });
  }
  const rb = new RingBuffer(ring, Int32Array);
  return job.side === "push"
    ? (at) => rb.push(array, Math.min(batch, COUNT - at), at)
    : (at) => rb.pop(array, Math.min(batch, COUNT - at), at);
}

/** Plays every rep of `job`; returns each rep's milliseconds. */
function play(job: Job): number[] {
  const control = new Int32Array(job.control);
  const array = new Int32Array(COUNT);
  if (job.side === "push") { for (let i = 0; i < COUNT; i++) array[i] = i; }
  const times: number[] = [];
  for (const [rep, ring] of job.rings.entries()) {
    const call = callOf(job, ring, array);
    (globalThis as { gc?: () => void }).gc?.();
    Atomics.add(control, 0, 1);
    Atomics.notify(control, 0);
    while (Atomics.load(control, 1) <= rep) Atomics.wait(control, 1, rep);
    const t0 = performance.now();
    for (let at = 0; at < COUNT;) at += call(at);
    times.push(performance.now() - t0);
  }
  if (job.side === "pop") {
    for (let i = 0; i < COUNT; i++) {
      if (array[i] !== i) throw new Error(`wrong item at ${i}`);
    }
  }
  return times;
}

/** Per thread id: its name, CPU and run-queue wait so far (ns). */
function threads(): Map<string, { name: string; cpu: number; wait: number }> {
  const found = new Map<string, { name: string; cpu: number; wait: number }>();
  for (const entry of Deno.readDirSync("/proc/self/task")) {
    try {
      const dir = `/proc/self/task/${entry.name}`;
      const [cpu = 0, wait = 0] = Deno.readTextFileSync(`${dir}/schedstat`)
        .trim().split(" ").map(Number);
      const name = Deno.readTextFileSync(`${dir}/comm`).trim();
      found.set(entry.name, { name, cpu, wait });
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return found;
}

/** One round of `kind` in fresh Workers: each rep's time, the threads' use. */
async function round(
  kind: Job["kind"],
  options: { reps: number; batch: number; slots: number },
): Promise<{ reps: number[]; background: number[]; waited: number[] }> {
  const { reps, batch, slots } = options;
  const rings = Array.from(
    { length: reps },
    () =>
      kind === "ring"
        ? createRing({ slots })
        : RingBuffer.getStorageForCapacity(slots - 1, Int32Array),
  );
  const control = new SharedArrayBuffer(8);
  const words = new Int32Array(control);
  const workers = (["push", "pop"] as const).map(() =>
    new Worker(import.meta.url, { type: "module", name: "stall_probe" })
  );
  try {
    await Promise.all(
      workers.map((w) => new Promise((resolve) => w.onmessage = resolve)),
    );
    const results = (["push", "pop"] as const).map((side, k) =>
      new Promise<number[]>((resolve, reject) => {
        workers[k]!.onmessage = (e: MessageEvent<number[]>) => resolve(e.data);
        workers[k]!.onerror = (e) => reject(new Error(e.message));
        workers[k]!.postMessage({ kind, side, rings, control, batch } as Job);
      })
    );
    // A snapshot whenever both Workers are at the barrier: rep r's interval
    // runs from its start to the next barrier (so it also holds the
    // collection the Workers make before the next rep).
    const snapshots = [];
    for (let rep = 0; rep < reps; rep++) {
      for (let a; (a = Atomics.load(words, 0)) < 2 * (rep + 1);) {
        Atomics.wait(words, 0, a);
      }
      snapshots.push(threads());
      Atomics.store(words, 1, rep + 1);
      Atomics.notify(words, 1);
    }
    const [push, pop] = await Promise.all(results);
    snapshots.push(threads());
    const background: number[] = [];
    const waited: number[] = [];
    for (let rep = 0; rep < reps; rep++) {
      const before = snapshots[rep]!;
      let cpu = 0;
      let wait = 0;
      for (const [tid, now] of snapshots[rep + 1]!) {
        const then = before.get(tid) ?? { cpu: 0, wait: 0 };
        if (now.name.startsWith("V8 ")) cpu += now.cpu - then.cpu;
        if (now.name.startsWith("worker-")) wait += now.wait - then.wait;
      }
      background.push(cpu / 1e6);
      waited.push(wait / 1e6);
    }
    return {
      reps: push!.map((ms, i) => Math.max(ms, pop![i]!)),
      background,
      waited,
    };
  } finally {
    for (const worker of workers) worker.terminate();
  }
}

const scope = self as unknown as {
  name?: string;
  onmessage: ((event: MessageEvent<Job>) => void) | null;
  postMessage(message: unknown): void;
};

if (scope.name === "stall_probe") {
  scope.onmessage = (event) => scope.postMessage(play(event.data));
  scope.postMessage("ready");
} else if (import.meta.main) {
  const rounds = integerFlag("rounds", 3);
  const options = {
    reps: integerFlag("reps", 4),
    batch: integerFlag("batch", 256),
    slots: integerFlag("slots", 4096),
  };
  console.log(
    `${COUNT} int32s per rep, batches of ${options.batch}, ${options.slots} slots, ${options.reps} reps per round in the same Workers (a new ring each), ${rounds} rounds${
      "gc" in globalThis ? ", a full GC before each rep" : ""
    }\n`,
  );
  console.log(
    "| Contender | Round | ms per rep | V8 background threads' CPU per rep (ms) | the two Workers' wait for a core per rep (ms) |\n|---|---:|---|---|---|",
  );
  const firstOverLater: Record<string, number[]> = { ring: [], ringbuf: [] };
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0
      ? (["ring", "ringbuf"] as const)
      : (["ringbuf", "ring"] as const);
    for (const kind of order) {
      const got = await round(kind, options);
      const later = got.reps.slice(1);
      if (later.length > 0) {
        firstOverLater[kind]!.push(got.reps[0]! / median(later));
      }
      console.log(
        `| ${kind === "ring" ? "this ring" : "ringbuf.js"} | ${r + 1} | ${
          got.reps.map((ms) => ms.toFixed(0)).join(" / ")
        } | ${got.background.map((ms) => ms.toFixed(0)).join(" / ")} | ${
          got.waited.map((ms) => ms.toFixed(0)).join(" / ")
        } |`,
      );
    }
  }
  for (const [kind, ratios] of Object.entries(firstOverLater)) {
    if (ratios.length === 0) continue;
    console.log(
      `\n${kind}: first rep ÷ median of the later ones, median over rounds: ${
        median(ratios).toFixed(2)
      }×`,
    );
  }
}
