// Copyright 2025 the ringproof authors. MIT license.
/**
 * The explicit-state explorer: visits every reachable state of a
 * {@linkcode Model} once, checks its invariants in each, detects deadlocks,
 * and returns the shortest counterexample (BFS).
 *
 * @module
 */

import type {
  ExploreOptions,
  Model,
  PackedModel,
  Report,
  Step,
} from "./types.ts";
import { ByteStore, PackedStore } from "./_explore/visited.ts";
import { checkedNames, Search } from "./_explore/search.ts";
import { replayPath } from "./_explore/replay.ts";

/**
 * Explores every reachable state of `model` and checks its invariants.
 *
 * With `order: "bfs"` (the default) states are visited level by level, so the
 * first violation found is at minimal depth and its counterexample is a
 * shortest path. A state with no enabled step that is not an end state
 * (`model.isEnd`) is a deadlock. Models with a {@linkcode PackedModel} fast
 * path run on packed words; others on their `encode` keys.
 *
 * @typeParam S The model's state type.
 * @typeParam A The model's action type.
 * @param model The transition system to explore.
 * @param options Traversal order, state limit, symmetry reduction, progress.
 * @returns The verdict, the figures, the counterexample (if any) and the facts.
 *
 * @example Two independent counters, each from 0 to 2
 * ```ts
 * import assert from "node:assert/strict";
 * import { explore, type Model } from "@ringproof/ring/model";
 *
 * const model: Model<[number, number], 0 | 1> = {
 *   initial: () => [[0, 0]],
 *   actions: (s) => ([0, 1] as const).filter((i) => s[i] < 2),
 *   step: (s, i) => (i === 0 ? [s[0] + 1, s[1]] : [s[0], s[1] + 1]),
 *   encode: (s) => s.join(","),
 *   invariants: { "sum <= 3": (s) => s[0] + s[1] <= 3 },
 * };
 * const report = explore(model);
 * assert.equal(report.verdict, "violation");
 * assert.equal(report.invariant, "sum <= 3");
 * assert.equal(report.counterexample?.length, 5); // the initial state + 4 steps
 * ```
 */
export function explore<S, A>(
  model: Model<S, A>,
  options: ExploreOptions = {},
): Report<S, A> {
  if (model === null || typeof model !== "object") {
    throw new TypeError(
      `Cannot explore: model must be an object with initial, actions, step, encode and invariants, received ${
        model === null ? "null" : typeof model
      }`,
    );
  }
  if (options === null || typeof options !== "object") {
    throw new TypeError(
      `Cannot explore: options must be an object, received ${
        options === null ? "null" : typeof options
      }`,
    );
  }
  const packed = options.packed ?? true;
  if (model.packed !== undefined && packed) {
    return explorePacked(model.packed, options);
  }
  return exploreGeneric(model, options);
}

function namesOf(names: readonly string[], mask: number): string[] {
  return names.filter((_, i) => (mask >>> i) & 1);
}

function explorePacked<S, A>(
  pm: PackedModel<S, A>,
  options: ExploreOptions,
): Report<S, A> {
  const search = new Search(options, pm.factNames.length);
  const words = pm.words;
  const store = new PackedStore(words);
  const succ = new Int32Array(pm.maxSuccessors * words);
  const acts = new Int32Array(pm.maxSuccessors);
  const symmetry = (options.symmetry ?? false) && pm.canonicalize !== undefined;
  const independent = options.reduction === "por" && pm.independentStep
    ? pm.independentStep.bind(pm)
    : undefined;
  const canonicalize = symmetry ? pm.canonicalize!.bind(pm) : undefined;
  const checked = checkedNames(pm.invariantNames, options);
  const checkMask = pm.invariantNames.reduce(
    (mask, name, i) => checked.has(name) ? mask | (1 << i) : mask,
    0,
  );
  let pendingFacts = (1 << pm.factNames.length) - 1;

  // Returns false when exploration must stop.
  const visit = (src: Int32Array, offset: number, parent: number): boolean => {
    if (canonicalize !== undefined) canonicalize(src, offset);
    const index = store.add(src, offset, parent);
    if (index < 0) return true;
    search.discovered(parent < 0);
    const bad = pm.violations(src, offset) & checkMask;
    if (bad !== 0) {
      return search.fail("violation", index, namesOf(pm.invariantNames, bad));
    }
    if (pendingFacts !== 0) {
      const hit = pm.facts(src, offset) & pendingFacts;
      for (let i = 0; hit !== 0 && i < pm.factNames.length; i++) {
        if ((hit >>> i) & 1) search.witnesses[i] = index;
      }
      pendingFacts &= ~hit;
    }
    return search.admit(index, store.count);
  };

  // Partial-order reduction: take the model's independent step alone, unless
  // its successor was already visited at this BFS level or before (under DFS:
  // at all); then expand fully. Every cycle of the reduced graph has an edge
  // that does not go down a level, so it passes a fully expanded state (the
  // cycle proviso). Returns -1 when the step alone was taken, else the first
  // successor still to visit.
  let current = -1;
  const ample = (
    independentStep: (state: Int32Array, offset: number) => number,
    page: Int32Array,
    offset: number,
    n: number,
  ): number => {
    const code = independentStep(page, offset);
    if (code < 0) return 0;
    let i = 0;
    while (i < n && acts[i] !== code) i++;
    if (i === n) {
      throw new RangeError(
        `Cannot explore: independentStep must return an enabled action or -1, received ${code}`,
      );
    }
    const before = store.count;
    running = visit(succ, i * words, current);
    if (!running || store.count > before) return -1;
    return store.found < search.horizon() ? 0 : -1;
  };

  const roots = pm.initial();
  let running = true;
  for (let at = 0; running && at < roots.length; at += words) {
    running = visit(roots, at, -1);
  }
  while (running) {
    current = search.next(store.count);
    if (current < 0) break;
    const page = store.page(current);
    const offset = store.offset(current);
    const n = pm.successors(page, offset, succ, acts);
    if (n === 0 && !pm.isEnd(page, offset)) {
      search.transitions += n;
      search.fail("deadlock", current, ["deadlock-free"]);
      break;
    }
    let from = 0;
    if (independent !== undefined) from = ample(independent, page, offset, n);
    if (from < 0) {
      search.transitions += 1; // the ample step alone
    } else {
      search.transitions += n;
      for (let i = from; running && i < n; i++) {
        running = visit(succ, i * words, current);
      }
    }
    search.expanded(store.count);
  }
  return search.report(
    store.count,
    { symmetry, reduction: independent !== undefined ? "por" : "none" },
    store.bytesPerState(),
    pm.factNames,
    (index) => packedTrace(pm, store, index, canonicalize),
  );
}

