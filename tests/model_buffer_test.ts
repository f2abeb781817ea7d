// Copyright 2025 the ringproof authors. MIT license.
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  boundedBuffer,
  type BufferOptions,
  type BufferState,
  explore,
  itemName,
} from "../model/mod.ts";
import { referenceBfs, replays } from "./_model_reference.ts";

Deno.test("boundedBuffer() with 2 textbook slots alternates strictly: 6 * items + 1 states", () => {
  // Capacity 1: the producer's wait, write, publish and the consumer's wait,
  // read, release can never overlap, so the state space is one chain.
  for (const items of [1, 2, 3, 5]) {
    const report = explore(boundedBuffer({ slots: 2, items }));
    assert.equal(report.verdict, "pass");
    assert.equal(report.states, 6 * items + 1);
    assert.equal(report.transitions, 6 * items);
    assert.equal(report.depth, 6 * items);
  }
});

Deno.test("boundedBuffer() that never fills has 4.5 N^2 + 1.5 N + 1 states", () => {
  // With capacity >= N items the producer never blocks, and a state is a pair
  // (producer progress i in 0..3N, consumer progress j). With m = floor(i / 3)
  // items published, j can be 3k (k <= m) or 3k+1, 3k+2 (k < m): 3m + 1
  // values. Summed over i: 9 N (N - 1) / 2 + 6 N + 1.
  for (const n of [1, 2, 3, 4]) {
    const expected = (9 * n * n + 3 * n) / 2 + 1;
    const textbook = explore(boundedBuffer({ slots: n + 1, items: n }));
    const counter = explore(
      boundedBuffer({ scheme: "counter", slots: Math.max(n, 2), items: n }),
    );
    assert.equal(textbook.states, expected);
    assert.equal(counter.states, expected);
  }
});

Deno.test("boundedBuffer() unbounded has 3 N^2 + 2 N + 1 states", () => {
  // As above, but the producer has 2 steps per item (no wait): m = floor(i / 2).
  for (const n of [1, 2, 3, 6]) {
    const report = explore(boundedBuffer({ scheme: "unbounded", items: n }));
    assert.equal(report.verdict, "pass");
    assert.equal(report.states, 3 * n * n + 2 * n + 1);
  }
});

const CONFIGS: BufferOptions[] = [
  { slots: 3, items: 3 },
  { slots: 3, items: 3, scheme: "counter", start: 2 ** 32 - 2 },
  { scheme: "unbounded", items: 3 },
  { slots: 3, items: 2, producers: 2, sync: "mutex" },
  { slots: 2, items: 2, producers: 2, consumers: 2, sync: "mutex" },
  { slots: 3, items: 2, consumers: 2, sync: "mutex", scheme: "counter" },
];

Deno.test("explore() agrees with a naive reference search on the bounded buffer", () => {
  for (const options of CONFIGS) {
    const model = boundedBuffer(options);
    const reference = referenceBfs(model);
    const fast = explore(model);
    const generic = explore(model, { packed: false });
    const label = JSON.stringify(options);
    assert.equal(reference.firstBad, null, label);
    for (const report of [fast, generic]) {
      assert.equal(report.verdict, "pass", label);
      assert.equal(report.states, reference.states, label);
      assert.equal(report.transitions, reference.transitions, label);
      assert.equal(report.depth, reference.depth, label);
    }
  }
});

Deno.test("boundedBuffer() catches the race of two producers without a lock", () => {
  for (const scheme of ["textbook", "counter", "unbounded"] as const) {
    const options = { scheme, producers: 2, items: 2, slots: 3 };
    const report = explore(boundedBuffer(options));
    assert.equal(report.verdict, "violation", scheme);
    replays(options, report.counterexample!);
    // Without the bound, the race shows as lost or unwritten items.
    if (scheme !== "unbounded") {
      const data = explore(boundedBuffer(options), { ignore: ["bound"] });
      assert.equal(data.invariant, "no-unproduced", scheme);
    }
    const locked = explore(boundedBuffer({ ...options, sync: "mutex" }));
    assert.equal(locked.verdict, "pass", scheme);
  }
});

