// The same lockstep behaviour over every ring kind (tests/_lockstep_rings.ts):
// the one lockstep driver gives each of them coverage "paths", the
// determinism check and the consequences of a disagreement.
import assert from "node:assert/strict";
import { countPaths, RING_KINDS } from "./_lockstep_rings.ts";

Deno.test("checkRing() and checkSequenceRing() perform every maximal interleaving with coverage paths, every ring kind", async (t) => {
  for (const kind of RING_KINDS) {
    await t.step(kind.name, () => {
      const states = kind.check({ coverage: "states" });
      assert.equal(states.verdict, "pass", states.table);
      assert.equal(states.paths, undefined);
      const paths = kind.check({ coverage: "paths" });
      assert.equal(paths.verdict, "pass", paths.table);
      assert.equal(paths.paths, countPaths(kind.model));
    });
  }
});

Deno.test("checkRing() and checkSequenceRing() report a ring that does not come back to a state it was in, every ring kind", async (t) => {
  for (const kind of RING_KINDS) {
    for (const coverage of ["states", "paths"] as const) {
      await t.step(`${kind.name} coverage ${coverage}`, () => {
        const report = kind.check({ coverage, broken: true });
        assert.equal(report.verdict, "fail");
        assert.equal(report.property, "replay", report.table);
      });
    }
  }
});

Deno.test("checkRing() and checkSequenceRing() explore what a disagreement leads to, every ring kind with a full test", async (t) => {
  for (const kind of RING_KINDS.filter((k) => k.buggy)) {
    await t.step(kind.name, () => {
      const report = kind.check({ coverage: "states", buggy: true });
      assert.equal(report.verdict, "fail");
      // A producer that overwrites an unconsumed item: on its own, the ring
      // holds more than it may.
      assert.equal(report.consequence, "bound", report.table);
    });
  }
});
