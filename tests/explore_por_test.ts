// Copyright 2025 the ringproof authors. MIT license.
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  boundedBuffer,
  explore,
  type Model,
  type Mutant,
  type Report,
  type Scheme,
} from "../model/mod.ts";
import { configurations } from "./_configurations.ts";

function summary<S, A>(report: Report<S, A>) {
  return {
    verdict: report.verdict,
    invariant: report.invariant,
    facts: report.facts.map(({ name, witnessed }) => ({ name, witnessed })),
  };
}

/** Replays a trace with `model.step` from an initial state; returns the last state. */
function replay<S, A>(
  model: Model<S, A>,
  trace: { action: A | null; state: S }[],
): S {
  const key = (state: S) => String(model.encode(state));
  const initial = [...model.initial()].map(key);
  assert.ok(initial.includes(key(trace[0]!.state)));
  let state = trace[0]!.state;
  for (const step of trace.slice(1)) {
    const enabled = [...model.actions(state)].map((a) => JSON.stringify(a));
    assert.ok(enabled.includes(JSON.stringify(step.action)));
    state = model.step(state, step.action!);
    assert.equal(key(state), key(step.state));
  }
  return state;
}

Deno.test("explore() with reduction por keeps every verdict, invariant and fact", async (t) => {
  const configs = configurations({ twoSlots: { items: 2 } });
  let reduced = 0;
  for (const order of ["bfs", "dfs"] as const) {
    await t.step(`${order}, ${configs.length} configurations`, () => {
      for (const config of configs) {
        const model = boundedBuffer(config);
        const full = explore(model, { order });
        const por = explore(model, { order, reduction: "por" });
        const what = `${order} ${JSON.stringify(config)}`;
        assert.equal(por.reduction, "por", what);
        assert.equal(full.reduction, "none", what);
        if (order === "bfs") {
          assert.deepEqual(summary(por), summary(full), what);
        } else {
          // DFS reports the first violation it meets, in either mode.
          assert.equal(por.verdict === "pass", full.verdict === "pass", what);
        }
        if (full.verdict === "pass") {
          assert.ok(por.states <= full.states, what);
          if (por.states < full.states) reduced++;
        }
      }
    });
  }
  assert.ok(reduced > 0);
});

Deno.test("explore() with reduction por agrees with one invariant checked at a time", () => {
  // Ignoring the others, the search runs on past their violations, into
  // deeper (and possibly cyclic) parts of the state space.
  let runs = 0;
  for (const config of configurations({ twoSlots: { items: 2 } })) {
    if (config.producers !== 1) continue; // elsewhere nothing is reduced
    const model = boundedBuffer(config);
    const names = Object.keys(model.invariants);
    for (const keep of names) {
      const ignore = names.filter((name) => name !== keep);
      const full = explore(model, { ignore });
      const por = explore(model, { ignore, reduction: "por" });
      const what = `${keep} ${JSON.stringify(config)}`;
      assert.deepEqual(summary(por), summary(full), what);
      if (full.verdict === "pass") assert.ok(por.states <= full.states, what);
      runs++;
    }
  }
  assert.ok(runs > 100);
});

Deno.test("explore() with reduction por returns counterexamples that replay", () => {
  let checked = 0;
  for (const config of configurations({ twoSlots: { items: 2 } })) {
    const model = boundedBuffer(config);
    for (const order of ["bfs", "dfs"] as const) {
      const report = explore(model, { order, reduction: "por" });
      if (report.counterexample === undefined) continue;
      const last = replay(model, report.counterexample);
      if (report.verdict === "violation") {
        assert.equal(model.invariants[report.invariant!]!(last), false);
      } else {
        assert.equal(report.verdict, "deadlock");
        assert.equal([...model.actions(last)].length, 0);
        assert.equal(model.isEnd!(last), false);
      }
      for (const fact of report.facts) {
        if (fact.witness !== undefined) {
          assert.equal(
            model.facts![fact.name]!(replay(model, fact.witness)),
            true,
          );
        }
      }
      checked++;
    }
  }
  assert.ok(checked > 20);
});

Deno.test("explore() with reduction por agrees on random small models", () => {
  fc.assert(
    fc.property(
      fc.record({
        scheme: fc.constantFrom<Scheme>("textbook", "counter", "unbounded"),
        slots: fc.integer({ min: 2, max: 4 }),
        items: fc.integer({ min: 1, max: 4 }),
        mutant: fc.constantFrom<Mutant | undefined>(
          undefined,
          "publish-before-write",
          "release-before-read",
        ),
        start: fc.constantFrom(0, 2 ** 32 - 3),
      }),
      (options) => {
        const { mutant, start, ...rest } = options;
        const model = boundedBuffer({
          ...rest,
          ...(mutant === undefined ? {} : { mutant }),
          ...(rest.scheme === "counter" ? { start } : {}),
          sync: "none",
        });
        const full = explore(model);
        const por = explore(model, { reduction: "por" });
        assert.deepEqual(summary(por), summary(full));
        assert.ok(por.states <= full.states);
      },
    ),
    { numRuns: 60 },
  );
});

Deno.test("explore() with reduction por cuts states where processes do not interfere", async (t) => {
  await t.step("the bench model (mutex): nothing to cut", () => {
    const model = boundedBuffer({
      producers: 2,
      consumers: 2,
      slots: 4,
      items: 6,
      sync: "mutex",
    });
    const full = explore(model);
    const por = explore(model, { reduction: "por" });
    assert.equal(por.verdict, "pass");
    assert.equal(full.states, 584_823);
    assert.equal(por.states, full.states);
  });
  await t.step("SPSC, sync none, slots 4, 6 items", () => {
    const model = boundedBuffer({ slots: 4, items: 6 });
    assert.equal(explore(model).states, 118);
    assert.equal(explore(model, { reduction: "por" }).states, 92);
  });
  await t.step(
    "1 producer, 2 consumers, sync sequence, slots 4, 4 items",
    () => {
      const model = boundedBuffer({
        scheme: "counter",
        sync: "sequence",
        consumers: 2,
        slots: 4,
        items: 4,
      });
      assert.equal(explore(model).states, 4_292);
      assert.equal(explore(model, { reduction: "por" }).states, 3_838);
    },
  );
});

Deno.test("explore() with reduction por explores generic models fully", () => {
  const model: Model<number, 1> = {
    initial: () => [0],
    actions: (s) => (s < 3 ? [1] : []),
    step: (s) => s + 1,
    encode: (s) => String(s),
    invariants: {},
    isEnd: (s) => s === 3,
  };
  const report = explore(model, { reduction: "por" });
  assert.equal(report.reduction, "none");
  assert.equal(report.states, 4);
});

Deno.test("explore() rejects a bad reduction and por with symmetry", () => {
  const model = boundedBuffer({ producers: 2 });
  assert.throws(
    () => explore(model, { reduction: "partial" as "por" }),
    TypeError,
  );
  assert.throws(
    () => explore(model, { reduction: "por", symmetry: true }),
    RangeError,
  );
});
