// Copyright 2025 the ringproof authors. MIT license.
// The bounded buffer's parameters: the schemes, sync variants and mutants
// (public, re-exported by bounded_buffer.ts), which mutant applies where, and
// the checks that turn the user's options into the machine's Config.

import { type Config, positionLimit } from "./state.ts";
import type { BufferOptions, Mutant, Scheme, Sync } from "./types.ts";
import { shown } from "../_describe.ts";

/**
 * Every mutant, with what it changes:
 * - `publish-before-write`: the producer publishes `in` before writing the slot.
 * - `release-before-read`: the consumer publishes `out` before reading the slot.
 * - `full-when-equal`: the full test is `in == out`.
 * - `no-full-check`: the producer never waits.
 * - `wasted-two`: the full test is `(in + 2) % BUFFER_SIZE == out`
 *   (`"counter"`: `in - out + 2 == BUFFER_SIZE`).
 * - `modulo-index` (`"counter"` only): the slot is `counter % BUFFER_SIZE`
 *   instead of a separately wrapped slot index.
 *
 * @example Listing the mutants that apply to a scheme
 * ```ts
 * import assert from "node:assert/strict";
 * import { MUTANTS, mutantApplies } from "@ringproof/ring/model";
 *
 * assert.equal(MUTANTS.length, 6);
 * assert.deepEqual(
 *   MUTANTS.filter((m) => mutantApplies(m, "unbounded")),
 *   ["publish-before-write", "release-before-read"],
 * );
 * ```
 */
export const MUTANTS: readonly Mutant[] = [
  "publish-before-write",
  "release-before-read",
  "full-when-equal",
  "no-full-check",
  "wasted-two",
  "modulo-index",
];

/**
 * The schemes, for validation and listings.
 *
 * @example Checking every scheme
 * ```ts
 * import assert from "node:assert/strict";
 * import { boundedBuffer, explore, SCHEMES } from "@ringproof/ring/model";
 *
 * for (const scheme of SCHEMES) {
 *   assert.equal(explore(boundedBuffer({ scheme, items: 2 })).verdict, "pass");
 * }
 * ```
 */
export const SCHEMES: readonly Scheme[] = ["textbook", "counter", "unbounded"];

/**
 * The sync variants, for validation and listings.
 *
 * @example Two producers need the lock or the sequence numbers
 * ```ts
 * import assert from "node:assert/strict";
 * import { boundedBuffer, explore, SYNCS } from "@ringproof/ring/model";
 *
 * const verdicts = SYNCS.map((sync) =>
 *   explore(boundedBuffer({ sync, producers: 2, items: 2 })).verdict
 * );
 * assert.deepEqual(verdicts, ["violation", "pass", "pass"]);
 * ```
 */
export const SYNCS: readonly Sync[] = ["none", "mutex", "sequence"];

/** Options for {@linkcode mutantApplies}. */
export interface MutantAppliesOptions {
  /** The sync variant. Default `"none"`. */
  sync?: Sync;
}

/**
 * Whether `mutant` makes sense for `scheme` (and the sync variant): the
 * full-test mutants need a full test (not `"unbounded"`), `modulo-index`
 * needs counters; with `sync: "sequence"` (counters only) just
 * `publish-before-write` and `release-before-read` apply — the sequence
 * numbers replace the full test and the index arithmetic.
 *
 * @param mutant The mutant.
 * @param scheme The index scheme.
 * @param options The sync variant.
 * @returns `true` when the mutant changes something in that configuration.
 *
 * @example The counter-only mutant
 * ```ts
 * import assert from "node:assert/strict";
 * import { mutantApplies } from "@ringproof/ring/model";
 *
 * assert.equal(mutantApplies("modulo-index", "counter"), true);
 * assert.equal(mutantApplies("modulo-index", "textbook"), false);
 * ```
 *
 * @example The mutants of the sequence variant
 * ```ts
 * import assert from "node:assert/strict";
 * import { MUTANTS, mutantApplies } from "@ringproof/ring/model";
 *
 * assert.deepEqual(
 *   MUTANTS.filter((m) => mutantApplies(m, "counter", { sync: "sequence" })),
 *   ["publish-before-write", "release-before-read"],
 * );
 * ```
 */
