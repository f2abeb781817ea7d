// Copyright 2025 the ringproof authors. MIT license.
// Tables a student can read: the model and the ring side by side (with the
// ring's values that differ marked ≠), and the ring on its own.

import { rawName } from "./abstraction.ts";
import type { BufferState } from "../bounded_buffer.ts";
import type {
  LockstepRow,
  RingConfig,
  RingObservation,
  RingRow,
  RingStep,
} from "./ring_types.ts";

type Scheme = RingConfig["scheme"];

/** Rows of cells as aligned columns. */
export function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, col) =>
    Math.max(...rows.map((row) => [...row[col]!].length))
  );
  return rows.map((row) =>
    row.map((cell, col) => cell.padEnd(widths[col]!)).join("  ").trimEnd()
  ).join("\n");
}

/** `in` as shown: the index, and for counters also the slot it designates. */
function index(value: number, slot: number, scheme: Scheme): string {
  return scheme === "counter" ? `${value} (${slot})` : String(value);
}

/** The header of one side: its label, `in`, `out` and the cells. */
function sideHeader(label: string, scheme: Scheme): string[] {
  const slot = scheme === "counter" ? " (slot)" : "";
  return [label, `in${slot}`, `out${slot}`, "cells"];
}

function modelCells(state: BufferState): string[] {
  return state.cells.map((c) => c === null ? "·" : `a${c.seq}`);
}

function processOf(action: RingStep | null): string {
  return action?.process ?? "-";
}

/**
 * The model and the ring side by side, one row per step; `≠` marks each of
 * the ring's values that differs from the model's.
 */
export function sideBySide(
  rows: readonly LockstepRow[],
  items: number,
  scheme: Scheme,
): string {
  const model = ["step", "process", ...sideHeader("model", scheme)];
  const out: string[][] = [[...model, "|", ...sideHeader("ring", scheme)]];
  for (const row of rows) {
    const m = row.modelState;
    const o = row.observation;
    const differs = new Set(row.differing);
    const mark = (text: string, ...fields: string[]) =>
      fields.some((f) => differs.has(f)) ? `${text}≠` : text;
    out.push([
      String(row.step),
      processOf(row.action),
      row.model,
      index(m.in, m.inSlot, scheme),
      index(m.out, m.outSlot, scheme),
      `[${modelCells(m).join(" ")}]`,
      "|",
      row.call + (differs.has("next_consumed") ? " ≠" : ""),
      o === undefined
        ? ""
        : mark(index(o.in, o.inSlot, scheme), "in", "inSlot"),
      o === undefined
        ? ""
        : mark(index(o.out, o.outSlot, scheme), "out", "outSlot"),
      o === undefined
        ? ""
        : `[${
          o.cells.map((v, i) => mark(rawName(v, items), `cells[${i}]`, "cells"))
            .join(" ")
        }]`,
    ]);
  }
  return `${table(out)}\n(≠: the ring differs from the model)`;
}

function ringCells(o: RingObservation, items: number): string {
  return `[${o.cells.map((v) => rawName(v, items)).join(" ")}]`;
}

/** The ring on its own: its state and the driver's ghost counters per step. */
export function ringTable(
  rows: readonly RingRow[],
  items: number,
  scheme: Scheme,
): string {
  const head = ["step", "process", ...sideHeader("ring", scheme)];
  const out: string[][] = [[...head, "pcs", "produced", "consumed"]];
  for (const row of rows) {
    const o = row.observation;
    const s = row.state;
    out.push([
      String(row.step),
      processOf(row.action),
      row.call,
      o === undefined ? "" : index(o.in, o.inSlot, scheme),
      o === undefined ? "" : index(o.out, o.outSlot, scheme),
      o === undefined ? "" : ringCells(o, items),
      s === undefined
        ? ""
        : `P0:${s.producers[0]!.pc} C0:${s.consumers[0]!.pc}`,
      s === undefined ? "" : String(s.producers[0]!.produced),
      s === undefined ? "" : String(s.consumers[0]!.seen[0]),
    ]);
  }
  return table(out);
}
