// Copyright 2025 the ringproof authors. MIT license.
/**
 * The page's model-checking Worker: runs {@linkcode explore} (posting
 * progress) or the proof obligations off the main thread, one request at a
 * time.
 *
 * @module
 */

import { boundedBuffer, bufferProof, explore, prove } from "../../model/mod.ts";
import type { ModelMessage, ModelRequest, WorkerScope } from "./_protocol.ts";

const scope = globalThis as unknown as WorkerScope<ModelRequest, ModelMessage>;

function run(request: ModelRequest): ModelMessage {
  if (request.kind === "explore") {
    const report = explore(boundedBuffer(request.options), {
      order: request.order,
      maxStates: request.maxStates,
      progressSeconds: 0.1,
      onProgress: (progress) =>
        scope.postMessage({ kind: "progress", progress }),
    });
    return { kind: "report", report };
  }
  const reports = (["inductive", "safety"] as const).map((invariant) =>
    prove(bufferProof(request.options, { invariant }))
  );
  return { kind: "proof", reports };
}

scope.onmessage = (event) => {
  try {
    scope.postMessage(run(event.data));
  } catch (error) {
    scope.postMessage({ kind: "error", message: (error as Error).message });
  }
};
scope.postMessage({ kind: "ready" });
