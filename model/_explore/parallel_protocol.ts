// Copyright 2025 the ringproof authors. MIT license.
// What the parallel explorer and its Workers say to each other: each Worker
// posts "ready", gets one task per search (the plan), and posts "done" (with
// its outcome) or "error".

import type { SharedBuffers } from "./parallel_control.ts";

/** Where a Worker finds the model: a module, an exported factory, its arguments. */
export interface SourceSpec {
  readonly module: string;
  readonly factory: string;
  readonly args?: readonly unknown[];
}

/** The task a Worker gets for one search. */
export interface WorkerTask {
  readonly source: SourceSpec;
  readonly buffers: SharedBuffers;
  readonly plan: SearchPlan;
  /** This Worker's number, 0 to `plan.workers - 1`. */
  readonly worker: number;
}

/** What a Worker posts. */
export type WorkerReply =
  | { readonly type: "ready" }
  | {
    readonly type: "done";
    readonly outcome: Outcome;
    /** The Worker's thread CPU seconds in the search, if the runtime tells. */
    readonly cpuSeconds: number | null;
  }
  | { readonly type: "error"; readonly message: string };

/** What every Worker of a search is told besides the model. */
export interface SearchPlan {
  readonly workers: number;
  /** Bit mask of the invariants to check. */
  readonly checkMask: number;
  readonly symmetry: boolean;
  readonly maxStates: number;
  /** Expand the next level early: 0 never, 1 while waiting at a barrier, 2 always. */
  readonly early: 0 | 1 | 2;
  /**
   * Work stealing within a level: 0 never (each Worker expands its own
   * states), 1 when a Worker has claimed all of its own, 2 always (a Worker
   * expands only other Workers' states, when there are others).
   */
  readonly steal: 0 | 1 | 2;
  /** The parent's clock (`performance.timeOrigin + now()`) when it posted the task. */
  readonly origin: number;
}

/** A state a Worker found: its BFS level and its global id (`local * workers + worker`). */
export interface Found {
  readonly level: number;
  readonly id: number;
}

/** What a Worker reports at the end of a search. */
export interface Outcome {
  readonly transitions: number;
  /** States it stored (it owns them). */
  readonly states: number;
  /** The deepest level it stored a state at. */
  readonly depth: number;
  /** Its first (shallowest) deadlocked state. */
  readonly deadlock: Found | null;
  /** Its first (shallowest) violating state, and the invariants it breaks. */
  readonly violation: (Found & { readonly mask: number }) | null;
  /** Per fact, its shallowest witness. */
  readonly facts: readonly (Found | null)[];
  /** Bytes its visited set holds (keys, parents, table). */
  readonly bytes: number;
  /** Its visited set's pages, for the parent to rebuild traces. */
  readonly pages: readonly Int32Array[];
  /** Where its time went. */
  readonly phases: Phases;
}

/** Where a Worker's time went in one search (milliseconds, except counts). */
export interface Phases {
  /** Expanding its states and storing or queueing their successors. */
  expand: number;
  /**
   * At the level barriers (publishing, spinning, sleeping, deciding), less
   * the early expansions made there.
   */
  barrier: number;
  /** Expanding states of the next level early, while waiting at a barrier. */
  early: number;
  /** States it expanded early. */
  earlyStates: number;
  /** Storing the states the others queued for it. */
  drain: number;
  /** Barriers it slept at (on the futex, after the spin). */
  sleeps: number;
  /** From the barriers' release to its return from them, in all. */
  wake: number;
  /** The plan's origin, for the barrier's clock. */
  readonly origin: number;
  /** Barriers it met. */
  levels: number;
  /** States it queued for other Workers. */
  sent: number;
  /** States of other Workers it expanded (stole). */
  stolen: number;
  /** When it started and ended the search (`performance.timeOrigin + now()`). */
  startedAt: number;
  endedAt: number;
}
