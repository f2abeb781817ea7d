// The layout sketches of bench/spin_floor.ts (`--sketches=layouts`) and this
// ring move every item: a tiny run of the case,
// every run of every contender verified by its checksum. Never speed.
import assert from "node:assert/strict";
import { layoutCase } from "../bench/_cases.ts";
import { runCase } from "../bench/_runner.ts";

Deno.test("layoutCase() contenders deliver every item in order, each layout", async () => {
  for (const slots of [2, 16]) {
    const result = await runCase(layoutCase(slots, { scale: 1 / 400 }), {
      rounds: 1,
      warmups: 0,
      warmupFraction: 1,
      timeoutMs: 60_000,
      log: () => {},
    });
    assert.equal(result.contenders.length, 7);
    for (const k of result.contenders) {
      assert.equal(k.verifiedRuns, 1, `${slots} slots: ${k.side} ${k.label}`);
    }
  }
});
