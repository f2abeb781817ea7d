// Copyright 2025 the ringproof authors. MIT license.
/// <reference lib="dom" />
/**
 * Shows a {@linkcode Session}: the ring, the invariants (✓ holds / ✗ BROKEN,
 * in red and in words), the processes' program counters and locals, the
 * ghost counters, the enabled steps as buttons, and the path as a table.
 *
 * @module
 */

import {
  type BufferState,
  type ConsumerView,
  describeStep,
  itemName,
  type ProducerView,
} from "../../model/mod.ts";
import { byId, h } from "./_dom.ts";
import { blockedSteps } from "./blocked.ts";
import { drawRing } from "./ring_view.ts";
import type { Session } from "./session.ts";
import { bufferRingView } from "./state_view.ts";

/** What the program counter's next step does, per role. */
const OPS: Readonly<Record<string, string>> = {
  "P lock": "acquire the lock (compareExchange)",
  "P wait": "wait until not full (reads out)",
  "P write": "buffer[in] = next_produced",
  "P publish": "in = in + 1 (publish the item)",
  "P unlock": "release the lock",
  "P done": "done: every item produced",
  "C lock": "acquire the lock (compareExchange)",
  "C wait": "wait until not empty (reads in)",
  "C read": "next_consumed = buffer[out]",
  "C release": "out = out + 1 (release the cell)",
  "C unlock": "release the lock",
};

/** The same for sync "sequence" (Vyukov's queue), where the steps differ. */
const SEQUENCE_OPS: Readonly<Record<string, string>> = {
  "P load": "position = in",
  "P wait": "wait until seq[position] = position (cell free)",
  "P claim": "compareExchange(in, position, position + 1)",
  "P write": "buffer[position] = next_produced",
  "P publish": "seq[position] = position + 1 (publish the item)",
  "P done": "done: every item produced",
  "C load": "position = out",
  "C wait": "wait until seq[position] = position + 1 (item ready)",
  "C claim": "compareExchange(out, position, position + 1)",
  "C read": "next_consumed = buffer[position]",
  "C release": "seq[position] = position + BUFFER_SIZE (free the cell)",
};

/** Called with the step to take or show. */
export interface SessionHandlers {
  /** The user picked the n-th enabled step (from 0). */
  choose(index: number): void;
  /** The user picked a step of the path to show. */
  seek(index: number): void;
}

/** The state a process row belongs to, and whether the step shown moved it. */
interface RowContext {
  readonly state: BufferState;
  readonly acted: boolean;
}

/** Sync "sequence": a process's copy of `in`/`out` and the cell it designates. */
function positionText(
  position: number | undefined,
  state: BufferState,
): string {
  return position === undefined
    ? ""
    : `; position = ${position} (cell ${position % state.cells.length})`;
}

function producerRow(
  p: ProducerView,
  { state, acted }: RowContext,
): HTMLTableRowElement {
  const local = `next_produced = ${
    p.nextProduced === null ? "—" : itemName(p.nextProduced)
  }${p.slot === null ? "" : `; published slot ${p.slot}`}${
    positionText(p.position, state)
  }`;
  const claimed = p.claimed === undefined
    ? ""
    : `, ${p.claimed} claimed by consumers`;
  return processRow(p.name, {
    op: `P ${p.pc}`,
    local,
    ghost: `produced ${p.produced}${claimed}`,
    acted,
    sequence: state.sequences !== undefined,
  });
}

function consumerRow(
  c: ConsumerView,
  { state, acted }: RowContext,
): HTMLTableRowElement {
  const local = `next_consumed = ${
    c.nextConsumed === null ? "—" : itemName(c.nextConsumed)
  }${c.slot === null ? "" : `; released slot ${c.slot}`}${
    positionText(c.position, state)
  }`;
  const seen = c.seen.map((n, p) =>
    n === 0
      ? `${itemName({ producer: p, seq: 0 })[0]}: none`
      : `last ${itemName({ producer: p, seq: n - 1 })}`
  ).join(", ");
  return processRow(c.name, {
    op: `C ${c.pc}`,
    local,
    ghost: `took ${seen}`,
    acted,
    sequence: state.sequences !== undefined,
  });
}

