// The production ring in lockstep with the model: every reachable model
// state and every step out of it (and, for small configurations, every
// maximal interleaving) performed as calls on real Producer/Consumer handles,
// compared after each step through the abstraction function.
import assert from "node:assert/strict";
import {
  checkRing,
  type CheckRingOptions,
  productionRing,
  type RingCheckReport,
  type RingFactory,
} from "../model/mod.ts";
import { plainRing } from "./_broken_rings.ts";
import { countPaths } from "./_lockstep_rings.ts";
import { assertThrowsWith } from "./_helpers.ts";

const SCHEMES = ["textbook", "counter"] as const;
const SLOTS = [2, 3, 4];

/** Checks the figures of a passing report against each other and the model's own exploration. */
function assertCovered(report: RingCheckReport, what: string): void {
  assert.equal(report.verdict, "pass", `${what}\n${report.failure?.table}`);
  // Every state and every one-access step the explorer visits was performed.
  assert.equal(report.model.states, report.explored.states, what);
  assert.equal(report.model.transitions, report.explored.transitions, what);
  // In agreement, the ring's states are the model's, one for one.
  assert.equal(report.production.states, report.model.states, what);
  assert.ok(report.production.probes > 0, `${what}: blocked steps probed`);
  assert.ok(report.production.calls >= report.production.transitions, what);
}

Deno.test("checkRing() agrees with the model in every state and step, both schemes, slots 2 to 4, 1 to 6 items", () => {
  for (const scheme of SCHEMES) {
    for (const slots of SLOTS) {
      for (let items = 1; items <= 6; items++) {
        const report = checkRing({ slots, items, scheme });
        assertCovered(report, `${scheme} slots ${slots} items ${items}`);
        assert.ok(report.model.coarse > 0, "tryPush/tryPop were checked too");
      }
    }
  }
});

Deno.test("checkRing() agrees with the model across the counters' wrap at 2^32", () => {
  for (const slots of SLOTS) {
    for (const start of [2 ** 32 - 3, 2 ** 32 - 1]) {
      const report = checkRing({ slots, items: 6, scheme: "counter", start });
      assertCovered(report, `slots ${slots} start ${start}`);
      assert.equal(report.config.start, start);
    }
  }
});

Deno.test("checkRing() performs every maximal interleaving with coverage paths", () => {
  for (const scheme of SCHEMES) {
    for (const slots of SLOTS) {
      const items = 3;
      const options: CheckRingOptions = {
        slots,
        items,
        scheme,
        coverage: "paths",
        granularity: "fine",
      };
      const report = checkRing(options);
      assertCovered(report, `${scheme} slots ${slots} paths`);
      assert.equal(report.paths, countPaths({ slots, items, scheme }));
    }
  }
});

Deno.test("checkRing() checks the coarse tryPush/tryPop alone with granularity coarse", () => {
  const report = checkRing({ slots: 3, items: 4, granularity: "coarse" });
  assert.equal(report.verdict, "pass");
  assert.equal(report.model.transitions, 0);
  assert.ok(report.model.coarse > 0);
  // Only states between whole push/pop calls are reached.
  assert.ok(report.model.states < report.explored.states);
});

Deno.test("checkRing() passes an independent correct ring", () => {
  for (const scheme of SCHEMES) {
    for (const slots of SLOTS) {
      const start = scheme === "counter" ? 2 ** 32 - 2 : 0;
      const report = checkRing({
        slots,
        items: 6,
        scheme,
        start,
        ring: plainRing(),
      });
      assertCovered(report, `plain ${scheme} slots ${slots}`);
    }
  }
});

Deno.test("checkRing() checks only fine steps of a ring without tryPush/tryPop", () => {
  const fineOnly: RingFactory = (config) => {
    const { tryPush: _push, tryPop: _pop, ...rest } = productionRing(config);
    return rest;
  };
  const report = checkRing({ slots: 3, items: 3, ring: fineOnly });
  assertCovered(report, "fine only");
  assert.equal(report.config.granularity, "fine");
  assert.equal(report.model.coarse, 0);
});

Deno.test("checkRing() fails a ring that is not deterministic with replay", () => {
  let made = 0;
  // The first two rings (the capability probe and the root) start empty at
  // 0; later ones at 1, so replaying a path does not reproduce its state.
  const drifting: RingFactory = (config) =>
    plainRing()({ ...config, start: ++made <= 2 ? 0 : 1 });
  const report = checkRing({ slots: 3, items: 2, ring: drifting });
  assert.equal(report.verdict, "fail");
  assert.equal(report.failure?.property, "replay");
  assert.match(report.failure!.message, /not deterministic/);
});

Deno.test("checkRing() fails a ring that throws with error", () => {
  const throwing: RingFactory = (config) => ({
    ...productionRing(config),
    release() {
      throw new Error("boom");
    },
  });
  const report = checkRing({ slots: 2, items: 1, ring: throwing });
  assert.equal(report.failure?.property, "error");
  assert.match(report.failure!.message, /C0 release: Error: boom/);
  assert.match(report.failure!.table, /threw Error: boom/);
});

Deno.test("checkRing() stops with verdict incomplete at maxSteps", () => {
  const report = checkRing({ slots: 4, items: 6, maxSteps: 10 });
  assert.equal(report.verdict, "incomplete");
  assert.equal(report.production.transitions, 10);
  assert.equal(report.failure, undefined);
});

Deno.test("checkRing() validates its options", () => {
  assertThrowsWith(() => checkRing({ slots: 1, items: 2 }), RangeError, [
    "Cannot check ring: slots must be an integer from 2 to 64, received 1",
  ]);
  assertThrowsWith(() => checkRing({ slots: 3, items: 0 }), RangeError, [
    "items",
  ]);
  assertThrowsWith(
    () => checkRing({ slots: 3, items: 2, start: 1 }),
    RangeError,
    ["Cannot check ring: start applies only to scheme counter"],
  );
  assertThrowsWith(
    () => checkRing({ slots: 3, items: 2, scheme: "circular" as "counter" }),
    TypeError,
    ['scheme must be one of textbook, counter, unbounded, received "circular"'],
  );
  assertThrowsWith(
    () => checkRing({ slots: "3" as unknown as number, items: 2 }),
    TypeError,
    ["slots"],
  );
  assertThrowsWith(
    () => checkRing({ slots: 3, items: 2, coverage: "all" as "paths" }),
    TypeError,
    ["coverage"],
  );
  assertThrowsWith(
    () => checkRing({ slots: 3, items: 2, ring: 1 as unknown as RingFactory }),
    TypeError,
    ["ring must be a function"],
  );
  assertThrowsWith(
    () => checkRing(null as unknown as CheckRingOptions),
    TypeError,
    ["options must be an object"],
  );
});
