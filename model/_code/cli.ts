// `deno task check -- --against code`: the command line of checkCode(). The
// flags are in `cli_args.ts`, what they choose in `cli_entries.ts`, what is
// printed in `cli_output.ts`.
import {
  checkCode,
  type CheckCodeOptions,
  CODE_SEARCHES,
  type CodeCheckEntry,
  type CodeSearch,
} from "../check_code.ts";
import { integer, parse, USAGE, UsageError } from "./cli_args.ts";
import { entries, readReplay } from "./cli_entries.ts";
import { entryLine, reportText } from "./cli_output.ts";
import { CRASH_DEATHS } from "./crash.ts";

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
    if (switches.has("json") && switches.has("mermaid")) {
      throw new UsageError("Flag --json does not combine with --mermaid");
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
      ({ list, schedule, quiet, crashPoint } = await readReplay(replay, {
        switches,
        io,
      }));
    } else {
      list = entries(values, switches.has("crash"));
      // Named scenarios run the search chosen here; the grid's entries may
      // carry their own (PCT, preemption), which these flags then tune.
      if (values.has("scenario")) searchFlagsApply(values, search);
    }
    const deaths = values.get("deaths") as CheckCodeOptions["deaths"];
    if (
      deaths !== undefined &&
      !(CRASH_DEATHS as readonly unknown[]).includes(deaths)
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
    const ring = values.has("ring")
      ? await ringModule(values.get("ring")!, io.cwd)
      : undefined;
    const options: CheckCodeOptions = {
      entries: list,
      ...(chosen === undefined ? {} : { search: chosen }),
      races: !switches.has("no-races"),
      refinement: !switches.has("no-refinement"),
      ...(schedule === undefined ? {} : { schedule, quiet }),
      ...(ring === undefined ? {} : { ring }),
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
    io.out(
      reportText(report, {
        json: switches.has("json"),
        mermaid: switches.has("mermaid"),
        replay: schedule !== undefined,
      }),
    );
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

/** The URL of `--ring`, once it imports: a path that does not is bad usage. */
async function ringModule(path: string, cwd: string): Promise<URL> {
  const url = new URL(path, `file://${cwd}/`);
  try {
    await import(url.href);
  } catch (error) {
    throw new UsageError(
      `Bad value for --ring: cannot import ${path} (${
        (error as Error).message.split("\n")[0]
      })`,
    );
  }
  return url;
}

/** The search flags that the chosen search would ignore: bad usage. */
function searchFlagsApply(values: Map<string, string>, search: CodeSearch) {
  const uses: [string, readonly CodeSearch[]][] = [
    ["bound", ["preemption"]],
    ["seed", ["random", "pct"]],
    ["depth", ["pct"]],
  ];
  for (const [flag, searches] of uses) {
    if (values.has(flag) && !searches.includes(search)) {
      throw new UsageError(
        `Flag --${flag} applies only to --search ${
          searches.join(" or ")
        }, received search ${search}`,
      );
    }
  }
}

/** Whether a command line asks for `--against code`. */
export function wantsCode(args: readonly string[]): boolean {
  return args.some((arg, i) =>
    arg === "--against=code" || (arg === "--against" && args[i + 1] === "code")
  );
}
