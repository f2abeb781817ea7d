// The crash exploration (issue 12): every thread of a scenario stopped
// forever at every step, a supervisor's recovery and a replacement; and
// planted recovery bugs it catches (planted in a temporary copy of src/ by
// tests/_code_check_crash_planted.ts, run as a subprocess because the copy
// needs --allow-write). Each crash point is sampled with one PCT schedule to
// keep the suite short; the crash grid samples more.
import assert from "node:assert/strict";
import {
  checkCode,
  type CheckCodeOptions,
  type CodeCheckEntry,
  type CodeEntryReport,
} from "../model/mod.ts";
import { PLANTED_RECOVERY } from "./_code_check_crash_planted.ts";
import {
  assertCaught,
  type PlantedOutcome,
  runPlantedScript,
} from "./_code_check_planted.ts";

/** One crash entry, one PCT schedule per crash point; asserts nothing failed. */
async function passingEntry(
  entry: CodeCheckEntry,
  options: Omit<CheckCodeOptions, "crash" | "entries"> = {},
): Promise<CodeEntryReport> {
  const report = await checkCode({
    crash: true,
    entries: [{ search: "pct", executions: 1, ...entry }],
    ...options,
  });
  const result = report.entries[0]!;
  assert.equal(result.failure, undefined, result.failure?.table);
  // Crash points capped by maxPoint: nothing failed, but not every point ran.
  assert.equal(
    result.verdict,
    entry.maxPoint === undefined ? "pass" : "incomplete",
  );
  return result;
}

/**
 * Asserts each named victim was stopped at every step it reached, from
 * right after the barrier to its last step: many points, each with a death.
 */
function assertVictims(
  entry: CodeEntryReport,
  names: readonly string[],
  least: number,
): void {
  const victims = entry.victims!;
  assert.deepEqual(victims.map((v) => v.thread), names);
  for (const victim of victims) {
    assert.ok(victim.points >= least, `${victim.thread}: ${victim.points}`);
    assert.ok(victim.deaths >= victim.points);
  }
  assert.equal(
    entry.crashPoints,
    victims.reduce((n, v) => n + v.points, 0),
  );
}

Deno.test("checkCode() crash exploration: a one-producer ring recovers from a death at every step", async () => {
  const entry = await passingEntry({
    scenario: "crash-ring",
    params: { scheme: "textbook", slots: 2, items: 2 },
  });
  assertVictims(entry, ["P0", "C0"], 10);
});

Deno.test("checkCode() crash exploration: a counter-scheme ring recovers from a death between its slot and counter stores", async () => {
  // Issue 12: a handle stores its slot index and then its counter, so a
  // death between the two left them out of step (before the fix the
  // replacement producer wrote the wrong slot: a data race with the
  // consumer). Recovery now re-derives the slot from the counter and the
  // side's base. Three items in two slots make both sides wrap, and the
  // counters start just below 2^30 so they wrap (at 2^30) as well.
  const entry = await passingEntry({
    scenario: "crash-ring",
    params: { scheme: "counter", slots: 2, items: 3, start: 2 ** 30 - 1 },
  });
  assertVictims(entry, ["P0", "C0"], 10);
});

Deno.test("checkCode() crash exploration: a producer that dies at any step is recovered", async (t) => {
  const cases = [{
    // P0 of two producers and two consumers: its claimed, unpublished
    // position is published as a skip, so the consumers move past it.
    what: "a sequence ring",
    scenario: "crash-sequence-2x2",
    params: { slots: 2, items: 1 },
    least: 5,
  }, {
    // Segments of one slot: every push grows the buffer or recycles a
    // segment, so the producer dies while moving its tail too; recovery
    // re-derives its slot from its count and finishes the move.
    what: "an unbounded buffer",
    scenario: "crash-unbounded",
    params: { slots: 1, items: 2 },
    least: 20,
  }];
  for (const { what, scenario, params, least } of cases) {
    await t.step(what, async () => {
      const entry = await passingEntry({ scenario, params, victims: [0] });
      assert.ok(entry.crashPoints! >= least, `${entry.crashPoints}`);
    });
  }
});

