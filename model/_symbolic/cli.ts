// Copyright 2025 the ringproof authors. MIT license.
// `deno task check -- --proof --all-sizes`: the symbolic proof for every
// BUFFER_SIZE. Asynchronous (Z3 answers through promises), so the command
// line's entry point calls it before its synchronous main() when the flag is
// given. Exit 0 proved, 1 not proved (the failing obligation named), 2 bad
// arguments.

import { type Mutant, MUTANTS } from "../bounded_buffer.ts";
import {
  type AllSizesReport,
  allSizesToJson,
  formatAllSizes,
  proveAllSizes,
} from "../prove_all_sizes.ts";

/** Where the command writes. */
export interface AllSizesIo {
  out(text: string): void;
  err(text: string): void;
}

const SCHEMES = ["textbook", "counter"] as const;

/** The usage lines of the flag, for the command line's --help. */
export const ALL_SIZES_USAGE =
  `  --all-sizes        with --proof: prove for every BUFFER_SIZE with the Z3 SMT
                     solver (symbolic BUFFER_SIZE and items; counters: every
                     32-bit start); --scheme textbook|counter (default both,
                     plus the bare safety property's counterexample to
                     induction), --mutant NAME, --json`;

function usage(io: AllSizesIo, message: string): number {
  io.err(`ringproof check: ${message}\n`);
  return 2;
}

/** Runs `--proof --all-sizes` with the given arguments; returns the exit status. */
export async function allSizesMain(
  args: readonly string[],
  io: AllSizesIo,
): Promise<number> {
  let scheme: (typeof SCHEMES)[number] | undefined;
  let mutant: Mutant | undefined;
  let json = false;
  let proof = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (arg === "--") continue;
    if (match === null) return usage(io, `Unexpected argument ${arg}`);
    const [, name, inline] = match as unknown as [string, string, string?];
    if (name === "all-sizes" || name === "json" || name === "proof") {
      if (inline !== undefined) {
        return usage(io, `Flag --${name} takes no value`);
      }
      if (name === "json") json = true;
      if (name === "proof") proof = true;
      continue;
    }
    if (name !== "scheme" && name !== "mutant") {
      return usage(io, `Flag --${name} does not apply to --all-sizes`);
    }
    const value = inline ?? args[++i];
    if (value === undefined || value.startsWith("--")) {
      return usage(io, `Flag --${name} needs a value`);
    }
    if (name === "scheme") {
      if (!(SCHEMES as readonly string[]).includes(value)) {
        return usage(
          io,
          `Bad value for --scheme: must be textbook or counter with --all-sizes, received ${value}`,
        );
      }
      scheme = value as (typeof SCHEMES)[number];
    } else {
      if (!(MUTANTS as readonly string[]).includes(value)) {
        return usage(
          io,
          `Bad value for --mutant: must be one of ${
            MUTANTS.join(", ")
          }, received ${value}`,
        );
      }
      mutant = value as Mutant;
    }
  }
  if (!proof) return usage(io, "Flag --all-sizes needs --proof");
  if (mutant === "modulo-index" && scheme === undefined) scheme = "counter";
  if (mutant === "modulo-index" && scheme !== "counter") {
    return usage(
      io,
      "Bad value for --mutant: modulo-index needs --scheme counter",
    );
  }
  const runs: {
    scheme: (typeof SCHEMES)[number];
    candidate: "inductive" | "safety";
  }[] = scheme !== undefined
    ? [{ scheme, candidate: "inductive" }]
    : mutant !== undefined
    ? SCHEMES.map((s) => ({ scheme: s, candidate: "inductive" as const }))
    : [
      { scheme: "textbook", candidate: "inductive" },
      { scheme: "counter", candidate: "inductive" },
      { scheme: "textbook", candidate: "safety" },
    ];
  const reports: AllSizesReport[] = [];
  for (const run of runs) {
    reports.push(
      await proveAllSizes({
        ...run,
        ...(mutant === undefined ? {} : { mutant }),
        confirm: run.candidate === "inductive",
      }),
    );
  }
  // The bare safety run only shows why a stronger invariant is needed.
  const judged = reports.filter((r) => r.candidate === "inductive");
  const failing = judged.flatMap((r) =>
    r.obligations.filter((o) => o.status === "failed" || o.status === "unknown")
      .map((o) => `${r.scheme}: ${o.statement} ${o.status}`)
  );
  const proved = judged.every((r) => r.verdict === "proved");
  if (json) {
    io.out(JSON.stringify(reports.map(allSizesToJson), null, 2) + "\n");
  } else {
    io.out(reports.map(formatAllSizes).join("\n"));
    if (!proved) io.out(`not proved: ${failing.join("; ")}\n`);
  }
  return proved ? 0 : 1;
}
