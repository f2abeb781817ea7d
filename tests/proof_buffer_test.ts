// Copyright 2025 the ringproof authors. MIT license.
import assert from "node:assert/strict";
import {
  boundedBuffer,
  type BufferOptions,
  bufferProof,
  prove,
  spscInvariant,
} from "../model/mod.ts";
import { referenceBfs } from "./_model_reference.ts";

const BOUNDS: BufferOptions[] = [
  { slots: 2, items: 2 },
  { slots: 3, items: 1 },
  { slots: 2, items: 2, scheme: "counter" },
  { slots: 2, items: 2, scheme: "counter", start: 2 ** 32 - 1 },
];

Deno.test("prove() discharges all three obligations of the SPSC inductive invariant", () => {
  for (const options of BOUNDS) {
    const problem = bufferProof(options);
    const report = prove(problem);
    const label = JSON.stringify(options);
    assert.equal(report.proved, true, label);
    assert.deepEqual(report.obligations.map((o) => o.name), [
      "init",
      "step",
      "safety",
    ]);
    assert.deepEqual(
      report.obligations.map((o) => o.statement),
      ["Init ⇒ Inv", "Inv ∧ Next ⇒ Inv′", "Inv ⇒ Safety"],
    );
    for (const obligation of report.obligations) {
      assert.equal(obligation.proved, true, `${label} ${obligation.name}`);
      assert.ok(obligation.checked > 0);
      assert.equal(obligation.counterexample, undefined);
    }
    // The whole domain was enumerated, not just the reachable states.
    assert.equal(report.domainStates, problem.domainSize);
    assert.ok(report.invariantStates < report.domainStates);
  }
});

Deno.test("spscInvariant() holds in every reachable state and is strictly stronger than reachability needs", () => {
  for (const options of BOUNDS) {
    const model = boundedBuffer(options);
    const reachable = referenceBfs(model).keys;
    const inv = spscInvariant(model.config);
    for (const key of reachable) assert.equal(inv(JSON.parse(key)), true);
    // The invariant admits exactly the reachable states here, or more: never fewer.
    const report = prove(bufferProof(options));
    assert.ok(report.invariantStates >= reachable.size);
  }
});

Deno.test("prove() finds a counterexample to induction for the bare safety property", () => {
  for (const options of BOUNDS) {
    const problem = bufferProof(options, { invariant: "safety" });
    const report = prove(problem);
    const [init, step, safety] = report.obligations;
    assert.equal(report.proved, false);
    assert.equal(init!.proved, true);
    assert.equal(safety!.proved, true); // trivially: Inv is Safety
    assert.equal(step!.proved, false);
    const cti = step!.counterexample!;
    // A state satisfying safety, a real step, and a successor that breaks it…
    assert.equal(problem.invariant(cti.state), true);
    assert.deepEqual(problem.model.step(cti.state, cti.action!), cti.next);
    assert.equal(problem.invariant(cti.next!), false);
    // …from a state no execution reaches: safety is true but not inductive.
    const reachable = referenceBfs(problem.model).keys;
    assert.equal(reachable.has(JSON.stringify(cti.state)), false);
  }
});

Deno.test("bufferProof() rejects configurations outside proof mode", () => {
  for (
    const options of [
      { producers: 2 },
      { consumers: 2 },
      { sync: "mutex" },
      { mutant: "publish-before-write" },
      { scheme: "unbounded" },
    ] as BufferOptions[]
  ) {
    assert.throws(
      () => bufferProof(options),
      /Cannot build proof: proof mode covers one producer, one consumer/,
    );
  }
  assert.throws(
    // deno-lint-ignore no-explicit-any
    () => bufferProof({}, { invariant: "guess" as any }),
    TypeError,
  );
});

Deno.test("spscInvariant() rejects the unbounded scheme rather than judging it as the textbook's", () => {
  assert.throws(
    () => spscInvariant({ scheme: "unbounded" }),
    {
      name: "RangeError",
      message:
        'Cannot build proof: spscInvariant covers schemes textbook and counter, received "unbounded"',
    },
  );
});

Deno.test("prove() reports an initial state outside the candidate invariant", () => {
  const problem = bufferProof({ slots: 2, items: 1 });
  const report = prove({ ...problem, invariant: (s) => s.in === 1 });
  assert.equal(report.obligations[0]!.proved, false);
  assert.equal(report.obligations[0]!.counterexample!.state.in, 0);
});
