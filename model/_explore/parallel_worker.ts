// Copyright 2025 the ringproof authors. MIT license.
// The parallel explorer's Worker: posts "ready", then, for its one task,
// builds the model from its source, joins the search and posts what it did.

import { loadPackedModel } from "./parallel_model.ts";
import { searchLevels } from "./parallel_search.ts";
import { FAILED, GEN, SharedStore, STOP } from "./shared_store.ts";
import type { WorkerReply, WorkerTask } from "./parallel_protocol.ts";

const scope = self as unknown as {
  onmessage: ((event: MessageEvent<WorkerTask>) => void) | null;
  postMessage(message: WorkerReply): void;
};

async function run(task: WorkerTask): Promise<WorkerReply> {
  const store = new SharedStore(task.plan.words, task.buffers);
  try {
    const pm = await loadPackedModel(task.source);
    return { type: "done", transitions: searchLevels(pm, store, task.plan) };
  } catch (error) {
    // The others must not wait for this Worker at the barrier forever.
    Atomics.store(store.ctl, STOP, FAILED);
    Atomics.notify(store.ctl, GEN);
    return {
      type: "error",
      message: error instanceof Error ? error.message : String(error),
    };
  }
}

scope.onmessage = (event) => {
  void run(event.data).then((reply) => scope.postMessage(reply));
};
scope.postMessage({ type: "ready" });
