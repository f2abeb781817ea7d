// Copyright 2025 the ringproof authors. MIT license.
/**
 * The model checker's command line: `deno task check -- [options]`.
 * Exits 0 when every property holds (and every reachability fact is
 * witnessed), 1 when one fails or the run is incomplete, 2 on bad arguments.
 * This is the only file of `model/` that uses `Deno`. The flags, the
 * targets of `--against` and the commands live in `model/_cli/`.
 *
 * @module
 */

import { parse, UsageError } from "./_cli/args.ts";
import { OWN_FLAGS_MODES, TARGETS } from "./_cli/targets.ts";
import { USAGE } from "./_cli/usage.ts";
import type { CliIo } from "./_cli/io.ts";
export type * from "./_cli/io.ts";

/**
 * Runs the model checker's command line.
 *
 * @param args The arguments after `--`.
 * @param io Where to write.
 * @returns The exit status: 0, 1 or 2; a Promise of it for the modes that
 * run on Workers or a solver (`--workers`, `--all-sizes`, `--against code`).
 *
 * @example Checking the textbook buffer
 * ```ts
 * import assert from "node:assert/strict";
 * import { main } from "./cli.ts";
 *
 * let out = "";
 * const io = { out: (t: string) => { out += t; }, err: () => {}, errIsTerminal: false };
 * assert.equal(main(["--slots", "3", "--items", "2"], io), 0);
 * assert.match(out, /verdict: PASS/);
 * ```
 */
export function main(
  args: readonly string[],
  io: CliIo,
): number | Promise<number> {
  const usageError = (error: unknown): number => {
    if (!(error instanceof UsageError)) throw error;
    io.err(`ringproof check: ${error.message}\n`);
    return 2;
  };
  try {
    const own = OWN_FLAGS_MODES.find((mode) => mode.wants(args));
    if (own !== undefined) return own.run(args, io);
    const parsed = parse(args);
    if (parsed.switches.has("help")) {
      io.out(USAGE);
      return 0;
    }
    const names = Object.keys(TARGETS);
    const against = parsed.values.get("against") ?? names[0]!;
    const target = Object.hasOwn(TARGETS, against)
      ? TARGETS[against]
      : undefined;
    if (target === undefined) {
      // The modes with flags of their own are targets too (`code`).
      const all = [
        ...names,
        ...OWN_FLAGS_MODES.flatMap((m) => m.against ?? []),
      ];
      throw new UsageError(
        `Bad value for --against: must be ${all.slice(0, -1).join(", ")} or ${
          all.at(-1)
        }, received ${against}`,
      );
    }
    const code = target(parsed, io);
    return typeof code === "number" ? code : code.catch(usageError);
  } catch (error) {
    return usageError(error);
  }
}

if (import.meta.main) {
  const encoder = new TextEncoder();
  const write = (
    stream: { writeSync(p: Uint8Array): number },
    text: string,
  ) => {
    const bytes = encoder.encode(text);
    for (let at = 0; at < bytes.length;) {
      at += stream.writeSync(bytes.subarray(at));
    }
  };
  Deno.exit(
    await main(Deno.args, {
      out: (text) => write(Deno.stdout, text),
      err: (text) => write(Deno.stderr, text),
      errIsTerminal: Deno.stderr.isTerminal(),
      readFile: (path) => Deno.readTextFile(path),
      cwd: Deno.cwd(),
    }),
  );
}
