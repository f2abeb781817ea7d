// Copyright 2025 the ringproof authors. MIT license.
// One Worker's part of the partitioned, level-synchronous parallel BFS. The
// Worker keeps the states it owns in its own PackedStore (the single-thread
// explorer's visited set: no atomics, no shared cache lines), expands its part
// of each level and routes the successors a batch at a time, before the
// level's barrier: it stores those it owns and queues the others for their
// owners; after the barrier it stores what the others queued for it. Every
// state is thus stored at its BFS depth. While it waits at a barrier for the
// others, it expands its own states of the next level early and holds their
// successors back until that level is complete. A Worker that has run out of
// states of its own before the barrier expands another's (work stealing,
// parallel_steal.ts).

import type { PackedModel } from "../types.ts";
import { hashWords, PackedStore } from "./visited.ts";
import {
  barrier,
  decide,
  FINISHED,
  FOUND,
  growQueue,
  ownerOf,
  publish,
  queueIndex,
  queueLength,
  type SharedBuffers,
  STOP,
} from "./parallel_control.ts";
import { expandLevel, type LevelWork, publishRange } from "./parallel_steal.ts";
import type {
  Found,
  Outcome,
  Phases,
  SearchPlan,
} from "./parallel_protocol.ts";

/** States a waiting Worker expands early between looks at the barrier. */
const EARLY_CHUNK = 32;
/** Successors expanded before they are stored or queued, as a batch. */
const BATCH = 128;

/**
 * Runs Worker `worker`'s part of the search until every Worker is finished;
 * returns what it found. Throws when another Worker failed.
 */
