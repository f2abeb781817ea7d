// Planted bugs, one per class of issue 11, each caught by checkCode() with
// the failing schedule naming the right source line. The bugs are planted in
// a temporary copy of src/ by tests/_code_check_planted.ts, run as a
// subprocess because the copy needs --allow-write.
import assert from "node:assert/strict";
import {
  assertCaught,
  PLANTED,
  type PlantedOutcome,
  runPlantedScript,
} from "./_code_check_planted.ts";

interface Outcome extends PlantedOutcome {
  table: string | null;
  without: { property: string | null; message: string | null } | null;
}

Deno.test("checkCode() catches every planted bug and names its source line", async (t) => {
  const outcomes = await runPlantedScript<Outcome>(
    new URL("./_code_check_planted.ts", import.meta.url),
  );
  assert.equal(outcomes.length, PLANTED.length);
  for (const bug of PLANTED) {
    await t.step(`${bug.name}: ${bug.kind}`, () => {
      const outcome = outcomes.find((o) => o.name === bug.name)!;
      // The snippet occurs exactly once in src/: the bug is really planted.
      assertCaught(bug, outcome);
      if (bug.property === "refinement") {
        // The table shows the abstract state; without refinement no
        // per-step invariant fails (only the history, at the end).
        assert.match(outcome.table ?? "", /abstract state/);
        assert.ok(
          !["bound", "no-unproduced", "fifo"].includes(
            outcome.without?.property ?? "",
          ),
          `${bug.name} without refinement: ${outcome.without?.message}`,
        );
      }
    });
  }
});
