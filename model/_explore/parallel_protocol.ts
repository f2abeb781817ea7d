// Copyright 2025 the ringproof authors. MIT license.
// What the parallel explorer and its Workers say to each other: each Worker
// posts "ready", gets one task, and posts "done" (or "error") at the end.

import type { SearchPlan } from "./parallel_search.ts";
import type { SharedBuffers } from "./shared_store.ts";

/** Where a Worker finds the model: a module, an exported factory, its arguments. */
export interface SourceSpec {
  readonly module: string;
  readonly factory: string;
  readonly args?: readonly unknown[];
}

/** The one task a Worker gets. */
export interface WorkerTask {
  readonly source: SourceSpec;
  readonly buffers: SharedBuffers;
  readonly plan: SearchPlan;
}

/** What a Worker posts. */
export type WorkerReply =
  | { readonly type: "ready" }
  | { readonly type: "done"; readonly transitions: number }
  | { readonly type: "error"; readonly message: string };
