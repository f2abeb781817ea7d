// Copyright 2025 the ringproof authors. MIT license.
// Work stealing within a BFS level of the parallel explorer. At the start of
// each level a Worker copies the states of the level it has still to expand
// into its own shared level buffer (its visited set stays private) and
// publishes the range in four words on a cache line of its own: the next
// state to claim, how many there are, the local index of the first, and the
// level. Every Worker, the owner too, claims chunks of a range with one
// Atomics.add on its next-state word, so a Worker that has run out of states
// of its own expands another's instead of waiting for it at the barrier (a
// range not published yet when it gets there is skipped: its owner is behind,
// still draining or descheduled, and waiting for it would cost a sleep and a
// wake-up more per level on a busy host). A stolen state's successors are
// routed as the owner's would be (its parent id is its owner's global id), and
// a Worker steals only before it arrives at the level's barrier: every chunk
// claimed is expanded and its successors queued before any owner drains its
// queues, so every state is still stored at its BFS depth.

import {
  FAILED,
  GEN,
  growQueue,
  RANGE_WORDS as LINE,
  type SharedBuffers,
  STOP,
} from "./parallel_control.ts";
import type { PackedStore } from "./visited.ts";

/** States claimed at a time. */
export const STEAL_CHUNK = 32;

// A Worker's range words (RANGE_WORDS apart: a cache line each).
const NEXT = 0; // the next state of the range to claim, from 0
const COUNT = 1; // the states in the range
const BASE = 2; // the owner's local index of the range's first state
const TAG = 3; // the level the range is for, plus 1 (0: none yet)

/** One published range, as a thief sees it. */
export interface Range {
  /** The owner's states, `stride` words each (key words, then the parent). */
  readonly states: Int32Array;
  readonly count: number;
  readonly base: number;
}

/**
 * Copies the Worker's states `from` to `to` (its local indices) into its
 * level buffer and publishes them as its range for `level`. Throws a
 * RangeError when the level buffer cannot hold them.
 */
export function publishRange(
  work: LevelWork,
  span: { level: number; from: number; to: number },
): void {
  const { buffers, worker, store } = work;
  const { level, from, to } = span;
  const stride = store.stride;
  const buffer = buffers.levels[worker]!;
  const bytes = 4 * stride * (to - from);
  if (bytes > buffer.byteLength && !growQueue(buffer, bytes)) {
    throw new RangeError(
      `Cannot explore in parallel: one level holds more than ${
        Math.floor(buffer.maxByteLength / (4 * stride))
      } states of one Worker`,
    );
  }
  const states = new Int32Array(buffer, 0, stride * (to - from));
  // A page's entries are contiguous: one copy per page crossed.
  for (let i = from; i < to;) {
    const page = store.page(i);
    const at = store.offset(i);
    const n = Math.min(to - i, (page.length - at) / stride);
    states.set(page.subarray(at, at + n * stride), (i - from) * stride);
    i += n;
  }
  const ranges = new Int32Array(buffers.ranges);
  const at = LINE * worker;
  Atomics.store(ranges, at + NEXT, 0);
  Atomics.store(ranges, at + COUNT, to - from);
  Atomics.store(ranges, at + BASE, from);
  // The level last: a thief that reads it reads the words above as written.
  Atomics.store(ranges, at + TAG, level + 1);
  Atomics.notify(ranges, at + TAG);
}

/**
 * Claims the next chunk of Worker `owner`'s range: returns the index of its
 * first state in the range (none is left when it is at least the range's
 * count). The chunk ends at `min(start + STEAL_CHUNK, count)`.
 */
export function claim(ranges: Int32Array, owner: number): number {
  return Atomics.add(ranges, LINE * owner + NEXT, STEAL_CHUNK);
}

/** Worker `owner`'s published range (once it is published for the level). */
export function rangeOf(work: LevelWork, owner: number): Range {
  const { buffers, store: { stride } } = work;
  const ranges = new Int32Array(buffers.ranges);
  const at = LINE * owner;
  const count = Atomics.load(ranges, at + COUNT);
  return {
    states: new Int32Array(buffers.levels[owner]!, 0, count * stride),
    count,
    base: Atomics.load(ranges, at + BASE),
  };
}

/** How long a thief spins for a range before it sleeps (milliseconds). */
const SPIN_MS = 0.02;

/**
 * Waits until Worker `owner` has published its range for `options.level`,
 * running `idle` meanwhile while it returns true (work the thief can do
 * first), then spinning. Then, when `patient`, it sleeps until the range is
 * published (adding to `stats.sleeps`); otherwise it gives up: `"late"`.
 * Returns `"failed"` when a Worker failed (the owner may never publish then).
 */
export function awaitRange(
  buffers: SharedBuffers,
  owner: number,
  options: {
    level: number;
    patient: boolean;
    idle?: (() => boolean) | undefined;
    stats?: { sleeps: number };
  },
): "published" | "late" | "failed" {
  const ranges = new Int32Array(buffers.ranges);
  const at = LINE * owner + TAG;
  const tag = options.level + 1;
  const { idle, stats } = options;
  while (idle !== undefined && Atomics.load(ranges, at) !== tag) {
    if (!idle()) break;
  }
  const until = performance.now() + SPIN_MS;
  do {
    for (let i = 0; i < 256; i++) {
      if (Atomics.load(ranges, at) === tag) return "published";
    }
  } while (performance.now() < until);
  if (!options.patient) return "late";
  if (stats !== undefined) stats.sleeps++;
  const ctl = new Int32Array(buffers.control);
  for (;;) {
    const seen = Atomics.load(ranges, at);
    if (seen === tag) return "published";
    if (Atomics.load(ctl, STOP) === FAILED) return "failed";
    Atomics.wait(ranges, at, seen, 100);
  }
}

