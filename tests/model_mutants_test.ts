// Copyright 2025 the ringproof authors. MIT license.
// The verdict of every (mutant, scheme, sync) triple, as exhaustive
// exploration finds it (docs/model.md explains each one), and the
// counterexamples' lengths against a naive breadth-first search; and the
// no-loss invariant, which no mutant reaches, against the ghost state.
import assert from "node:assert/strict";
import {
  boundedBuffer,
  type BufferOptions,
  type BufferState,
  explore,
  type Mutant,
  mutantApplies,
  MUTANTS,
  type Scheme,
  type Sync,
} from "../model/mod.ts";
import { referenceBfs } from "./_model_reference.ts";

/** `pass`, `pass, not tight` (bound-tight not witnessed), `deadlock`, or the first violated invariant. */
type Verdict = string;

interface Expected {
  /** With every invariant checked. */
  all: Verdict;
  /** With `bound` ignored: what the mutant does to the data itself. */
  data: Verdict;
}

const NONE_SYNC: Record<Scheme, Partial<Record<Mutant | "correct", Expected>>> =
  {
    textbook: {
      "correct": { all: "pass", data: "pass" },
      "publish-before-write": { all: "no-unproduced", data: "no-unproduced" },
      // The released, unread item sits in the wasted slot: the buffer holds
      // BUFFER_SIZE items for a moment, but the producer cannot reach that cell.
      "release-before-read": { all: "bound", data: "pass" },
      "full-when-equal": { all: "deadlock", data: "deadlock" },
      "no-full-check": { all: "bound", data: "fifo" },
      "wasted-two": { all: "pass, not tight", data: "pass, not tight" },
    },
    counter: {
      "correct": { all: "pass", data: "pass" },
      "publish-before-write": { all: "no-unproduced", data: "no-unproduced" },
      "release-before-read": { all: "bound", data: "fifo" },
      "full-when-equal": { all: "deadlock", data: "deadlock" },
      "no-full-check": { all: "bound", data: "fifo" },
      "wasted-two": { all: "pass, not tight", data: "pass, not tight" },
      "modulo-index": { all: "fifo", data: "fifo" },
    },
    unbounded: {
      "correct": { all: "pass", data: "pass" },
      "publish-before-write": { all: "no-unproduced", data: "no-unproduced" },
      // Cells are never reused, so reading after releasing is harmless.
      "release-before-read": { all: "pass", data: "pass" },
    },
  };

// One lock around every critical section serialises them: a mutant that only
// reorders the steps inside one is harmless; a wrong full test is not.
const HARMLESS_UNDER_LOCK: Expected = { all: "pass", data: "pass" };
const MUTEX_SYNC = Object.fromEntries(
  Object.entries(NONE_SYNC).map(([scheme, row]) => [scheme, {
    ...row,
    "publish-before-write": HARMLESS_UNDER_LOCK,
    "release-before-read": HARMLESS_UNDER_LOCK,
  }]),
) as typeof NONE_SYNC;

function optionsFor(
  scheme: Scheme,
  sync: Sync,
  mutant: Mutant | "correct",
): BufferOptions {
  const options: BufferOptions = { scheme, sync, slots: 3, items: 4 };
  if (mutant !== "correct") options.mutant = mutant;
  // Slot 3 does not divide 2^32: counter % 3 jumps when the counter wraps.
  if (mutant === "modulo-index") options.start = 2 ** 32 - 1;
  return options;
}

function verdictOf(options: BufferOptions, ignore: string[]): Verdict {
  const model = boundedBuffer(options);
  const report = explore(model, { ignore });
  if (report.verdict === "pass") {
    return report.facts.every((f) => f.witnessed) ? "pass" : "pass, not tight";
  }
  // The counterexample is no longer than the shortest path to any bad state.
  const reference = referenceBfs(model, { stopAtBad: true, ignore });
  assert.equal(report.counterexample!.length - 1, reference.firstBad);
  if (report.verdict === "violation") {
    assert.equal(report.depth, reference.firstBad); // the deepest level reached
  }
  return report.verdict === "deadlock" ? "deadlock" : report.invariant!;
}

