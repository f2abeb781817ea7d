// Every engine in lockstep with the model: every reachable model state and
// every step out of it (and, for small configurations, every maximal
// interleaving) performed as calls on real handles — the one-producer ring
// and the unbounded buffer by checkRing(), the sequence ring by
// checkSequenceRing() — compared after each step through the abstraction
// function.
import assert from "node:assert/strict";
import {
  checkRing,
  type CheckRingOptions,
  checkSequenceRing,
  type CheckSequenceRingOptions,
  productionRing,
  type RingCheckReport,
  type RingConfig,
  type RingFactory,
  type SequenceRingFactory,
} from "../model/mod.ts";
import {
  plainRing,
  plainSequenceRing,
  throwing,
  throwingSequence,
  unrepeatable,
} from "./_broken_rings.ts";
import { countPaths } from "./_lockstep_rings.ts";
import { assertThrowsWith } from "./_helpers.ts";
import { createUnbounded, inspectUnbounded } from "../mod.ts";
import { unboundedUnderTest } from "../model/_lockstep/unbounded_ring.ts";

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

const LIMIT_3 = 2 ** 31 - 2 ** 31 % 3;

const CONFIGS: CheckSequenceRingOptions[] = [
  { producers: 2, consumers: 1, slots: 2, items: 2 },
  { producers: 1, consumers: 2, slots: 2, items: 3 },
  { producers: 2, consumers: 2, slots: 2, items: 1 },
  { producers: 3, consumers: 1, slots: 2, items: 1 },
  // Three slots, positions crossing their wrap at 2^31 - 2.
  { producers: 2, consumers: 2, slots: 3, items: 1, start: LIMIT_3 - 1 },
  { producers: 1, consumers: 2, slots: 3, items: 3, start: LIMIT_3 - 2 },
];

/** As {@linkcode assertCovered}, for the unbounded buffer: its producer is never blocked, so no call count. */
function assertCoveredUnbounded(report: RingCheckReport, what: string): void {
  assert.equal(report.verdict, "pass", `${what}\n${report.failure?.table}`);
  assert.equal(report.model.states, report.explored.states, what);
  assert.equal(report.model.transitions, report.explored.transitions, what);
  assert.equal(report.production.states, report.model.states, what);
  // The consumer's empty buffer was probed; the producer is never blocked.
  assert.ok(report.production.probes > 0, what);
}

/** A factory of buffers under test that keeps every buffer it made. */
function keeping(): { factory: RingFactory; buffers: SharedArrayBuffer[] } {
  const buffers: SharedArrayBuffer[] = [];
  const factory = (config: RingConfig) => {
    const sab = createUnbounded({ item: "int32", segmentSlots: config.slots });
    buffers.push(sab);
    return unboundedUnderTest(sab, config);
  };
  return { factory, buffers };
}

