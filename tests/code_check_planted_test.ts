// Planted bugs, one per class of issue 11, each caught by checkCode() with
// the failing schedule naming the right source line. The bugs are planted in
// a temporary copy of src/ by tests/_code_check_planted.ts, run as a
// subprocess because the copy needs --allow-write.
import assert from "node:assert/strict";
import { PLANTED } from "./_code_check_planted.ts";

interface Outcome {
  name: string;
  matches: number;
  file: string;
  verdict: string;
  property: string | null;
  message: string | null;
  lines: string[];
  table: string | null;
  without: { property: string | null; message: string | null } | null;
}

Deno.test("checkCode() catches every planted bug and names its source line", async (t) => {
  const script = new URL("./_code_check_planted.ts", import.meta.url).pathname;
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", "--allow-write", script],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(output.stderr);
  assert.equal(output.code, 0, stderr);
  const outcomes = new TextDecoder().decode(output.stdout).trim().split("\n")
    .map((line) => JSON.parse(line) as Outcome);
  assert.equal(outcomes.length, PLANTED.length);
  for (const bug of PLANTED) {
    await t.step(`${bug.name}: ${bug.kind}`, () => {
      const outcome = outcomes.find((o) => o.name === bug.name)!;
      // The snippet occurs exactly once in src/: the bug is really planted.
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
