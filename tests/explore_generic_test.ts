// Copyright 2025 the ringproof authors. MIT license.
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  explore,
  type ExploreOptions,
  type Model,
  type PackedModel,
} from "../model/mod.ts";
import { hashWords, PackedStore } from "../model/_explore/visited.ts";

type Grid = [number, number];

/** Two independent counters, each from 0 to n: (n+1)^2 states, 2n(n+1) steps. */
function grid(
  n: number,
  key: (s: Grid) => string | Uint8Array | Int32Array = (s) => s.join(","),
): Model<Grid, 0 | 1> {
  return {
    initial: () => [[0, 0]],
    actions: (s) => ([0, 1] as const).filter((i) => s[i] < n),
    step: (s, i) => (i === 0 ? [s[0] + 1, s[1]] : [s[0], s[1] + 1]),
    encode: key,
    invariants: {},
    isEnd: (s) => s[0] === n && s[1] === n,
    facts: { "x == n": (s) => s[0] === n },
  };
}

/** The same grid with a packed path: one word, x in the low 16 bits. */
function packedGrid(n: number): Model<Grid, 0 | 1> {
  const packed: PackedModel<Grid, 0 | 1> = {
    words: 1,
    maxSuccessors: 2,
    invariantNames: [],
    factNames: [],
    initial: () => new Int32Array(1),
    successors(state, offset, out, actions) {
      const x = state[offset]! & 0xffff;
      const y = state[offset]! >>> 16;
      let k = 0;
      if (x < n) {
        out[k] = (y << 16) | (x + 1);
        actions[k++] = 0;
      }
      if (y < n) {
        out[k] = ((y + 1) << 16) | x;
        actions[k++] = 1;
      }
      return k;
    },
    violations: () => 0,
    facts: () => 0,
    isEnd: (state, offset) => state[offset] === ((n << 16) | n),
    decode: (state, offset) => [state[offset]! & 0xffff, state[offset]! >>> 16],
    action: (code) => code as 0 | 1,
  };
  return { ...grid(n), packed };
}

Deno.test("explore() counts the states and transitions of a grid exactly", () => {
  for (const n of [0, 1, 3, 7]) {
    const report = explore(grid(n));
    assert.equal(report.verdict, "pass");
    assert.equal(report.states, (n + 1) ** 2);
    assert.equal(report.transitions, 2 * n * (n + 1));
    assert.equal(report.depth, 2 * n);
  }
});

Deno.test("explore() accepts string, Uint8Array and Int32Array keys alike", () => {
  const keys = [
    (s: Grid) => s.join(","),
    (s: Grid) => Uint8Array.from(s),
    (s: Grid) => Int32Array.from(s),
  ];
  for (const key of keys) {
    const report = explore(grid(5, key));
    assert.equal(report.states, 36);
    assert.equal(report.transitions, 60);
  }
});

Deno.test("explore() returns a shortest counterexample under BFS", () => {
  const model = {
    ...grid(6),
    invariants: { "x + y < 5": (s: Grid) => s[0] + s[1] < 5 },
  };
  const report = explore(model);
  assert.equal(report.verdict, "violation");
  assert.equal(report.invariant, "x + y < 5");
  assert.deepEqual(report.violated, ["x + y < 5"]);
  const trace = report.counterexample!;
  assert.equal(trace.length - 1, 5); // x + y grows by one per step
  assert.equal(trace[0]!.action, null);
  assert.deepEqual(trace[0]!.state, [0, 0]);
  for (let i = 1; i < trace.length; i++) {
    assert.deepEqual(
      model.step(trace[i - 1]!.state, trace[i]!.action!),
      trace[i]!.state,
    );
  }
});

/**
 * A counter from 0 that moves by +4 or +1 up to 12 (the +4 first, so a DFS
 * goes down the +1 branch first); `s != 8` breaks in 2 steps at the least
 * (+4, +4), while the first path a DFS finds is longer.
 */
function strides(): Model<number, number> {
  return {
    initial: () => [0],
    actions: (s) => [4, 1].filter((d) => s + d <= 12),
    step: (s, d) => s + d,
    encode: (s) => String(s),
    invariants: { "s != 8": (s) => s !== 8 },
    isEnd: (s) => s >= 9,
  };
}

