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
 * Flags choose a part: `--shapes=4x4,2x2`, `--only=sequence,mutex`,
 * `--rounds=9`, `--items=200000`, `--slots=1024`; `--count` counts each
 * role's `Atomics` calls per item instead (slower runs: not a timing);
 * `--timeline` prints, for every timed run, each consumer's milliseconds
 * per 65,536 items (a run whose first steps are slower than its last was
 * still warming up).
 *
 * @module
 */
import { createRing } from "../mod.ts";
import { createMutexRing } from "./_mpmc_mutex.ts";
import {
  CONTROL_WORDS,
  itemOf,
  type MpmcKind,
  type MpmcResult,
  type MpmcTask,
  TIMELINE_STEP,
} from "./_mpmc_protocol.ts";
import {
  type BenchWorker,
  collect,
  describe,
  startPool,
  timeRun,
} from "./_pool.ts";
import type { WorkerMessage } from "./_protocol.ts";
import { median } from "./_stats.ts";

/** Options for {@linkcode runMpmcBench}. */
export interface MpmcBenchOptions {
  /** Items per producer per run. Default 200,000. */
  readonly items?: number;
  /** Timed runs per contender and shape (each after {@linkcode WARMUPS} warm-up runs). Default 5. */
  readonly rounds?: number;
  /** Ring slots (the mutex ring gets as many). Default 1024. */
  readonly slots?: number;
  /** Shapes as [producers, consumers] (default: 2×2, 1×2, 2×1, 4×4). */
  readonly shapes?: readonly (readonly [number, number])[];
  /** Which contenders run (default: all three). */
  readonly only?: readonly MpmcKind[];
  /** Count the rings' `Atomics` calls per item (the rates then mean little). */
  readonly count?: boolean;
  /** Log each timed run's consumers' milliseconds per 65,536 items. */
  readonly timeline?: boolean;
  /** Progress lines (default: none). */
  readonly log?: (line: string) => void;
}

/** `Atomics` calls per item moved, by method, summed over a side's Workers. */
export interface MpmcCalls {
  readonly producer: Readonly<Record<string, number>>;
  readonly consumer: Readonly<Record<string, number>>;
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
  /** With `count`: calls per item, over every timed run. */
  readonly calls?: MpmcCalls;
}

/** What {@linkcode runMpmcBench} returns. */
export interface MpmcBenchReport {
  readonly items: number;
  readonly slots: number;
  readonly rounds: number;
  readonly rows: readonly MpmcBenchRow[];
}

const SHAPES = [[2, 2], [1, 2], [2, 1], [4, 4]] as const;
const CONTENDERS: readonly [MpmcBenchRow["contender"], MpmcKind][] = [
  ["sequence ring", "sequence"],
  ["mutex ring", "mutex"],
  ["postMessage", "post"],
];
const TIMEOUT_MS = 120_000;
/**
 * Untimed runs in each run's Workers before the timed one. The JIT is
 * still compiling the rings' paths in the first runs (the Workers' minor
 * collection before the clock leaves its code alone; a full one threw it
 * away before every run): after two, a timed run is as fast from its first
 * item as at its end at 1×1 and nearly so at 2×2 (session 10, `--timeline`).
 */
export const WARMUPS = 2;
type MpmcWorker = BenchWorker<MpmcTask, MpmcResult>;

function startMpmcPool(size: number): Promise<MpmcWorker[]> {
  return startPool<MpmcTask, MpmcResult>(size, {
    timeoutMs: TIMEOUT_MS,
    script: new URL("./_mpmc_worker.ts", import.meta.url),
  });
}

/** How the runs of a benchmark are made. */
interface RunSettings {
  readonly items: number;
  readonly slots: number;
  readonly count: boolean;
  readonly timeline: boolean;
}

