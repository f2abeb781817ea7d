/**
 * The many-producer/many-consumer benchmark (issue 7): items per second
 * through the `"sequence"` ring (`producers: "many"`, `consumers: "many"`,
 * blocking `push`/`pop`) against the textbook's lock-based answer (one
 * futex mutex around a ring, condition waits for "not full"/"not empty") and
 * postMessage (each producer posts to the consumers round-robin), with 2
 * producers × 2 consumers and 1 producer × 2 consumers, one Worker each.
 * Every run is verified: each consumer checks per-producer order, and the
 * counts and sums over all consumers must match what was pushed.
 *
 * `runMpmcBench(options)` returns the figures for a harness;
 * `deno run --allow-read bench/mpmc.ts [--quick]` prints a Markdown table.
 *
 * @module
 */
import { createRing } from "../mod.ts";
import { createMutexRing } from "./_mpmc_mutex.ts";
import {
  CONTROL_WORDS,
  DONE,
  GO,
  itemOf,
  type MpmcKind,
  type MpmcResult,
  type MpmcTask,
} from "./_mpmc_protocol.ts";
import { median } from "./_stats.ts";

/** Options for {@linkcode runMpmcBench}. */
export interface MpmcBenchOptions {
  /** Items per producer per run. Default 200,000. */
  readonly items?: number;
  /** Timed runs per contender and shape (after one warm-up). Default 5. */
  readonly rounds?: number;
  /** Ring slots (the mutex ring gets as many). Default 1024. */
  readonly slots?: number;
  /** Progress lines (default: none). */
  readonly log?: (line: string) => void;
}

/** One contender in one shape. */
export interface MpmcBenchRow {
  /** `"2x2"` or `"1x2"`: producers × consumers. */
  readonly shape: string;
  readonly contender: "sequence ring" | "mutex ring" | "postMessage";
  /** Median items per second over the verified runs (NaN if none). */
  readonly median: number;
  /** Items per second of every timed run (NaN for a failed run). */
  readonly rates: readonly number[];
  /** Whether every timed run verified. */
  readonly verified: boolean;
  /** Why a run did not verify, if one did not. */
  readonly problem?: string;
}

/** What {@linkcode runMpmcBench} returns. */
export interface MpmcBenchReport {
  readonly items: number;
  readonly slots: number;
  readonly rounds: number;
  readonly rows: readonly MpmcBenchRow[];
}

const SHAPES = [[2, 2], [1, 2]] as const;
const CONTENDERS: readonly [MpmcBenchRow["contender"], MpmcKind][] = [
  ["sequence ring", "sequence"],
  ["mutex ring", "mutex"],
  ["postMessage", "post"],
];
const TIMEOUT_MS = 120_000;

/** A benchmark Worker seen from the parent: its messages, in order. */
class MpmcWorker {
  #worker = new Worker(new URL("./_mpmc_worker.ts", import.meta.url), {
    type: "module",
  });
  #queue: { type: string; result?: MpmcResult; message?: string }[] = [];
  #waiting: (() => void) | undefined;

  constructor() {
    this.#worker.onmessage = (event) => {
      this.#queue.push(event.data);
      this.#waiting?.();
    };
    this.#worker.onerror = (event) => {
      event.preventDefault();
      this.#queue.push({ type: "error", message: event.message });
      this.#waiting?.();
    };
  }

  async next(): Promise<
    { type: string; result?: MpmcResult; message?: string }
  > {
    const deadline = performance.now() + TIMEOUT_MS;
    while (this.#queue.length === 0) {
      if (performance.now() > deadline) throw new Error("Worker timed out");
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 1000);
        this.#waiting = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    return this.#queue.shift()!;
  }

  send(task: MpmcTask): void {
    this.#worker.postMessage(task, task.ports ?? []);
  }

  terminate(): void {
    this.#worker.terminate();
  }
}

/** The tasks of one run: rings or ports, one per Worker. */
function tasksOf(
  kind: MpmcKind,
  shape: readonly [number, number],
  items: number,
  slots: number,
  control: SharedArrayBuffer,
): MpmcTask[] {
  const [producers, consumers] = shape;
  const base = { kind, producers, consumers, items, control };
  const ring = kind === "sequence"
    ? createRing({ slots, producers: "many", consumers: "many" })
    : kind === "mutex"
    ? createMutexRing(slots)
    : undefined;
  // postMessage: a channel from every producer to every consumer.
  const channels = Array.from(
    { length: producers },
    () => Array.from({ length: consumers }, () => new MessageChannel()),
  );
  const portsOf = (role: "producer" | "consumer", id: number) =>
    kind !== "post" ? {} : {
      ports: role === "producer"
        ? channels[id]!.map((c) => c.port1)
        : channels.map((row) => row[id]!.port2),
    };
  const task = (role: "producer" | "consumer", id: number): MpmcTask => ({
    ...base,
    role,
    id,
    ...(ring ? { ring } : {}),
    ...portsOf(role, id),
  });
  return [
    ...Array.from({ length: consumers }, (_, c) => task("consumer", c)),
    ...Array.from({ length: producers }, (_, p) => task("producer", p)),
  ];
}

