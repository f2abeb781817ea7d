// Copyright 2025 the ringproof authors. MIT license.
// The parent's side of one parallel search: post the task to the Workers,
// report progress from the shared counters meanwhile, collect the outcomes.

import type { Progress } from "../types.ts";
import type { SourceLike } from "./parallel_model.ts";
import type { Outcome, SearchPlan } from "./parallel_protocol.ts";
import { ExplorerPool, runTask } from "./parallel_pool.ts";
import {
  FAILED,
  FRONTIER,
  LEVEL,
  type SharedBuffers,
  STATES,
  STOP,
} from "./parallel_control.ts";
import { wakeWaiters } from "./parallel_steal.ts";

/** The options of `exploreParallel` a run uses. */
export interface RunOptions {
  readonly pool?: ExplorerPool | undefined;
  readonly onProgress?: ((progress: Progress) => void) | undefined;
  readonly progressSeconds?: number | undefined;
}

/** A Worker's outcome, with its thread's CPU seconds and the reply's timing. */
export interface Done {
  readonly outcome: Outcome;
  readonly cpuSeconds: number | null;
  readonly postedAt: number;
  readonly repliedAt: number;
}

/**
 * Runs one search's task on the pool's Workers (or on Workers started for it)
 * and returns their outcomes; calls `onProgress` meanwhile. Throws the first
 * Worker's error, after telling the others to stop.
 */
export async function runWorkers(
  task: {
    readonly source: SourceLike;
    readonly buffers: SharedBuffers;
    readonly plan: SearchPlan;
  },
  options: RunOptions,
): Promise<Done[]> {
  const { source, buffers, plan } = task;
  const ctl = new Int32Array(buffers.control);
  const pool = options.pool ?? new ExplorerPool(plan.workers);
  const started = performance.now();
  const onProgress = options.onProgress;
  const timer = onProgress === undefined ? undefined : setInterval(() => {
    const seconds = (performance.now() - started) / 1000;
    const states = Atomics.load(ctl, STATES);
    onProgress({
      states,
      transitions: 0,
      frontier: Atomics.load(ctl, FRONTIER),
      depth: Atomics.load(ctl, LEVEL),
      seconds,
      statesPerSecond: seconds > 0 ? states / seconds : 0,
    });
  }, (options.progressSeconds ?? 0.5) * 1000);
  try {
    const plain = { ...source, args: source.args ?? [] };
    const replies = await runTask(pool, { source: plain, buffers, plan });
    const outcomes: Done[] = [];
    // The Worker that failed first says why; the others only that it did.
    const errors = replies.flatMap(({ reply }) =>
      reply.type === "error" ? [reply.message] : []
    ).sort((a, b) =>
      Number(a.includes("another Worker failed")) -
      Number(b.includes("another Worker failed"))
    );
    if (errors.length > 0) {
      throw new Error(`Cannot explore in parallel: ${errors[0]}`);
    }
    for (const { reply, postedAt, repliedAt } of replies) {
      if (reply.type === "done") {
        const { outcome, cpuSeconds } = reply;
        outcomes.push({ outcome, cpuSeconds, postedAt, repliedAt });
      }
    }
    return outcomes;
  } catch (error) {
    Atomics.store(ctl, STOP, FAILED);
    wakeWaiters(buffers);
    throw error;
  } finally {
    if (timer !== undefined) clearInterval(timer);
    if (options.pool === undefined) pool.close();
  }
}
