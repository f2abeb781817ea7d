// Copyright 2025 the ringproof authors. MIT license.
/**
 * The page's Z3 Worker: proves the one-producer/one-consumer buffer for
 * every BUFFER_SIZE with {@linkcode proveAllSizes}, one run after the
 * other, posting each report as it is done. Started only when the user asks
 * for it, so the page loads Z3 (35 MB of WebAssembly) only then.
 *
 * It is a classic Worker (bundled as an IIFE): Z3's browser build is an
 * Emscripten script that defines the global `initZ3`, loaded with
 * `importScripts` from the page's own server. Its threads are Workers
 * running the same script (`mainScriptUrlOrBlob`), with the WebAssembly
 * memory a SharedArrayBuffer (the page is cross-origin isolated).
 *
 * @module
 */

// prove_all_sizes.ts, not mod.ts: the IIFE format has no `import.meta`,
// which other model modules use at their top level.
import { proveAllSizes } from "../../model/prove_all_sizes.ts";
import type {
  AllSizesMessage,
  AllSizesRequest,
  WorkerScope,
} from "./_protocol.ts";

/** The Emscripten factory `z3-built.js` defines. */
type InitZ3 = (overrides?: Record<string, unknown>) => Promise<unknown>;

const scope = globalThis as unknown as
  & WorkerScope<AllSizesRequest, AllSizesMessage>
  & {
    importScripts(url: string): void;
    initZ3?: InitZ3;
    global?: unknown;
  };

/** Z3's Emscripten build, served by web/serve.ts from the npm package. */
const Z3_SCRIPT = "/z3-built.js";

function loadZ3Script(): void {
  // z3-solver's browser entry reads `global.initZ3`.
  scope.global = globalThis;
  scope.importScripts(Z3_SCRIPT);
  const factory = scope.initZ3;
  if (factory === undefined) {
    throw new Error(`Cannot load Z3: ${Z3_SCRIPT} did not define initZ3`);
  }
  // In a Worker the script cannot find its own URL (no document), which
  // its threads need; the WebAssembly file is found beside this Worker's.
  scope.initZ3 = async (overrides = {}) => {
    const started = performance.now();
    const module = await factory({
      ...overrides,
      mainScriptUrlOrBlob: Z3_SCRIPT,
    });
    scope.postMessage({
      kind: "z3-loaded",
      seconds: (performance.now() - started) / 1000,
    });
    return module;
  };
}

async function run(request: AllSizesRequest): Promise<void> {
  for (const [index, options] of request.runs.entries()) {
    scope.postMessage({ kind: "run-start", index });
    const report = await proveAllSizes(options);
    scope.postMessage({ kind: "run-done", index, report });
  }
  scope.postMessage({ kind: "done" });
}

scope.onmessage = (event) => {
  run(event.data).catch((error: unknown) => {
    scope.postMessage({
      kind: "error",
      message: error instanceof Error ? error.message : String(error),
    });
  });
};
try {
  loadZ3Script();
  scope.postMessage({ kind: "ready" });
} catch (error) {
  scope.postMessage({ kind: "error", message: (error as Error).message });
}
