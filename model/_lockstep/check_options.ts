// Copyright 2025 the ringproof authors. MIT license.
// The option checks checkRing() and checkSequenceRing() share. Their
// messages start "Cannot check ring:" and name the option.

import {
  boundedBuffer,
  type BufferModel,
  type BufferOptions,
} from "../bounded_buffer.ts";
import { shown } from "../_describe.ts";

/** The prefix of every option error of the lockstep checks. */
export const WHAT = "Cannot check ring";

/** Throws a TypeError unless `options` is an object. */
export function assertOptionsObject(options: unknown): void {
  if (options === null || typeof options !== "object") {
    throw new TypeError(
      `${WHAT}: options must be an object, received ${options}`,
    );
  }
}

/** Throws a TypeError naming the first of `values` that is not a number. */
export function assertNumbers(values: Readonly<Record<string, unknown>>): void {
  for (const [name, value] of Object.entries(values)) {
    if (typeof value !== "number") {
      throw new TypeError(
        `${WHAT}: ${name} must be an integer, received ${typeof value}`,
      );
    }
  }
}

/**
 * The one value of `option` (`{ granularity: "fine" }`) if `allowed` has it;
 * a TypeError naming the option otherwise.
 */
export function choice<T extends string>(
  option: Readonly<Record<string, T>>,
  allowed: readonly T[],
): T {
  const [[name, value]] = Object.entries(option) as [[string, T]];
  if (allowed.includes(value)) return value;
  throw new TypeError(
    `${WHAT}: ${name} must be one of ${allowed.join(", ")}, received ${
      shown(value)
    }`,
  );
}

/** How finely a lockstep check steps: the model's one-access steps, whole calls, or both. */
export type Granularity = "fine" | "coarse" | "mixed";

/** The `granularity` option, `"mixed"` when absent; a TypeError when unknown. */
export function granularityOf(
  granularity: Granularity | undefined,
): Granularity {
  return choice({ granularity: granularity ?? "mixed" }, [
    "fine",
    "coarse",
    "mixed",
  ]);
}

/** The model of the configuration; its range errors, renamed. */
export function checkedModel(options: BufferOptions): BufferModel {
  try {
    return boundedBuffer(options);
  } catch (error) {
    if (error instanceof RangeError) {
      throw new RangeError(error.message.replace(/^Cannot create model/, WHAT));
    }
    throw error;
  }
}

/** The `coverage` option, `"states"` when absent; a TypeError when unknown. */
export function coverageOf(
  coverage: "states" | "paths" | undefined,
): "states" | "paths" {
  return choice({ coverage: coverage ?? "states" }, ["states", "paths"]);
}

/** `maxSteps`, or `fallback` when absent; a TypeError unless a number, a RangeError unless positive. */
export function stepLimit(
  maxSteps: number | undefined,
  fallback: number,
): number {
  const limit = maxSteps ?? fallback;
  if (typeof limit !== "number") {
    throw new TypeError(
      `${WHAT}: maxSteps must be a positive integer, received ${typeof limit} ${
        shown(limit)
      }`,
    );
  }
  if (!Number.isInteger(limit) || limit < 1) {
    throw new RangeError(
      `${WHAT}: maxSteps must be a positive integer, received ${limit}`,
    );
  }
  return limit;
}

/**
 * The `ring` option, or `fallback` when absent; a TypeError unless a
 * function (`returns` names what it must return).
 */
export function ringFactory<F>(
  ring: F | undefined,
  options: { readonly fallback: F; readonly returns: string },
): F {
  const factory = ring ?? options.fallback;
  if (typeof factory !== "function") {
    throw new TypeError(
      `${WHAT}: ring must be a function returning a ${options.returns}, received ${typeof factory}`,
    );
  }
  return factory;
}
