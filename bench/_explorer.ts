// The model checker's figures, from `runExplorerBench()` in
// `bench/explorer_bench.ts` (owned by the model checker's author).
import type { ExplorerFigures } from "./explorer.ts";
import { runExplorerBench } from "./explorer_bench.ts";

export type { ExplorerFigures };

/** The explorer's figures, or why there are none. */
export type ExplorerOutcome =
  | { readonly figures: ExplorerFigures; readonly note: null }
  | { readonly figures: null; readonly note: string };

/** Runs the explorer benchmark (`runs` measured explorations). */
export async function runExplorer(runs: number): Promise<ExplorerOutcome> {
  try {
    return { figures: await runExplorerBench({ runs }), note: null };
  } catch (error) {
    return { figures: null, note: `failed: ${(error as Error).message}` };
  }
}
