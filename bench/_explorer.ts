// The model checker's figures, from `bench/explorer_bench.ts` (owned by the
// model checker's author) once that file exists.

/** What the explorer benchmark reports. */
export interface ExplorerFigures {
  readonly states: number;
  readonly seconds: number;
  readonly statesPerSecond: number;
  readonly bytesPerState: number;
}

/** The explorer's figures, or why there are none. */
export type ExplorerOutcome =
  | { readonly figures: ExplorerFigures; readonly note: null }
  | { readonly figures: null; readonly note: string };

function numberField(value: unknown, name: string): number {
  const field = (value as Record<string, unknown>)[name];
  if (typeof field !== "number" || !Number.isFinite(field)) {
    throw new TypeError(`${name} is ${String(field)}, not a finite number`);
  }
  return field;
}

/** Runs `runExplorerBench()` from `explorer_bench.ts` if it is there. */
export async function runExplorer(): Promise<ExplorerOutcome> {
  const url = new URL("./explorer_bench.ts", import.meta.url);
  try {
    await Deno.stat(url);
  } catch {
    return {
      figures: null,
      note: "skipped: bench/explorer_bench.ts does not exist yet",
    };
  }
  try {
    // A computed specifier: the file may not exist when this one is checked.
    const module = await import(url.href);
    if (typeof module.runExplorerBench !== "function") {
      return {
        figures: null,
        note: "skipped: bench/explorer_bench.ts exports no runExplorerBench()",
      };
    }
    const raw: unknown = await module.runExplorerBench();
    const states = numberField(raw, "states");
    const seconds = numberField(raw, "seconds");
    const perSecond = (raw as Record<string, unknown>).statesPerSecond;
    return {
      figures: {
        states,
        seconds,
        statesPerSecond: typeof perSecond === "number"
          ? perSecond
          : states / seconds,
        bytesPerState: numberField(raw, "bytesPerState"),
      },
      note: null,
    };
  } catch (error) {
    return {
      figures: null,
      note: `failed: ${(error as Error).message}`,
    };
  }
}
