// checkCode(): the production ring under a controlled scheduler.
import assert from "node:assert/strict";
import { checkCode } from "../model/mod.ts";
import { runCodeCli } from "../model/_code/cli.ts";

Deno.test("checkCode() passes tryPush/tryPop, sleeping push/pop and the async calls", async () => {
  const report = await checkCode({
    entries: [
      { scenario: "try", params: { slots: 2, items: 2 } },
      { scenario: "blocking", params: { slots: 2, items: 1 } },
      { scenario: "async", params: { slots: 2, items: 1, scheme: "counter" } },
    ],
  });
  assert.equal(report.verdict, "pass");
  for (const entry of report.entries) {
    assert.ok(entry.complete, `${entry.scenario} explored completely`);
    assert.ok(entry.executions > 1);
  }
});

Deno.test("checkCode() finds the push/closeRing race (fixed on arch-src; flip at merge)", async (t) => {
  // A tryPush passes its closed check, closeRing() runs, the consumer
  // concludes "closed and drained", then the push publishes and returns true.
  const entry = { scenario: "close-ring", params: { slots: 2, items: 1 } };
  const report = await checkCode({ entries: [entry] });
  assert.equal(report.verdict, "fail");
  const failure = report.failure!;
  assert.equal(failure.property, "no-loss");
  assert.match(failure.message, /concluded the ring closed and drained/);
  assert.match(failure.table, /store closed = 1/);
  assert.match(failure.table, /pop\(\) → ClosedError/);
  assert.match(failure.mermaid, /^sequenceDiagram/);

  await t.step("the schedule replays the same execution", async () => {
    const replay = await checkCode({
      entries: [entry],
      schedule: failure.schedule,
      quiet: failure.quiet,
    });
    const again = replay.entries[0]!.failure!;
    assert.equal(again.message, failure.message);
    assert.deepEqual(again.steps, failure.steps);
  });

  await t.step("the preemption-bounded search finds it too", async () => {
    const bounded = await checkCode({
      entries: [entry],
      search: "preemption",
      bound: 1,
    });
    assert.equal(bounded.failure?.property, "no-loss");
  });

  await t.step("PCT finds it from a seed", async () => {
    const pct = await checkCode({
      entries: [entry],
      search: "pct",
      executions: 200,
      seed: 7,
    });
    assert.equal(pct.failure?.property, "no-loss");
  });
});

Deno.test("checkCode() explores fewer executions with DPOR than without", async () => {
  const entries = [{ scenario: "try", params: { slots: 2, items: 1 } }];
  const dpor = await checkCode({ entries });
  const dfs = await checkCode({ entries, search: "dfs" });
  assert.ok(dpor.entries[0]!.complete && dfs.entries[0]!.complete);
  assert.equal(dpor.verdict, "pass");
  assert.equal(dfs.verdict, "pass");
  assert.ok(
    dpor.executions < dfs.executions,
    `dpor ${dpor.executions} < dfs ${dfs.executions}`,
  );
});

Deno.test("runCodeCli() exits 2 on bad arguments, 0 on a passing scenario, 1 and a replay file on a failing one", async () => {
  let out = "";
  let err = "";
  const io = {
    out: (text: string) => void (out += text),
    err: (text: string) => void (err += text),
    readFile: () => Promise.resolve(out),
    cwd: Deno.cwd(),
  };
  assert.equal(await runCodeCli(["--against", "code", "--slots", "x"], io), 2);
  assert.match(err, /--slots must be an integer/);
  assert.equal(
    await runCodeCli(["--against", "code", "--search", "bfs"], io),
    2,
  );
  assert.equal(
    await runCodeCli(
      ["--against", "code", "--scenario", "try", "--items", "1"],
      io,
    ),
    0,
  );
  assert.match(out, /verdict: PASS/);
  out = "";
  assert.equal(
    await runCodeCli(
      [
        "--against",
        "code",
        "--scenario",
        "close-ring",
        "--items",
        "1",
        "--json",
      ],
      io,
    ),
    1,
  );
  const saved = JSON.parse(out);
  assert.equal(saved.failure.property, "no-loss");
  // --replay reads the JSON back (readFile returns it) and fails again.
  const json = out;
  out = "";
  io.readFile = () => Promise.resolve(json);
  assert.equal(
    await runCodeCli(["--against", "code", "--replay", "f.json"], io),
    1,
  );
  assert.match(out, /closed and drained/);
});
