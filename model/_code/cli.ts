// `deno task check -- --against code`: the command line of checkCode().
import {
  checkCode,
  type CheckCodeOptions,
  CODE_SEARCHES,
  type CodeCheckEntry,
  type CodeEntryReport,
  type CodeSearch,
} from "../check_code.ts";
import { defaultGrid } from "./grid.ts";
import { codeScenarios } from "./scenarios.ts";
import { codeScenarios as crashScenarios } from "./crash_scenarios.ts";
import { crashGrid } from "./crash_grid.ts";
import { REPLAY_SCHEMA } from "./format.ts";

/** Where the command line writes. */
export interface CodeCliIo {
  /** Standard output. */
  out(text: string): void;
  /** Standard error: progress and errors. */
  err(text: string): void;
  /** Reads a file (for --replay). */
  readFile(path: string): Promise<string>;
  /** The working directory, to resolve --ring. */
  cwd: string;
}

class UsageError extends Error {
  override name = "UsageError";
}

const USAGE = `Usage: deno task check -- --against code [options]

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
  --deaths N         with --crash: one (default) or two threads stopped per
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

const VALUE_FLAGS = [
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
const SWITCHES = [
  "no-races",
  "no-refinement",
  "json",
  "mermaid",
  "help",
  "crash",
];

function parse(args: readonly string[]) {
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

function integer(
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

function describeParams(params: Readonly<Record<string, unknown>>): string {
  return Object.entries(params).map(([k, v]) => `${k} ${v}`).join(", ");
}

function entries(
  values: Map<string, string>,
  crash: boolean,
): CodeCheckEntry[] {
  const scenarios = crash ? crashScenarios : codeScenarios;
  const sizes: Record<string, unknown> = {};
  for (const flag of ["slots", "items", "prefill", "start"]) {
    const n = integer(
      values,
      flag,
      flag === "slots" || flag === "items" ? 1 : 0,
    );
    if (n !== undefined) sizes[flag] = n;
  }
  const scheme = values.get("scheme");
  if (scheme !== undefined && scheme !== "textbook" && scheme !== "counter") {
    throw new UsageError(
      `Bad value for --scheme: must be textbook or counter, received ${scheme}`,
    );
  }
  const engine = values.get("engine");
  if (
    engine !== undefined && !["ring", "sequence", "unbounded"].includes(engine)
  ) {
    throw new UsageError(
      `Bad value for --engine: must be ring, sequence or unbounded, received ${engine}`,
    );
  }
  const names = values.get("scenario")?.split(",").filter((x) => x);
  if (names !== undefined) {
    return names.map((name) => {
      if (!(name in scenarios)) {
        throw new UsageError(
          `Bad value for --scenario: no scenario named ${name} (known: ${
            Object.keys(scenarios).join(", ")
          })`,
        );
      }
      const params: Record<string, unknown> = { slots: 2, items: 2, ...sizes };
      if (scheme !== undefined) params.scheme = scheme;
      return { scenario: name, params };
    });
  }
  const grid = (crash ? crashGrid() : defaultGrid()).filter((entry) =>
    (engine === undefined ||
      scenarios[entry.scenario]!.engine === engine) &&
    (scheme === undefined || entry.params.scheme === scheme)
  );
  if (grid.length === 0) {
    throw new UsageError(
      "No scenario of the grid matches --engine and --scheme",
    );
  }
  return grid.map((entry) => ({
    ...entry,
    params: { ...entry.params, ...sizes },
  }));
}

function entryLine(r: CodeEntryReport): string {
  const verdict = r.known !== undefined
    ? r.verdict === "fail"
      ? "KNOWN BUG (found)"
      : "KNOWN BUG NOT FOUND (fixed? flip this entry)"
    : r.verdict.toUpperCase();
  const what = r.failure === undefined
    ? ""
    : `: ${r.failure.property}: ${r.failure.message}`;
  const points = r.victims === undefined || r.victims.length === 0
    ? ""
    : `${r.crashPoints} crash points (${
      r.victims.map((v) => `${v.thread} ${v.points}`).join(", ")
    }), `;
  return `${r.scenario} (${
    describeParams(r.params)
  }): ${verdict}, ${points}${r.executions} executions, ${r.steps} steps, ${
    r.seconds.toFixed(1)
  } s${r.complete ? ", complete" : ""}${what}`;
}

/**
 * Runs `deno task check -- --against code …`.
 *
 * @param args The command line after `--`.
 * @param io Where to write.
 * @returns The exit status: 0, 1 or 2.
 */
export async function runCodeCli(
  args: readonly string[],
  io: CodeCliIo,
): Promise<number> {
  try {
    const { values, switches } = parse(args);
    if (switches.has("help")) {
      io.out(USAGE);
      return 0;
    }
    if (values.get("against") !== "code") {
      throw new UsageError("Flag --against code is required here");
    }
    const chosen = values.get("search") as CodeSearch | undefined;
    const search = chosen ?? "dpor";
    if (!CODE_SEARCHES.includes(search)) {
      throw new UsageError(
        `Bad value for --search: must be one of ${
          CODE_SEARCHES.join(", ")
        }, received ${search}`,
      );
    }
    let list: CodeCheckEntry[];
    let schedule: number[] | undefined;
    let quiet: number[] = [];
    let crashPoint: CheckCodeOptions["crashPoint"];
    const replay = values.get("replay");
    if (replay !== undefined) {
      let saved: {
        schema?: string;
        scenario?: string;
        params?: Record<string, unknown>;
        failure?: {
          schedule?: number[];
          quiet?: number[];
          crash?: CheckCodeOptions["crashPoint"];
        } | null;
      };
      try {
        saved = JSON.parse(await io.readFile(replay));
      } catch (error) {
        throw new UsageError(
          `Cannot read --replay ${replay}: ${(error as Error).message}`,
        );
      }
      if (
        saved.schema !== REPLAY_SCHEMA || typeof saved.scenario !== "string" ||
        !Array.isArray(saved.failure?.schedule)
      ) {
        throw new UsageError(
          `Cannot replay ${replay}: not a failing ${REPLAY_SCHEMA} report`,
        );
      }
      list = [{ scenario: saved.scenario, params: saved.params ?? {} }];
      schedule = saved.failure!.schedule;
      quiet = saved.failure!.quiet ?? [];
      crashPoint = saved.failure!.crash;
      if (crashPoint === undefined && switches.has("crash")) {
        throw new UsageError(
          `Cannot replay ${replay} with --crash: it is no crash failure (no crash point)`,
        );
      }
      if (crashPoint !== undefined) switches.add("crash");
    } else list = entries(values, switches.has("crash"));
    const deaths = values.get("deaths") as CheckCodeOptions["deaths"];
    if (
      deaths !== undefined &&
      !["one", "two", "attach", "supervisor"].includes(deaths)
    ) {
      throw new UsageError(
        `Bad value for --deaths: must be one, two, attach or supervisor, received ${deaths}`,
      );
    }
    if (
      (deaths !== undefined || values.has("max-point")) &&
      !switches.has("crash")
    ) {
      throw new UsageError("Flags --deaths and --max-point need --crash");
    }
    const options: CheckCodeOptions = {
      entries: list,
      ...(chosen === undefined ? {} : { search: chosen }),
      races: !switches.has("no-races"),
      refinement: !switches.has("no-refinement"),
      ...(schedule === undefined ? {} : { schedule, quiet }),
      ...(values.has("ring")
        ? { ring: new URL(values.get("ring")!, `file://${io.cwd}/`) }
        : {}),
      onEntry: (r) => io.err(`${entryLine(r)}\n`),
      ...(switches.has("crash") ? { crash: true } : {}),
      ...(crashPoint === undefined ? {} : { crashPoint }),
      ...(deaths === undefined ? {} : { deaths }),
    };
    const numbers = {
      bound: integer(values, "bound"),
      executions: integer(values, "executions", 1),
      seed: integer(values, "seed"),
      depth: integer(values, "depth", 1),
      maxSteps: integer(values, "max-steps", 1),
      seconds: integer(values, "seconds", 1),
      maxPoint: integer(values, "max-point"),
    };
    for (const [key, value] of Object.entries(numbers)) {
      if (value !== undefined) Object.assign(options, { [key]: value });
    }
    io.err(
      `checking the code: ${list.length} scenario${
        list.length === 1 ? "" : "s"
      }, search ${search}${schedule ? " (replay)" : ""}\n`,
    );
    const report = await checkCode(options);
    const failure = report.failure;
    if (switches.has("json")) {
      const shown = report.entries.find((e) =>
        e.failure !== undefined &&
        e.known === undefined
      ) ?? report.entries.find((e) => e.failure);
      io.out(
        JSON.stringify(
          shown?.failure?.json ?? {
            schema: REPLAY_SCHEMA,
            verdict: report.verdict,
            entries: report.entries.map((e) => ({
              scenario: e.scenario,
              params: e.params,
              verdict: e.verdict,
              executions: e.executions,
              steps: e.steps,
              seconds: e.seconds,
              complete: e.complete,
            })),
          },
          null,
          2,
        ) + "\n",
      );
    } else if (switches.has("mermaid")) {
      const shown = failure ?? report.entries.find((e) => e.failure)?.failure;
      io.out(shown === undefined ? "" : shown.mermaid + "\n");
    } else {
      const lines = report.entries.map(entryLine);
      lines.push(
        `verdict: ${report.verdict.toUpperCase()}: ${report.entries.length} scenarios, ${report.executions} executions, ${report.steps} steps in ${
          report.seconds.toFixed(1)
        } s (${report.executionsPerSecond.toFixed(0)} executions/s, ${
          report.stepsPerSecond.toFixed(0)
        } steps/s)`,
      );
      const shown = failure ??
        (schedule !== undefined ? report.entries[0]?.failure : undefined);
      if (shown !== undefined) {
        lines.push(
          "",
          `failing schedule (${shown.steps.length} steps${
            shown.crash === undefined ? "" : ", at a crash point"
          }; replay it: the same command with --json > FILE, then --replay FILE):`,
          shown.table,
        );
      }
      io.out(lines.join("\n") + "\n");
    }
    if (schedule !== undefined) {
      return report.entries[0]?.failure !== undefined ? 1 : 0;
    }
    return report.verdict === "pass" ? 0 : 1;
  } catch (error) {
    if (error instanceof UsageError || error instanceof RangeError) {
      io.err(`ringproof check: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}

/** Whether a command line asks for `--against code`. */
export function wantsCode(args: readonly string[]): boolean {
  return args.some((arg, i) =>
    arg === "--against=code" || (arg === "--against" && args[i + 1] === "code")
  );
}
