// Copyright 2025 the ringproof authors. MIT license.
import assert from "node:assert/strict";
import { allocate } from "../model/_explore/parallel_control.ts";
import {
  awaitRange,
  claim,
  type LevelWork,
  publishRange,
  rangeOf,
  STEAL_CHUNK,
} from "../model/_explore/parallel_steal.ts";
import { PackedStore, PAGE_BITS } from "../model/_explore/visited.ts";

/** A store of `count` distinct 3-word states, state i = (i, -i, 7), parent i - 1. */
function storeOf(count: number): PackedStore {
  const store = new PackedStore(3);
  const state = new Int32Array(3);
  for (let i = 0; i < count; i++) {
    state.set([i, -i, 7]);
    assert.equal(store.add(state, 0, i - 1), i);
  }
  return store;
}

function workOf(store: PackedStore, worker: number, workers: number) {
  return {
    buffers: allocate(workers),
    worker,
    workers,
    steal: 1,
    store,
    expand: () => true,
    idle: undefined,
    stats: { sleeps: 0, stolen: 0, barrier: 0, early: 0 },
  } satisfies LevelWork;
}

Deno.test("publishRange() copies a range across a page boundary that rangeOf() reads back", () => {
  const page = 1 << PAGE_BITS;
  const store = storeOf(page + 500);
  const work = workOf(store, 1, 2);
  const from = page - 300;
  const to = page + 400;
  publishRange(work, { level: 5, from, to });
  // Another Worker's view: the same buffers, its own number.
  const thief = { ...work, worker: 0 };
  const range = rangeOf(thief, 1);
  assert.equal(range.count, to - from);
  assert.equal(range.base, from);
  for (let i = 0; i < range.count; i++) {
    const at = i * store.stride;
    const index = from + i;
    assert.deepEqual(
      [...range.states.subarray(at, at + store.stride)],
      [index, -index, 7, index - 1],
      `state ${index}`,
    );
  }
});

Deno.test("claim() hands out each chunk of a range once, to the owner and thieves alike", () => {
  const store = storeOf(100);
  const work = workOf(store, 0, 2);
  publishRange(work, { level: 0, from: 10, to: 100 });
  const ranges = new Int32Array(work.buffers.ranges);
  const count = rangeOf(work, 0).count;
  const starts: number[] = [];
  for (let i = claim(ranges, 0); i < count; i = claim(ranges, 0)) {
    starts.push(i);
  }
  assert.deepEqual(
    starts,
    Array.from(
      { length: Math.ceil(90 / STEAL_CHUNK) },
      (_, k) => k * STEAL_CHUNK,
    ),
  );
  // Exhausted: every later claim is past the end, whoever makes it.
  assert.ok(claim(ranges, 0) >= count);
  // The next level starts afresh.
  publishRange(work, { level: 1, from: 100, to: 100 });
  assert.equal(rangeOf(work, 0).count, 0);
  assert.ok(claim(ranges, 0) >= 0);
});

Deno.test("awaitRange() finds a published range, gives up on a late one unless patient", () => {
  const store = storeOf(10);
  const owner = workOf(store, 1, 2);
  const { buffers } = owner;
  let idle = 0;
  const options = {
    level: 3,
    patient: false,
    idle: () => ++idle < 5, // four chunks of idle work, then none
  };
  assert.equal(awaitRange(buffers, 1, options), "late");
  assert.equal(idle, 5);
  publishRange(owner, { level: 2, from: 0, to: 10 });
  assert.equal(awaitRange(buffers, 1, options), "late"); // the level before
  publishRange(owner, { level: 3, from: 0, to: 10 });
  assert.equal(awaitRange(buffers, 1, options), "published");
  assert.equal(
    awaitRange(buffers, 1, { ...options, patient: true }),
    "published",
  );
});
