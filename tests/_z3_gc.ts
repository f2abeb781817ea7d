// Copyright 2025 the ringproof authors. MIT license.
// Run with --v8-flags=--expose-gc: proves both schemes while the
// garbage collector runs every millisecond, so z3-solver's finalizers release
// Z3 objects on this thread while Z3 checks on its own (the cause of the
// crashes and stalls; see model/_symbolic/z3.ts). Prints the verdicts.
import { proveAllSizes } from "../model/mod.ts";

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) {
  throw new Error("Cannot run: needs --v8-flags=--expose-gc");
}
let garbage: object[] = [];
const timer = setInterval(() => {
  garbage = Array.from({ length: 1000 }, (_, i) => ({ i }));
  gc();
}, 1);
const verdicts: string[] = [];
try {
  for (
    const scheme of ["textbook", "counter"] as const
  ) {
    verdicts.push((await proveAllSizes({ scheme })).verdict);
  }
} finally {
  clearInterval(timer);
}
console.log(JSON.stringify({ verdicts, garbage: garbage.length }));
