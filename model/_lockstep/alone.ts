// Copyright 2025 the ringproof authors. MIT license.
// What a disagreement leads to (the lockstep checks' `consequences`): a ring
// explored on its own, breadth-first, each process taking whatever step the
// ring allows, judged only by the model's invariants on the production
// state. The search and the judging are here; what a node, a step and a row
// are is the ring kind's (alone_sides.ts).

import type { BufferModel, BufferState } from "../bounded_buffer.ts";

/** Ring states explored on its own when looking for a consequence. */
const ALONE_MAX_STATES = 200_000;

/** One step of the ring alone: it threw, was blocked, or moved to a state. */
export type AloneMove<N, R> =
  | { readonly threw: unknown; readonly label: string; readonly row: R }
  | { readonly enabled: false }
  | {
    readonly enabled: true;
    readonly label: string;
    /** The ring's state and the driver's bookkeeping, as a key. */
    readonly key: string;
    readonly row: R;
    /** The model state the ring shows, or why it shows none. */
    readonly state: BufferState | string;
    /** The node to keep (made only when the key is new). */
    node(): N;
  };

/** A ring kind's side of the exploration alone. `N`: a node, `R`: a trace row. */
export interface AloneSide<N, R> {
  readonly model: BufferModel;
  /** The fresh ring. */
  root(): { readonly node: N; readonly key: string; readonly row: R };
  /** Every step from `node`, each performed on a ring in the node's state. */
  moves(node: N): Iterable<AloneMove<N, R>>;
  /** The model state a node's ring shows, if any (for the deadlock check). */
  state(node: N, row: R): BufferState | undefined;
  /** A trace as a table; `row` renumbered. */
  table(rows: readonly R[]): string;
  numbered(row: R, step: number): R;
}

/** What the ring breaks on its own. */
export interface Consequence<R> {
  property: string | null;
  message: string;
  trace: R[];
  table: string;
  states: number;
}

function outsideDomain(model: BufferModel, state: BufferState): string | null {
  try {
    model.encode(state);
    return null;
  } catch (error) {
    if (error instanceof RangeError || error instanceof TypeError) {
      return error.message;
    }
    throw error;
  }
}

function isEnd(model: BufferModel, state: BufferState): boolean {
  try {
    return model.isEnd?.(state) ?? false;
  } catch (error) {
    if (error instanceof RangeError || error instanceof TypeError) {
      return false;
    }
    throw error;
  }
}

/** What a state reached alone breaks first, or null. */
function judge(
  model: BufferModel,
  label: string,
  state: BufferState | string,
): { property: string; message: string } | null {
  if (typeof state === "string") {
    return {
      property: "cells",
      message: `on its own, after ${label}: ${state}`,
    };
  }
  const outside = outsideDomain(model, state);
  if (outside !== null) {
    return {
      property: "domain",
      message:
        `on its own, after ${label} the ring leaves the model's domain: ${outside}`,
    };
  }
  const broken = Object.entries(model.invariants)
    .filter(([, holds]) => !holds(state))
    .map(([name]) => name);
  return broken.length === 0 ? null : {
    property: broken[0]!,
    message: `on its own, after ${label} the ring violates ${
      broken.join(", ")
    }`,
  };
}

/** Explores the ring of `side` on its own, breadth-first. */
export function exploreAlone<N, R>(side: AloneSide<N, R>): Consequence<R> {
  const root = side.root();
  const nodes = [{ node: root.node, parent: -1, row: root.row }];
  const keys = new Set([root.key]);
  const finish = (
    at: number,
    property: string | null,
    message: string,
  ): Consequence<R> => {
    const trace: R[] = [];
    if (property !== null) {
      for (let i = at; i >= 0; i = nodes[i]!.parent) trace.push(nodes[i]!.row);
      trace.reverse();
    }
    const rows = trace.map((row, step) => side.numbered(row, step));
    return {
      property,
      message,
      trace: rows,
      table: rows.length === 0 ? message : `${side.table(rows)}\n${message}`,
      states: nodes.length,
    };
  };
  for (let head = 0; head < nodes.length; head++) {
    const { node, row } = nodes[head]!;
    let moved = false;
    for (const move of side.moves(node)) {
      if ("threw" in move) {
        nodes.push({ node, parent: head, row: move.row });
        return finish(
          nodes.length - 1,
          "error",
          `on its own, the ring threw on step ${move.label}: ${move.threw}`,
        );
      }
      if (!move.enabled) continue;
      moved = true;
      if (keys.has(move.key)) continue;
      keys.add(move.key);
      nodes.push({ node: move.node(), parent: head, row: move.row });
      const bad = judge(side.model, move.label, move.state);
      if (bad !== null) {
        return finish(nodes.length - 1, bad.property, bad.message);
      }
      if (nodes.length >= ALONE_MAX_STATES) {
        return finish(
          0,
          null,
          `on its own, the ring broke no model invariant in the first ${nodes.length} states (search stopped)`,
        );
      }
    }
    const state = side.state(node, row);
    if (!moved && state !== undefined && !isEnd(side.model, state)) {
      return finish(
        head,
        "deadlock-free",
        "on its own, the ring deadlocks: no step is possible, and this is no proper end state",
      );
    }
  }
  return finish(
    0,
    null,
    `on its own, the ring breaks no model invariant in any of its ${nodes.length} reachable states: the disagreement is harmless here`,
  );
}
