// Copyright 2025 the ringproof authors. MIT license.
// A model whose packed successor function throws once a thread has expanded
// `after` states: for exploreParallel()'s failure path (a Worker that fails
// mid-search must release the others wherever they wait).
import {
  boundedBuffer,
  type BufferModel,
  type BufferOptions,
} from "../model/mod.ts";

/**
 * `boundedBuffer(options)`, its packed successors throwing after `after`
 * calls in this thread. `run` only tells searches apart: a Worker builds a
 * model once per source, so each search that names a new `run` counts its
 * calls from 0.
 */
export function failingBuffer(
  options: BufferOptions,
  after: number,
  run: string,
): BufferModel {
  void run;
  const model = boundedBuffer(options);
  const packed = model.packed!;
  let calls = 0;
  const successors: typeof packed.successors = (...args) => {
    if (++calls > after) throw new Error("planted failure in successors");
    return packed.successors(...args);
  };
  return {
    ...model,
    packed: new Proxy(packed, {
      get(target, key) {
        if (key === "successors") return successors;
        const value = Reflect.get(target, key, target);
        return typeof value === "function" ? value.bind(target) : value;
      },
    }),
  };
}
