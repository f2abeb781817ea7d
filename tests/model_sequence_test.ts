// Copyright 2025 the ringproof authors. MIT license.
// The model's sync "sequence" variant (Vyukov's bounded queue, the production
// ring's "sequence" scheme): exhaustive verdicts with 2–3 producers and
// consumers, the mutants it catches, the wrap of positions, the claim-order
// FIFO ghost, and agreement with a naive reference search.
import assert from "node:assert/strict";
import {
  boundedBuffer,
  type BufferOptions,
  type BufferState,
  explore,
  formatTrace,
  traceToMermaid,
} from "../model/mod.ts";
import { referenceBfs, replays } from "./_model_reference.ts";
import { assertThrowsWith } from "./_helpers.ts";

/** Where positions wrap for `slots` (the production ring's rule). */
function limitOf(slots: number): number {
  return 2 ** 31 - 2 ** 31 % slots;
}

/** Exhaustive configurations: 2–3 producers and consumers. */
const PASSING: BufferOptions[] = [
  { producers: 2, consumers: 1, slots: 2, items: 2 },
  { producers: 1, consumers: 2, slots: 2, items: 3 },
  { producers: 2, consumers: 2, slots: 2, items: 2 },
  { producers: 2, consumers: 2, slots: 3, items: 2 },
  { producers: 2, consumers: 2, slots: 2, items: 3 },
  { producers: 3, consumers: 1, slots: 2, items: 2 },
  { producers: 1, consumers: 3, slots: 2, items: 3 },
  { producers: 3, consumers: 3, slots: 2, items: 1 },
  { producers: 2, consumers: 3, slots: 2, items: 2 },
];

Deno.test("boundedBuffer() with sync sequence passes every check with 2 to 3 producers and consumers", () => {
  for (const config of PASSING) {
    const options = { ...config, sync: "sequence" } as const;
    const label = JSON.stringify(config);
    // Symmetry reduction keeps verdicts and facts (tested for the explorer);
    // it makes the 3-process configurations cheap.
    const symmetry = config.producers! + config.consumers! > 4;
    const report = explore(boundedBuffer(options), { symmetry });
    assert.equal(report.verdict, "pass", label); // includes deadlock-free
    assert.deepEqual(
      report.facts.map((f) => [f.name, f.witnessed]),
      [["bound-tight", true]],
      label,
    );
    // The ring fills up to all its slots, the last item in the last slot.
    const full = report.facts[0]!.witness!;
    assert.equal(full.at(-1)!.state.itemsInBuffer, config.slots, label);
    replays(options, full);
  }
});

Deno.test("boundedBuffer() with sync sequence agrees with a naive reference search", () => {
  for (
    const config of [
      { producers: 2, consumers: 1, slots: 2, items: 1 },
      { producers: 1, consumers: 2, slots: 2, items: 2 },
      { producers: 2, consumers: 2, slots: 2, items: 1 },
      { producers: 1, consumers: 1, slots: 3, items: 3, start: 2 ** 31 - 5 },
    ]
  ) {
    const model = boundedBuffer({ ...config, sync: "sequence" });
    const reference = referenceBfs(model);
    const label = JSON.stringify(config);
    assert.equal(reference.firstBad, null, label);
    for (const report of [explore(model), explore(model, { packed: false })]) {
      assert.equal(report.verdict, "pass", label);
      assert.equal(report.states, reference.states, label);
      assert.equal(report.transitions, reference.transitions, label);
    }
  }
});

Deno.test("boundedBuffer() keeps the race without sync and passes with the mutex, 2 producers and 2 consumers", () => {
  const base = { producers: 2, consumers: 2, slots: 2, items: 2 };
  const none = explore(boundedBuffer(base));
  assert.equal(none.verdict, "violation");
  // Two producers fill one cell: more items than slots, or a cell read unwritten.
  assert.ok(["bound", "no-unproduced"].includes(none.invariant!));
  assert.equal(
    explore(boundedBuffer({ ...base, sync: "mutex" })).verdict,
    "pass",
  );
  assert.equal(
    explore(boundedBuffer({ ...base, sync: "sequence" })).verdict,
    "pass",
  );
});