Deno.test("boundedBuffer() catches two consumers taking the same item", () => {
  const report = explore(boundedBuffer({ consumers: 2, items: 2, slots: 3 }));
  assert.equal(report.verdict, "violation");
  assert.equal(report.invariant, "no-unproduced");
  assert.deepEqual(report.violated, ["no-unproduced", "no-duplicate"]);
  const last = report.counterexample!.at(-1)!.state;
  assert.equal(last.flags.duplicate, true);
});

Deno.test("boundedBuffer() reaches the textbook bound slots - 1 and the counter bound slots", () => {
  for (const slots of [2, 3, 5]) {
    const textbook = explore(boundedBuffer({ slots, items: slots }));
    assert.equal(textbook.verdict, "pass"); // `bound`: never slots items
    const fact = textbook.facts.find((f) => f.name === "bound-tight")!;
    assert.equal(fact.witnessed, true);
    assert.equal(fact.witness!.at(-1)!.state.itemsInBuffer, slots - 1);
    // The shortest way to fill it: the producer's three steps per item, the last publish not needed.
    assert.equal(fact.witness!.length - 1, 3 * (slots - 1) - 1);

    const counter = explore(
      boundedBuffer({ scheme: "counter", slots, items: slots }),
    );
    assert.equal(counter.verdict, "pass");
    const full = counter.facts.find((f) => f.name === "bound-tight")!;
    assert.equal(full.witness!.at(-1)!.state.itemsInBuffer, slots);
  }
});

Deno.test("boundedBuffer() with symmetry reduction keeps verdicts and facts with fewer states", () => {
  const cases: BufferOptions[] = [
    { producers: 2, consumers: 2, items: 2, slots: 3, sync: "mutex" },
    { producers: 2, items: 2, slots: 3 },
    { consumers: 3, items: 3, slots: 3, sync: "mutex" },
  ];
  for (const options of cases) {
    const full = explore(boundedBuffer(options));
    const reduced = explore(boundedBuffer(options), { symmetry: true });
    const label = JSON.stringify(options);
    const deep = explore(boundedBuffer(options), {
      symmetry: true,
      order: "dfs",
    });
    assert.equal(deep.verdict, reduced.verdict, label);
    if (deep.verdict === "pass") {
      assert.equal(deep.states, reduced.states, label);
    }
    for (const fact of deep.facts) replays(options, fact.witness!);
    if (deep.counterexample) replays(options, deep.counterexample);
    assert.equal(reduced.symmetry, true);
    assert.equal(reduced.verdict, full.verdict, label);
    assert.equal(reduced.invariant, full.invariant, label);
    assert.deepEqual(
      reduced.facts.map((f) => [f.witnessed, f.witness?.length]),
      full.facts.map((f) => [f.witnessed, f.witness?.length]),
      label,
    );
    if (full.verdict === "pass") assert.ok(reduced.states < full.states, label);
    // Traces are replayed as real steps, not symmetry representatives.
    if (reduced.counterexample !== undefined) {
      assert.equal(reduced.counterexample.length, full.counterexample!.length);
      replays(options, reduced.counterexample);
    }
    for (const fact of reduced.facts) replays(options, fact.witness!);
  }
});

Deno.test("boundedBuffer() counter scheme crosses the 2^32 wrap with separate slot indices", () => {
  const options = {
    scheme: "counter" as const,
    slots: 3,
    items: 4,
    start: 2 ** 32 - 2,
  };
  const report = explore(boundedBuffer(options));
  assert.equal(report.verdict, "pass");
  const witness = report.facts[0]!.witness!;
  const last = witness.at(-1)!.state;
  // The third item is written but not yet published: in = 2^32 - 2 + 2, wrapped.
  assert.equal(last.in, 0);
  assert.equal(last.inSlot, 2);
  assert.equal(last.out, 2 ** 32 - 2);
  assert.deepEqual(last.cells.map(itemName), ["a0", "a1", "a2"]);
});

