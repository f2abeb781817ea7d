// Copyright 2025 the ringproof authors. MIT license.
/**
 * A pure model of the textbook bounded buffer and a small explicit-state
 * model checker for it: every interleaving of the producer's and consumer's
 * loops, one shared-memory access per step.
 *
 * - {@linkcode boundedBuffer} builds the model: `in`, `out` and
 *   `BUFFER_SIZE` cells, schemes `"textbook"`, `"counter"` (free-running
 *   32-bit counters) and `"unbounded"`, any number of producers and consumers,
 *   no lock or one spin lock, and named {@linkcode MUTANTS} (deliberate bugs).
 * - {@linkcode explore} visits every reachable state of any
 *   {@linkcode Model}, checks the invariants (`bound`, `no-unproduced`,
 *   `fifo`, `no-loss`, `no-duplicate`) and deadlock freedom, and returns the
 *   shortest counterexample; states live packed in typed arrays.
 * - {@linkcode prove} checks an inductive invariant over every state of a
 *   bounded domain; {@linkcode bufferProof} and {@linkcode spscInvariant}
 *   prove `bound` and `no-unproduced` for one producer and one consumer.
 * - {@linkcode proveAllSizes} proves them (and `fifo`) for **every**
 *   BUFFER_SIZE with the Z3 SMT solver, loaded on first use only.
 * - {@linkcode formatTrace}, {@linkcode traceToJson},
 *   {@linkcode traceToMermaid} and {@linkcode reportToJson} make traces
 *   readable.
 *
 * - {@linkcode checkCode} model-checks the production code itself: the
 *   unmodified ring in Workers under a controlled scheduler, every
 *   interleaving of its shared-memory operations (it blocks its thread in
 *   `Atomics.wait`, so it runs in Deno or a Worker, not on a page's main
 *   thread).
 *
 * Everything else here is pure and browser-safe (no `Deno` APIs); the command
 * line is `model/cli.ts` (`deno task check`).
 *
 * @example Finding the bug in "publish before write"
 * ```ts
 * import assert from "node:assert/strict";
 * import { boundedBuffer, explore, formatTrace } from "@ringproof/ring/model";
 *
 * const report = explore(boundedBuffer({ slots: 4, items: 3, mutant: "publish-before-write" }));
 * assert.equal(report.verdict, "violation");
 * assert.equal(report.invariant, "no-unproduced");
 * // P0 waits, publishes in = 1, C0 waits and reads buffer[0] before P0 wrote it.
 * assert.equal(report.counterexample?.length, 5);
 * assert.match(formatTrace(report.counterexample!), /read buffer\[0\] → ·/);
 * ```
 *
 * @module
 */
export * from "./types.ts";
export * from "./explore.ts";
export * from "./bounded_buffer.ts";
export * from "./proof.ts";
export * from "./prove_all_sizes.ts";
export * from "./trace.ts";
export * from "./conformance.ts";
export * from "./conformance_sequence.ts";
export * from "./explore_parallel.ts";
export * from "./explore_bitstate.ts";
export * from "./check_code.ts";
