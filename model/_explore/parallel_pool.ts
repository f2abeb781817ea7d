// Copyright 2025 the ringproof authors. MIT license.
// The Workers of the parallel explorer: started once per pool, reused by each
// search given the pool, one search at a time. A task goes to every Worker;
// each reply comes back with when the task was posted and when the reply
// arrived (the parent's side of the phases a search reports).

import type { WorkerReply, WorkerTask } from "./parallel_protocol.ts";
import { defaultWorkers, MAX_WORKERS, positive } from "./parallel_model.ts";

const WORKER = new URL("./parallel_worker.ts", import.meta.url);

/** Each pool's task runner, for {@linkcode runTask} only. */
const RUNNERS = new WeakMap<
  ExplorerPool,
  (task: Omit<WorkerTask, "worker">) => Promise<TimedReply[]>
>();

/** A Worker's reply, when its task was posted and when the reply came. */
export interface TimedReply {
  readonly reply: WorkerReply;
  readonly postedAt: number;
  readonly repliedAt: number;
}

/** Milliseconds on a clock every thread of the process shares. */
export function clock(): number {
  return performance.timeOrigin + performance.now();
}

/**
 * Workers for {@linkcode exploreParallel}, started once and reused by each
 * search given them as `pool`, one search at a time. Close the pool when done.
 *
 * @example Two searches on the same two Workers
 * ```ts
 * import assert from "node:assert/strict";
 * import { bufferSource, ExplorerPool, exploreParallel } from "@ringproof/ring/model";
 *
 * const pool = new ExplorerPool(2);
 * try {
 *   for (const sync of ["mutex", "sequence"] as const) {
 *     const report = await exploreParallel(
 *       bufferSource({ producers: 2, items: 2, sync }),
 *       { pool },
 *     );
 *     assert.equal(report.verdict, "pass");
 *   }
 * } finally {
 *   pool.close();
 * }
 * ```
 */
export class ExplorerPool {
  /** How many Workers the pool has. */
  readonly size: number;
  readonly #workers: Worker[];
  readonly #ready: Promise<WorkerReply[]>;
  #busy = false;

  /**
   * Starts `size` Workers.
   *
   * @param size How many, 1 to 64 (default: `navigator.hardwareConcurrency`,
   * at least 1 and at most 64).
   */
  constructor(size: number = defaultWorkers()) {
    this.size = positive("workers", size, MAX_WORKERS);
    this.#workers = Array.from(
      { length: size },
      () => new Worker(WORKER, { type: "module" }),
    );
    this.#ready = Promise.all(this.#workers.map(next));
    RUNNERS.set(this, (task) => this.#run(task));
  }

  /** Stops the Workers. */
  close(): void {
    for (const worker of this.#workers) worker.terminate();
  }

  /** Runs one search's task on every Worker; returns their replies. */
  async #run(task: Omit<WorkerTask, "worker">): Promise<TimedReply[]> {
    if (this.#busy) {
      throw new Error(
        "Cannot explore in parallel: the pool is already running a search",
      );
    }
    this.#busy = true;
    try {
      const ready = await this.#ready;
      const postedAt = clock();
      const failed = ready.find((reply) => reply.type === "error");
      if (failed !== undefined) {
        return [{ reply: failed, postedAt, repliedAt: postedAt }];
      }
      const done = this.#workers.map((worker) =>
        next(worker).then((reply) => ({ reply, postedAt, repliedAt: clock() }))
      );
      this.#workers.forEach((worker, i) =>
        worker.postMessage({ ...task, worker: i })
      );
      return await Promise.all(done);
    } finally {
      this.#busy = false;
    }
  }
}

function next(worker: Worker): Promise<WorkerReply> {
  return new Promise((resolve) => {
    worker.onmessage = (event: MessageEvent<WorkerReply>) =>
      resolve(event.data);
    worker.onerror = (event: ErrorEvent) => {
      event.preventDefault();
      resolve({ type: "error", message: event.message });
    };
  });
}

/** Runs one search's task on every Worker of `pool`; returns their replies. */
export function runTask(
  pool: ExplorerPool,
  task: Omit<WorkerTask, "worker">,
): Promise<TimedReply[]> {
  return RUNNERS.get(pool)!(task);
}