Deno.test("boundedBuffer() model steps map to the production calls by name", () => {
  const model = boundedBuffer({ slots: 3, items: 1 });
  const names = (state: BufferState) =>
    [...model.actions(state)].map((a) => `${a.process} ${a.op}`);
  let s = [...model.initial()][0]!;
  assert.deepEqual(names(s), ["P0 wait"]);
  for (const op of ["wait", "write", "publish"] as const) {
    s = model.step(s, { process: "P0", op });
  }
  assert.deepEqual(names(s), ["C0 wait"]);
  for (const op of ["wait", "read", "release"] as const) {
    s = model.step(s, { process: "C0", op });
  }
  assert.equal(model.isEnd!(s), true);
  assert.equal(s.producers[0]!.pc, "done");
  assert.deepEqual(s.consumed, [[true]]);
  assert.throws(
    () => model.step(s, { process: "C0", op: "read" }),
    /Cannot step: C0 read is not enabled/,
  );
  assert.throws(() => model.step(s, { process: "P9", op: "wait" }), RangeError);
});

Deno.test("boundedBuffer() encode() and the state view round-trip on random walks", () => {
  const configs = fc.constantFrom<BufferOptions>(
    { slots: 3, items: 3, producers: 2, consumers: 2 },
    { slots: 2, items: 3, scheme: "counter", start: 2 ** 32 - 1, consumers: 2 },
    { scheme: "unbounded", items: 2, producers: 2, sync: "mutex" },
    { slots: 3, items: 2, mutant: "publish-before-write" },
    { slots: 3, items: 2, mutant: "release-before-read", consumers: 2 },
  );
  fc.assert(
    fc.property(
      configs,
      fc.array(fc.nat(), { maxLength: 40 }),
      (options, choices) => {
        const model = boundedBuffer(options);
        let state = [...model.initial()][0]!;
        for (const choice of choices) {
          const actions = [...model.actions(state)];
          if (actions.length === 0) break;
          state = model.step(state, actions[choice % actions.length]!);
          const words = model.encode(state) as Int32Array;
          const again = model.packed.decode(words, 0);
          assert.deepEqual(again, state);
          assert.deepEqual(model.encode(again), words);
        }
      },
    ),
    { seed: 4242, numRuns: 150 },
  );
});

Deno.test("boundedBuffer() rejects bad options with a message naming them", () => {
  assert.throws(
    () => boundedBuffer({ slots: 1 }),
    (e: unknown) =>
      e instanceof RangeError &&
      e.message ===
        "Cannot create model: slots must be an integer from 2 to 64, received 1",
  );
  assert.throws(() => boundedBuffer({ items: 32 }), RangeError);
  assert.throws(() => boundedBuffer({ producers: 0 }), RangeError);
  assert.throws(
    () => boundedBuffer({ start: -1, scheme: "counter" }),
    RangeError,
  );
  // deno-lint-ignore no-explicit-any
  assert.throws(() => boundedBuffer({ scheme: "ring" as any }), TypeError);
  // deno-lint-ignore no-explicit-any
  assert.throws(() => boundedBuffer({ mutant: "oops" as any }), TypeError);
  assert.throws(
    () => boundedBuffer({ scheme: "unbounded", mutant: "no-full-check" }),
    /Cannot create model: mutant no-full-check does not apply to scheme unbounded/,
  );
  assert.throws(
    () => boundedBuffer({ mutant: "modulo-index" }),
    /does not apply to scheme textbook/,
  );
  assert.throws(
    () => boundedBuffer({ start: 5 }),
    /Cannot create model: start applies only to scheme counter/,
  );
});