function processRow(
  name: string,
  row: {
    op: string;
    local: string;
    ghost: string;
    acted: boolean;
    sequence: boolean;
  },
): HTMLTableRowElement {
  const { op, local, ghost, acted } = row;
  const pc = op.slice(2);
  const meaning = (row.sequence ? SEQUENCE_OPS[op] : undefined) ?? OPS[op] ??
    pc;
  return h(
    "tr",
    { "data-process": name, "data-pc": pc, class: acted ? "acted" : null },
    h("th", { scope: "row" }, acted ? `${name} ◀ moved` : name),
    h("td", {}, h("code", {}, pc), ` — ${meaning}`),
    h("td", {}, h("code", {}, local)),
    h("td", {}, ghost),
  );
}

function cellsText(state: BufferState, before: BufferState | null): string {
  const mark = (changed: boolean) => before !== null && changed ? "✱" : "";
  const cells = state.cells.map((cell, i) => {
    const was = before?.cells[i] ?? null;
    return `${itemName(cell)}${
      mark(was?.producer !== cell?.producer || was?.seq !== cell?.seq)
    }`;
  });
  const sequences = state.sequences?.map((seq, i) =>
    `${seq}${mark(before?.sequences?.[i] !== seq)}`
  );
  return `[${cells.join(" ")}]${
    sequences === undefined ? "" : ` seq [${sequences.join(" ")}]`
  }`;
}

function traceRows(
  session: Session,
  handlers: SessionHandlers,
): HTMLTableRowElement[] {
  const breaks = session.breaks();
  return session.path.map((step, i) => {
    const before = i === 0 ? null : session.path[i - 1]!.state;
    const mark = (value: number, was: number | undefined) =>
      `${value}${before !== null && was !== value ? "✱" : ""}`;
    const current = i === session.cursor;
    const broken = breaks[i]!;
    return h(
      "tr",
      {
        "data-step": i,
        class: `${current ? "current" : ""}${
          broken.length > 0 ? " broken" : ""
        }`,
        "aria-current": current ? "step" : null,
      },
      h(
        "td",
        {},
        h("button", {
          type: "button",
          class: "link",
          "aria-label": `show step ${i}`,
        }, String(i)),
      ),
      h("td", { "data-label": "process" }, step.action?.process ?? "—"),
      h(
        "td",
        { "data-label": "action" },
        step.action === null || before === null
          ? "initial state"
          : describeStep(step.action, { before, after: step.state }),
      ),
      h("td", { "data-label": "in" }, mark(step.state.in, before?.in)),
      h("td", { "data-label": "out" }, mark(step.state.out, before?.out)),
      h(
        "td",
        { "data-label": "cells" },
        h("code", {}, cellsText(step.state, before)),
      ),
      h(
        "td",
        { "data-label": broken.length === 0 ? null : "breaks" },
        broken.length === 0 ? "" : `✗ ${broken.join(", ")}`,
      ),
    );
  }).map((row, i) => {
    row.querySelector("button")!.addEventListener(
      "click",
      () => handlers.seek(i),
    );
    return row;
  });
}

/**
 * Redraws everything the explore section shows about the session.
 *
 * @param session The session.
 * @param handlers What the step buttons and the path's rows do.
 */