function packedTrace<S, A>(
  pm: PackedModel<S, A>,
  store: PackedStore,
  target: number,
  canonicalize: ((state: Int32Array, offset: number) => void) | undefined,
): Step<S, A>[] {
  const words = pm.words;
  const path: Int32Array[] = [];
  for (let i = target; i >= 0; i = store.parent(i)) {
    const at = store.offset(i);
    path.push(store.page(i).slice(at, at + words));
  }
  return replayPath(pm, path.reverse(), canonicalize);
}

const utf8 = new TextEncoder();

function keyBytes(key: string | Uint8Array | Int32Array): Uint8Array {
  if (typeof key === "string") return utf8.encode(key);
  if (key instanceof Uint8Array) return key;
  return new Uint8Array(key.buffer, key.byteOffset, key.byteLength);
}

function sameKey(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function exploreGeneric<S, A>(
  model: Model<S, A>,
  options: ExploreOptions,
): Report<S, A> {
  const facts = Object.entries(model.facts ?? {});
  const search = new Search(options, facts.length);
  const store = new ByteStore();
  const checked = checkedNames(Object.keys(model.invariants), options);
  const invariants = Object.entries(model.invariants).filter(([name]) =>
    checked.has(name)
  );
  // Only discovered, unexpanded states are kept as objects.
  const pending = new Map<number, S>();

  const visit = (state: S, parent: number): boolean => {
    const index = store.add(keyBytes(model.encode(state)), parent);
    if (index < 0) return true;
    search.discovered(parent < 0);
    const violated = invariants.filter(([, holds]) => !holds(state));
    if (violated.length > 0) {
      return search.fail("violation", index, violated.map(([name]) => name));
    }
    facts.forEach(([, holds], i) => {
      if (search.witnesses[i]! < 0 && holds(state)) search.witnesses[i] = index;
    });
    pending.set(index, state);
    return search.admit(index, store.count);
  };

  let running = true;
  for (const state of model.initial()) {
    if (!(running = visit(state, -1))) break;
  }
  while (running) {
    const current = search.next(store.count);
    if (current < 0) break;
    const state = pending.get(current)!;
    pending.delete(current);
    const actions = [...model.actions(state)];
    search.transitions += actions.length;
    if (actions.length === 0 && !(model.isEnd?.(state) ?? false)) {
      search.fail("deadlock", current, ["deadlock-free"]);
      break;
    }
    for (const action of actions) {
      if (!(running = visit(model.step(state, action), current))) break;
    }
    search.expanded(store.count);
  }
  return search.report(
    store.count,
    { symmetry: false, reduction: "none" },
    store.bytesPerState(),
    facts.map(([name]) => name),
    (index) => genericTrace(model, store, index),
  );
}

function genericTrace<S, A>(
  model: Model<S, A>,
  store: ByteStore,
  target: number,
): Step<S, A>[] {
  const path: number[] = [];
  for (let i = target; i >= 0; i = store.parent(i)) path.push(i);
  path.reverse();
  const is = (state: S, index: number) =>
    sameKey(keyBytes(model.encode(state)), store.key(index));
  let current: S | undefined;
  for (const state of model.initial()) {
    if (is(state, path[0]!)) {
      current = state;
      break;
    }
  }
  if (current === undefined) throw new Error("Cannot rebuild trace: no root");
  const steps: Step<S, A>[] = [{ action: null, state: current }];
  for (let k = 1; k < path.length; k++) {
    const from: S = current;
    let found = false;
    for (const action of model.actions(from)) {
      const next = model.step(from, action);
      if (is(next, path[k]!)) {
        steps.push({ action, state: next });
        current = next;
        found = true;
        break;
      }
    }
    if (!found) {
      throw new Error("Cannot rebuild trace: the model is not deterministic");
    }
  }
  return steps;
}
