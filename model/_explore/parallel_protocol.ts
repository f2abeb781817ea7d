// Copyright 2025 the ringproof authors. MIT license.
// What the parallel explorer and its Workers say to each other: each Worker
// posts "ready", gets one task per search, and posts "done" (or "error").

import type { Outcome, SearchPlan } from "./parallel_search.ts";
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