export function renderSession(
  session: Session,
  handlers: SessionHandlers,
): void {
  const state = session.state;
  const before = session.before;
  const { model } = session;
  const view = bufferRingView(state, {
    before,
    action: session.path[session.cursor]!.action,
    capacity: model.capacity,
    counter: model.config.scheme === "counter",
  });
  drawRing(byId("ring", SVGSVGElement), view);
  byId("legend-sequence", HTMLElement).hidden = state.sequences === undefined;
  const checks = session.checks();
  // The broken invariants under the ring too: on a phone the list is a
  // screen further down.
  const broken = checks.filter((c) => !c.holds).map((c) => c.name);
  byId("ring-caption", HTMLElement).textContent =
    `Step ${session.cursor}: ${view.inText}, ${view.outText}; ${
      view.centre.join(", ")
    }.${broken.length === 0 ? "" : ` ✗ ${broken.join(", ")} BROKEN.`}`;

  byId("invariants", HTMLUListElement).replaceChildren(
    ...checks.map((check) => {
      const status = check.holds
        ? check.brokenAt === null
          ? "holds"
          : `holds (was broken at step ${check.brokenAt})`
        : `BROKEN${
          check.brokenAt === null ? "" : ` since step ${check.brokenAt}`
        }`;
      return h(
        "li",
        {
          class: check.holds ? "ok" : "broken",
          "data-invariant": check.name,
          "data-status": check.holds ? "holds" : "broken",
        },
        h(
          "span",
          { class: "icon", "aria-hidden": "true" },
          check.holds ? "✓" : "✗",
        ),
        h("strong", {}, check.name),
        ` ${status}`,
        h("span", { class: "meaning" }, check.meaning),
      );
    }),
  );
  byId("facts", HTMLElement).textContent = session.facts().map((fact) =>
    `Fact ${fact.name} (the buffer holds ${model.capacity} items): ${
      fact.at === null
        ? "not reached on this path yet"
        : `reached at step ${fact.at}`
    }.`
  ).join(" ");

  const acted = session.path[session.cursor]!.action?.process;
  byId("processes", HTMLTableElement).tBodies[0]!.replaceChildren(
    ...state.producers.map((p) =>
      producerRow(p, { state, acted: p.name === acted })
    ),
    ...state.consumers.map((c) =>
      consumerRow(c, { state, acted: c.name === acted })
    ),
  );
  const produced = state.producers.reduce((n, p) => n + p.produced, 0);
  const consumed = state.consumed.flat().filter((x) => x).length;
  byId("ghost", HTMLElement).textContent =
    `Ghost counters: produced ${produced}, consumed ${consumed}; held ${state.itemsInBuffer} = written and not yet read (what bound counts against the capacity ${model.capacity})${
      view.published === undefined
        ? ""
        : `; published ${view.published} = in − out${
          model.config.scheme === "textbook" ? ` mod ${state.cells.length}` : ""
        } (what the full and empty tests see)`
    }${state.lock ? "; the lock is held" : ""}.`;

  const choices = session.choices();
  byId("choices", HTMLOListElement).replaceChildren(
    ...choices.map((choice, i) => {
      const button = h(
        "button",
        {
          type: "button",
          "data-process": choice.action.process,
          "data-op": choice.action.op,
          "aria-keyshortcuts": i < 9 ? String(i + 1) : null,
        },
        h("kbd", { "aria-hidden": "true" }, i < 9 ? String(i + 1) : "·"),
        ` ${choice.label}`,
      );
      button.addEventListener("click", () => handlers.choose(i));
      return h("li", {}, button);
    }),
    ...blockedSteps(model, state).map((b) =>
      h(
        "li",
        { class: "blocked", "data-process": b.process, "data-op": b.op },
        h("span", { class: "icon", "aria-hidden": "true" }, "⏸"),
        `${b.process} ${b.op} — blocked: `,
        h("code", {}, b.reason),
      )
    ),
  );
  byId("choice-status", HTMLElement).textContent = choices.length > 0
    ? ""
    : session.atEnd()
    ? "■ End: every item was produced and consumed; no process has a step left."
    : "✗ DEADLOCK: no process can take a step, yet this is not a proper end.";

  const last = session.path.length - 1;
  byId("position", HTMLElement).textContent =
    `step ${session.cursor} of ${last}`;
  byId("first", HTMLButtonElement).disabled = session.cursor === 0;
  byId("prev", HTMLButtonElement).disabled = session.cursor === 0;
  byId("next", HTMLButtonElement).disabled = session.cursor === last;
  byId("last", HTMLButtonElement).disabled = session.cursor === last;
  byId("undo", HTMLButtonElement).disabled = last === 0;
  byId("trace", HTMLTableElement).tBodies[0]!.replaceChildren(
    ...traceRows(session, handlers),
  );
}