Deno.test("explore() returns the shortest counterexample by default where a depth-first search would not", () => {
  // Discriminating: the same model under DFS gives a longer path, so a
  // default that stopped being breadth-first fails here.
  const dfs = explore(strides(), { order: "dfs" });
  assert.equal(dfs.verdict, "violation");
  assert.ok(dfs.counterexample!.length - 1 > 2);
  const report = explore(strides());
  assert.equal(report.verdict, "violation");
  assert.deepEqual(
    report.counterexample!.map((step) => step.state),
    [0, 4, 8],
  );
});

Deno.test("explore() with order dfs finds a violation along a valid path", () => {
  const model = {
    ...grid(6),
    invariants: { "x + y < 5": (s: Grid) => s[0] + s[1] < 5 },
  };
  const report = explore(model, { order: "dfs" });
  assert.equal(report.verdict, "violation");
  assert.equal(report.order, "dfs");
  const trace = report.counterexample!;
  assert.ok(trace.length - 1 >= 5);
  for (let i = 1; i < trace.length; i++) {
    assert.deepEqual(
      model.step(trace[i - 1]!.state, trace[i]!.action!),
      trace[i]!.state,
    );
  }
});

Deno.test("explore() with order dfs reports the deepest path as depth, not the stack's height", () => {
  // A star: one root, ten end states one step away. DFS pushes all ten.
  const star: Model<number, number> = {
    initial: () => [0],
    actions: (s) => s === 0 ? [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] : [],
    step: (_, next) => next,
    encode: (s) => String(s),
    invariants: {},
    isEnd: () => true,
  };
  assert.equal(explore(star, { order: "dfs" }).depth, 1);
  // Every path through the grid to (n, n) takes 2n steps; DFS reaches it.
  for (const model of [grid(7), packedGrid(7)]) {
    assert.equal(explore(model, { order: "dfs" }).depth, 14);
  }
  // A violation's trace is a path of the search tree: no longer than depth.
  const report = explore({
    ...grid(6),
    invariants: { "x + y < 5": (s: Grid) => s[0] + s[1] < 5 },
  }, { order: "dfs" });
  assert.ok(report.counterexample!.length - 1 <= report.depth);
});

Deno.test("explore() reports a deadlock in a non-end state with no steps", () => {
  const model: Model<number, "inc"> = {
    initial: () => [0],
    actions: (s) => (s < 3 ? ["inc"] : []),
    step: (s) => s + 1,
    encode: String,
    invariants: {},
  };
  const report = explore(model);
  assert.equal(report.verdict, "deadlock");
  assert.equal(report.invariant, "deadlock-free");
  assert.deepEqual(report.counterexample!.map((step) => step.state), [
    0,
    1,
    2,
    3,
  ]);
  assert.equal(explore({ ...model, isEnd: (s) => s === 3 }).verdict, "pass");
});

Deno.test("explore() stops with verdict incomplete at maxStates", () => {
  const report = explore(grid(10), { maxStates: 20 });
  assert.equal(report.verdict, "incomplete");
  assert.equal(report.states, 20);
  assert.equal(report.counterexample, undefined);
  assert.throws(() => explore(grid(1), { maxStates: 0 }), RangeError);
});

Deno.test("explore() witnesses facts with a shortest path", () => {
  const report = explore(grid(4));
  assert.equal(report.facts.length, 1);
  const fact = report.facts[0]!;
  assert.equal(fact.name, "x == n");
  assert.equal(fact.witnessed, true);
  assert.equal(fact.witness!.length - 1, 4);
  assert.deepEqual(fact.witness!.at(-1)!.state, [4, 0]);
});

Deno.test("explore() skips ignored invariants and rejects unknown names", () => {
  const model = {
    ...grid(3),
    invariants: {
      "x < 2": (s: Grid) => s[0] < 2,
      "y < 3": (s: Grid) => s[1] < 3,
    },
  };
  assert.equal(explore(model).invariant, "x < 2");
  assert.equal(explore(model, { ignore: ["x < 2"] }).invariant, "y < 3");
  assert.throws(
    () => explore(model, { ignore: ["nope"] }),
    /Cannot explore: no invariant named nope/,
  );
});

Deno.test("explore() rejects a maxStates or ignore of the wrong type with TypeError", () => {
  assert.throws(
    () => explore(grid(1), { maxStates: "5" as unknown as number }),
    {
      name: "TypeError",
      message:
        'Cannot explore: maxStates must be a positive integer, received string "5"',
    },
  );
  // A string would be read letter by letter ("no invariant named x").
  assert.throws(
    () => explore(grid(1), { ignore: "x < 2" as unknown as string[] }),
    {
      name: "TypeError",
      message:
        'Cannot explore: ignore must be an array of invariant names, received string "x < 2"',
    },
  );
});

