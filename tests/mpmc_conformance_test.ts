// Copyright 2025 the ringproof authors. MIT license.
// checkSequenceRing(): the production many-producer/many-consumer ring in
// lockstep with the model's sync "sequence" variant — every state and step of
// the model, several producers and consumers, fine (one access) and coarse
// (tryPush/tryPop) steps — and broken rings caught with a readable trace.
import assert from "node:assert/strict";
import {
  checkSequenceRing,
  type CheckSequenceRingOptions,
  productionSequenceRing,
  type SequenceRingFactory,
} from "../model/mod.ts";
import { plainSequenceRing, SEQUENCE_BUGS } from "./_broken_rings.ts";
import { assertThrowsWith } from "./_helpers.ts";

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

Deno.test("checkSequenceRing() passes the production ring on every model state and step", () => {
  for (const options of CONFIGS) {
    const report = checkSequenceRing(options);
    const label = JSON.stringify(options);
    assert.equal(report.verdict, "pass", report.failure?.table ?? label);
    // Every reachable model state, every one-access step out of each…
    assert.equal(report.model.states, report.explored.states, label);
    assert.equal(report.model.transitions, report.explored.transitions, label);
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

Deno.test("checkSequenceRing() runs each granularity on its own", () => {
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

Deno.test("checkSequenceRing() passes an independent plain implementation", () => {
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

Deno.test("checkSequenceRing() catches every broken ring with a side-by-side trace", () => {
  const expected: Record<string, string> = {
    // A claim of a taken position must fail: the model sends it back to load.
    "store-instead-of-cas": "P0.pc",
    // The model's wait blocks on the unread item; the ring says ready.
    "ignore-lap": "enabled",
    "publish-without-increment": "seq[0]",
    "release-one-lap-short": "seq[0]",
    // tryPush says it pushed on a full ring; the model blocks.
    "try-push-lies": "enabled",
  };
  for (const bug of SEQUENCE_BUGS) {
    const report = checkSequenceRing({
      producers: 2,
      consumers: 2,
      slots: 2,
      items: 2,
      ring: plainSequenceRing(bug),
    });
    assert.equal(report.verdict, "fail", bug);
    const failure = report.failure!;
    assert.equal(failure.property, expected[bug], `${bug}\n${failure.table}`);
    assert.match(failure.table, /step\s+process\s+model/);
    assert.ok(failure.table.endsWith(failure.message), bug);
    // The trace replays the path: its last row is the failing step.
    assert.ok(failure.trace.length >= 2, bug);
    if (failure.property !== "enabled") {
      assert.ok(failure.trace.at(-1)!.differing.length > 0, bug);
      assert.match(failure.table, /≠/);
    }
  }
});

Deno.test("checkSequenceRing() reports a ring that throws", () => {
  const throwing: SequenceRingFactory = (config) => {
    const ring = productionSequenceRing(config);
    return {
      ...ring,
      release() {
        throw new Error("boom");
      },
    };
  };
  const report = checkSequenceRing({ slots: 2, items: 1, ring: throwing });
  assert.equal(report.verdict, "fail");
  assert.equal(report.failure!.property, "error");
  assert.match(report.failure!.message, /threw on C\d release: Error: boom/);
});

Deno.test("checkSequenceRing() validates its options", () => {
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
