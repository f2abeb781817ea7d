// The production ring under real concurrency: a producer Worker and a
// consumer Worker, no controlled schedule, each logging every operation with
// logical timestamps from a shared Atomics counter; afterwards the history
// is checked against the bounded FIFO queue (tests/_history/check.ts).
import assert from "node:assert/strict";
import { createRing, inspectRing, type Scheme } from "../mod.ts";
import { checkHistory, type HistoryReport } from "./_history/check.ts";
import {
  type HistoryJob,
  type HistoryResult,
  LOG_PER_ITEM,
  OP_WORDS,
  readLog,
} from "./_workers/history_protocol.ts";
import { spawnWorker } from "./_workers/harness.ts";
import { propertySeed } from "./_helpers.ts";

const WORKER = new URL("./_workers/history_worker.ts", import.meta.url);
/** A run that takes longer than this has hung (a lost wake-up). */
const LIMIT_MS = 60_000;

interface Config {
  readonly scheme: Scheme;
  readonly slots: number;
  readonly items: number;
  readonly start?: number;
}

/** Runs one producer and one consumer Worker on a ring; returns the checked history. */
async function stress(config: Config, seed: number): Promise<HistoryReport> {
  const ring = createRing({
    slots: config.slots,
    scheme: config.scheme,
    start: config.start ?? 0,
  });
  // The clock on a line of its own: both Workers hammer it.
  const clock = new SharedArrayBuffer(64);
  const logBytes = LOG_PER_ITEM * config.items * OP_WORDS * 4;
  const logs = [
    new SharedArrayBuffer(logBytes),
    new SharedArrayBuffer(logBytes),
  ];
  const started = await Promise.allSettled([
    spawnWorker(WORKER, "history producer"),
    spawnWorker(WORKER, "history consumer"),
  ]);
  const sides = started.flatMap((s) =>
    s.status === "fulfilled" ? [s.value] : []
  );
  if (sides.length < 2) {
    for (const side of sides) side.terminate();
    throw (started.find((s) =>
      s.status === "rejected"
    ) as PromiseRejectedResult)
      .reason;
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const roles = ["producer", "consumer"] as const;
    sides.forEach((side, i) => {
      const job: HistoryJob = {
        role: roles[i]!,
        ring,
        clock,
        log: logs[i]!,
        items: config.items,
        seed: seed + i,
      };
      side.post(job);
    });
    const hang = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no result after ${LIMIT_MS} ms`)),
        LIMIT_MS,
      );
    });
    // A Worker that failed rejects its result with its message.
    const results = await Promise.race([
      Promise.all(sides.map((side) => side.result as Promise<HistoryResult>)),
      hang,
    ]);
    const counts = results.map((r) => r.operations);
    return checkHistory({
      pushes: readLog(logs[0]!, counts[0]!),
      pops: readLog(logs[1]!, counts[1]!),
      complete: true,
    }, { capacity: inspectRing(ring).capacity });
  } finally {
    clearTimeout(timer);
    for (const side of sides) side.terminate();
  }
}

const CONFIGS: readonly Config[] = [
  // Two slots: one item at a time, full and empty at almost every step.
  { scheme: "textbook", slots: 2, items: 30_000 },
  { scheme: "textbook", slots: 64, items: 60_000 },
  // Counters from just below 2^30: the run crosses the wrap.
  { scheme: "counter", slots: 3, items: 30_000, start: 2 ** 30 - 10_000 },
  { scheme: "counter", slots: 16, items: 60_000, start: 2 ** 30 - 1 },
];

Deno.test("Producer and Consumer histories under real Workers are linearizable: FIFO, no loss, no duplicate, sizes within capacity", async (t) => {
  const seed = propertySeed();
  let operations = 0;
  for (const config of CONFIGS) {
    const label =
      `${config.scheme} slots ${config.slots}, ${config.items} items${
        config.start === undefined ? "" : `, start ${config.start}`
      }`;
    await t.step(label, async () => {
      const report = await stress(config, seed);
      assert.ok(
        report.ok,
        `${label}, seed ${seed} (replay with RINGPROOF_SEED=${seed}): ${report.violation?.property}: ${report.violation?.message}`,
      );
      assert.equal(report.counts.pushes, config.items);
      assert.equal(report.counts.pops, config.items);
      operations += config.items * 2 + report.counts.full +
        report.counts.empty;
    });
  }
  // A few hundred thousand operations in all, full and empty answers included.
  assert.ok(operations >= 300_000, `${operations} operations`);
});
