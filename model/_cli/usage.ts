// Copyright 2025 the ringproof authors. MIT license.
// The command line's usage text (`--help`).

import { MUTANTS, SCHEMES, SYNCS } from "../bounded_buffer.ts";
import { ALL_SIZES_USAGE } from "../_symbolic/cli.ts";

/** What `--help` prints. */
export const USAGE: string = `Usage: deno task check -- [options]

Model (the textbook bounded buffer):
  --slots N          BUFFER_SIZE, 2 to 64 (default 4; not with --scheme
                     unbounded, which has one cell per item)
  --items N          items per producer, 1 to 31 (default 3)
  --scheme S         ${SCHEMES.join(" | ")} (default textbook)
  --producers N      1 to 8 (default 1)
  --consumers N      1 to 8 (default 1)
  --sync S           ${SYNCS.join(" | ")} (default none)
  --mutant NAME      ${MUTANTS.join(" | ")}
  --start N          counter scheme: the counters' initial value (default 0;
                     with --sync sequence: the positions', below their wrap)
Exploration:
  --dfs              depth-first (default: breadth-first, shortest traces)
  --max-states N     stop after N states (verdict incomplete, exit 1)
  --symmetry         symmetry reduction over identical producers/consumers
  --por              partial-order reduction (traces valid, not always
                     shortest; not with --symmetry)
  --workers N        breadth-first on N Workers, each owning a share of the
                     visited set (not with --dfs, --por, --proof)
  --ignore NAMES     comma-separated invariants not to check
  --against TARGET   what to check: model (default); code: the production
                     code under a controlled scheduler (its own flags: see
                     --against code --help); or production: the
                     production rings in lockstep with the model. --sync none:
                     the one-producer ring (--slots, --items, --scheme,
                     --start pick a configuration; by default a grid: both
                     schemes, slots 2-4, 6 items, counters also from
                     2^32 - 3). --sync sequence: the many-producer ring
                     (--producers, --consumers, --slots, --items, --start;
                     by default 2x2, 1 item, slots 2-3, positions also from
                     2 below their wrap). No --sync and no configuration
                     flags: both grids
Proof:
  --proof            prove bound and no-unproduced with the inductive invariant
                     (1 producer, 1 consumer, sync none, no mutant; default
                     --slots 3 --items 2) and show bare safety is not inductive
${ALL_SIZES_USAGE}
Output:
  --json             the report as JSON (schema ringproof.check/1 or ringproof.proof/1)
  --mermaid          a mermaid sequence diagram of the counterexample (or
                     witness); not with --json
  --help             this text

Exit status: 0 every property holds and every fact is witnessed; 1 a property
fails, a fact is not witnessed, or the run is incomplete; 2 bad arguments.
`;