export function mutantApplies(
  mutant: Mutant,
  scheme: Scheme,
  options: MutantAppliesOptions = {},
): boolean {
  switch (mutant) {
    case "publish-before-write":
    case "release-before-read":
      return options.sync !== "sequence" || scheme === "counter";
    case "modulo-index":
      return scheme === "counter" && options.sync !== "sequence";
    default:
      return scheme !== "unbounded" && options.sync !== "sequence";
  }
}

function integerIn(
  name: string,
  value: number,
  min: number,
  max: number,
): number {
  if (typeof value !== "number") {
    // A trace file may hold "3": say it is a string, not "received 3".
    throw new TypeError(
      `Cannot create model: ${name} must be an integer from ${min} to ${max}, received ${typeof value} ${
        shown(value)
      }`,
    );
  }
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(
      `Cannot create model: ${name} must be an integer from ${min} to ${max}, received ${value}`,
    );
  }
  return value;
}

function oneOf<T extends string>(
  name: string,
  value: T,
  allowed: readonly T[],
): T {
  if (!allowed.includes(value)) {
    throw new TypeError(
      `Cannot create model: ${name} must be one of ${
        allowed.join(", ")
      }, received ${shown(value)}`,
    );
  }
  return value;
}

/**
 * The parameters of {@linkcode boundedBuffer}, checked and with the defaults
 * filled in.
 */
export function resolveConfig(options: BufferOptions): Config {
  if (options === null || typeof options !== "object") {
    throw new TypeError(
      `Cannot create model: options must be an object, received ${
        options === null ? "null" : typeof options
      }`,
    );
  }
  const sync = oneOf("sync", options.sync ?? "none", SYNCS);
  const scheme = oneOf(
    "scheme",
    options.scheme ?? (sync === "sequence" ? "counter" : "textbook"),
    SCHEMES,
  );
  const config: Config = {
    slots: integerIn("slots", options.slots ?? 4, 2, 64),
    items: integerIn("items", options.items ?? 3, 1, 31),
    scheme,
    producers: integerIn("producers", options.producers ?? 1, 1, 8),
    consumers: integerIn("consumers", options.consumers ?? 1, 1, 8),
    sync,
    mutant: options.mutant === undefined
      ? undefined
      : oneOf("mutant", options.mutant, MUTANTS),
    start: integerIn("start", options.start ?? 0, 0, 2 ** 32 - 1),
  };
  if (config.mutant !== undefined && !mutantApplies(config.mutant, scheme)) {
    throw new RangeError(
      `Cannot create model: mutant ${config.mutant} does not apply to scheme ${scheme}`,
    );
  }
  if (sync === "sequence") checkSequence(config);
  if (config.start !== 0 && scheme !== "counter") {
    throw new RangeError(
      `Cannot create model: start applies only to scheme counter, received scheme ${scheme}`,
    );
  }
  return config;
}

/** What sync "sequence" accepts: counters, start below the wrap, two mutants. */
function checkSequence(config: Config): void {
  if (config.scheme !== "counter") {
    throw new RangeError(
      `Cannot create model: scheme must be counter with sync sequence, received ${config.scheme}`,
    );
  }
  const { mutant } = config;
  if (
    mutant !== undefined &&
    !mutantApplies(mutant, config.scheme, { sync: "sequence" })
  ) {
    throw new RangeError(
      `Cannot create model: mutant ${mutant} does not apply to sync sequence`,
    );
  }
  const limit = positionLimit(config.slots);
  if (config.start >= limit) {
    throw new RangeError(
      `Cannot create model: start must be an integer from 0 to ${
        limit - 1
      } with sync sequence (positions wrap at ${limit}), received ${config.start}`,
    );
  }
}
