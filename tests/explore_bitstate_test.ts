// Copyright 2025 the ringproof authors. MIT license.
import assert from "node:assert/strict";
import {
  boundedBuffer,
  explore,
  exploreBitstate,
  type Model,
  type Step,
} from "../model/mod.ts";
import { configurations } from "./_configurations.ts";

/** Throws unless `steps` is a path of `model` from an initial state. */
function assertPath<S, A>(model: Model<S, A>, steps: Step<S, A>[]): void {
  const key = (state: S) => String(model.encode(state));
  const roots = [...model.initial()].map(key);
  assert.ok(roots.includes(key(steps[0]!.state)), "starts at an initial state");
  for (let k = 1; k < steps.length; k++) {
    const from = steps[k - 1]!.state;
    const next = [...model.actions(from)].map((a) => key(model.step(from, a)));
    assert.ok(next.includes(key(steps[k]!.state)), `step ${k} is a step`);
  }
}

Deno.test("exploreBitstate() agrees with explore() on every small configuration, in both modes", async (t) => {
  for (const mode of ["bitstate", "hashcompact"] as const) {
    await t.step(mode, () => {
      for (const config of configurations({ twoSlots: false })) {
        const label = `${mode} ${JSON.stringify(config)}`;
        const model = boundedBuffer(config);
        const exact = explore(model);
        const report = exploreBitstate(model, { mode, bits: 24 });
        // A model may both deadlock and violate an invariant: which is met
        // first depends on the order; explore() in BFS or DFS meets one.
        const dfs = explore(model, { order: "dfs" }).verdict;
        assert.ok([exact.verdict, dfs].includes(report.verdict), label);
        assert.equal(report.verdict === "pass", exact.verdict === "pass");
        assert.equal(report.mode, mode);
        assert.equal(report.order, "dfs");
        if (exact.verdict === "pass") {
          // No omission at these sizes: every state and transition is seen.
          assert.equal(report.states, exact.states, label);
          assert.equal(report.transitions, exact.transitions, label);
          assert.deepEqual(
            report.facts.map((f) => f.witnessed),
            exact.facts.map((f) => f.witnessed),
            label,
          );
          for (const fact of report.facts) {
            if (fact.witness !== undefined) assertPath(model, fact.witness);
          }
        } else {
          assertPath(model, report.counterexample!);
          const last = report.counterexample!.at(-1)!.state;
          for (const name of report.violated!) {
            if (name === "deadlock-free") {
              assert.equal([...model.actions(last)].length, 0, label);
            } else {
              assert.equal(model.invariants[name]!(last), false, label);
            }
          }
        }
      }
    });
  }
});

Deno.test("exploreBitstate() reports SPIN's hash factor and the probability of omission", async (t) => {
  const config = {
    producers: 2,
    consumers: 2,
    items: 3,
    sync: "mutex",
  } as const;
  const exact = explore(boundedBuffer(config)).states; // 19,599
  await t.step("bitstate: the Bloom estimate, summed", () => {
    const bits = 22;
    const hashes = 3;
    const report = exploreBitstate(boundedBuffer(config), { bits, hashes });
    const n = report.states;
    assert.equal(report.hashes, hashes);
    assert.equal(report.hashFactor, 2 ** bits / n);
    let sum = 0; // Σ_{i<n} (1 − e^(−k·i/m))^k, term by term
    for (let i = 0; i < n; i++) {
      sum += (1 - Math.exp((-hashes * i) / 2 ** bits)) ** hashes;
    }
    assert.ok(Math.abs(report.expectedOmissions - sum) <= 1e-3 * sum);
    const p = 1 - Math.exp(-sum);
    assert.ok(Math.abs(report.omissionProbability - p) <= 1e-3 * p);
  });
  await t.step("bitstate: a small bit array omits states and says so", () => {
    const report = exploreBitstate(boundedBuffer(config), { bits: 14 });
    assert.ok(report.states < exact);
    assert.ok(report.hashFactor < 100);
    assert.ok(report.omissionProbability > 0.99);
  });
  await t.step(
    "hash compaction: the birthday bound for 64-bit signatures",
    () => {
      const report = exploreBitstate(boundedBuffer(config), {
        mode: "hashcompact",
      });
      const n = report.states;
      assert.equal(n, exact);
      assert.equal(report.hashes, 0);
      assert.equal(report.expectedOmissions, (n * (n - 1)) / 2 ** 65);
      assert.ok(
        report.bytesPerState < explore(boundedBuffer(config)).bytesPerState,
      );
    },
  );
  await t.step("maxStates stops the search incomplete", () => {
    const report = exploreBitstate(boundedBuffer(config), { maxStates: 100 });
    assert.equal(report.verdict, "incomplete");
    assert.equal(report.states, 100);
  });
});

Deno.test("exploreBitstate() rejects bad options and models without a packed path", () => {
  const model = boundedBuffer();
  const { packed: _, ...withoutPacked } = model;
  assert.throws(() => exploreBitstate(model, { bits: 9 }), RangeError);
  assert.throws(() => exploreBitstate(model, { hashes: 0 }), RangeError);
  assert.throws(
    () => exploreBitstate(model, { mode: "exact" as "bitstate" }),
    TypeError,
  );
  assert.throws(
    () => exploreBitstate(withoutPacked),
    TypeError,
  );
});

Deno.test("exploreBitstate() rejects a number option given as a string with TypeError", () => {
  const model = boundedBuffer();
  assert.throws(
    () => exploreBitstate(model, { bits: "20" as unknown as number }),
    {
      name: "TypeError",
      message:
        'Cannot explore: bits must be an integer from 10 to 34, received string "20"',
    },
  );
  assert.throws(
    () => exploreBitstate(model, { ignore: "fifo" as unknown as string[] }),
    TypeError,
  );
});
