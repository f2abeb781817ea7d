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

/** Throws unless `value` is a positive integer; returns it. */
export function positive(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(
      `Cannot explore in parallel: ${name} must be a positive integer, received ${value}`,
    );
  }
  return value;
}

/** Imports the source's module and returns its model's packed fast path. */
export async function loadPackedModel(
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
