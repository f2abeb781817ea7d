// Copyright 2025 the ringproof authors. MIT license.
/// <reference lib="dom" />
/**
 * What both views of the proof section draw: a state on the ring (a
 * counterexample's figure) and the table of obligations.
 *
 * @module
 */

import type { BufferAction, BufferState } from "../../model/mod.ts";
import { h, s } from "./_dom.ts";
import { drawRing } from "./ring_view.ts";
import { bufferRingView } from "./state_view.ts";

/**
 * A state drawn on the ring, with a caption; given `before` and `action`,
 * the cells and indices the step changed are marked.
 */
export function ringFigure(
  caption: string,
  state: BufferState,
  options: {
    before?: BufferState;
    action?: BufferAction;
    capacity: number;
    counter?: boolean;
  },
): HTMLElement {
  const svg = s("svg", { viewBox: "0 0 400 400", class: "cti-ring" });
  drawRing(svg, bufferRingView(state, options));
  return h(
    "figure",
    { class: "ring-figure" },
    svg,
    h("figcaption", {}, caption),
  );
}

/**
 * The obligations table: a row per obligation under the headings
 * "obligation", "status" and `third` (what was checked, or the solver's time).
 */
export function obligationsTable(
  third: string,
  rows: readonly HTMLTableRowElement[],
): HTMLTableElement {
  return h(
    "table",
    { class: "obligations" },
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        h("th", { scope: "col" }, "obligation"),
        h("th", { scope: "col" }, "status"),
        h("th", { scope: "col" }, third),
      ),
    ),
    h("tbody", {}, ...rows),
  );
}
