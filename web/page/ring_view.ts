// Copyright 2025 the ringproof authors. MIT license.
/// <reference lib="dom" />
/**
 * Draws a ring of `BUFFER_SIZE` cells as an SVG circle: each cell with its
 * content and kind (by fill pattern and text, not colour alone), `in` as a
 * ▼ outside the ring and `out` as a ▲ inside it, and the step's changes
 * outlined with dashes. With sync `"sequence"` each cell also shows its
 * sequence number (`#3`) and a cell whose position a process has claimed
 * names that process (`#3 P0`) and is outlined.
 *
 * @module
 */

import { s } from "./_dom.ts";
import { type CellView, fitCellText, type RingView } from "./state_view.ts";

const C = 200;
const OUTER = 150;
const INNER = 100;

function polar(radius: number, degrees: number): [number, number] {
  const a = (degrees * Math.PI) / 180;
  return [C + radius * Math.cos(a), C + radius * Math.sin(a)];
}

function point([x, y]: [number, number]): string {
  return `${x.toFixed(2)} ${y.toFixed(2)}`;
}

/** The angle (degrees, 0 = east, clockwise) of cell `i`'s middle; cell 0 is at the top. */
function angleOf(i: number, n: number): number {
  return -90 + (360 * i) / n;
}

function sector(i: number, n: number): string {
  const step = 360 / n;
  const gap = Math.min(1.2, step * 0.06);
  const a0 = angleOf(i, n) - step / 2 + gap;
  const a1 = angleOf(i, n) + step / 2 - gap;
  const large = a1 - a0 > 180 ? 1 : 0;
  return [
    `M ${point(polar(OUTER, a0))}`,
    `A ${OUTER} ${OUTER} 0 ${large} 1 ${point(polar(OUTER, a1))}`,
    `L ${point(polar(INNER, a1))}`,
    `A ${INNER} ${INNER} 0 ${large} 0 ${point(polar(INNER, a0))}`,
    "Z",
  ].join(" ");
}

function arrow(tip: number, base: number, degrees: number): string {
  const half = 9;
  const [bx, by] = polar(base, degrees);
  const a = ((degrees + 90) * Math.PI) / 180;
  const dx = half * Math.cos(a);
  const dy = half * Math.sin(a);
  return `M ${point(polar(tip, degrees))} L ${point([bx + dx, by + dy])} L ${
    point([bx - dx, by - dy])
  } Z`;
}

function text(
  content: string,
  at: [number, number],
  attributes: Record<string, string | number> = {},
): SVGTextElement {
  return s("text", {
    x: at[0].toFixed(2),
    y: at[1].toFixed(2),
    "text-anchor": "middle",
    "dominant-baseline": "central",
    ...attributes,
  }, content);
}

function defs(): SVGDefsElement {
  return s(
    "defs",
    {},
    s(
      "pattern",
      {
        id: "hatch",
        width: 6,
        height: 6,
        patternUnits: "userSpaceOnUse",
        patternTransform: "rotate(45)",
      },
      s("rect", { width: 6, height: 6, class: "hatch-bg" }),
      s("line", { x1: 0, y1: 0, x2: 0, y2: 6, class: "hatch-line" }),
    ),
  );
}

function pointer(
  name: "in" | "out",
  slot: number,
  n: number,
  moved: boolean,
): SVGGElement {
  const degrees = angleOf(slot, n);
  const outside = name === "in";
  const tip = outside ? OUTER + 2 : INNER - 2;
  const base = outside ? OUTER + 20 : INNER - 20;
  const label = outside ? OUTER + 32 : INNER - 32;
  return s(
    "g",
    {
      class: `pointer pointer-${name}${moved ? " moved" : ""}`,
      "data-pointer": name,
      "data-slot": slot,
    },
    s("title", {}, `${name} points at cell ${slot}${moved ? " (moved)" : ""}`),
    s("path", { d: arrow(tip, base, degrees) }),
    text(name, polar(label, degrees), { class: "pointer-label" }),
    // A moved pointer says so in a word on its own line, away from the arrow.
    ...(moved
      ? [
        text("moved", below(polar(label, degrees), 13), {
          class: "pointer-moved",
        }),
      ]
      : []),
  );
}

function below([x, y]: [number, number], dy: number): [number, number] {
  return [x, y + dy];
}

/** A sequence number short enough for a cell: `#3`, or `#…646` near the wrap. */
function seqText(seq: number): string {
  return seq < 10_000 ? `#${seq}` : `#…${String(seq).slice(-3)}`;
}

/** Words for a cell's kind. */
const KIND_WORDS: Readonly<Record<CellView["kind"], string>> = {
  item: "item",
  unpublished: "written, not yet published",
  stale: "stale",
  empty: "empty",
};