Deno.test("checkRing() and checkSequenceRing() agree with the model in every state and step, every engine", async (t) => {
  await t.step("textbook and counter, slots 2 to 4, 1 to 6 items", () => {
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
  await t.step("counter, across the wrap at 2^32", () => {
    for (const slots of SLOTS) {
      for (const start of [2 ** 32 - 3, 2 ** 32 - 1]) {
        const report = checkRing({ slots, items: 6, scheme: "counter", start });
        assertCovered(report, `slots ${slots} start ${start}`);
        assert.equal(report.config.start, start);
      }
    }
  });
  await t.step("sequence, 1 to 3 producers and consumers", () => {
    for (const options of CONFIGS) {
      const report = checkSequenceRing(options);
      const label = JSON.stringify(options);
      assert.equal(report.verdict, "pass", report.failure?.table ?? label);
      // Every reachable model state, every one-access step out of each…
      assert.equal(report.model.states, report.explored.states, label);
      assert.equal(
        report.model.transitions,
        report.explored.transitions,
        label,
      );
      // …and the coarse tryPush/tryPop and the blocked answers besides.
      assert.ok(report.model.coarse > 0, label);
      assert.ok(report.production.blocked > 0, label);
      assert.equal(
        report.production.steps,
        report.model.transitions + report.model.coarse +
          report.production.blocked,
        label,
      );
    }
  });
  await t.step("unbounded", () => {
    for (const [slots, items] of [[2, 1], [2, 3], [2, 6], [3, 4], [3, 7]]) {
      const report = checkRing({
        slots: slots!,
        items: items!,
        scheme: "unbounded",
      });
      assertCoveredUnbounded(report, `segments of ${slots}, ${items} items`);
      assert.ok(report.model.coarse > 0, "tryPush/tryPop were checked too");
    }
  });
});

Deno.test("checkRing() performs every maximal interleaving with coverage paths", async (t) => {
  await t.step("textbook and counter", () => {
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
  await t.step("unbounded", () => {
    const items = 3;
    const report = checkRing({
      slots: 2,
      items,
      scheme: "unbounded",
      coverage: "paths",
      granularity: "fine",
    });
    assertCoveredUnbounded(report, "segments of 2, paths");
    assert.equal(report.paths, countPaths({ scheme: "unbounded", items }));
  });
});

Deno.test("checkRing() and checkSequenceRing() check the coarse tryPush/tryPop alone with granularity coarse", async (t) => {
  await t.step("one producer", () => {
    const report = checkRing({ slots: 3, items: 4, granularity: "coarse" });
    assert.equal(report.verdict, "pass");
    assert.equal(report.model.transitions, 0);
    assert.ok(report.model.coarse > 0);
    // Only states between whole push/pop calls are reached.
    assert.ok(report.model.states < report.explored.states);
  });
  await t.step("sequence: fine and coarse", () => {
    const base = { producers: 2, consumers: 2, slots: 2, items: 1 } as const;
    const fine = checkSequenceRing({ ...base, granularity: "fine" });
    const coarse = checkSequenceRing({ ...base, granularity: "coarse" });
    assert.equal(fine.verdict, "pass");
    assert.equal(fine.model.coarse, 0);
    assert.equal(fine.model.states, fine.explored.states);
    assert.equal(coarse.verdict, "pass");
    assert.equal(coarse.model.transitions, 0);
    // Whole calls reach only the states between calls.
    assert.ok(coarse.model.states < fine.model.states);
  });
});

Deno.test("checkRing() and checkSequenceRing() pass an independent correct ring", async (t) => {
  await t.step("one producer", () => {
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
  await t.step("sequence", () => {
    const report = checkSequenceRing({
      producers: 2,
      consumers: 2,
      slots: 3,
      items: 1,
      start: LIMIT_3 - 1,
      ring: plainSequenceRing(),
    });
    assert.equal(report.verdict, "pass", report.failure?.table);
  });
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
  const report = checkRing({ slots: 3, items: 2, ring: unrepeatable() });
  assert.equal(report.verdict, "fail");
  assert.equal(report.failure?.property, "replay");
  assert.match(report.failure!.message, /not deterministic/);
});

Deno.test("checkRing() and checkSequenceRing() fail a ring that throws with error", async (t) => {
  await t.step("one producer", () => {
    const report = checkRing({ slots: 2, items: 1, ring: throwing() });
    assert.equal(report.failure?.property, "error");
    assert.match(report.failure!.message, /C0 release: Error: boom/);
    assert.match(report.failure!.table, /threw Error: boom/);
  });
  await t.step("sequence", () => {
    const report = checkSequenceRing({
      slots: 2,
      items: 1,
      ring: throwingSequence(),
    });
    assert.equal(report.verdict, "fail");
    assert.equal(report.failure!.property, "error");
    assert.match(report.failure!.message, /threw on C\d release: Error: boom/);
  });
});

Deno.test("checkRing() stops with verdict incomplete at maxSteps", () => {
  const report = checkRing({ slots: 4, items: 6, maxSteps: 10 });
  assert.equal(report.verdict, "incomplete");
  assert.equal(report.production.transitions, 10);
  assert.equal(report.failure, undefined);
});

Deno.test("checkRing() and checkSequenceRing() validate their options", async (t) => {
  await t.step("checkRing()", () => {
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
      () =>
        checkRing({ slots: 3, items: 2, ring: 1 as unknown as RingFactory }),
      TypeError,
      ["ring must be a function"],
    );
    assertThrowsWith(
      () => checkRing(null as unknown as CheckRingOptions),
      TypeError,
      ["options must be an object"],
    );
    assertThrowsWith(
      () =>
        checkRing({ slots: 3, items: 2, maxSteps: "5" as unknown as number }),
      TypeError,
      ['Cannot check ring: maxSteps must be a positive integer, received string "5"'],
    );
  });
  await t.step("checkSequenceRing()", () => {
    assertThrowsWith(
      () => checkSequenceRing({ slots: 1, items: 1 }),
      RangeError,
      [
        "Cannot check ring: slots must be an integer from 2 to 64, received 1",
      ],
    );
    assertThrowsWith(
      () => checkSequenceRing({ slots: 3, items: 1, start: LIMIT_3 }),
      RangeError,
      ["Cannot check ring: start must be an integer from 0 to"],
    );
    assertThrowsWith(
      () =>
        checkSequenceRing({
          slots: 2,
          items: 1,
          granularity: "all" as "fine",
        }),
      TypeError,
      ["granularity must be one of fine, coarse, mixed"],
    );
    assertThrowsWith(
      () =>
        checkSequenceRing({
          slots: 2,
          items: 1,
          ring: 1 as unknown as SequenceRingFactory,
        }),
      TypeError,
      ["ring must be a function"],
    );
    assertThrowsWith(
      () => checkSequenceRing({ slots: "2" as unknown as number, items: 1 }),
      TypeError,
      ["slots must be an integer"],
    );
    const stopped = checkSequenceRing({ slots: 2, items: 1, maxSteps: 10 });
    assert.equal(stopped.verdict, "incomplete");
    assert.equal(stopped.production.steps, 10);
  });
});

Deno.test("checkRing() covers growth and recycling of the unbounded buffer", () => {
  const { factory, buffers } = keeping();
  const slots = 2;
  const items = 10;
  const report = checkRing({
    slots,
    items,
    scheme: "unbounded",
    ring: factory,
  });
  assertCovered(report, "segments of 2, 10 items");
  const states = buffers.map((sab) => inspectUnbounded(sab));
  // Some runs pushed more items than all their segments hold: segments were
  // reused. None needed more segments than a consumer that never keeps up.
  assert.ok(states.some((s) => s.in > s.segments * slots));
  assert.equal(
    Math.max(...states.map((s) => s.segments)),
    Math.ceil(items / slots),
  );
  assert.ok(buffers.some((sab) => inspectUnbounded(sab).free.length > 0));
});
