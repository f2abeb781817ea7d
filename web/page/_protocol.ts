// Copyright 2025 the ringproof authors. MIT license.
// The messages between the page and its Workers. Every Worker posts
// `{ kind: "ready" }` once its handler is set; a message posted before that
// could be lost.

import type {
  AllSizesReport,
  BufferAction,
  BufferOptions,
  BufferState,
  Progress,
  ProofReport,
  Report,
} from "../../model/mod.ts";
import type { AllSizesRun } from "./all_sizes.ts";
import type { FillReport } from "./fill.ts";

/** A request to the model Worker. */
export type ModelRequest =
  | {
    kind: "explore";
    options: BufferOptions;
    order: "bfs" | "dfs";
    maxStates: number;
  }
  | { kind: "prove"; options: BufferOptions };

/** What the model Worker posts. */
export type ModelMessage =
  | { kind: "ready" }
  | { kind: "progress"; progress: Progress }
  | {
    kind: "report";
    report: Report<BufferState, BufferAction>;
    /** On a pass without the bound-tight witness: the fill levels reached. */
    fill?: FillReport;
  }
  | { kind: "proof-progress"; done: number; total: number }
  | { kind: "proof"; reports: ProofReport<BufferState, BufferAction>[] }
  | { kind: "error"; message: string };

/** A request to the proof Worker (Z3): the runs, one after the other. */
export interface AllSizesRequest {
  kind: "prove-all-sizes";
  runs: AllSizesRun[];
}

/** What the proof Worker posts. */
export type AllSizesMessage =
  | { kind: "ready" }
  /** Z3 is loaded (its WebAssembly compiled and started), in seconds. */
  | { kind: "z3-loaded"; seconds: number }
  /** Run `index` starts. */
  | { kind: "run-start"; index: number }
  /** Run `index` is done. */
  | { kind: "run-done"; index: number; report: AllSizesReport }
  /** Every run is done. */
  | { kind: "done" }
  | { kind: "error"; message: string };

/** Indices into the live mode's shared control words (an Int32Array). */
export const CONTROL = {
  /** Set to 1 to stop both Workers. */
  stop: 0,
  /** The consumer's pause after each item, in microseconds. */
  consumerDelayUs: 1,
  /** Items pushed so far. */
  produced: 2,
  /** Items popped so far. */
  consumed: 3,
  /** The most items the producer saw in the ring right after a push. */
  maxFill: 4,
  /** A word that stays 0: the consumer sleeps on it with `Atomics.wait`. */
  sleep: 5,
  /** Words in the control block. */
  length: 6,
} as const;

/** A job for a live-mode Worker. */
export interface RingJob {
  role: "producer" | "consumer";
  ring: SharedArrayBuffer;
  control: SharedArrayBuffer;
}

/** What a live-mode Worker posts. */
export type RingMessage =
  | { kind: "ready" }
  | { kind: "stopped"; role: "producer" | "consumer"; error?: string };

/** The part of a Worker's global scope the Workers use (no `webworker` lib needed). */
export interface WorkerScope<In, Out> {
  onmessage: ((event: MessageEvent<In>) => void) | null;
  postMessage(message: Out): void;
}
