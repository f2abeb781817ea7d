// Copyright 2025 the ringproof authors. MIT license.
// The command line's flags: which exist (one line each, see FLAGS), how they
// are parsed, and how model errors become usage errors naming the flag.

import type { BufferOptions } from "../bounded_buffer.ts";

/** Bad command-line arguments: exit code 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

/**
 * Every flag: a flag with a value, or a switch. A new mode's flag is one
 * line here (and one in the usage text, usage.ts).
 */
export const FLAGS: Readonly<Record<string, "value" | "switch">> = {
  slots: "value",
  items: "value",
  scheme: "value",
  producers: "value",
  consumers: "value",
  sync: "value",
  mutant: "value",
  start: "value",
  "max-states": "value",
  ignore: "value",
  against: "value",
  workers: "value",
  dfs: "switch",
  symmetry: "switch",
  por: "switch",
  proof: "switch",
  json: "switch",
  mermaid: "switch",
  help: "switch",
};

/** The parsed command line: flag values and switches given. */
export interface Parsed {
  readonly values: Map<string, string>;
  readonly switches: Set<string>;
}

export function parse(args: readonly string[]): Parsed {
  const values = new Map<string, string>();
  const switches = new Set<string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--") continue; // `deno task check -- …` passes it through
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (match === null) throw new UsageError(`Unexpected argument ${arg}`);
    const [, name, inline] = match as unknown as [string, string, string?];
    const kind = Object.hasOwn(FLAGS, name) ? FLAGS[name] : undefined;
    if (kind === "switch") {
      if (inline !== undefined) {
        throw new UsageError(`Flag --${name} takes no value`);
      }
      switches.add(name);
    } else if (kind === "value") {
      const value = inline ?? args[++i];
      if (value === undefined || value.startsWith("--")) {
        throw new UsageError(`Flag --${name} needs a value`);
      }
      if (values.has(name)) {
        throw new UsageError(`Flag --${name} given twice`);
      }
      values.set(name, value);
    } else {
      throw new UsageError(`Unknown flag --${name} (see --help)`);
    }
  }
  return { values, switches };
}

/** Throws the error the command line reports as bad usage (exit code 2). */
export function usage(message: string): never {
  throw new UsageError(message);
}

/** The integer value of `--flag`, if given. */
export function integerFlag(
  values: ReadonlyMap<string, string>,
  flag: string,
): number | undefined {
  const text = values.get(flag);
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text)) {
    usage(`Flag --${flag} must be a non-negative integer, received ${text}`);
  }
  return Number(text);
}

/** The integer value of `--flag`, if given. */
export function integer(parsed: Parsed, flag: string): number | undefined {
  return integerFlag(parsed.values, flag);
}

/**
 * Runs a check; its "Cannot check ring: slots must …" errors become
 * "Bad value for --slots: must …".
 */
export function withFlagNames<T>(check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (error instanceof RangeError || error instanceof TypeError) {
      const option = /^Cannot check ring: (\w+) (.*)$/.exec(error.message);
      if (option !== null) usage(`Bad value for --${option[1]}: ${option[2]}`);
    }
    throw error;
  }
}

export function bufferOptions(parsed: Parsed, proof: boolean): BufferOptions {
  const options: BufferOptions = {};
  const slots = integer(parsed, "slots") ?? (proof ? 3 : undefined);
  const items = integer(parsed, "items") ?? (proof ? 2 : undefined);
  const producers = integer(parsed, "producers");
  const consumers = integer(parsed, "consumers");
  const start = integer(parsed, "start");
  if (slots !== undefined) options.slots = slots;
  if (items !== undefined) options.items = items;
  if (producers !== undefined) options.producers = producers;
  if (consumers !== undefined) options.consumers = consumers;
  if (start !== undefined) options.start = start;
  const scheme = parsed.values.get("scheme");
  const sync = parsed.values.get("sync");
  const mutant = parsed.values.get("mutant");
  // The model validates names and ranges; its messages name the option.
  if (scheme !== undefined) {
    options.scheme = scheme as BufferOptions["scheme"] & string;
  }
  if (sync !== undefined) options.sync = sync as BufferOptions["sync"] & string;
  if (mutant !== undefined) {
    options.mutant = mutant as BufferOptions["mutant"] & string;
  }
  return options;
}

/** Rewrites a model error ("Cannot create model: slots must …") to name the flag. */
export function asUsage(error: unknown): never {
  if (error instanceof RangeError || error instanceof TypeError) {
    const option = /^Cannot create model: (\w+) (.*)$/.exec(error.message);
    if (option !== null) {
      const rest = option[2]!.startsWith("must") ||
          option[2]!.startsWith("applies")
        ? option[2]!
        : `${option[1]} ${option[2]}`;
      throw new UsageError(`Bad value for --${option[1]}: ${rest}`);
    }
    const proof = /^Cannot build proof: (.*)$/.exec(error.message);
    throw new UsageError(
      proof === null ? error.message : `Flag --proof: ${proof[1]}`,
    );
  }
  throw error;
}
