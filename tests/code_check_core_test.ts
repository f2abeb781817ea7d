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

Deno.test("checkCode() passes the push/closeRing race, found and fixed (issue 11)", async (t) => {
  // A tryPush passes its closed check, closeRing() runs on a third thread and
  // the consumer concludes "closed and drained": the push must then throw
  // ClosedError. Before the fix it returned true for an item nobody popped
  // (tests/_code_check_planted.ts plants that bug back as "close-race").
  for (const scheme of ["textbook", "counter"]) {
    await t.step(scheme, async () => {
      const report = await checkCode({
        entries: [{
          scenario: "close-ring",
          params: { scheme, slots: 2, items: 1 },
        }],
        search: "preemption",
        bound: 1,
      });
      const entry = report.entries[0]!;
      assert.equal(report.verdict, "pass", report.failure?.message);
      assert.ok(entry.complete, "every schedule within the bound explored");
      assert.ok(entry.executions > 1);
    });
  }
});

Deno.test("checkCode() finds no data race when a counter-scheme producer re-attaches while the consumer pops", async () => {
  // An attaching handle used to read the live peer's slot word, which the
  // peer writes plainly (a mixed race, allowed in the grid until fixed);
  // tests/_code_check_planted.ts plants it back as "peer-slot-read", caught
  // by this same search.
  const report = await checkCode({
    entries: [{
      scenario: "reattach",
      params: { scheme: "counter", slots: 3, items: 2 },
    }],
    search: "pct",
    executions: 40,
  });
  assert.equal(report.verdict, "pass", report.failure?.message);
  assert.ok(report.entries[0]!.executions >= 40);
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

Deno.test("checkCode() rejects bad numeric, crash and replay options before it runs anything", async () => {
  const entries = [{ scenario: "try", params: { slots: 2, items: 1 } }];
  // executions 0 used to run nothing and pass; bound -1 failed in the search.
  const cases: [Record<string, unknown>, string, RegExp][] = [
    [
      { search: "random", executions: 0 },
      "RangeError",
      /executions must be an integer >= 1, received 0/,
    ],
    [
      { search: "preemption", bound: -1 },
      "RangeError",
      /bound must be an integer >= 0, received -1/,
    ],
    [{ maxSteps: 0 }, "RangeError", /maxSteps must be an integer >= 1/],
    [
      { search: "pct", depth: 0 },
      "RangeError",
      /depth must be an integer >= 1/,
    ],
    [
      { search: "random", seed: 1.5 },
      "RangeError",
      /seed must be an integer >= 0, received 1.5/,
    ],
    [{ seconds: 0 }, "RangeError", /seconds must be a number > 0, received 0/],
    [
      { executions: "5" },
      "TypeError",
      /executions must be an integer >= 1, received string "5"/,
    ],
    // An unknown deaths ran as "one"; without crash it was ignored.
    [
      { crash: true, deaths: "three" },
      "TypeError",
      /deaths must be "one", "two", "attach" or "supervisor", received "three"/,
    ],
    [{ deaths: "two" }, "RangeError", /deaths applies only with crash: true/],
    [{ maxPoint: 3 }, "RangeError", /maxPoint applies only with crash: true/],
    // A schedule is one execution of one scenario, not of every entry.
    [
      { schedule: [0, 1], entries: [entries[0]!, entries[0]!] },
      "RangeError",
      /a schedule replays one execution of one entry, received 2 entries/,
    ],
  ];
  for (const [options, name, message] of cases) {
    await assert.rejects(
      () => checkCode({ entries, ...options }),
      (error: Error) => {
        assert.equal(error.name, name, JSON.stringify(options));
        assert.match(error.message, /^Cannot check code: /);
        assert.match(error.message, message);
        return true;
      },
    );
  }
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
  // Crash modes: a known one, and only with --crash.
  assert.equal(
    await runCodeCli(["--against", "code", "--crash", "--deaths", "3"], io),
    2,
  );
  assert.match(err, /--deaths: must be one, two, attach or supervisor/);
  assert.equal(
    await runCodeCli(["--against", "code", "--deaths", "two"], io),
    2,
  );
  assert.match(err, /--deaths and --max-point need --crash/);
  assert.equal(
    await runCodeCli(["--against", "code", "--json", "--mermaid"], io),
    2,
  );
  assert.match(err, /Flag --json does not combine with --mermaid/);
  // A search flag the chosen search ignores (dpor has no preemption bound).
  assert.equal(
    await runCodeCli(
      ["--against", "code", "--scenario", "try", "--bound", "1"],
      io,
    ),
    2,
  );
  assert.match(
    err,
    /Flag --bound applies only to --search preemption, received search dpor/,
  );
  assert.equal(
    await runCodeCli(
      [
        "--against",
        "code",
        "--scenario",
        "try",
        "--search",
        "random",
        "--depth",
        "2",
      ],
      io,
    ),
    2,
  );
  assert.match(err, /Flag --depth applies only to --search pct/);
  // A ring module that does not import: one line, not an uncaught error.
  assert.equal(
    await runCodeCli(
      ["--against", "code", "--scenario", "try", "--ring", "no_such_ring.ts"],
      io,
    ),
    2,
  );
  assert.match(err, /Bad value for --ring: cannot import no_such_ring\.ts \(/);
  assert.equal(
    await runCodeCli(
      ["--against", "code", "--scenario", "try", "--items", "1"],
      io,
    ),
    0,
  );
  assert.match(out, /verdict: PASS/);
  out = "";
  // An honest failure: a blocking pop cannot end within 10 steps.
  assert.equal(
    await runCodeCli(
      [
        "--against",
        "code",
        "--scenario",
        "blocking",
        "--items",
        "1",
        "--max-steps",
        "10",
        "--json",
      ],
      io,
    ),
    1,
  );
  const saved = JSON.parse(out);
  assert.equal(saved.failure.property, "livelock");
  // --replay reads the JSON back (readFile returns it) and, with the same
  // step limit, fails again.
  const json = out;
  out = "";
  io.readFile = () => Promise.resolve(json);
  assert.equal(
    await runCodeCli(
      ["--against", "code", "--replay", "f.json", "--max-steps", "10"],
      io,
    ),
    1,
  );
  assert.match(out, /did not end within 10 steps/);
});
