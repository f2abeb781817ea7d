// Copyright 2025 the ringproof authors. MIT license.
// What `--against` can check: one line per target. A new target (say
// `code`) is a function from the parsed flags to an exit code, registered
// here; `main()` dispatches on this table and names its keys in errors.

import type { CliIo } from "./io.ts";
import { asUsage, type Parsed } from "./args.ts";
import { runCheck } from "./check.ts";
import { runProof } from "./proof.ts";
import { againstProduction } from "./against_production.ts";

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
