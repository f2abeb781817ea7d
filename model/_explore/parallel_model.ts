// Copyright 2025 the ringproof authors. MIT license.
// Builds the model a parallel search names by its source (a module, an
// exported factory and its arguments), in the parent and in each Worker alike.

import type { PackedModel } from "../types.ts";

/** Where a model comes from; `ModelSource` in `explore_parallel.ts`. */
export interface SourceLike {
  readonly module: string;
  readonly factory: string;
  readonly args?: readonly unknown[];
}

/**
 * The most Workers `exploreParallel` and `ExplorerPool` run: every ordered
 * pair of Workers has two queues (a growable SharedArrayBuffer each, 16 KiB
 * to start), so 64 Workers already start 8,064 of them.
 *
 * @example Asking for more is a RangeError
 * ```ts
 * import assert from "node:assert/strict";
 * import { bufferSource, exploreParallel, MAX_WORKERS } from "@ringproof/ring/model";
 *
 * const source = bufferSource({ slots: 2, items: 1 });
 * await assert.rejects(
 *   exploreParallel(source, { workers: MAX_WORKERS + 1 }),
 *   RangeError,
 * );
 * ```
 */
export const MAX_WORKERS: number = 64;

/** Workers by default: one per logical core, 1 to {@linkcode MAX_WORKERS}. */
export function defaultWorkers(): number {
  const cores = navigator.hardwareConcurrency ?? 1;
  return Math.min(MAX_WORKERS, Math.max(1, cores));
}

/**
 * Throws unless `value` is a positive integer (a TypeError for a value that
 * is not a number, a RangeError for one out of range, `max` included);
 * returns it.
 */
export function positive(name: string, value: unknown, max = Infinity): number {
  const what = `Cannot explore in parallel: ${name} must be a positive integer`;
  if (typeof value !== "number") {
    const shown = typeof value === "string"
      ? JSON.stringify(value)
      : value === null || typeof value !== "object"
      ? String(value)
      : "an object";
    throw new TypeError(`${what}, received ${shown}`);
  }
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`${what}, received ${value}`);
  }
  if (value > max) {
    throw new RangeError(
      `${what} of at most ${max}, received ${value}`,
    );
  }
  return value;
}

/** Whether `value` is plain data, which JSON.stringify writes faithfully. */
function plain(value: unknown): boolean {
  if (value === null) return true;
  switch (typeof value) {
    case "string":
    case "boolean":
      return true;
    case "number":
      return Number.isFinite(value);
    case "object": {
      if (Array.isArray(value)) return value.every(plain);
      if (Object.getPrototypeOf(value) !== Object.prototype) return false;
      return Object.values(value as object).every(plain);
    }
    default:
      return false;
  }
}

/**
 * The last model built in this thread, by its source's JSON: a warm pool's
 * Workers, and the parent, build a model once for a run of searches of it
 * (building one costs as much as exploring tens of thousands of states).
 */
let last: { key: string; model: PackedModel<unknown, unknown> } | null = null;

/**
 * Returns the packed fast path of the model `source` names, built by its
 * factory, or the one built last in this thread for the same source (only
 * when its arguments are plain data, so equal JSON means equal arguments).
 */
export async function loadPackedModel(
  source: SourceLike,
): Promise<PackedModel<unknown, unknown>> {
  const args = source.args ?? [];
  const key = plain(args)
    ? JSON.stringify([source.module, source.factory, args])
    : null;
  if (key !== null && last?.key === key) return last.model;
  const model = await buildModel(source);
  if (key !== null) last = { key, model };
  return model;
}

/** Imports the source's module and returns its model's packed fast path. */
async function buildModel(
  source: SourceLike,
): Promise<PackedModel<unknown, unknown>> {
  const module = await import(source.module);
  const factory = module[source.factory];
  if (typeof factory !== "function") {
    throw new TypeError(
      `Cannot explore in parallel: ${source.module} exports no function ${source.factory}`,
    );
  }
  const model = factory(...(source.args ?? []));
  if (model?.packed === undefined) {
    throw new TypeError(
      `Cannot explore in parallel: the model of ${source.factory} has no packed fast path`,
    );
  }
  return model.packed;
}