/** The cell's tooltip and accessible description. */
function cellTitle(cell: CellView, i: number, holders: string[]): string {
  const content = cell.kind === "empty" ? "empty" : cell.text;
  const seq = cell.seq === undefined ? "" : `, sequence number ${cell.seq}`;
  const claimed = holders.length === 0
    ? ""
    : `, claimed by ${holders.join(" and ")}`;
  return `cell ${i}: ${content} (${KIND_WORDS[cell.kind]})${seq}${claimed}${
    cell.changed ? ", changed by this step" : ""
  }${cell.read ? ", read by this step" : ""}`;
}

/**
 * Redraws `svg` as the ring `view` (the circle is drawn in a 400 × 400
 * square; the viewBox adds room for the pointers' labels).
 *
 * @param svg The drawing, emptied first.
 * @param view The cells and pointers.
 */
export function drawRing(svg: SVGSVGElement, view: RingView): void {
  const n = view.cells.length;
  const step = 360 / n;
  const arc = (Math.PI * (OUTER + INNER) / 2 * step) / 180;
  const font = Math.max(7, Math.min(18, arc * 0.45));
  const showIndex = n <= 24;
  const claims = view.claims ?? [];
  const holdersOf = (i: number) =>
    claims.filter((c) => c.slot === i).map((c) => c.process);
  const cells = view.cells.map((cell, i) => {
    const degrees = angleOf(i, n);
    const holders = holdersOf(i);
    const small = Math.max(7, font * 0.55).toFixed(1);
    const label = fitCellText(
      `${cell.changed ? "✱" : ""}${cell.text}`,
      font,
      { arc, depth: OUTER - INNER - (showIndex ? 14 : 0) },
    );
    const at = polar((OUTER + INNER) / 2 - (showIndex ? 4 : 0), degrees);
    // Along the radius, upright: the left half of the ring reads inwards.
    const turn = Math.cos((degrees * Math.PI) / 180) < 0
      ? degrees + 180
      : degrees;
    const inner = [
      ...(cell.seq === undefined ? [] : [seqText(cell.seq), ...holders]),
      ...(cell.read ? ["read"] : []),
    ];
    return s(
      "g",
      {
        class: `cell cell-${cell.kind}${cell.changed ? " changed" : ""}${
          holders.length > 0 ? " claimed" : ""
        }${cell.read ? " read" : ""}`,
        "data-read": cell.read ? "true" : null,
        "data-cell": i,
        "data-kind": cell.kind,
        "data-text": cell.text,
        "data-seq": cell.seq ?? null,
        "data-claimed": holders.length > 0 ? holders.join(" ") : null,
      },
      s("title", {}, cellTitle(cell, i, holders)),
      s("path", { d: sector(i, n), class: "cell-shape" }),
      text(label.text, at, {
        class: "cell-text",
        "font-size": label.size.toFixed(1),
        ...(label.radial
          ? {
            transform: `rotate(${turn.toFixed(1)} ${at[0].toFixed(2)} ${
              at[1].toFixed(2)
            })`,
          }
          : {}),
      }),
      ...(showIndex
        ? [
          text(String(i), polar(OUTER - 9, degrees), {
            class: "cell-index",
            "font-size": small,
          }),
        ]
        : []),
      ...(inner.length === 0 ? [] : [
        text(
          inner.join(" "),
          polar(INNER + 9, degrees),
          { class: "cell-seq", "font-size": small },
        ),
      ]),
    );
  });
  const centre = view.centre.map((line, i) =>
    text(line, [C, C + (i - (view.centre.length - 1) / 2) * 18], {
      class: i === 0 ? "centre centre-main" : "centre",
    })
  );
  // Room around the circle for the pointers' labels, on every side.
  svg.setAttribute("viewBox", "-24 -4 448 424");
  svg.replaceChildren(
    defs(),
    ...cells,
    pointer("out", view.outSlot, n, view.outChanged),
    pointer("in", view.inSlot, n, view.inChanged),
    ...centre,
  );
  svg.dataset.inSlot = String(view.inSlot);
  svg.dataset.outSlot = String(view.outSlot);
  svg.setAttribute(
    "aria-label",
    `Ring of ${n} cells. ${view.inText}, ${view.outText}. Cells: ${
      view.cells.map((c, i) =>
        `${i} ${
          c.kind === "empty" ? "empty" : `${c.text} ${KIND_WORDS[c.kind]}`
        }${c.seq === undefined ? "" : ` seq ${c.seq}`}`
      )
        .join("; ")
    }.${
      claims.length === 0
        ? ""
        : ` Claimed: ${
          claims.map((c) => `${c.process} position ${c.position}`)
            .join(", ")
        }.`
    }`,
  );
}
