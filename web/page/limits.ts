// Copyright 2025 the ringproof authors. MIT license.
/**
 * The page's one set of limits on the model's parameters, applied on every
 * path that builds a model (Start over, Run explorer, the `e` key, a trace
 * file, a shared URL, a preset): small enough that the explorer answers in
 * seconds and the ring stays readable. Messages say what was received — a
 * string is quoted, an empty field is called empty.
 *
 * @module
 */

import {
  type BufferOptions,
  type Mutant,
  MUTANTS,
  SCHEMES,
  SYNCS,
} from "../../model/mod.ts";

/** The numeric parameters and their ranges on the page. */
export const PAGE_LIMITS = {
  slots: { min: 2, max: 16 },
  items: { min: 1, max: 8 },
  producers: { min: 1, max: 3 },
  consumers: { min: 1, max: 3 },
  start: { min: 0, max: 2 ** 32 - 1 },
} as const;

/** The explorer's state cap on the page. */
export const MAX_STATES_LIMIT = { min: 1, max: 5_000_000 } as const;

/** A parameter the page rejected, naming the form field to mark. */
export class OptionError extends RangeError {
  override name = "OptionError";
  /** The field's name, e.g. `"slots"`. */
  readonly field: string;
  /**
   * @param field The field.
   * @param message What failed and why.
   */
  constructor(field: string, message: string) {
    super(message);
    this.field = field;
  }
}

/** How a received value is named in a message: `"abc"`, `string "3"`, `empty`. */
export function received(value: unknown, fromText: boolean): string {
  if (fromText) {
    return typeof value === "string" && value.trim() === ""
      ? "an empty field"
      : JSON.stringify(value);
  }
  if (typeof value === "number") return String(value);
  return `${value === null ? "null" : typeof value} ${JSON.stringify(value)}`;
}

/**
 * Checks one numeric parameter.
 *
 * @param name The parameter.
 * @param value The value: a number, or a field's text when `fromText`.
 * @param options Its range, and whether the value is a field's text.
 * @returns The number.
 * @throws {OptionError} When it is not an integer in the range.
 */
export function checkInteger(
  name: string,
  value: unknown,
  options: { min: number; max: number; fromText: boolean },
): number {
  const { min, max, fromText } = options;
  const n = fromText && typeof value === "string" && /^\s*-?\d+\s*$/.test(value)
    ? Number(value)
    : value;
  if (typeof n !== "number" || !Number.isInteger(n) || n < min || n > max) {
    throw new OptionError(
      name,
      `Cannot use this model: ${name} must be an integer from ${min} to ${max}, received ${
        received(value, fromText)
      }`,
    );
  }
  return n;
}

function checkName<T extends string>(
  name: string,
  value: unknown,
  allowed: readonly T[],
): T {
  if (typeof value !== "string" || !allowed.includes(value as T)) {
    throw new OptionError(
      name,
      `Cannot use this model: ${name} must be one of ${
        allowed.join(", ")
      }, received ${received(value, false)}`,
    );
  }
  return value as T;
}

/**
 * Checks the model's parameters against the page's limits.
 *
 * @param raw The parameters: numbers (a trace file, a preset) or texts (the
 * form, a URL) when `fromText`. Missing ones take the model's defaults.
 * @param fromText Whether numbers arrive as text.
 * @returns The parameters for `boundedBuffer`.
 * @throws {OptionError} When one is missing its type or range.
 */
export function checkPageOptions(
  raw: Readonly<Record<string, unknown>>,
  fromText: boolean,
): BufferOptions {
  const options: BufferOptions = {};
  for (const name of ["slots", "items", "producers", "consumers"] as const) {
    if (raw[name] !== undefined) {
      options[name] = checkInteger(name, raw[name], {
        ...PAGE_LIMITS[name],
        fromText,
      });
    }
  }
  if (raw.scheme !== undefined) {
    options.scheme = checkName("scheme", raw.scheme, SCHEMES);
  }
  if (raw.sync !== undefined) options.sync = checkName("sync", raw.sync, SYNCS);
  if (raw.mutant !== undefined && raw.mutant !== null && raw.mutant !== "") {
    options.mutant = checkName("mutant", raw.mutant, MUTANTS) as Mutant;
  }
  if (raw.start !== undefined) {
    options.start = checkInteger("start", raw.start, {
      ...PAGE_LIMITS.start,
      fromText,
    });
  }
  return options;
}
