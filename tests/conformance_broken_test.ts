// Deliberately broken rings of every engine (tests/_broken_rings.ts) must
// each be caught by the lockstep check, with the failing property named, a readable
// side-by-side trace, and — exploring the broken ring on its own — the model
// invariant the bug goes on to break.
import assert from "node:assert/strict";
import {
  checkRing,
  checkSequenceRing,
  type RingCheckReport,
} from "../model/mod.ts";
import {
  brokenUnbounded,
  type Bug,
  plainRing,
  plainSequenceRing,
  SEQUENCE_BUGS,
  UNBOUNDED_BUGS,
  type UnboundedBug,
} from "./_broken_rings.ts";

/** Counter scheme: near the wrap, and a multiple of 3 so `% 3` starts out right. */
const NEAR_WRAP = 2 ** 32 - 4;

interface Expected {
  readonly scheme: "textbook" | "counter";
  /** The first disagreement. */
  readonly property: string;
  /** What the broken ring breaks on its own. */
  readonly consequence: string;
  /** A fragment of the failure message. */
  readonly message: RegExp;
}

function check(bug: Bug, scheme: "textbook" | "counter", slots = 3) {
  return checkRing({
    slots,
    items: 6,
    scheme,
    start: scheme === "counter" ? NEAR_WRAP : 0,
    ring: plainRing(bug),
  });
}

/** Asserts the verdict, the property, and that the trace is shown side by side. */
function assertCaught(report: RingCheckReport, expected: Expected): void {
  const failure = report.failure;
  assert.equal(report.verdict, "fail");
  assert.ok(failure !== undefined);
  assert.equal(failure.property, expected.property, failure.table);
  assert.match(failure.message, expected.message);
  const lines = failure.table.split("\n");
  // Header, one row per step from the initial state, the legend, the verdict.
  assert.equal(lines.length, failure.trace.length + 3, failure.table);
  assert.match(lines[0]!, /^step\s+process\s+model\s+in.*\|\s+ring\s+in/);
  assert.match(lines[1]!, /^0\s+-\s+initial state .*\|\s+new ring/);
  assert.equal(lines.at(-1), `${failure.property}: ${failure.message}`);
  const last = failure.trace.at(-1)!;
  if (expected.property !== "enabled") {
    // The differing value is marked on the failing row.
    assert.ok(last.differing.length > 0);
    assert.match(lines[lines.length - 3]!, /≠/);
  }
  // Every earlier row agrees.
  for (const row of failure.trace.slice(0, -1)) {
    assert.deepEqual(row.differing, [], failure.table);
  }
  const consequence = failure.consequence;
  assert.ok(consequence !== undefined);
  assert.equal(consequence.property, expected.consequence, consequence.table);
  assert.match(consequence.table, /^step\s+process\s+ring\s+in/);
  assert.match(consequence.table, /the ring violates/);
}

Deno.test("checkRing() catches a ring that publishes in before writing the slot", () => {
  for (const scheme of ["textbook", "counter"] as const) {
    const report = check("publish-before-write", scheme);
    assertCaught(report, {
      scheme,
      property: "in",
      consequence: "no-unproduced",
      message: /after P0 wait in differs/,
    });
    // Caught at the very first step: reserve() already moved `in`.
    assert.equal(report.failure!.trace.length, 2);
    assert.match(report.failure!.table, /reserve\(\) → slot 0/);
  }
});

Deno.test("checkRing() catches a ring with a wrong full test", () => {
  for (const scheme of ["textbook", "counter"] as const) {
    const report = check("wrong-full-test", scheme);
    assertCaught(report, {
      scheme,
      property: "enabled",
      consequence: "bound",
      message:
        /the model blocks P0 (wait|tryPush) \(full: .*\), but the ring's/,
    });
    const last = report.failure!.trace.at(-1)!;
    assert.match(last.model, /blocked, full/);
  }
});

Deno.test("checkRing() catches a ring that releases out before reading the slot", () => {
  for (const scheme of ["textbook", "counter"] as const) {
    const report = check("release-before-read", scheme);
    assertCaught(report, {
      scheme,
      property: "out",
      consequence: "bound",
      message: /after C0 wait out differs/,
    });
    assert.match(report.failure!.table, /peek\(\) → slot 0/);
  }
});

Deno.test("checkRing() catches a ring whose index wraps one slot early", () => {
  assertCaught(check("off-by-one-wrap", "textbook"), {
    scheme: "textbook",
    property: "in",
    consequence: "bound",
    message: /the model has in = 2, the ring in = 0/,
  });
  // Counter scheme: the counters are right, the physical slot is not.
  assertCaught(check("off-by-one-wrap", "counter"), {
    scheme: "counter",
    property: "inSlot",
    consequence: "fifo",
    message: /the model has inSlot = 2, the ring inSlot = 0/,
  });
});

Deno.test("checkRing() catches counter % BUFFER_SIZE indexing where it breaks: at 2^32, BUFFER_SIZE not a power of two", () => {
  const report = check("counter-modulo-index", "counter", 3);
  assertCaught(report, {
    scheme: "counter",
    property: "inSlot",
    consequence: "fifo",
    message: /inSlot differs: the model has inSlot = 1, the ring inSlot = 0/,
  });
  // The failing step is the one that takes `in` across 2^32 to 0.
  const last = report.failure!.trace.at(-1)!;
  assert.equal(last.modelState.in, 0);
  assert.equal(last.observation?.in, 0);
  // Away from the wrap, or with a power-of-two BUFFER_SIZE, the same code
  // agrees with the model everywhere: no check can tell it from a correct one.
  const far = checkRing({
    slots: 3,
    items: 6,
    scheme: "counter",
    ring: plainRing("counter-modulo-index"),
  });
  assert.equal(far.verdict, "pass");
  for (const slots of [2, 4]) {
    assert.equal(
      check("counter-modulo-index", "counter", slots).verdict,
      "pass",
    );
  }
});

Deno.test("checkRing() reports no consequence when asked not to", () => {
  const report = checkRing({
    slots: 3,
    items: 2,
    ring: plainRing("publish-before-write"),
    consequences: false,
  });
  assert.equal(report.failure?.property, "in");
  assert.equal(report.failure?.consequence, undefined);
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

Deno.test("checkRing() catches every broken unbounded buffer", async (t) => {
  const expected: Record<UnboundedBug, {
    readonly items: number;
    readonly property: string;
    /** The error the buffer on its own goes on to throw. */
    readonly consequence?: RegExp;
    readonly message?: RegExp;
  }> = {
    // The head's link now leads into the free list: the tail is lost from
    // the chain, and on its own the buffer soon hands out a segment in use.
    "recycle-head-early": {
      items: 6,
      property: "inSlot",
      consequence: /a segment in use/,
    },
    "forget-link": {
      items: 4,
      property: "inSlot",
      consequence: /links nowhere/,
    },
    "wait-when-full": {
      items: 4,
      property: "enabled",
      message: /the model takes P0/,
    },
  };
  for (const bug of UNBOUNDED_BUGS) {
    await t.step(bug, () => {
      const { items, property, consequence, message } = expected[bug];
      const report = checkRing({
        slots: 2,
        items,
        scheme: "unbounded",
        ring: brokenUnbounded(bug),
      });
      assert.equal(report.verdict, "fail");
      assert.equal(report.failure?.property, property, report.failure?.table);
      if (consequence !== undefined) {
        assert.equal(report.failure.consequence?.property, "error");
        assert.match(report.failure.consequence.message, consequence);
      }
      if (message !== undefined) {
        assert.match(report.failure.message, message);
      }
    });
  }
});
