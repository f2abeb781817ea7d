// Copyright 2025 the ringproof authors. MIT license.
// The parallel explorer's Worker: posts "ready", then, for each task, builds
// the model from its source (once per source), runs its part of the search
// and posts what it found, handing over its visited set's pages.

import process from "node:process";
import { loadPackedModel } from "./parallel_model.ts";
import { searchPartition } from "./parallel_search.ts";
import { FAILED, STOP } from "./parallel_control.ts";
import { wakeWaiters } from "./parallel_steal.ts";
import type { WorkerReply, WorkerTask } from "./parallel_protocol.ts";

const scope = self as unknown as {
  onmessage: ((event: MessageEvent<WorkerTask>) => void) | null;
  postMessage(message: WorkerReply, transfer?: Transferable[]): void;
};

async function run(task: WorkerTask): Promise<void> {
  try {
    const pm = await loadPackedModel(task.source);
    const cpu = threadCpuSeconds();
    const outcome = searchPartition(pm, task.buffers, task.plan, task.worker);
    const after = threadCpuSeconds();
    scope.postMessage(
      {
        type: "done",
        outcome,
        cpuSeconds: cpu === null || after === null ? null : after - cpu,
      },
      outcome.pages.map((page) => page.buffer as ArrayBuffer),
    );
  } catch (error) {
    // The others must not wait for this Worker at the barrier forever.
    Atomics.store(new Int32Array(task.buffers.control), STOP, FAILED);
    wakeWaiters(task.buffers);
    scope.postMessage({
      type: "error",
      message: error instanceof Error ? error.message : String(error),
    });
  }
}

/** This thread's CPU seconds (user + system), where the runtime tells. */
function threadCpuSeconds(): number | null {
  if (typeof process.threadCpuUsage !== "function") return null;
  const { user, system } = process.threadCpuUsage();
  return (user + system) / 1e6;
}

scope.onmessage = (event) => {
  void run(event.data);
};
scope.postMessage({ type: "ready" });
