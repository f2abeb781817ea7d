// Copyright 2025 the ringproof authors. MIT license.
/**
 * Checking a real ring against the model, in lockstep: every interleaving
 * the model explores is also performed, step by step, as calls on a real
 * ring (by default the production {@linkcode Producer}/{@linkcode Consumer}
 * on a SharedArrayBuffer), and after every step the ring's state, read back
 * through a documented abstraction function, must equal the model's state
 * and satisfy the model's invariants.
 *
 * Point {@linkcode checkRing} at your own ring by implementing
 * {@linkcode RingUnderTest}.
 *
 * @module
 */

import { Consumer, createRing, inspectRing, Producer } from "../mod.ts";
import type { SlotView } from "../mod.ts";
import type { BufferModel } from "./bounded_buffer.ts";
import {
  assertNumbers,
  assertOptionsObject,
  checkedModel,
  choice,
  coverageOf,
  granularityOf,
  ringFactory,
  stepLimit,
} from "./_lockstep/check_options.ts";
import { explore } from "./explore.ts";
import { runLockstep } from "./_lockstep/ring_adapter.ts";
import { productionUnbounded } from "./_lockstep/unbounded_ring.ts";

import type {
  CheckRingOptions,
  RingCheckReport,
  RingConfig,
  RingUnderTest,
} from "./_lockstep/ring_types.ts";
export type * from "./_lockstep/ring_types.ts";

/** Where a counter ring's counters wrap (`src/_shm/layout.ts`, COUNTER_LIMIT). */
const RING_COUNTER_WRAP = 2 ** 30;

/**
 * The production ring as a {@linkcode RingUnderTest}: an int32
 * {@linkcode createRing} ring with a {@linkcode Producer} and a
 * {@linkcode Consumer}. `reserve()`/`peek()` return the slot of the view the
 * handle returned; `snapshot()` is {@linkcode inspectRing} plus the slots'
 * contents. With scheme `"unbounded"` it is an int32
 * `createUnbounded()` buffer with segments of `slots` items instead,
 * its slots numbered by logical position (see `docs/unbounded.md`).
 *
 * @param config Slots, scheme and start.
 * @returns A fresh ring under test.
 *
 * @example Driving the production ring by hand
 * ```ts
 * import assert from "node:assert/strict";
 * import { productionRing } from "@ringproof/ring/model";
 *
 * const ring = productionRing({ slots: 3, scheme: "textbook", start: 0 });
 * assert.equal(ring.reserve(), 0);
 * ring.write(7);
 * ring.commit();
 * assert.deepEqual(ring.snapshot(), { in: 1, out: 0, inSlot: 1, outSlot: 0, cells: [7, 0, 0] });
 * ```
 */
export function productionRing(config: RingConfig): RingUnderTest {
  if (config.scheme === "unbounded") return productionUnbounded(config);
  // The ring's counters wrap at 2^30 (below the flag bits of their words),
  // the model's at 2^32: the ring starts at the model's start mod 2^30, so
  // both wrap at the same step, and its counters are shown as the model's
  // (the same distance from the start).
  const counter = config.scheme === "counter";
  const start = counter ? config.start % RING_COUNTER_WRAP : config.start;
  const lift = (c: number) =>
    counter
      ? (config.start + (c - start + RING_COUNTER_WRAP) % RING_COUNTER_WRAP) %
        2 ** 32
      : c;
  const sab = createRing({
    slots: config.slots,
    scheme: config.scheme,
    start,
    item: "int32",
  });
  const producer = new Producer<number>(sab);
  const consumer = new Consumer<number>(sab);
  const { offsets, stride, slots } = inspectRing(sab);
  const cells = new Int32Array(sab, offsets.data, slots);
  let reserved: SlotView<number> | null = null;
  let peeked: SlotView<number> | null = null;
  // The slot a view points at: its offset from slot 0.
  const slotOf = (view: SlotView<number>) =>
    ((view as Int32Array).byteOffset - offsets.data) / stride;
  return {
    reserve() {
      reserved = producer.reserve();
      return reserved === null ? null : slotOf(reserved);
    },
    write(item) {
      reserved![0] = item;
    },
    commit() {
      producer.commit();
      reserved = null;
    },
    peek() {
      peeked = consumer.peek();
      return peeked === null ? null : slotOf(peeked);
    },
    read() {
      return peeked![0]!;
    },
    release() {
      consumer.release();
      peeked = null;
    },
    tryPush: (item) => producer.tryPush(item),
    tryPop: () => consumer.tryPop(),
    snapshot() {
      const s = inspectRing(sab);
      return {
        in: lift(s.in),
        out: lift(s.out),
        inSlot: s.inSlot,
        outSlot: s.outSlot,
        cells: Array.from(cells),
      };
    },
  };
}

