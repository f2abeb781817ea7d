// Copyright 2025 the ringproof authors. MIT license.
/**
 * What the ring drawing shows for a model state: each cell's content and
 * kind (and, for sync `"sequence"`, its sequence number), where `in` and
 * `out` point, which positions processes have claimed, and what the step
 * changed. Pure, so the tests can check it without a browser.
 *
 * @module
 */

import {
  type BufferAction,
  type BufferState,
  itemName,
} from "../../model/mod.ts";

/**
 * A cell's kind: a published item (between `out` and `in`), an item written
 * but not yet published (its producer's next step is `publish`), a stale
 * (already consumed) one, or never written.
 */
export type CellKind = "item" | "unpublished" | "stale" | "empty";

/** One cell of the drawing. */
export interface CellView {
  /** The text in the cell: an item id (`a0`) or `·`. */
  readonly text: string;
  /** Its kind. */
  readonly kind: CellKind;
  /** Whether the step shown changed it (its item or its sequence number). */
  readonly changed: boolean;
  /** Whether the step shown read it (a consumer's `read`). */
  readonly read?: boolean;
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
  /** Items written and not yet read (what `bound` counts), if known. */
  readonly held?: number;
  /** Items published: `in − out` (mod `BUFFER_SIZE` for the textbook). */
  readonly published?: number;
  /** Sync `"sequence"` only: the processes between their claim and their publish/release. */
  readonly claims?: readonly ClaimView[];
}

function pointerText(name: string, value: number, slot: number): string {
  return value === slot
    ? `${name} = ${value}`
    : `${name} = ${value} (slot ${slot})`;
}

/** How many cells `in − out` spans: the published items. */
function publishedCount(
  state: BufferState,
  n: number,
  counter: boolean,
): number {
  if (counter) return Math.min(n, (state.in - state.out) >>> 0);
  return state.inSlot === state.in && state.cells.length === n &&
      state.in < n && state.out < n
    ? (state.in - state.out + n) % n
    : state.in - state.out;
}

/** The cell a consumer's `read` step takes its item from. */
function readSlot(
  before: BufferState,
  action: BufferAction | null | undefined,
): number | null {
  if (action?.op !== "read") return null;
  const c = before.consumers.find((x) => x.name === action.process);
  if (c === undefined) return null;
  const n = before.cells.length;
  if (c.slot !== null) return c.slot;
  if (c.position !== undefined) return c.position % n;
  return before.outSlot;
}

/**
 * The drawing of a model state.
 *
 * @param state The state shown.
 * @param options The state before the step shown and that step (to mark
 * changes and the cell read), the model's capacity, and whether `in`/`out`
 * are 32-bit counters.
 * @returns The view for `drawRing`.
 */
export function bufferRingView(
  state: BufferState,
  options: {
    before?: BufferState;
    action?: BufferAction | null;
    capacity: number;
    counter?: boolean;
  },
): RingView {
  const before = options.before ?? state;
  const n = state.cells.length;
  const sequence = state.sequences !== undefined;
  const published = sequence
    ? undefined
    : publishedCount(state, n, options.counter ?? false);
  const inRange = new Set<number>();
  for (let k = 0; k < (published ?? 0) && k < n; k++) {
    inRange.add((state.outSlot + k) % n);
  }
  const released = new Set(
    state.consumers.flatMap((c) => c.slot === null ? [] : [c.slot]),
  );
  const publishing = [...state.producers].filter((p) => p.pc === "publish");
  const read = readSlot(before, options.action);
  const unpublished = (i: number): boolean => {
    if (publishing.length === 0) return false;
    if (sequence) {
      return publishing.some((p) =>
        p.position !== undefined && p.position % n === i
      );
    }
    return !inRange.has(i) && !released.has(i);
  };
  const cells = state.cells.map((cell, i): CellView => {
    const was = before.cells[i] ?? null;
    const seq = state.sequences?.[i];
    const changed = was?.producer !== cell?.producer ||
      was?.seq !== cell?.seq || before.sequences?.[i] !== seq;
    const extra = {
      ...(seq === undefined ? {} : { seq }),
      ...(read === i ? { read: true } : {}),
    };
    if (cell === null) return { text: "·", kind: "empty", changed, ...extra };
    const consumed = state.consumed[cell.producer]?.[cell.seq] ?? false;
    return {
      text: itemName(cell),
      kind: consumed ? "stale" : unpublished(i) ? "unpublished" : "item",
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
      `held ${state.itemsInBuffer} of ${capacity}`,
      ...(published === undefined ? [] : [`published ${published}`]),
      ...(state.lock ? ["lock held"] : []),
      ...(claims.length > 0
        ? [
          `claimed: ${claims.map((c) => `${c.process}→${c.slot}`).join(" ")}`,
        ]
        : []),
    ],
    held: state.itemsInBuffer,
    ...(published === undefined ? {} : { published }),
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

/** How a cell's text is drawn: the text, its font size, and whether along the radius. */
export interface CellText {
  /** The text (perhaps shortened to its last characters after `…`). */
  readonly text: string;
  /** The font size. */
  readonly size: number;
  /** Whether it is drawn along the radius (a narrow cell of a large ring). */
  readonly radial: boolean;
}

/**
 * A cell's text and font size so that it fits: across the cell in smaller
 * type first (down to 8), then along the radius (the cell's depth), then
 * the last characters after an ellipsis (`…3456`).
 *
 * @param content The text.
 * @param font The preferred font size.
 * @param room The cell's width along the ring and its depth, in the same units.
 * @returns How to draw it.
 */
export function fitCellText(
  content: string,
  font: number,
  room: { arc: number; depth: number },
): CellText {
  const width = (chars: number, size: number) => chars * size * 0.62;
  const across = room.arc * 0.86;
  const n = content.length;
  if (width(n, font) <= across) {
    return { text: content, size: font, radial: false };
  }
  const size = Math.max(8, across / (0.62 * n));
  if (width(n, size) <= across) return { text: content, size, radial: false };
  const along = room.depth * 0.8;
  const radialSize = Math.min(font, along / (0.62 * n), room.arc * 0.8);
  if (radialSize >= 7) return { text: content, size: radialSize, radial: true };
  const keep = Math.max(1, Math.floor(along / (0.62 * 7)) - 1);
  return { text: `…${content.slice(-keep)}`, size: 7, radial: true };
}