export function searchPartition<S, A>(
  pm: PackedModel<S, A>,
  buffers: SharedBuffers,
  plan: SearchPlan,
  worker: number,
): Outcome {
  const clock = () => performance.timeOrigin + performance.now();
  const phases: Phases = {
    expand: 0,
    barrier: 0,
    early: 0,
    earlyStates: 0,
    drain: 0,
    sleeps: 0,
    wake: 0,
    origin: plan.origin,
    levels: 0,
    sent: 0,
    stolen: 0,
    startedAt: clock(),
    endedAt: 0,
  };
  const workers = plan.workers;
  const ctl = new Int32Array(buffers.control);
  const words = pm.words;
  const qstride = words + 2; // words, parent id, hash
  const store = new PackedStore(words);
  const succ = new Int32Array(pm.maxSuccessors * words);
  const acts = new Int32Array(pm.maxSuccessors);
  const canonicalize = plan.symmetry && pm.canonicalize !== undefined
    ? pm.canonicalize.bind(pm)
    : undefined;
  const checkMask = plan.checkMask;
  const factCount = pm.factNames.length;
  const facts: (Found | null)[] = Array.from({ length: factCount }, () => null);
  let pendingFacts = (1 << factCount) - 1;
  // Global ids must fit the Int32 parent words.
  const maxLocal = Math.floor(0x7fffffff / workers);
  let transitions = 0;
  let depth = 0;
  let deadlock: Found | null = null;
  let violation: Outcome["violation"] = null;

  // Checks a newly stored state of `level`. After the first violation, only
  // facts: the states of its level are all still stored, so the facts
  // witnessed up to that level do not depend on which Worker got there first.
  const checkNew = (
    src: Int32Array,
    offset: number,
    index: number,
    level: number,
  ): void => {
    if (index >= maxLocal) {
      throw new RangeError(
        `Cannot explore in parallel: a Worker holds at most ${maxLocal} states`,
      );
    }
    depth = level;
    const id = index * workers + worker;
    if (violation === null) {
      const bad = pm.violations(src, offset) & checkMask;
      if (bad !== 0) {
        violation = { level, id, mask: bad };
        return;
      }
    }
    if (pendingFacts !== 0) {
      const hit = pm.facts(src, offset) & pendingFacts;
      for (let i = 0; hit !== 0 && i < factCount; i++) {
        if ((hit >>> i) & 1) facts[i] = { level, id };
      }
      pendingFacts &= ~hit;
    }
  };

  // The queues this Worker fills, one per other Worker, for the current level.
  const outQueues: Int32Array[] = [];
  const outBuffers: SharedArrayBuffer[] = [];
  const outLength = new Int32Array(workers);
  const openQueues = (parity: number): void => {
    for (let to = 0; to < workers; to++) {
      outLength[to] = 0;
      if (to === worker) continue;
      const buffer = buffers.queues[queueIndex(worker, to, parity, workers)]!;
      outBuffers[to] = buffer;
      outQueues[to] = new Int32Array(buffer, 0, buffer.byteLength >>> 2);
    }
  };
  const growOut = (to: number): Int32Array => {
    const buffer = outBuffers[to]!;
    if (!growQueue(buffer, buffer.byteLength + qstride * 4)) {
      throw new RangeError(
        `Cannot explore in parallel: one level sends more than ${
          Math.floor(buffer.maxByteLength / (4 * qstride))
        } states from one Worker to another`,
      );
    }
    return outQueues[to] = new Int32Array(buffer, 0, buffer.byteLength >>> 2);
  };

  // Stores a successor of `level` this Worker owns, or queues it for its owner.
  // The hash arrives as an int32 (read back from the batch's, a queue's or
  // the pending Int32Array): a small integer in a call that is not inlined,
  // where the unsigned value of 2^31 or more would be a heap number (an
  // allocation per successor). `ownerOf` and `addHashed` take either form.
  const route = (
    src: Int32Array,
    at: number,
    parent: number,
    hash: number,
    level: number,
  ): void => {
    const to = ownerOf(hash, workers);
    if (to === worker) {
      const index = store.addHashed(src, at, parent, hash);
      if (index >= 0) checkNew(src, at, index, level);
      return;
    }
    let queue = outQueues[to]!;
    const q = outLength[to]!;
    if (q + qstride > queue.length) queue = growOut(to);
    for (let w = 0; w < words; w++) queue[q + w] = src[at + w]!;
    queue[q + words] = parent;
    queue[q + words + 1] = hash;
    outLength[to] = q + qstride;
  };

  // Stores what another Worker queued for this one (states of `level`). A
  // function of its own, so that the JIT optimizes this loop on its own,
  // with the store's lookup inlined (inside the search's loop it was a call
  // per entry, its inlining budget spent on the expansion).
  const drain = (view: Int32Array, level: number): void => {
    for (let at = 0; at < view.length; at += qstride) {
      const index = store.addHashed(
        view,
        at,
        view[at + words]!,
        view[at + words + 1]!,
      );
      if (index >= 0) checkNew(view, at, index, level);
    }
  };

  // Early expansion. A Worker that reaches a level's barrier before the
  // others expands its own states of the next level meanwhile (those it
  // stored this level: they are of the next level whatever the others
  // send). Their successors cannot be stored yet (one of them may still
  // arrive at a smaller depth from a Worker still expanding), so they wait
  // here, hashed, with their parents, and are routed once the next level is
  // complete, as if expanded then. Its own index order is kept.
  let pending = new Int32Array(1 << 12);
  let pendingLength = 0;
  let early = 0; // the next state to expand early
  let earlyLimit = 0; // the end of the states it may expand early
  let earlyLevel = 0; // their level
  let earlyTransitions = 0;
  let earlyDeadlock: Found | null = null;
  const expandEarly = (): boolean => {
    const t0 = performance.now();
    const stop = Math.min(earlyLimit, early + EARLY_CHUNK);
    const from = early;
    for (; early < stop; early++) {
      const page = store.page(early);
      const offset = store.offset(early);
      const n = pm.successors(page, offset, succ, acts);
      earlyTransitions += n;
      const parent = early * workers + worker;
      if (n === 0 && !pm.isEnd(page, offset)) {
        earlyDeadlock = { level: earlyLevel, id: parent };
        early++;
        break;
      }
      if (pendingLength + n * qstride > pending.length) {
        const bigger = new Int32Array(
          Math.max(2 * pending.length, pendingLength + n * qstride),
        );
        bigger.set(pending.subarray(0, pendingLength));
        pending = bigger;
      }
      for (let k = 0; k < n; k++) {
        const at = k * words;
        if (canonicalize !== undefined) canonicalize(succ, at);
        const p = pendingLength;
        for (let w = 0; w < words; w++) pending[p + w] = succ[at + w]!;
        pending[p + words] = parent;
        pending[p + words + 1] = hashWords(succ, at, words);
        pendingLength = p + qstride;
      }
    }
    phases.early += performance.now() - t0;
    phases.earlyStates += early - from;
    return earlyDeadlock === null && early < earlyLimit;
  };
  const idle = () => expandEarly();

  // Level 0: the roots this Worker owns.
  const roots = pm.initial().slice();
  for (let at = 0; at < roots.length; at += words) {
    if (canonicalize !== undefined) canonicalize(roots, at);
    const hash = hashWords(roots, at, words);
    if (ownerOf(hash, workers) !== worker) continue;
    const index = store.addHashed(roots, at, -1, hash);
    if (index >= 0) checkNew(roots, at, index, 0);
  }

  // The successors of the states expanded last, hashed, with their parents,
  // not yet stored or queued: they are routed a batch at a time by a
  // function of its own (shaped like the drain), so the JIT optimizes the
  // store's lookup into that loop. Inlined into the expansion's loop, after
  // the model's successor function, it no longer fit the inlining budget: a
  // call per successor.
  const batch = new Int32Array((BATCH + pm.maxSuccessors) * qstride);
  let batchLength = 0;
  const routeBatch = (level: number): void => {
    for (let at = 0; at < batchLength; at += qstride) {
      route(batch, at, batch[at + words]!, batch[at + words + 1]!, level);
    }
    batchLength = 0;
  };

  // Expands the state at `src[offset]` (global id `parent`) of `level`: its
  // successors go to the batch (routed when it is full, when the state is
  // deadlocked, and at the end of the level's expansion: `routeBatch`);
  // false when it is deadlocked (recorded).
  const expand = (
    src: Int32Array,
    offset: number,
    parent: number,
    level: number,
  ): boolean => {
    const n = pm.successors(src, offset, succ, acts);
    transitions += n;
    if (n === 0 && !pm.isEnd(src, offset)) {
      deadlock = { level, id: parent };
      routeBatch(level + 1);
      return false;
    }
    let p = batchLength;
    for (let k = 0; k < n; k++) {
      const at = k * words;
      if (canonicalize !== undefined) canonicalize(succ, at);
      for (let w = 0; w < words; w++) batch[p + w] = succ[at + w]!;
      batch[p + words] = parent;
      batch[p + words + 1] = hashWords(succ, at, words);
      p += qstride;
    }
    batchLength = p;
    if (p >= BATCH * qstride) routeBatch(level + 1);
    return true;
  };

  // Expands its states `from` to `to` of `level` (without stealing), in a
  // function of its own: the JIT then optimizes this loop apart from the
  // level's cold code (barrier, queues, clock), with its own inlining budget.
  const expandRange = (from: number, to: number, level: number): void => {
    for (let i = from; i < to; i++) {
      const page = store.page(i);
      if (!expand(page, store.offset(i), i * workers + worker, level)) break;
    }
  };

  // Work stealing: what expandLevel needs (it claims the states). One
  // closure for the whole search (the level it expands is read from
  // `expanding`): a new one per level would change the call target of
  // expandLevel's hottest call at every level.
  let expanding = 0;
  const work: LevelWork = {
    buffers,
    worker,
    workers,
    steal: plan.steal === 2 ? 2 : 1,
    store,
    expand: (src, offset, parent) => expand(src, offset, parent, expanding),
    idle: plan.early === 0 ? undefined : () => {
      // Not after a violation: the search stops at this level's barrier.
      if (violation !== null) return false;
      earlyLimit = store.count; // its states of the next level stored so far
      return expandEarly();
    },
    stats: phases,
  };
  const stealing = plan.steal !== 0 && workers > 1;

  let end = store.count;
  for (let level = 0;; level++) {
    const parity = level & 1;
    openQueues(parity);
    let t = performance.now();
    // A violation stored at this level or before beats anything found by
    // expanding it (a deadlock here gives a counterexample as long, and
    // explore() finds the violation first): skip the expansion then, and
    // drop what was expanded early.
    if (violation === null) {
      // The states it expanded early: their successors first.
      transitions += earlyTransitions;
      if (earlyDeadlock !== null) deadlock = earlyDeadlock;
      for (let at = 0; at < pendingLength; at += qstride) {
        const hash = pending[at + words + 1]!;
        route(pending, at, pending[at + words]!, hash, level + 1);
      }
    }
    pendingLength = 0;
    earlyTransitions = 0;
    earlyDeadlock = null;
    // Its states of this level not expanded early; from here on, what it
    // expands early is of the next level.
    const go = violation === null && deadlock === null;
    const from = go ? early : end;
    early = earlyLimit = end;
    earlyLevel = level + 1;
    let waited = 0;
    if (stealing) {
      publishRange(work, { level, from, to: end });
      expanding = level;
      if (go) waited = expandLevel(work, { level, from, to: end });
    } else {
      expandRange(from, end, level);
    }
    routeBatch(level + 1);
    let now = performance.now();
    phases.expand += now - t - waited;
    t = now;
    let sent = 0;
    for (let to = 0; to < workers; to++) {
      if (to === worker) continue;
      const length = outLength[to]!;
      sent += length / qstride;
      const queue = queueIndex(worker, to, parity, workers);
      Atomics.store(ctl, queueLength(queue, workers), length / qstride);
    }
    publish(ctl, worker, {
      states: store.count,
      active: store.count - end + sent,
      found: violation !== null || deadlock !== null,
    });
    phases.sent += sent;
    phases.levels++;
    // What it may expand early: its states of the next level, stored this
    // level (no more after a failure: the search stops at this barrier).
    earlyLimit = violation === null && deadlock === null && plan.early !== 0
      ? store.count
      : early;
    const earlyBefore = phases.early;
    const running = barrier(
      ctl,
      workers,
      () => decide(ctl, workers, plan.maxStates),
      { idle, stats: phases },
    );
    if (!running) throw new Error("Cannot explore: another Worker failed");
    if (plan.early === 2) { while (expandEarly()); }
    const finished = Atomics.load(ctl, FINISHED) === 1;
    now = performance.now();
    phases.barrier += now - t - (phases.early - earlyBefore);
    t = now;
    if (finished && Atomics.load(ctl, STOP) !== FOUND) break;
    // Store what the others found for this Worker at the next level (after
    // a violation or a deadlock too: its level's facts are then complete).
    for (let from = 0; from < workers; from++) {
      if (from === worker) continue;
      const queue = queueIndex(from, worker, parity, workers);
      const entries = Atomics.load(ctl, queueLength(queue, workers));
      drain(
        new Int32Array(buffers.queues[queue]!, 0, entries * qstride),
        level + 1,
      );
    }
    phases.drain += performance.now() - t;
    if (finished) break;
    end = store.count;
  }
  return {
    transitions,
    states: store.count,
    depth,
    deadlock,
    violation,
    facts,
    bytes: store.bytesPerState() * store.count,
    pages: store.pages,
    phases: { ...phases, endedAt: clock() },
  };
}
