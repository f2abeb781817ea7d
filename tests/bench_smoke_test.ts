// Smoke test of the benchmark harness: `bench/run.ts --quick --json` runs
// every case and the MPMC benchmark in a subprocess and every run verifies;
// and a tiny run of the MPMC benchmark (bench/mpmc.ts) in this process, every
// shape and contender, each run verified (counts, sums, per-producer order);
// and bench/ab_trees.ts in every mode, one checkout as A and B, tiny counts.
// It checks the JSON's shape and that the benchmarks work, never speed.
import assert from "node:assert/strict";
import { mpmcMarkdown, runMpmcBench } from "../bench/mpmc.ts";

const ROOT = new URL("../", import.meta.url);

interface Run {
  seconds: number | null;
  rate: number | null;
  verified: boolean;
  problem?: string;
}

interface Contender {
  side: string;
  label: string;
  count: number;
  runs: Run[];
  median: number | null;
  verifiedRuns: number;
}

interface CaseResult {
  id: string;
  unit: string;
  contenders: Contender[];
  ratios: { side: string; ratio: number | null }[];
}

interface MpmcRow {
  shape: string;
  contender: string;
  median: number | null;
  rates: (number | null)[];
  verified: boolean;
  problem?: string;
}

Deno.test("bench/run.ts --quick --json verifies every run of every case and MPMC shape", async () => {
  const rounds = 2;
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      // As deno task bench runs it: every Worker collects before its clock.
      "--v8-flags=--expose-gc",
      "--allow-read",
      "bench/run.ts",
      "--quick",
      "--json",
      `--rounds=${rounds}`,
    ],
    cwd: ROOT,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const log = new TextDecoder().decode(stderr);
  assert.equal(code, 0, log);
  const report = JSON.parse(new TextDecoder().decode(stdout));

  assert.equal(report.schema, "ringproof-bench/2");
  assert.equal(report.quick, true);
  assert.equal(report.rounds, rounds);
  assert.equal(typeof report.machine.cores, "number");
  assert.equal(typeof report.machine.deno, "string");
  assert.equal(typeof report.machine.v8, "string");

  const cases = report.cases as CaseResult[];
  assert.deepEqual(cases.map((c) => c.id).sort(), [
    "async-16",
    "async-4096",
    "batch-4096",
    "batch-bulk-16384-slots-4096-batch",
    "batch-bulk-4096-slots-256-batch",
    "blocking-16",
    "blocking-4096",
    "ping-16",
    "spin-1024",
    "spin-16",
    "spin-4096",
    "spin-counter-1024",
    "spin-counter-16",
    "spin-counter-4096",
    "struct-4096",
  ]);
  for (const c of cases) {
    assert.equal(c.contenders[0]?.side, "ring", c.id);
    assert.ok(c.contenders.length >= 2, c.id);
    assert.equal(c.ratios.length, c.contenders.length - 1, c.id);
    for (const k of c.contenders) {
      assert.equal(k.runs.length, rounds, `${c.id} ${k.side}`);
      for (const run of k.runs) {
        assert.equal(run.verified, true, `${c.id} ${k.side}: ${run.problem}`);
        assert.ok(run.seconds! > 0 && run.rate! > 0, `${c.id} ${k.side}`);
      }
      assert.equal(k.verifiedRuns, rounds);
      assert.ok(k.median! > 0, `${c.id} ${k.side}`);
    }
    for (const { ratio } of c.ratios) assert.ok(ratio! > 0, c.id);
  }
  const sides = new Set(cases.flatMap((c) => c.contenders.map((k) => k.side)));
  assert.deepEqual([...sides].sort(), [
    "copy ceiling",
    "postMessage",
    "ring",
    "ringbuf.js",
  ]);
  assert.ok(report.targets.length >= 6);

  const mpmc = report.mpmc.rows as MpmcRow[];
  assert.deepEqual(
    mpmc.map((row) => `${row.shape} ${row.contender}`),
    ["2x2", "1x2", "2x1", "4x4"].flatMap((shape) =>
      ["sequence ring", "mutex ring", "postMessage"].map((contender) =>
        `${shape} ${contender}`
      )
    ),
  );
  for (const row of mpmc) {
    const name = `${row.shape} ${row.contender}`;
    assert.equal(row.verified, true, `${name}: ${row.problem}`);
    assert.equal(row.rates.length, rounds, name);
    assert.ok(row.rates.every((rate) => rate! > 0), name);
  }

  assert.equal(report.verified, true);
  assert.equal(report.runs, report.verifiedRuns);
  assert.equal(
    report.runs,
    cases.reduce((n, c) => n + c.contenders.length * rounds, 0) +
      mpmc.length * rounds,
  );
});

