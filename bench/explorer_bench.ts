// Copyright 2025 the ringproof authors. MIT license.
// `deno bench bench/explorer_bench.ts`, and the entry point bench/run.ts
// imports for its report (runExplorerBench). Deno.bench is a no-op under
// `deno run`.
import { boundedBuffer, explore } from "../model/mod.ts";
import { BENCH_MODEL } from "./explorer.ts";

export { runExplorerBench } from "./explorer.ts";

Deno.bench("explore() 2x2 mutex, slots 4, 6 items", () => {
  explore(boundedBuffer(BENCH_MODEL));
});

Deno.bench("explore() 2x2 mutex, slots 4, 6 items, symmetry", () => {
  explore(boundedBuffer(BENCH_MODEL), { symmetry: true });
});
