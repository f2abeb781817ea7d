// Copyright 2025 the ringproof authors. MIT license.
/**
 * The page's model-checking Worker: runs {@linkcode explore} (posting
 * progress) or the proof obligations off the main thread, one request at a
 * time.
 *
 * @module
 */

import { boundedBuffer, bufferProof, explore, prove } from "../../model/mod.ts";
import { fillLevels } from "./fill.ts";
import type { ModelMessage, ModelRequest, WorkerScope } from "./_protocol.ts";

const scope = globalThis as unknown as WorkerScope<ModelRequest, ModelMessage>;

/** How often the proof reports progress, in domain states. */
const PROOF_STEP = 20_000;

function run(request: ModelRequest): ModelMessage {
  if (request.kind === "explore") {
    const model = boundedBuffer(request.options);
    const report = explore(model, {
      order: request.order,
      maxStates: request.maxStates,
      progressSeconds: 0.1,
      onProgress: (progress) =>
        scope.postMessage({ kind: "progress", progress }),
    });
    // A pass that never filled the buffer: find out how far it got, and
    // whether a producer waits with room left (wasted-two's defect).
    const tight = report.facts.find((f) => f.name === "bound-tight");
    if (report.verdict === "pass" && tight !== undefined && !tight.witnessed) {
      return {
        kind: "report",
        report,
        fill: fillLevels(model, request.maxStates),
      };
    }
    return { kind: "report", report };
  }
  const problems = (["inductive", "safety"] as const).map((invariant) =>
    bufferProof(request.options, { invariant })
  );
  const size = problems[0]!.domainSize ?? 0;
  const total = size * problems.length;
  let done = 0;
  const reports = problems.map((problem) => {
    const domain = problem.domain.bind(problem);
    return prove({
      ...problem,
      *domain() {
        for (const state of domain()) {
          if (++done % PROOF_STEP === 0) {
            scope.postMessage({ kind: "proof-progress", done, total });
          }
          yield state;
        }
      },
    });
  });
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