Deno.test("runMpmcBench() verifies every run of every shape and contender", async () => {
  const report = await runMpmcBench({ items: 3000, rounds: 1, slots: 16 });
  assert.deepEqual(
    report.rows.map((row) => `${row.shape} ${row.contender}`),
    ["2x2", "1x2", "2x1", "4x4"].flatMap((shape) =>
      ["sequence ring", "mutex ring", "postMessage"].map((contender) =>
        `${shape} ${contender}`
      )
    ),
  );
  for (const row of report.rows) {
    assert.equal(
      row.verified,
      true,
      `${row.shape} ${row.contender}: ${row.problem}`,
    );
    assert.equal(row.rates.length, 1);
    assert.ok(row.median > 0);
  }
  assert.match(mpmcMarkdown(report), /\| 2x2 \| sequence ring \|/);
});

Deno.test("runMpmcBench() with timeline logs each consumer's time per 65,536 items", async () => {
  const lines: string[] = [];
  // 2x1: one consumer takes all 140,000 items, so its line has two marks.
  const report = await runMpmcBench({
    items: 70_000,
    rounds: 1,
    slots: 64,
    shapes: [[2, 1]],
    only: ["sequence", "mutex"],
    timeline: true,
    log: (line) => lines.push(line),
  });
  assert.ok(report.rows.every((row) => row.verified));
  const timelines = lines.filter((line) => line.includes("ms per 65536"));
  assert.deepEqual(
    timelines.map((line) => line.split(":")[0]).sort(),
    ["2x1 mutex round 1 consumer 0", "2x1 sequence round 1 consumer 0"],
  );
  for (const line of timelines) {
    const steps = line.split(": ").at(-1)!.split(" ").map(Number);
    assert.equal(steps.length, 2, line);
    assert.ok(steps.every((ms) => ms > 0), line);
  }
});

Deno.test("bench/ab_trees.ts runs every mode on two checkouts, every run verified", async (t) => {
  // The same checkout as A and B, tiny counts: the tool's paths and its
  // verification (it throws on a run whose checksum or echo is wrong).
  const modes = [
    ["--mode=spin"],
    ["--mode=spin", "--scheme=counter"],
    ["--mode=blocking", "--slots=16"],
    ["--mode=async", "--slots=16"],
    ["--mode=ping", "--slots=16"],
    ["--mode=many", "--shape=2x2"],
    ["--mode=bulk", "--batch=300", "--slots=256"],
  ];
  for (const flags of modes) {
    await t.step(flags.join(" "), async () => {
      const { code, stdout, stderr } = await new Deno.Command(
        Deno.execPath(),
        {
          args: [
            "run",
            "--allow-read",
            "--v8-flags=--expose-gc",
            "bench/ab_trees.ts",
            ".",
            ".",
            "--rounds=2",
            "--items=3000",
            ...flags,
          ],
          cwd: ROOT,
          stdout: "piped",
          stderr: "piped",
        },
      ).output();
      const out = new TextDecoder().decode(stdout);
      assert.equal(code, 0, new TextDecoder().decode(stderr));
      assert.match(out, /2 rounds: A [\d.]+ M .*; B ÷ A median [\d.]+/);
    });
  }
});