/** The tasks of one run: rings or ports, one per Worker. */
function tasksOf(
  kind: MpmcKind,
  shape: readonly [number, number],
  settings: RunSettings & { readonly control: SharedArrayBuffer },
): MpmcTask[] {
  const [producers, consumers] = shape;
  const { items, slots, control, count, timeline } = settings;
  const base = {
    kind,
    producers,
    consumers,
    items,
    control,
    count,
    ...(timeline ? { timeline } : {}),
  };
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

/** What the consumers' results add up to, or why they do not verify. */
function verify(
  tasks: readonly MpmcTask[],
  messages: readonly WorkerMessage<MpmcResult>[],
  items: number,
): string | undefined {
  let count = 0;
  let sum = 0;
  for (const [k, task] of tasks.entries()) {
    const message = messages[k]!;
    if (message.type !== "result") return `${task.role}: ${describe(message)}`;
    if (task.role === "producer") continue;
    const { result } = message;
    if (result.disorder > 0) {
      return `consumer ${task.id}: ${result.disorder} items out of their producer's order`;
    }
    count += result.count;
    sum += result.sum;
  }
  const producers = tasks[0]!.producers;
  const total = producers * items;
  let expected = 0;
  for (let p = 0; p < producers; p++) {
    expected += items * itemOf(p, 0) + items * (items - 1) / 2;
  }
  if (count !== total || sum !== expected) {
    return `consumers got ${count} items summing to ${sum}, expected ${total} summing to ${expected}`;
  }
  return undefined;
}

/**
 * One timed, verified run: items per second, or why it failed (`healthy`
 * false when the Workers are stuck and must be replaced).
 */
async function runOnce(
  pool: readonly MpmcWorker[],
  kind: MpmcKind,
  shape: readonly [number, number],
  options: RunSettings,
): Promise<
  | { rate: number; calls: MpmcCalls; marks: (readonly number[])[] }
  | { problem: string; healthy: boolean }
> {
  const control = new SharedArrayBuffer(CONTROL_WORDS * 4);
  const tasks = tasksOf(kind, shape, { ...options, control });
  const workers = pool.slice(0, tasks.length);
  tasks.forEach((task, k) => workers[k]!.send(task));
  const seconds = await timeRun(workers, { control, timeoutMs: TIMEOUT_MS });
  if (typeof seconds === "string") return { problem: seconds, healthy: false };
  const messages = await collect(workers, TIMEOUT_MS);
  if (typeof messages === "string") {
    return { problem: messages, healthy: false };
  }
  const problem = verify(tasks, messages, options.items);
  if (problem !== undefined) return { problem, healthy: true };
  const total = shape[0] * options.items;
  const calls = { producer: {}, consumer: {} } as {
    producer: Record<string, number>;
    consumer: Record<string, number>;
  };
  const marks: (readonly number[])[] = [];
  for (const [k, task] of tasks.entries()) {
    const message = messages[k]!;
    if (message.type !== "result") continue;
    for (const [name, n] of Object.entries(message.result.calls ?? {})) {
      const side = calls[task.role];
      side[name] = (side[name] ?? 0) + n / total;
    }
    if (message.result.marks) marks.push(message.result.marks);
  }
  return { rate: total / seconds, calls, marks };
}

/** A consumer's marks as milliseconds per TIMELINE_STEP items, one line. */
function timelineLine(marks: readonly number[]): string {
  return marks.map((t, k) => (t - (k === 0 ? 0 : marks[k - 1]!)).toFixed(1))
    .join(" ");
}

/** Adds `b` into `a`, scaled by `w`. */
function addCalls(
  a: Record<string, number>,
  b: Readonly<Record<string, number>>,
  w: number,
): void {
  for (const [name, n] of Object.entries(b)) a[name] = (a[name] ?? 0) + n * w;
}

/** Calls per item as one short line. */
function callsLine(calls: Readonly<Record<string, number>>): string {
  return Object.entries(calls).sort().map(([name, n]) =>
    `${name} ${n.toFixed(3)}`
  ).join(", ");
}

/**
 * Runs the benchmark: for each shape (2×2, 1×2, 2×1, 4×4), `rounds` rounds,
 * each running every contender once (they alternate, the first rotating),
 * each run in Workers started for it alone after {@linkcode WARMUPS}
 * untimed runs in them, each run verified.
 *
 * @param options Items per producer, rounds, slots, a progress log.
 * @returns One row per shape and contender.
 */
export async function runMpmcBench(
  options: MpmcBenchOptions = {},
): Promise<MpmcBenchReport> {
  const { items = 200_000, rounds = 5, slots = 1024, log } = options;
  const settings: RunSettings = {
    items,
    slots,
    count: options.count ?? false,
    timeline: options.timeline ?? false,
  };
  const shapes = options.shapes ?? SHAPES;
  const contenders = CONTENDERS.filter(([, kind]) =>
    options.only?.includes(kind) ?? true
  );
  const rows: MpmcBenchRow[] = [];
  for (const shape of shapes) {
    const rates = contenders.map((): number[] => []);
    const problems: (string | undefined)[] = contenders.map(() => undefined);
    const calls = contenders.map(() => ({ producer: {}, consumer: {} }));
    // Each run plays in Workers started for it alone, after WARMUPS untimed
    // runs in them: Workers kept across runs (and shared by the
    // contenders) settled into one speed each and carried one contender's
    // JIT feedback into the next's code. The contenders alternate, the first
    // rotating round by round, so each meets the same load.
    for (let r = 0; r < rounds; r++) {
      for (let j = 0; j < contenders.length; j++) {
        const i = (r + j) % contenders.length;
        const kind = contenders[i]![1];
        const pool = await startMpmcPool(shape[0] + shape[1]);
        let outcome: Awaited<ReturnType<typeof runOnce>>;
        try {
          const run = () => runOnce(pool, kind, shape, settings);
          let warm = await run();
          for (let w = 1; w < WARMUPS && !("problem" in warm); w++) {
            warm = await run();
          }
          outcome = "problem" in warm && !warm.healthy ? warm : await run();
        } finally {
          for (const worker of pool) worker.terminate();
        }
        if ("calls" in outcome) {
          addCalls(calls[i]!.producer, outcome.calls.producer, 1 / rounds);
          addCalls(calls[i]!.consumer, outcome.calls.consumer, 1 / rounds);
        }
        if ("problem" in outcome) problems[i] ??= outcome.problem;
        if ("marks" in outcome) {
          for (const [c, marks] of outcome.marks.entries()) {
            log?.(
              `${shape[0]}x${shape[1]} ${kind} round ${
                r + 1
              } consumer ${c}: ms per ${TIMELINE_STEP} items: ${
                timelineLine(marks)
              }`,
            );
          }
        }
        rates[i]!.push("rate" in outcome ? outcome.rate : NaN);
      }
    }
    for (const [i, [contender, kind]] of contenders.entries()) {
      const problem = problems[i];
      const good = rates[i]!.filter((rate) => !Number.isNaN(rate));
      const row: MpmcBenchRow = {
        shape: `${shape[0]}x${shape[1]}`,
        contender,
        median: good.length > 0 ? median(good) : NaN,
        rates: rates[i]!,
        verified: problem === undefined,
        ...(problem === undefined ? {} : { problem }),
        ...(settings.count && kind !== "post" ? { calls: calls[i]! } : {}),
      };
      log?.(
        `${row.shape} ${contender}: ${Math.round(row.median)} items/s${
          problem ? ` (${problem})` : ""
        }`,
      );
      if (row.calls) {
        log?.(`  producer calls/item: ${callsLine(row.calls.producer)}`);
        log?.(`  consumer calls/item: ${callsLine(row.calls.consumer)}`);
      }
      rows.push(row);
    }
  }
  return { items, slots, rounds, rows };
}

/** The report as a Markdown table, with each rate's ratio to the sequence ring. */
export function mpmcMarkdown(report: MpmcBenchReport): string {
  const lines = [
    `${report.items} items per producer, ${report.slots} slots, median of ${report.rounds} runs, each in Workers started for it after ${WARMUPS} untimed runs in them (a minor collection before the clock); the ratio is the median over the rounds of the sequence ring's rate ÷ this one's in the same round`,
    "",
    "| shape | contender | items/s | sequence ring ÷ this |",
    "| ----- | --------- | ------: | -------------------: |",
  ];
  for (const row of report.rows) {
    const ours = report.rows.find((r) =>
      r.shape === row.shape && r.contender === "sequence ring"
    );
    // Paired by round, as the main bench's ratios: the median of the
    // sequence ring's rate ÷ this one's over the rounds where both verified.
    const paired = (ours?.rates ?? []).flatMap((rate, round) => {
      const theirs = row.rates[round] ?? NaN;
      return Number.isNaN(rate) || Number.isNaN(theirs) ? [] : [rate / theirs];
    });
    const ratio = paired.length > 0 ? median(paired) : NaN;
    lines.push(
      `| ${row.shape} | ${row.contender} | ${
        Number.isNaN(row.median)
          ? "no verified run"
          : Math.round(row.median).toLocaleString("en-US")
      } | ${Number.isFinite(ratio) ? ratio.toFixed(2) : "–"} |`,
    );
  }
  return lines.join("\n");
}

/** The value of flag `--name=value`, if given. */
function flag(name: string): string | undefined {
  const prefix = `--${name}=`;
  return Deno.args.find((a) => a.startsWith(prefix))?.slice(prefix.length);
}

if (import.meta.main) {
  const quick = Deno.args.includes("--quick");
  const shapes = flag("shapes")?.split(",").map((s) => {
    const [p, c] = s.split("x").map(Number);
    return [p!, c!] as const;
  });
  const only = flag("only")?.split(",") as MpmcKind[] | undefined;
  const report = await runMpmcBench({
    items: Number(flag("items") ?? (quick ? 20_000 : 200_000)),
    rounds: Number(flag("rounds") ?? (quick ? 1 : 5)),
    slots: Number(flag("slots") ?? 1024),
    count: Deno.args.includes("--count"),
    timeline: Deno.args.includes("--timeline"),
    ...(shapes ? { shapes } : {}),
    ...(only ? { only } : {}),
    log: (line) => console.error(line),
  });
  console.log(mpmcMarkdown(report));
  if (report.rows.some((row) => !row.verified)) Deno.exit(1);
}