Deno.test("checkCode() crash exploration: two threads stopped in one execution are recovered in one supervisor pass", async (t) => {
  // Every pair of points up to step 3 each (the CLI's --deaths two without
  // --max-point goes to the end: 312 pairs on this ring).
  await t.step(
    "the producer and the consumer of a one-producer ring",
    async () => {
      const entry = await passingEntry({
        scenario: "crash-ring",
        params: { scheme: "textbook", slots: 2, items: 2 },
        deaths: "two",
        maxPoint: 3,
      });
      assert.deepEqual(entry.victims!.map((v) => v.thread), ["P0+C0"]);
      assert.equal(entry.crashPoints, 16);
    },
  );
  await t.step("both producers of a sequence ring", async () => {
    const entry = await passingEntry({
      scenario: "crash-sequence-2x2",
      params: { slots: 2, items: 1 },
      victims: [0, 1],
      deaths: "two",
      maxPoint: 2,
    });
    assert.deepEqual(entry.victims!.map((v) => v.thread), ["P0+P1"]);
    assert.equal(entry.crashPoints, 9);
  });
});

Deno.test("checkCode() crash exploration: a thread that dies while attaching is recovered by role and replaced", async (t) => {
  // Stopped at every step of its constructor, before it sent its id: the
  // supervisor recovers a side of one handle with recoverRing(sab, { role }).
  const cases = [{
    what: "a one-producer ring",
    scenario: "crash-ring",
    params: { scheme: "textbook", slots: 2, items: 2 },
    names: ["P0", "C0"],
  }, {
    // One producer (its side's lock names it), two consumers (many).
    what: "a sequence ring with one producer",
    scenario: "crash-sequence-1x2",
    params: { slots: 2, items: 1 },
    names: ["P0", "C0", "C1"],
  }];
  for (const { what, scenario, params, names } of cases) {
    await t.step(what, async () => {
      const entry = await passingEntry({ scenario, params, deaths: "attach" });
      assertVictims(entry, names, 5);
    });
  }
});

Deno.test("checkCode() crash exploration: a supervisor that dies mid-recovery is resumed by a second one", async (t) => {
  // A victim stopped at k1, then S stopped at every step k2 of its recovery
  // and replacement; S2 recovers both (recovery again, and S's
  // replacements) and finishes the work. Points up to step 4 each.
  const cases = [{
    what: "a one-producer ring",
    scenario: "crash-ring-2s",
    params: { scheme: "textbook", slots: 2, items: 2 },
  }, {
    what: "an unbounded buffer",
    scenario: "crash-unbounded-2s",
    params: { slots: 1, items: 2 },
  }];
  for (const { what, scenario, params } of cases) {
    await t.step(what, async () => {
      const entry = await passingEntry({
        scenario,
        params,
        deaths: "supervisor",
        maxPoint: 4,
      });
      assert.deepEqual(entry.victims!.map((v) => v.thread), ["P0+S", "C0+S"]);
      assert.ok(entry.crashPoints! >= 20, `${entry.crashPoints}`);
    });
  }
});

Deno.test("checkCode() crash exploration catches every planted recovery bug", async (t) => {
  const outcomes = await runPlantedScript<
    PlantedOutcome & {
      replayed: { api: string | null; cli: { code: number; out: string } };
    }
  >(new URL("./_code_check_crash_planted.ts", import.meta.url));
  assert.equal(outcomes.length, PLANTED_RECOVERY.length);
  for (const bug of PLANTED_RECOVERY) {
    await t.step(`${bug.name}: ${bug.kind}`, () => {
      const outcome = outcomes.find((o) => o.name === bug.name)!;
      assertCaught(bug, outcome);
      // Its schedule at its crash point replays the same failure, through
      // checkCode({ crash, schedule, crashPoint }) and through --replay.
      assert.equal(outcome.replayed.api, outcome.message);
      assert.equal(outcome.replayed.cli.code, 1);
      assert.ok(
        outcome.replayed.cli.out.includes(outcome.message!),
        outcome.replayed.cli.out,
      );
    });
  }
});
