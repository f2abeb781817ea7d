// What `--against code` checks: the entries the flags choose (scenarios by
// name, or the grid filtered by engine and scheme), or the one failing
// execution a `--replay` file saved.
import type { CheckCodeOptions, CodeCheckEntry } from "../check_code.ts";
import { defaultGrid } from "./grid.ts";
import { codeScenarios } from "./scenarios.ts";
import { codeScenarios as crashScenarios } from "./crash_scenarios.ts";
import { crashGrid } from "./crash_grid.ts";
import { REPLAY_SCHEMA } from "./format.ts";
import { integer, UsageError } from "./cli_args.ts";

/** The entries the flags choose. */
export function entries(
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

/** A saved failing execution to run again. */
export interface Replay {
  /** Its one entry. */
  readonly list: CodeCheckEntry[];
  /** The thread chosen at every step. */
  readonly schedule: number[];
  /** The words the original search treated as never written. */
  readonly quiet: number[];
  /** A crash failure's crash point. */
  readonly crashPoint: CheckCodeOptions["crashPoint"];
}

/**
 * Reads the failing execution saved in `file` (`--json` output); a crash
 * failure implies `--crash` (added to `switches`).
 */
export async function readReplay(
  file: string,
  how: {
    switches: Set<string>;
    io: { readFile(path: string): Promise<string> };
  },
): Promise<Replay> {
  const { switches, io } = how;
  const replay = file;
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
  const crashPoint = saved.failure!.crash;
  if (crashPoint === undefined && switches.has("crash")) {
    throw new UsageError(
      `Cannot replay ${replay} with --crash: it is no crash failure (no crash point)`,
    );
  }
  if (crashPoint !== undefined) switches.add("crash");
  return {
    list: [{ scenario: saved.scenario, params: saved.params ?? {} }],
    schedule: saved.failure!.schedule!,
    quiet: saved.failure!.quiet ?? [],
    crashPoint,
  };
}
