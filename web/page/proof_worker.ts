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
  guardFinalizers();
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
    }) as Z3Module;
    countCalls(module);
    scope.postMessage({
      kind: "z3-loaded",
      seconds: (performance.now() - started) / 1000,
    });
    return module;
  };
}

/** The part of Z3's Emscripten module this Worker wraps. */
interface Z3Module {
  /** Runs `f` (a C function) on one of Z3's threads; resolves when it is done. */
  async_call(f: unknown, ...args: unknown[]): Promise<unknown>;
}

/** Z3 calls running on Z3's threads now. */
let running = 0;
/** Reference-count decrements held back while a call runs. */
const deferred: (() => void)[] = [];

/**
 * Holds back z3-solver's reference-count decrements while a call runs on
 * one of Z3's threads. Its high-level API decrements the counts of
 * collected JavaScript objects (a FinalizationRegistry) on this thread, and
 * Z3's WebAssembly build is single-threaded inside (it refuses
 * `Z3_enable_concurrent_dec_ref`): a decrement during a query races with
 * the solver on the same context. Without this guard a stress run in
 * Chromium had a query stall to its timeout and then Z3 crash ("memory
 * access out of bounds" in a thread); with it, none (docs/teaching.md).
 */
function guardFinalizers(): void {
  const Native = FinalizationRegistry;
  class Deferred<T> extends Native<T> {
    constructor(cleanup: (held: T) => void) {
      super((held) => {
        if (running === 0) cleanup(held);
        else deferred.push(() => cleanup(held));
      });
    }
  }
  (globalThis as { FinalizationRegistry: unknown }).FinalizationRegistry =
    Deferred;
}

function countCalls(module: Z3Module): void {
  const call = module.async_call;
  const done = () => {
    running--;
    while (running === 0 && deferred.length > 0) deferred.shift()!();
  };
  module.async_call = (f, ...args) => {
    running++;
    let result: Promise<unknown>;
    try {
      result = call(f, ...args);
    } catch (error) {
      done();
      throw error;
    }
    return result.finally(done);
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