/**
 * Wakes every Worker waiting at the barrier or for a range, once STOP says
 * FAILED (they give up then).
 */
export function wakeWaiters(buffers: SharedBuffers): void {
  const ranges = new Int32Array(buffers.ranges);
  for (let at = TAG; at < ranges.length; at += LINE) {
    Atomics.notify(ranges, at);
  }
  Atomics.notify(new Int32Array(buffers.control), GEN);
}

/** What {@linkcode expandLevel} needs of a Worker's search. */
export interface LevelWork {
  readonly buffers: SharedBuffers;
  readonly worker: number;
  readonly workers: number;
  /** 1: its own range first, then the others'; 2: only the others'. */
  readonly steal: 1 | 2;
  /** Its visited set: its own range's states are read there. */
  readonly store: PackedStore;
  /**
   * Expands one state (`src[offset]`, global id `parent`), routing its
   * successors; false when the state is deadlocked (the Worker stops).
   */
  expand: (src: Int32Array, offset: number, parent: number) => boolean;
  /** Work to do while it waits for a range (see {@linkcode awaitRange}). */
  readonly idle: (() => boolean) | undefined;
  /** Where its time went: sleeps, states stolen, milliseconds waited. */
  readonly stats: {
    sleeps: number;
    stolen: number;
    barrier: number;
    early: number;
  };
}

/**
 * Expands the Worker's part of `level`: it claims chunks of its own range
 * (`from` to `to`, published already) and then of each other Worker's, in
 * turn from the next one on, until all are claimed or a state is
 * deadlocked. An owner that has not published its range for the level by
 * the time the Worker gets to it is skipped (with steal 2: waited for). Returns the milliseconds it waited
 * (`idle` work included), also added, less the idle work, to
 * `stats.barrier`. Throws when another Worker failed.
 */
export function expandLevel(
  work: LevelWork,
  span: { level: number; from: number; to: number },
): number {
  const { buffers, worker, workers, stats } = work;
  const { level, from, to } = span;
  const ranges = new Int32Array(buffers.ranges);
  let waited = 0;
  for (let k = work.steal === 2 ? 1 : 0; k < workers; k++) {
    const owner = (worker + k) % workers;
    if (owner === worker) {
      if (!expandOwn(work, ranges, { from, count: to - from })) return waited;
      continue;
    }
    const t0 = performance.now();
    const early0 = stats.early;
    // Only a Worker that never expands its own states (steal 2) sleeps
    // until a range is published. Otherwise a Worker that has not published
    // its range by the time this one has run out of work is behind (still
    // draining, or descheduled): waiting for it here would add a sleep and a
    // wake-up to the one at the barrier, and the owner expands what is left.
    const status = awaitRange(buffers, owner, {
      level,
      patient: work.steal === 2,
      idle: work.idle,
      stats,
    });
    const wait = performance.now() - t0;
    waited += wait;
    stats.barrier += wait - (stats.early - early0);
    if (status === "failed") {
      throw new Error("Cannot explore: another Worker failed");
    }
    if (status === "late") continue;
    if (!expandStolen(work, ranges, owner)) return waited;
  }
  return waited;
}

// The two loops that expand the claimed states are functions of their own,
// apart from expandLevel's waiting and timing: the JIT optimizes each with
// its own inlining budget, spent on the expansion rather than on the clock
// reads and the range's wait around it (where it had been used up before the
// store's lookup was inlined).

/** Claims and expands chunks of the Worker's own range; false on a deadlock. */
function expandOwn(
  work: LevelWork,
  ranges: Int32Array,
  own: { from: number; count: number },
): boolean {
  const { worker, workers, store } = work;
  const { from, count } = own;
  for (let i = claim(ranges, worker); i < count;) {
    const stop = Math.min(i + STEAL_CHUNK, count);
    for (; i < stop; i++) {
      const index = from + i;
      const page = store.page(index);
      const at = store.offset(index);
      if (!work.expand(page, at, index * workers + worker)) return false;
    }
    i = claim(ranges, worker);
  }
  return true;
}

/** Claims and expands chunks of `owner`'s published range; false on a deadlock. */
function expandStolen(
  work: LevelWork,
  ranges: Int32Array,
  owner: number,
): boolean {
  const { workers, stats } = work;
  const stride = work.store.stride;
  const { states, count, base } = rangeOf(work, owner);
  for (let i = claim(ranges, owner); i < count;) {
    const stop = Math.min(i + STEAL_CHUNK, count);
    stats.stolen += stop - i;
    for (; i < stop; i++) {
      const parent = (base + i) * workers + owner;
      if (!work.expand(states, i * stride, parent)) return false;
    }
    i = claim(ranges, owner);
  }
  return true;
}
