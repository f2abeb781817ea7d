// The crash exploration (issue 12): every thread of a scenario stopped
// forever at every step, a supervisor's recovery and a replacement; and
// planted recovery bugs it catches (planted in a temporary copy of src/ by
// tests/_code_check_crash_planted.ts, run as a subprocess because the copy
// needs --allow-write). Each crash point is sampled with one PCT schedule to
// keep the suite short; the crash grid samples more.
import assert from "node:assert/strict";
import { checkCode } from "../model/mod.ts";
import { PLANTED_RECOVERY } from "./_code_check_crash_planted.ts";

Deno.test("checkCode() crash exploration: a one-producer ring recovers from a death at every step", async () => {
  const report = await checkCode({
    crash: true,
    entries: [{
      scenario: "crash-ring",
      params: { scheme: "textbook", slots: 2, items: 2 },
      search: "pct",
      executions: 1,
    }],
  });
  const entry = report.entries[0]!;
  assert.equal(entry.verdict, "pass", entry.failure?.table);
  const victims = entry.victims!;
  assert.deepEqual(victims.map((v) => v.thread), ["P0", "C0"]);
  // Each victim was stopped at every step it reached, from right after the
  // barrier to its last step: many points, each with a death.
  for (const victim of victims) {
    assert.ok(victim.points >= 10, `${victim.thread}: ${victim.points}`);
    assert.ok(victim.deaths >= victim.points);
  }
  assert.equal(entry.crashPoints, victims[0]!.points + victims[1]!.points);
});

Deno.test("checkCode() crash exploration: a counter-scheme ring recovers from a death between its slot and counter stores", async () => {
  // Issue 12: a handle stores its slot index and then its counter, so a
  // death between the two left them out of step (before the fix the
  // replacement producer wrote the wrong slot: a data race with the
  // consumer). Recovery now re-derives the slot from the counter and the
  // side's base. Three items in two slots make both sides wrap, and the
  // counters start just below 2^32 so they wrap as int32 as well.
  const report = await checkCode({
    crash: true,
    entries: [{
      scenario: "crash-ring",
      params: { scheme: "counter", slots: 2, items: 3, start: 2 ** 32 - 1 },
      search: "pct",
      executions: 1,
    }],
  });
  const entry = report.entries[0]!;
  assert.equal(entry.verdict, "pass", entry.failure?.table);
  const victims = entry.victims!;
  assert.deepEqual(victims.map((v) => v.thread), ["P0", "C0"]);
  for (const victim of victims) {
    assert.ok(victim.points >= 10, `${victim.thread}: ${victim.points}`);
    assert.ok(victim.deaths >= victim.points);
  }
});

Deno.test("checkCode() crash exploration: a sequence ring recovers from a producer death at every step", async () => {
  // P0 of two producers and two consumers: its claimed, unpublished
  // position is published as a skip, so the consumers move past it.
  const report = await checkCode({
    crash: true,
    entries: [{
      scenario: "crash-sequence-2x2",
      params: { slots: 2, items: 1 },
      search: "pct",
      executions: 1,
      victims: [0],
    }],
  });
  const entry = report.entries[0]!;
  assert.equal(entry.verdict, "pass", entry.failure?.table);
  assert.ok(entry.crashPoints! >= 5, `${entry.crashPoints}`);
});

Deno.test("checkCode() crash exploration: an unbounded buffer recovers from a producer death at every step", async () => {
  // Segments of one slot: every push grows the buffer or recycles a
  // segment, so the producer dies while moving its tail too; recovery
  // re-derives its slot from its count and finishes the move.
  const report = await checkCode({
    crash: true,
    entries: [{
      scenario: "crash-unbounded",
      params: { slots: 1, items: 2 },
      search: "pct",
      executions: 1,
      victims: [0],
    }],
  });
  const entry = report.entries[0]!;
  assert.equal(entry.verdict, "pass", entry.failure?.table);
  assert.ok(entry.crashPoints! >= 20, `${entry.crashPoints}`);
});

interface Outcome {
  name: string;
  matches: number;
  file: string;
  verdict: string;
  property: string | null;
  message: string | null;
  lines: string[];
}

Deno.test("checkCode() crash exploration catches every planted recovery bug", async (t) => {
  const script =
    new URL("./_code_check_crash_planted.ts", import.meta.url).pathname;
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", "--allow-write", script],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(output.stderr);
  assert.equal(output.code, 0, stderr);
  const outcomes = new TextDecoder().decode(output.stdout).trim().split("\n")
    .map((line) => JSON.parse(line) as Outcome);
  assert.equal(outcomes.length, PLANTED_RECOVERY.length);
  for (const bug of PLANTED_RECOVERY) {
    await t.step(`${bug.name}: ${bug.kind}`, () => {
      const outcome = outcomes.find((o) => o.name === bug.name)!;
      assert.equal(
        outcome.matches,
        1,
        `${bug.name}: the snippet must match once`,
      );
      assert.equal(outcome.file, bug.file);
      assert.equal(outcome.verdict, "fail", outcome.message ?? "");
      assert.equal(outcome.property, bug.property, outcome.message ?? "");
      assert.ok(
        outcome.lines.some((line) => line.includes(bug.line)),
        `${bug.name}: ${outcome.message} names ${outcome.lines.join(" | ")}`,
      );
    });
  }
});
