// Copyright 2025 the ringproof authors. MIT license.
// One Worker's share of the level-synchronous parallel BFS: claim chunks of
// the current level, expand them into the shared visited set, meet the other
// Workers at the barrier; the last to arrive sets the next level up.

import type { PackedModel } from "../types.ts";
import {
  ARRIVED,
  BLOCK,
  DEADLOCK,
  FACTS,
  FAILED,
  FINISHED,
  FOUND,
  GEN,
  HEAD,
  HOLE,
  INCOMPLETE,
  LEVEL,
  LEVEL_END,
  LEVEL_START,
  NONE,
  type SharedStore,
  STOP,
  VIOLATION,
  VIOLATION_MASK,
} from "./shared_store.ts";

/** States a Worker claims at a time. */
const CHUNK = 64;

/** What a Worker's search is told besides the model and the store. */
export interface SearchPlan {
  readonly workers: number;
  /** Bit mask of the invariants to check. */
  readonly checkMask: number;
  readonly symmetry: boolean;
  readonly maxStates: number;
  /** Words per packed state. */
  readonly words: number;
}

/**
 * Checks a newly stored state: invariants (a violation stops the search at
 * the end of this level), facts, the state limit. Used by the Workers and,
 * for the roots, by the parent.
 */
export function checkNew<S, A>(
  pm: PackedModel<S, A>,
  store: SharedStore,
  plan: SearchPlan,
  src: Int32Array,
  offset: number,
  index: number,
): void {
  const ctl = store.ctl;
  const bad = pm.violations(src, offset) & plan.checkMask;
  if (bad !== 0) {
    if (Atomics.compareExchange(ctl, VIOLATION, -1, index) === -1) {
      Atomics.store(ctl, VIOLATION_MASK, bad);
    }
    Atomics.compareExchange(ctl, STOP, NONE, FOUND);
    return;
  }
  const facts = pm.factNames.length;
  if (facts > 0) {
    const hit = pm.facts(src, offset);
    for (let i = 0; hit !== 0 && i < facts; i++) {
      if ((hit >>> i) & 1 && Atomics.load(ctl, FACTS + i) === -1) {
        Atomics.compareExchange(ctl, FACTS + i, -1, index);
      }
    }
  }
}

/**
 * Sets the next level up, or finishes the search; called by the last Worker
 * to reach the barrier, while the others wait.
 */
function nextLevel<S, A>(
  pm: PackedModel<S, A>,
  store: SharedStore,
  plan: SearchPlan,
): void {
  const ctl = store.ctl;
  // The state limit is checked here, where the count is exact.
  if (store.states >= plan.maxStates) {
    Atomics.compareExchange(ctl, STOP, NONE, INCOMPLETE);
  }
  const stop = Atomics.load(ctl, STOP);
  const end = Atomics.load(ctl, LEVEL_END);
  const count = Atomics.load(ctl, 0);
  if (
    stop !== NONE || Atomics.load(ctl, DEADLOCK) >= 0 ||
    Atomics.load(ctl, VIOLATION) >= 0 || count === end
  ) {
    Atomics.store(ctl, FINISHED, 1);
    return;
  }
  // Every successor of the next level takes at most one index, and each
  // Worker's last block may be partly unused.
  store.reserve(
    count + (count - end) * pm.maxSuccessors + plan.workers * BLOCK,
  );
  Atomics.store(ctl, LEVEL_START, end);
  Atomics.store(ctl, LEVEL_END, count);
  Atomics.store(ctl, HEAD, end);
  Atomics.add(ctl, LEVEL, 1);
}

/** Waits for every Worker; the last one runs `last` before releasing them. */
function barrier(ctl: Int32Array, workers: number, last: () => void): void {
  const gen = Atomics.load(ctl, GEN);
  if (Atomics.add(ctl, ARRIVED, 1) === workers - 1) {
    try {
      last();
    } catch (error) {
      Atomics.store(ctl, STOP, FAILED);
      Atomics.store(ctl, FINISHED, 1);
      throw error;
    } finally {
      Atomics.store(ctl, ARRIVED, 0);
      Atomics.add(ctl, GEN, 1);
      Atomics.notify(ctl, GEN);
    }
    return;
  }
  // A short spin first: levels are often short, and a futex sleep is slow.
  for (let i = 0; i < 2000; i++) {
    if (Atomics.load(ctl, GEN) !== gen) return;
  }
  while (Atomics.load(ctl, GEN) === gen) {
    // A Worker that failed never arrives: give up rather than wait forever.
    if (Atomics.load(ctl, STOP) === FAILED) return;
    Atomics.wait(ctl, GEN, gen, 100);
  }
}

/**
 * Runs this Worker's part of the search until it is finished; returns the
 * transitions it generated.
 */
export function searchLevels<S, A>(
  pm: PackedModel<S, A>,
  store: SharedStore,
  plan: SearchPlan,
): number {
  const ctl = store.ctl;
  const words = pm.words;
  const stride = store.stride;
  const current = new Int32Array(words);
  const succ = new Int32Array(pm.maxSuccessors * words);
  const acts = new Int32Array(pm.maxSuccessors);
  const canonicalize = plan.symmetry && pm.canonicalize !== undefined
    ? pm.canonicalize.bind(pm)
    : undefined;
  let transitions = 0;
  for (;;) {
    store.refresh();
    const arena = store.arena;
    const end = Atomics.load(ctl, LEVEL_END);
    for (;;) {
      const from = Atomics.add(ctl, HEAD, CHUNK);
      if (from >= end) break;
      const to = Math.min(from + CHUNK, end);
      // After a violation the level is still expanded, without storing
      // anything, so a deadlock in it is found whichever Worker is first.
      const storing = Atomics.load(ctl, STOP) === NONE;
      if (Atomics.load(ctl, STOP) > FOUND) break;
      for (let i = from; i < to; i++) {
        const at = i * stride;
        if (arena[at + words] === HOLE) continue;
        for (let w = 0; w < words; w++) current[w] = arena[at + w]!;
        const n = pm.successors(current, 0, succ, acts);
        transitions += n;
        if (n === 0 && !pm.isEnd(current, 0)) {
          Atomics.compareExchange(ctl, DEADLOCK, -1, i);
          continue;
        }
        if (!storing) continue;
        for (let k = 0; k < n; k++) {
          const offset = k * words;
          if (canonicalize !== undefined) canonicalize(succ, offset);
          const index = store.insert(succ, offset, i);
          if (index === -1) continue;
          if (index === -2) {
            Atomics.compareExchange(ctl, STOP, NONE, INCOMPLETE);
            break;
          }
          checkNew(pm, store, plan, succ, offset, index);
        }
      }
    }
    store.release();
    barrier(ctl, plan.workers, () => nextLevel(pm, store, plan));
    if (Atomics.load(ctl, FINISHED) === 1) return transitions;
    if (Atomics.load(ctl, STOP) === FAILED) {
      throw new Error("Cannot explore: another Worker failed");
    }
  }
}