/** One timed, verified run: items per second, or why it failed. */
async function runOnce(
  pool: readonly MpmcWorker[],
  kind: MpmcKind,
  shape: readonly [number, number],
  options: { items: number; slots: number },
): Promise<number | string> {
  const control = new SharedArrayBuffer(CONTROL_WORDS * 4);
  const words = new Int32Array(control);
  const tasks = tasksOf(kind, shape, options.items, options.slots, control);
  tasks.forEach((task, k) => pool[k]!.send(task));
  for (let k = 0; k < tasks.length; k++) {
    const message = await pool[k]!.next();
    if (message.type !== "armed") return `not armed: ${message.message}`;
  }
  const start = performance.now();
  Atomics.store(words, GO, 1);
  Atomics.notify(words, GO);
  // The parent may block here: every role runs in its own Worker.
  while (true) {
    const done = Atomics.load(words, DONE);
    if (done >= tasks.length) break;
    if (Atomics.wait(words, DONE, done, TIMEOUT_MS) === "timed-out") {
      return "timed out";
    }
  }
  const seconds = (performance.now() - start) / 1000;
  const [producers] = shape;
  let count = 0;
  let sum = 0;
  for (const [k, task] of tasks.entries()) {
    const message = await pool[k]!.next();
    if (message.type !== "result") return `${task.role}: ${message.message}`;
    if (task.role === "producer") continue;
    if (message.result!.disorder > 0) {
      return `consumer ${task.id}: ${
        message.result!.disorder
      } items out of their producer's order`;
    }
    count += message.result!.count;
    sum += message.result!.sum;
  }
  const total = producers * options.items;
  let expected = 0;
  for (let p = 0; p < producers; p++) {
    expected += options.items * itemOf(p, 0) +
      options.items * (options.items - 1) / 2;
  }
  if (count !== total || sum !== expected) {
    return `consumers got ${count} items summing to ${sum}, expected ${total} summing to ${expected}`;
  }
  return total / seconds;
}

/**
 * Runs the benchmark: for each shape (2×2, 1×2) and contender, one warm-up
 * run and `rounds` timed runs, each verified.
 *
 * @param options Items per producer, rounds, slots, a progress log.
 * @returns One row per shape and contender.
 */
export async function runMpmcBench(
  options: MpmcBenchOptions = {},
): Promise<MpmcBenchReport> {
  const { items = 200_000, rounds = 5, slots = 1024, log } = options;
  const pool = Array.from({ length: 4 }, () => new MpmcWorker());
  const rows: MpmcBenchRow[] = [];
  try {
    for (const worker of pool) {
      const first = await worker.next();
      if (first.type !== "ready") throw new Error(`Worker: ${first.message}`);
    }
    for (const shape of SHAPES) {
      for (const [contender, kind] of CONTENDERS) {
        const rates: number[] = [];
        let problem: string | undefined;
        for (let r = -1; r < rounds; r++) {
          const outcome = await runOnce(pool, kind, shape, { items, slots });
          if (typeof outcome === "string") problem ??= outcome;
          if (r >= 0) rates.push(typeof outcome === "number" ? outcome : NaN);
        }
        const good = rates.filter((rate) => !Number.isNaN(rate));
        const row: MpmcBenchRow = {
          shape: `${shape[0]}x${shape[1]}`,
          contender,
          median: good.length > 0 ? median(good) : NaN,
          rates,
          verified: problem === undefined,
          ...(problem === undefined ? {} : { problem }),
        };
        log?.(
          `${row.shape} ${contender}: ${Math.round(row.median)} items/s${
            problem ? ` (${problem})` : ""
          }`,
        );
        rows.push(row);
      }
    }
  } finally {
    for (const worker of pool) worker.terminate();
  }
  return { items, slots, rounds, rows };
}

/** The report as a Markdown table, with each rate's ratio to the sequence ring. */
export function mpmcMarkdown(report: MpmcBenchReport): string {
  const lines = [
    `${report.items} items per producer, ${report.slots} slots, median of ${report.rounds} runs`,
    "",
    "| shape | contender | items/s | sequence ring ÷ this |",
    "| ----- | --------- | ------: | -------------------: |",
  ];
  for (const row of report.rows) {
    const ours = report.rows.find((r) =>
      r.shape === row.shape && r.contender === "sequence ring"
    )!;
    lines.push(
      `| ${row.shape} | ${row.contender} | ${
        Math.round(row.median).toLocaleString("en-US")
      } | ${(ours.median / row.median).toFixed(2)} |`,
    );
  }
  return lines.join("\n");
}

if (import.meta.main) {
  const quick = Deno.args.includes("--quick");
  const report = await runMpmcBench({
    items: quick ? 20_000 : 200_000,
    rounds: quick ? 1 : 5,
    log: (line) => console.error(line),
  });
  console.log(mpmcMarkdown(report));
  if (report.rows.some((row) => !row.verified)) Deno.exit(1);
}