Deno.test("boundedBuffer() packed canonicalize() picks one representative per orbit", () => {
  // Idempotent, and successors of a state and of its representative have the
  // same representatives: symmetry is a property of the transition relation.
  const cases: BufferOptions[] = [
    { producers: 2, consumers: 2, items: 2, slots: 3, sync: "mutex" },
    { producers: 3, consumers: 1, items: 1, slots: 2 },
    {
      producers: 1,
      consumers: 3,
      items: 3,
      slots: 3,
      mutant: "release-before-read",
    },
  ];
  for (const options of cases) {
    const pm = boundedBuffer(options).packed;
    const words = pm.words;
    const out = new Int32Array(pm.maxSuccessors * words);
    const acts = new Int32Array(pm.maxSuccessors);
    const canonical = (s: Int32Array) => {
      const c = s.slice();
      pm.canonicalize!(c, 0);
      return c;
    };
    const nextKeys = (s: Int32Array) => {
      const keys: string[] = [];
      const n = pm.successors(s, 0, out, acts);
      for (let i = 0; i < n; i++) {
        keys.push(String(canonical(out.slice(i * words, (i + 1) * words))));
      }
      return keys.sort();
    };
    const queue = [pm.initial()];
    const seen = new Set([String(queue[0])]);
    for (let i = 0; i < queue.length && i < 3000; i++) {
      const s = queue[i]!;
      const c = canonical(s);
      assert.deepEqual(canonical(c), c);
      assert.deepEqual(nextKeys(c), nextKeys(s));
      const n = pm.successors(s, 0, out, acts);
      for (let j = 0; j < n; j++) {
        const t = out.slice(j * words, (j + 1) * words);
        if (!seen.has(String(t))) {
          seen.add(String(t));
          queue.push(t);
        }
      }
    }
  }
});

Deno.test("boundedBuffer() builds 8 producers and 8 consumers, and symmetry reduction refuses what it cannot enumerate", () => {
  // The relabellings of identical processes (P!·C!, 1.6e9 here) were built
  // with the model and ran out of memory; now only symmetry reduction needs
  // them, and it refuses more than 8! of them before allocating.
  const model = boundedBuffer({ producers: 8, consumers: 8 });
  const [initial] = model.initial();
  const steps = [...model.actions(initial!)];
  assert.equal(steps.length, 8); // each producer may pass its wait
  const report = explore(model, { maxStates: 50_000 });
  assert.equal(report.verdict, "violation"); // 8 producers without a lock
  assert.throws(
    () => explore(model, { symmetry: true, maxStates: 10 }),
    (e: unknown) =>
      e instanceof RangeError &&
      e.message ===
        "Cannot use symmetry reduction: 8 producers and 8 consumers have 1625702400 relabellings, at most 40320 are supported",
  );
  assert.throws(
    () =>
      explore(boundedBuffer({ producers: 6, consumers: 6 }), {
        symmetry: true,
      }),
    RangeError,
  );
  const small = explore(boundedBuffer({ producers: 8, items: 1 }), {
    symmetry: true,
    maxStates: 500,
  });
  assert.equal(small.symmetry, true);
});

Deno.test("boundedBuffer() reports a number given as a string as a string", () => {
  assert.throws(
    // deno-lint-ignore no-explicit-any
    () => boundedBuffer({ slots: "3" as any }),
    (e: unknown) =>
      e instanceof TypeError &&
      e.message ===
        'Cannot create model: slots must be an integer from 2 to 64, received string "3"',
  );
});

Deno.test("boundedBuffer() rejects options that are not an object with TypeError", () => {
  for (const [options, received] of [[null, "null"], ["slots 3", "string"]]) {
    assert.throws(
      () => boundedBuffer(options as unknown as BufferOptions),
      {
        name: "TypeError",
        message:
          `Cannot create model: options must be an object, received ${received}`,
      },
    );
  }
});