for (
  const [sync, table] of [["none", NONE_SYNC], ["mutex", MUTEX_SYNC]] as const
) {
  for (const scheme of ["textbook", "counter", "unbounded"] as const) {
    Deno.test(`explore() finds each mutant's verdict: scheme ${scheme}, sync ${sync}`, () => {
      const applicable = MUTANTS.filter((m) => mutantApplies(m, scheme));
      assert.deepEqual(
        Object.keys(table[scheme]).sort(),
        ["correct", ...applicable].sort(),
        "every applicable mutant has an expected verdict",
      );
      for (const mutant of ["correct" as const, ...applicable]) {
        const expected = table[scheme][mutant]!;
        const options = optionsFor(scheme, sync, mutant);
        assert.equal(verdictOf(options, []), expected.all, `${mutant}`);
        if (scheme !== "unbounded") {
          assert.equal(
            verdictOf(options, ["bound"]),
            expected.data,
            `${mutant} (data)`,
          );
        }
      }
    });
  }
}

Deno.test("explore() catches modulo-index only across the 2^32 wrap with slots not dividing 2^32", () => {
  const verdict = (options: BufferOptions) =>
    explore(
      boundedBuffer({
        scheme: "counter",
        mutant: "modulo-index",
        items: 4,
        ...options,
      }),
    );
  assert.equal(verdict({ slots: 3, start: 2 ** 32 - 1 }).invariant, "fifo");
  assert.equal(verdict({ slots: 3, start: 0 }).verdict, "pass");
  assert.equal(verdict({ slots: 4, start: 2 ** 32 - 1 }).verdict, "pass");
  // The correct ring keeps its own slot index and passes across the wrap.
  const correct = explore(
    boundedBuffer({
      scheme: "counter",
      slots: 3,
      items: 4,
      start: 2 ** 32 - 1,
    }),
  );
  assert.equal(correct.verdict, "pass");
});

Deno.test("explore() counterexample for publish-before-write shows the unwritten read", () => {
  const report = explore(boundedBuffer({ mutant: "publish-before-write" }));
  const steps = report.counterexample!.slice(1).map((s) =>
    `${s.action!.process} ${s.action!.op}`
  );
  assert.deepEqual(steps, ["P0 wait", "P0 publish", "C0 wait", "C0 read"]);
  const last = report.counterexample!.at(-1)!.state;
  assert.equal(last.consumers[0]!.nextConsumed, null);
  assert.equal(last.flags.unproduced, true);
});

Deno.test("explore() reports a full-when-equal deadlock in the initial state", () => {
  const report = explore(boundedBuffer({ mutant: "full-when-equal" }));
  assert.equal(report.verdict, "deadlock");
  assert.equal(report.invariant, "deadlock-free");
  assert.equal(report.counterexample!.length, 1);
});

Deno.test("boundedBuffer() no-loss fails exactly at the end states with an item unread", () => {
  // No mutant loses an item, so the verdicts above never reach no-loss:
  // two consumers racing on `out` without a lock do, one item or more.
  const model = boundedBuffer({ slots: 2, items: 2, consumers: 2 });
  const unreadAtEnd = new Map<number, number>();
  const seen = new Set<string>();
  for (let level = [...model.initial()]; level.length > 0;) {
    const next: BufferState[] = [];
    for (const state of level) {
      const key = JSON.stringify(state);
      if (seen.has(key)) continue;
      seen.add(key);
      const unread = state.consumed.flat().filter((read) => !read).length;
      if (model.isEnd!(state)) {
        unreadAtEnd.set(unread, (unreadAtEnd.get(unread) ?? 0) + 1);
      }
      assert.equal(
        model.invariants["no-loss"]!(state),
        !model.isEnd!(state) || unread === 0,
        key,
      );
      for (const action of model.actions(state)) {
        next.push(model.step(state, action));
      }
    }
    level = next;
  }
  // Both sides of the check were reached, the loss of a single item too.
  assert.ok(
    unreadAtEnd.has(0) && unreadAtEnd.has(1),
    JSON.stringify([...unreadAtEnd]),
  );
});

Deno.test("explore() reports no-loss when two unsynchronised consumers end with an item unread", () => {
  const model = boundedBuffer({ slots: 3, items: 3, consumers: 2 });
  const ignore = Object.keys(model.invariants).filter((n) => n !== "no-loss");
  const report = explore(model, { ignore });
  assert.equal(report.verdict, "violation");
  assert.equal(report.invariant, "no-loss");
  const last = report.counterexample!.at(-1)!.state;
  assert.equal(model.isEnd!(last), true);
  assert.ok(last.consumed.flat().includes(false), JSON.stringify(last));
  assert.equal(
    report.counterexample!.length - 1,
    referenceBfs(model, { stopAtBad: true, ignore }).firstBad,
  );
  // With one consumer, every item is read.
  const single = boundedBuffer({ slots: 3, items: 3 });
  assert.equal(explore(single, { ignore }).verdict, "pass");
});