/** The model of the configuration, its options checked. */
function modelOf(options: CheckRingOptions): BufferModel {
  const { slots, items, start = 0 } = options;
  assertNumbers({ slots, items, start });
  const scheme = choice({ scheme: options.scheme ?? "textbook" }, [
    "textbook",
    "counter",
    "unbounded",
  ]);
  return checkedModel({ slots, items, scheme, start });
}

/**
 * Checks a ring against the model of the textbook bounded buffer, one
 * producer and one consumer, in lockstep.
 *
 * The model ({@linkcode boundedBuffer}) is explored breadth-first; every
 * reachable state and every step out of it (`coverage: "states"`), or every
 * maximal interleaving (`coverage: "paths"`), is also performed as calls on a
 * ring (see {@linkcode RingUnderTest} for the mapping), including the blocked
 * steps: where the model's producer must wait, `reserve()` (and `tryPush`)
 * must answer full, and likewise `peek()`/`tryPop` when empty.
 *
 * After every step the ring's state is read back through the abstraction
 * function — `in`, `out`, their slots and the slot contents from
 * {@linkcode RingUnderTest.snapshot}, with the driver's bookkeeping of what
 * it wrote and read as the ghost state — and must equal the model's state
 * and satisfy the model's invariants. The first disagreement stops the check
 * with a side-by-side trace.
 *
 * Rings are not copied: a handle keeps private state (a reserved slot, a
 * cached copy of the other side's index) that copying the bytes would lose.
 * Each step is instead checked on a fresh ring with the path to its state
 * replayed from the start (the shortest path, under `"states"`); a replay
 * must reproduce the ring's state exactly, or the check fails with
 * `replay`.
 *
 * @param options The configuration, the ring, the coverage.
 * @returns The verdict, the figures on both sides and, on failure, the trace.
 * @throws {RangeError} When `slots`, `items` or `start` is out of range.
 * @throws {TypeError} When `scheme`, `coverage` or `granularity` is unknown.
 *
 * @example Checking the production ring
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkRing } from "@ringproof/ring/model";
 *
 * const report = checkRing({ slots: 3, items: 4, scheme: "counter", start: 2 ** 32 - 3 });
 * assert.equal(report.verdict, "pass");
 * assert.equal(report.model.states, report.explored.states); // every state…
 * assert.equal(report.model.transitions, report.explored.transitions); // …and step
 * assert.ok(report.production.transitions > report.model.states);
 * ```
 *
 * @example A ring whose tryPush claims success when full
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkRing, productionRing } from "@ringproof/ring/model";
 *
 * const report = checkRing({
 *   slots: 2,
 *   items: 2,
 *   ring: (config) => {
 *     const ring = productionRing(config);
 *     return { ...ring, tryPush: (item) => ring.tryPush!(item) || true };
 *   },
 * });
 * assert.equal(report.verdict, "fail");
 * assert.equal(report.failure?.property, "enabled");
 * assert.match(report.failure!.table, /tryPush\(a1\) → true/);
 * ```
 */
export function checkRing(options: CheckRingOptions): RingCheckReport {
  assertOptionsObject(options);
  const model = modelOf(options);
  const { slots, items, scheme, start } = model.config as {
    slots: number;
    items: number;
    scheme: "textbook" | "counter" | "unbounded";
    start: number;
  };
  const coverage = coverageOf(options.coverage);
  let granularity = granularityOf(options.granularity);
  const maxSteps = stepLimit(options.maxSteps, 5_000_000);
  const factory = ringFactory(options.ring, {
    fallback: productionRing,
    returns: "RingUnderTest",
  });
  const config: RingConfig = { slots, scheme, start, items };
  // Coarse steps only for a ring that has them.
  const sample = factory(config);
  if (sample.tryPush === undefined || sample.tryPop === undefined) {
    granularity = "fine";
  }
  const explored = explore(model);
  const result = runLockstep({
    model,
    factory,
    config,
    items,
    coverage,
    granularity,
    consequences: options.consequences ?? true,
    maxSteps,
  });
  return {
    ...result,
    config: { slots, items, scheme, start, coverage, granularity },
    explored: { states: explored.states, transitions: explored.transitions },
  };
}
