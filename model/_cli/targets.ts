// Copyright 2025 the ringproof authors. MIT license.
// What `--against` can check: one line per target. A new target (say
// `code`) is a function from the parsed flags to an exit code, registered
// here; `main()` dispatches on this table and names its keys in errors.

import type { CliIo } from "./io.ts";
import { asUsage, type Parsed } from "./args.ts";
import { runCheck } from "./check.ts";
import { runProof } from "./proof.ts";
import { againstProduction } from "./against_production.ts";
import { runCodeCli, wantsCode } from "../_code/cli.ts";
import { allSizesMain } from "../_symbolic/cli.ts";

/**
 * A target of `--against`: runs with the parsed flags, returns the exit code
 * (a Promise of it when the target runs on Workers or a solver).
 */
export type Target = (parsed: Parsed, io: CliIo) => number | Promise<number>;

/** The targets, by the value of `--against`; the first is the default. */
export const TARGETS: Readonly<Record<string, Target>> = {
  model: (parsed, io) =>
    parsed.switches.has("proof") ? runProof(parsed, io) : runCheck(parsed, io),
  production(parsed, io) {
    try {
      return againstProduction(parsed, { io });
    } catch (error) {
      // The lockstep checks' option errors name a flag: bad usage.
      asUsage(error);
    }
  },
};

/**
 * A mode with flags of its own (the production code under the controlled
 * scheduler has scenario and search flags the model does not): `main()` hands
 * it the raw arguments before the common flags are parsed.
 */
export interface OwnFlagsMode {
  /** The value of `--against` that asks for this mode, if one does. */
  readonly against?: string;
  /** Whether the arguments ask for this mode. */
  wants(args: readonly string[]): boolean;
  /** Runs it: the exit code. */
  run(args: readonly string[], io: CliIo): Promise<number>;
}

/** The modes with flags of their own, one entry each. */
export const OWN_FLAGS_MODES: readonly OwnFlagsMode[] = [
  // `--proof --all-sizes`: the Z3 prover, for every BUFFER_SIZE.
  { wants: (args) => args.includes("--all-sizes"), run: allSizesMain },
  // `--against code`: the production code under the controlled scheduler.
  {
    against: "code",
    wants: wantsCode,
    run: (args, io) =>
      runCodeCli(args, {
        out: io.out,
        err: io.err,
        readFile: io.readFile ??
          ((path) =>
            Promise.reject(new Error(`Cannot read ${path}: no file access`))),
        cwd: io.cwd ?? ".",
      }),
  },
];
