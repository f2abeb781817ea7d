// The flags of `--against code`: the usage text, which flags take a value,
// and the parsing of the command line and of its numbers.
import { CODE_SEARCHES } from "../check_code.ts";
import { codeScenarios } from "./scenarios.ts";
import { codeScenarios as crashScenarios } from "./crash_scenarios.ts";
import { REPLAY_SCHEMA } from "./format.ts";

/** A command line the code check cannot take (exit status 2). */
export class UsageError extends Error {
  override name = "UsageError";
}

export const USAGE = `Usage: deno task check -- --against code [options]

Model-checks the production code: runs the unmodified ring in Workers under
a controlled scheduler and explores the interleavings of its shared-memory
operations. Without --scenario: the default grid (every engine and call).

Scenario:
  --scenario NAMES   comma-separated: ${Object.keys(codeScenarios).join(", ")}
  --engine E         ring | sequence | unbounded (filters the grid)
  --scheme S         textbook | counter (filters the grid, or sets it)
  --slots N          BUFFER_SIZE (segment size for unbounded)
  --items N          items per producer
  --prefill N        items pushed before the threads start
  --start N          the counters' (positions') initial value
  --crash            crash exploration: stop each thread forever at every
                     step of ${Object.keys(crashScenarios).join(", ")};
                     a supervisor recovers it and a replacement finishes
                     (without --scenario: the crash grid, PCT per crash point)
  --deaths WHICH     with --crash: one (default) or two threads stopped per
                     execution (every pair, each at every step), attach:
                     one stopped at every step of attaching, or supervisor:
                     one, then S at every step of its recovery (S2 resumes;
                     scenarios crash-ring-2s, crash-sequence-2x2-2s,
                     crash-unbounded-2s)
  --max-point K      with --crash: only crash points up to step K (incomplete)
Search:
  --search MODE      ${CODE_SEARCHES.join(" | ")} (default dpor)
  --bound N          preemption bound (default 2)
  --executions N     executions of random/pct (default 100), a cap otherwise
  --seed N           seed of random/pct (default 1)
  --depth N          PCT depth (default 3)
  --max-steps N      longest execution (default 5000; longer: livelock)
  --seconds N        time limit per scenario (verdict incomplete)
  --no-races         do not check data races (faster)
  --no-refinement    do not check each step against the model's transitions
  --ring PATH        the ring module to check (default: this repository's mod.ts)
Output:
  --replay FILE      replay the failing execution saved with --json (a crash
                     failure's file names its crash point: --crash implied)
  --json             the report as JSON (schema ${REPLAY_SCHEMA})
  --mermaid          the failing execution as a Mermaid sequence diagram
  --help             this text

Exit status: 0 every scenario passes (known bugs aside); 1 one fails or a
search is incomplete; 2 bad arguments.
`;

export const VALUE_FLAGS = [
  "against",
  "scenario",
  "engine",
  "scheme",
  "slots",
  "items",
  "prefill",
  "start",
  "search",
  "bound",
  "executions",
  "seed",
  "depth",
  "max-steps",
  "seconds",
  "ring",
  "replay",
  "deaths",
  "max-point",
];
export const SWITCHES = [
  "no-races",
  "no-refinement",
  "json",
  "mermaid",
  "help",
  "crash",
];

export function parse(args: readonly string[]) {
  const values = new Map<string, string>();
  const switches = new Set<string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--") continue;
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (match === null) throw new UsageError(`Unexpected argument ${arg}`);
    const name = match[1]!;
    if (SWITCHES.includes(name)) {
      if (match[2] !== undefined) {
        throw new UsageError(`Flag --${name} takes no value`);
      }
      switches.add(name);
    } else if (VALUE_FLAGS.includes(name)) {
      const value = match[2] ?? args[++i];
      if (value === undefined || value.startsWith("--")) {
        throw new UsageError(`Flag --${name} needs a value`);
      }
      if (values.has(name)) throw new UsageError(`Flag --${name} given twice`);
      values.set(name, value);
    } else {
      throw new UsageError(`Unknown flag --${name} (see --help)`);
    }
  }
  return { values, switches };
}

export function integer(
  values: Map<string, string>,
  flag: string,
  min = 0,
): number | undefined {
  const text = values.get(flag);
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) < min) {
    throw new UsageError(
      `Flag --${flag} must be an integer >= ${min}, received ${text}`,
    );
  }
  return Number(text);
}
