// Copyright 2025 the ringproof authors. MIT license.
/**
 * What the ring drawing shows for a model state: each cell's content and
 * kind (and, for sync `"sequence"`, its sequence number), where `in` and
 * `out` point, which positions processes have claimed, and what the step
 * changed. Pure, so the tests can check it without a browser.
 *
 * @module
 */

import { type BufferState, itemName } from "../../model/mod.ts";

/** A cell's kind: a live item, a stale (already consumed) one, or never written. */
export type CellKind = "item" | "stale" | "empty";

/** One cell of the drawing. */
export interface CellView {
  /** The text in the cell: an item id (`a0`) or `·`. */
  readonly text: string;
  /** Its kind. */
  readonly kind: CellKind;
  /** Whether the step shown changed it (its item or its sequence number). */
  readonly changed: boolean;
  /** Sync `"sequence"` only: the cell's sequence number. */
  readonly seq?: number;
}

/** Sync `"sequence"`: a process holding a claimed position. */
export interface ClaimView {
  /** `"P0"`, `"C1"`, … */
  readonly process: string;
  /** The position it claimed. */
  readonly position: number;
  /** The cell that position designates. */
  readonly slot: number;
}

/** Everything the ring drawing needs. */
export interface RingView {
  /** The cells, from 0. */
  readonly cells: readonly CellView[];
  /** The cell `in` designates. */
  readonly inSlot: number;
  /** The cell `out` designates. */
  readonly outSlot: number;
  /** E.g. `in = 2`, or `in = 4294967295 (slot 1)` for counters. */
  readonly inText: string;
  /** Like {@linkcode RingView.inText}. */
  readonly outText: string;
  /** Whether the step shown changed `in` / `out`. */
  readonly inChanged: boolean;
  /** Whether the step shown changed `out`. */
  readonly outChanged: boolean;
  /** Lines for the middle of the ring. */
  readonly centre: readonly string[];
  /** Sync `"sequence"` only: the processes between their claim and their publish/release. */
  readonly claims?: readonly ClaimView[];
}

function pointerText(name: string, value: number, slot: number): string {
  return value === slot
    ? `${name} = ${value}`
    : `${name} = ${value} (slot ${slot})`;
}

/**
 * The drawing of a model state.
 *
 * @param state The state shown.
 * @param options The state before the step shown (to mark changes) and the model's capacity.
 * @returns The view for `drawRing`.
 */
export function bufferRingView(
  state: BufferState,
  options: { before?: BufferState; capacity: number },
): RingView {
  const before = options.before ?? state;
  const n = state.cells.length;
  const cells = state.cells.map((cell, i): CellView => {
    const was = before.cells[i] ?? null;
    const seq = state.sequences?.[i];
    const changed = was?.producer !== cell?.producer ||
      was?.seq !== cell?.seq || before.sequences?.[i] !== seq;
    const extra = seq === undefined ? {} : { seq };
    if (cell === null) return { text: "·", kind: "empty", changed, ...extra };
    const consumed = state.consumed[cell.producer]?.[cell.seq] ?? false;
    return {
      text: itemName(cell),
      kind: consumed ? "stale" : "item",
      changed,
      ...extra,
    };
  });
  const capacity = Number.isFinite(options.capacity)
    ? String(options.capacity)
    : "∞";
  const claims = claimsOf(state, n);
  return {
    cells,
    inSlot: state.inSlot,
    outSlot: state.outSlot,
    inText: pointerText("in", state.in, state.inSlot),
    outText: pointerText("out", state.out, state.outSlot),
    inChanged: before.in !== state.in,
    outChanged: before.out !== state.out,
    centre: [
      `${state.itemsInBuffer} in buffer`,
      `capacity ${capacity}`,
      ...(state.lock ? ["lock held"] : []),
      ...(claims.length > 0
        ? [
          `claimed: ${claims.map((c) => `${c.process}→${c.slot}`).join(" ")}`,
        ]
        : []),
    ],
    claims,
  };
}

/** The steps between a claim and the publish (release) that ends it. */
const HOLDING = new Set(["write", "publish", "read", "release"]);

/** Sync `"sequence"`: the processes holding a claimed position. */
function claimsOf(state: BufferState, n: number): ClaimView[] {
  if (state.sequences === undefined) return [];
  return [...state.producers, ...state.consumers].flatMap((p) =>
    HOLDING.has(p.pc) && p.position !== undefined
      ? [{ process: p.name, position: p.position, slot: p.position % n }]
      : []
  );
}