Deno.test("explore() rejects a model or options that are not objects with TypeError", () => {
  assert.throws(
    () => explore(null as unknown as Model<number, number>),
    {
      name: "TypeError",
      message:
        "Cannot explore: model must be an object with initial, actions, step, encode and invariants, received null",
    },
  );
  assert.throws(
    () => explore(grid(1), null as unknown as ExploreOptions),
    {
      name: "TypeError",
      message: "Cannot explore: options must be an object, received null",
    },
  );
});

Deno.test("explore() rejects an unknown order", () => {
  assert.throws(
    // deno-lint-ignore no-explicit-any
    () => explore(grid(1), { order: "random" as any }),
    TypeError,
  );
});

Deno.test("explore() runs the packed path across many pages and table growths", () => {
  // 300 x 300 + ... = 90,601 states: more than one 2^16-state page.
  const n = 300;
  const fast = explore(packedGrid(n));
  assert.equal(fast.states, (n + 1) ** 2);
  assert.equal(fast.transitions, 2 * n * (n + 1));
  assert.equal(fast.depth, 2 * n);
  assert.ok(fast.bytesPerState < 40, `${fast.bytesPerState} bytes/state`);
  const dfs = explore(packedGrid(n), { order: "dfs" });
  assert.equal(dfs.states, (n + 1) ** 2);
});

Deno.test("explore() calls onProgress with growing counts", () => {
  const seen: number[] = [];
  explore(packedGrid(200), {
    progressSeconds: 0,
    onProgress: (p) => {
      assert.ok(p.frontier >= 0 && p.depth >= 0 && p.seconds >= 0);
      seen.push(p.states);
    },
  });
  assert.ok(seen.length > 0);
  assert.deepEqual(seen, [...seen].sort((a, b) => a - b));
});

/** Mostly tiny values (so keys repeat), sometimes any 32-bit integer. */
function small(): fc.Arbitrary<number> {
  return fc.oneof(fc.integer({ min: -2, max: 2 }), fc.integer());
}

Deno.test("PackedStore.add() keeps exactly the distinct keys", () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(small(), small(), small()), {
        minLength: 200,
        maxLength: 2000,
        size: "max",
      }),
      (rows) => {
        const store = new PackedStore(3);
        const reference = new Map<string, number>();
        for (const row of rows) {
          const index = store.add(Int32Array.from(row), 0, 7);
          const key = row.join(",");
          if (reference.has(key)) assert.equal(index, -1);
          else {
            assert.equal(index, reference.size);
            reference.set(key, index);
          }
        }
        assert.equal(store.count, reference.size);
        for (const [key, index] of reference) {
          const page = store.page(index);
          const at = store.offset(index);
          assert.equal(Array.from(page.subarray(at, at + 3)).join(","), key);
          assert.equal(store.parent(index), 7);
        }
      },
    ),
    { seed: 20250301, numRuns: 30 },
  );
});

Deno.test("PackedStore.addHashed() finds a state whether its hash comes unsigned or as the int32 of the same bits", () => {
  fc.assert(
    fc.property(
      fc.uniqueArray(fc.tuple(small(), small(), small()), {
        minLength: 50,
        maxLength: 500,
        selector: (row) => row.join(","),
      }),
      fc.boolean(),
      (rows, signedFirst) => {
        // The parallel explorer passes the hash as an int32; explore() and
        // the parallel explorer's roots pass hashWords()'s unsigned value.
        const store = new PackedStore(3);
        const pass = (hash: number, signed: boolean) =>
          signed ? hash | 0 : hash >>> 0;
        rows.forEach((row, i) => {
          const key = Int32Array.from(row);
          const hash = hashWords(key, 0, 3);
          assert.equal(store.addHashed(key, 0, -1, pass(hash, signedFirst)), i);
        });
        rows.forEach((row, i) => {
          const key = Int32Array.from(row);
          const hash = hashWords(key, 0, 3);
          assert.equal(
            store.addHashed(key, 0, 0, pass(hash, !signedFirst)),
            -1,
          );
          assert.equal(store.found, i);
          assert.equal(store.add(key, 0, 0), -1);
        });
        assert.equal(store.count, rows.length);
      },
    ),
    { seed: 20261207, numRuns: 30 },
  );
});
