// Copyright 2025 the ringproof authors. MIT license.
/**
 * What the live section draws, without the DOM: the production ring's cells
 * from a sample of its values, and the throughput plot's scale.
 *
 * @module
 */

import type { RingSnapshot } from "../../mod.ts";
import type { CellView, RingView } from "./state_view.ts";

/**
 * The drawing of the production ring. The producer pushes 0, 1, 2, …, so
 * item `k` lands in cell `k % slots`: from `published` (the items published
 * when the header was read) each value says whether it is between `out` and
 * `in` (an item), written but not yet published (the producer is inside
 * `push`), or already consumed (stale).
 *
 * @param values Each cell's value, from cell 0.
 * @param snapshot The ring's header, read before the values.
 * @param published Items published when the header was read.
 * @returns The view for `drawRing`.
 */
export function liveRingView(
  values: readonly number[],
  snapshot: Pick<
    RingSnapshot,
    | "slots"
    | "size"
    | "in"
    | "out"
    | "inSlot"
    | "outSlot"
    | "capacity"
  >,
  published: number,
): RingView {
  const { slots } = snapshot;
  const oldest = published - snapshot.size;
  const cells = values.map((value, i): CellView => {
    const written = published >= slots || i <= published;
    const kind = !written
      ? "empty"
      : value >= published
      ? "unpublished"
      : value >= oldest
      ? "item"
      : "stale";
    return {
      text: kind === "empty" ? "·" : String(value),
      kind,
      changed: false,
    };
  });
  return {
    cells,
    inSlot: snapshot.inSlot,
    outSlot: snapshot.outSlot,
    inText: `in = ${snapshot.in}`,
    outText: `out = ${snapshot.out}`,
    inChanged: false,
    outChanged: false,
    centre: [`${snapshot.size} in ring`, `capacity ${snapshot.capacity}`],
  };
}

/**
 * A round number at or above `x`: 1, 2 or 5 times a power of ten, at least 10.
 *
 * @param x The largest value to show.
 * @returns The top of the scale.
 */
export function niceCeil(x: number): number {
  if (x <= 10) return 10;
  const power = 10 ** Math.floor(Math.log10(x));
  const step = [1, 2, 5, 10].find((m) => m * power >= x)!;
  return step * power;
}
