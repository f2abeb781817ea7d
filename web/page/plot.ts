// Copyright 2025 the ringproof authors. MIT license.
/// <reference lib="dom" />
/**
 * A small line plot in SVG (viewBox `0 0 420 160`): the last samples of one
 * series, its scale written on the axis, and an optional labelled limit
 * line (dashed, so it reads without colour).
 *
 * @module
 */

import { s } from "./_dom.ts";

const W = 420;
const H = 160;
const LEFT = 48;
const TOP = 12;
const BOTTOM = 24;

/** What {@linkcode drawPlot} draws. */
export interface PlotOptions {
  /** The top of the scale. */
  max: number;
  /** A horizontal limit line and its label, e.g. `capacity 7`. */
  limit?: { value: number; label: string };
  /** The unit after the latest value, e.g. `items`. */
  unit: string;
  /** How many samples fit across. */
  width: number;
}

/**
 * Redraws `svg` with the samples, oldest first.
 *
 * @param svg The plot, emptied first.
 * @param samples The values.
 * @param options The scale, the limit line, the unit and the width in samples.
 */
export function drawPlot(
  svg: SVGSVGElement,
  samples: readonly number[],
  options: PlotOptions,
): void {
  const max = Math.max(options.max, 1);
  const x = (i: number) => LEFT + ((W - LEFT - 8) * i) / (options.width - 1);
  const y = (v: number) =>
    TOP + (H - TOP - BOTTOM) * (1 - Math.min(v, max) / max);
  const shown = samples.slice(-options.width);
  const points = shown.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`);
  const latest = shown[shown.length - 1];
  const children: SVGElement[] = [
    s("line", { x1: LEFT, y1: y(0), x2: W - 8, y2: y(0), class: "axis" }),
    s("line", { x1: LEFT, y1: TOP, x2: LEFT, y2: y(0), class: "axis" }),
    s(
      "text",
      { x: LEFT - 6, y: y(max), class: "tick", "text-anchor": "end" },
      String(Math.round(max)),
    ),
    s(
      "text",
      { x: LEFT - 6, y: y(0), class: "tick", "text-anchor": "end" },
      "0",
    ),
    s("polyline", { points: points.join(" "), class: "series" }),
    s(
      "text",
      { x: W - 8, y: H - 6, class: "tick", "text-anchor": "end" },
      latest === undefined
        ? "no samples yet"
        : `now: ${Math.round(latest)} ${options.unit}`,
    ),
  ];
  if (options.limit !== undefined) {
    const ly = y(options.limit.value);
    children.push(
      s("line", { x1: LEFT, y1: ly, x2: W - 8, y2: ly, class: "limit" }),
      s(
        "text",
        { x: LEFT + 4, y: ly - 4, class: "limit-label" },
        options.limit.label,
      ),
    );
  }
  svg.replaceChildren(...children);
  svg.dataset.samples = String(shown.length);
  svg.dataset.latest = latest === undefined ? "" : String(latest);
  svg.dataset.max = String(max);
}