Deno.test("boundedBuffer() with sync sequence catches publish-before-write and release-before-read", () => {
  const cases = [
    // The consumer sees seq = p + 1 and reads the cell before it is written.
    ["publish-before-write", [], "no-unproduced"],
    ["publish-before-write", ["bound"], "no-unproduced"],
    // The producer of the next lap overwrites the cell being read.
    ["release-before-read", [], "bound"],
    ["release-before-read", ["bound"], "fifo"],
  ] as const;
  for (const [mutant, ignore, expected] of cases) {
    for (const [producers, consumers] of [[1, 1], [2, 2]] as const) {
      const options = {
        sync: "sequence",
        producers,
        consumers,
        slots: 2,
        items: 3,
        mutant,
      } as const;
      const report = explore(boundedBuffer(options), { ignore });
      const label = `${mutant} ${producers}x${consumers} ignoring ${ignore}`;
      assert.equal(report.verdict, "violation", label);
      assert.equal(report.invariant, expected, label);
      replays(options, report.counterexample!);
    }
  }
});

Deno.test("boundedBuffer() with sync sequence crosses the wrap of positions", () => {
  // 3 slots: 2^31 is no multiple of 3, so positions wrap at 2^31 - 2.
  const start = limitOf(3) - 2;
  const options = {
    sync: "sequence",
    producers: 2,
    consumers: 2,
    slots: 3,
    items: 2,
    start,
  } as const;
  const report = explore(boundedBuffer(options));
  assert.equal(report.verdict, "pass");
  const trace = report.facts[0]!.witness!;
  // Filling the ring claims positions start, start + 1, then 0: `in` wraps.
  assert.equal(trace.at(-1)!.state.in, 1);
  // Every item goes to the slot of its position, position mod 3, on both
  // sides of the wrap.
  const written: number[] = [];
  for (let i = 1; i < trace.length; i++) {
    const { action, state } = trace[i]!;
    if (action!.op !== "write") continue;
    const producer = Number(action!.process.slice(1));
    const before = trace[i - 1]!.state.producers[producer]!;
    const slot = before.position! % 3;
    assert.deepEqual(state.cells[slot], {
      producer,
      seq: before.produced,
    });
    written.push(before.position!);
  }
  assert.deepEqual(written, [start, start + 1, 0]);
});

Deno.test("boundedBuffer() with sync sequence flags a claim out of its producer's order", () => {
  const model = boundedBuffer({
    sync: "sequence",
    producers: 1,
    consumers: 2,
    slots: 2,
    items: 2,
  });
  // Doctor the initial state: a1 sits published at position 0, as if a0 had
  // been skipped. C0's claim of position 0 breaks per-producer claim order.
  const initial = [...model.initial()][0]!;
  let state: BufferState = {
    ...initial,
    in: 1,
    cells: [{ producer: 0, seq: 1 }, null],
    sequences: [1, 1],
    producers: [{ ...initial.producers[0]!, pc: "load", produced: 2 }],
  };
  for (const op of ["load", "wait", "claim"] as const) {
    state = model.step(state, { process: "C0", op });
  }
  assert.equal(state.flags.fifo, true);
  assert.equal(model.invariants["fifo"]!(state), false);
});

Deno.test("formatTrace() shows sequence numbers and positions of sync sequence", () => {
  const report = explore(
    boundedBuffer({ sync: "sequence", slots: 2, items: 2 }),
  );
  const table = formatTrace(report.facts[0]!.witness!);
  assert.match(table, /\bseq\b/);
  assert.match(table, /load in = 0/);
  assert.match(table, /wait: seq\[0\] = 0, free/);
  assert.match(table, /claim: in 0 → 1/);
  assert.match(table, /P0:write@0/);
});

Deno.test("traceToMermaid() draws sync sequence's load as a read and its claim as a write", () => {
  const report = explore(
    boundedBuffer({ sync: "sequence", slots: 2, items: 2 }),
  );
  const diagram = traceToMermaid(report.facts[0]!.witness!);
  assert.match(diagram, /^ {2}P0-->>M: load in = 0$/m);
  assert.match(diagram, /^ {2}P0->>M: claim: in 0 → 1$/m);
});

Deno.test("boundedBuffer() with sync sequence rejects what does not apply", () => {
  assertThrowsWith(
    () => boundedBuffer({ sync: "sequence", scheme: "textbook" }),
    RangeError,
    [
      "Cannot create model: scheme must be counter with sync sequence, received textbook",
    ],
  );
  assertThrowsWith(
    () => boundedBuffer({ sync: "sequence", mutant: "wasted-two" }),
    RangeError,
    ["mutant wasted-two does not apply to sync sequence"],
  );
  assertThrowsWith(
    () => boundedBuffer({ sync: "sequence", slots: 3, start: limitOf(3) }),
    RangeError,
    [`start must be an integer from 0 to ${limitOf(3) - 1}`],
  );
  assert.equal(boundedBuffer({ sync: "sequence" }).config.scheme, "counter");
});
