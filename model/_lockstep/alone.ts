// Copyright 2025 the ringproof authors. MIT license.
// What a disagreement leads to: the one-producer ring explored on its own,
// each process taking whatever step the ring allows, judged only by the
// model's invariants on the production state (checkRing's `consequences`).

import { abstractState } from "./abstraction.ts";
import { candidates, type Oracle, replay, Run } from "./oracle.ts";
import { ringTable } from "./table.ts";
import type { BufferState } from "../bounded_buffer.ts";
import type {
  RingConfig,
  RingConsequence,
  RingFactory,
  RingRow,
  RingStep,
} from "./ring_types.ts";

/** What the exploration of the ring alone needs. */
export interface AloneContext {
  readonly factory: RingFactory;
  readonly config: RingConfig;
  readonly items: number;
  readonly granularity: "fine" | "coarse" | "mixed";
}

/** Ring states explored on its own when looking for a consequence. */
const ALONE_MAX_STATES = 200_000;

/**
 * Explores the ring on its own, breadth-first: each process takes whatever
 * step the ring allows; the model only judges, through its invariants on
 * the production state. Finds what a disagreement leads to.
 */
export function alone(ctx: AloneContext, oracle: Oracle): RingConsequence {
  interface Node {
    path: RingStep[];
    pcs: [string, string];
    parent: number;
    row: RingRow;
  }
  const root = new Run(ctx.factory, ctx.config, ctx.items);
  const rowOf = (run: Run, step: RingStep | null, call: string): RingRow => {
    const observation = run.observe();
    const { state } = abstractState(observation, run.shadow, ctx.items);
    return {
      step: 0,
      action: step,
      call,
      observation,
      ...(state === undefined ? {} : { state }),
    };
  };
  const nodes: Node[] = [{
    path: [],
    pcs: [oracle.top, "wait"],
    parent: -1,
    row: rowOf(root, null, "new ring"),
  }];
  const keys = new Set([root.key()]);
  const finish = (
    at: number,
    property: string | null,
    message: string,
  ): RingConsequence => {
    const trace: RingRow[] = [];
    for (let i = at; i >= 0; i = nodes[i]!.parent) trace.push(nodes[i]!.row);
    trace.reverse();
    trace.forEach((row, step) => row.step = step);
    const rows = property === null ? [] : trace;
    return {
      property,
      message,
      trace: rows,
      table: rows.length === 0
        ? message
        : `${ringTable(rows, ctx.items, ctx.config.scheme)}\n${message}`,
      states: nodes.length,
    };
  };
  for (let head = 0; head < nodes.length; head++) {
    const node = nodes[head]!;
    let moved = false;
    for (const step of candidates(...node.pcs, ctx.granularity, oracle.top)) {
      const run = replay(ctx.factory, ctx.config, ctx.items, node.path);
      let call: string;
      let enabled: boolean;
      try {
        ({ call, enabled } = run.perform(step));
      } catch (error) {
        nodes.push({
          path: [...node.path, step],
          pcs: node.pcs,
          parent: head,
          row: { step: 0, action: step, call: `threw ${error}` },
        });
        return finish(
          nodes.length - 1,
          "error",
          `on its own, the ring threw on step ${step.process} ${step.op}: ${error}`,
        );
      }
      if (!enabled) continue;
      moved = true;
      const key = run.key();
      if (keys.has(key)) continue;
      keys.add(key);
      const row = rowOf(run, step, call);
      nodes.push({
        path: [...node.path, step],
        pcs: [run.shadow.producerPc, run.shadow.consumerPc],
        parent: head,
        row,
      });
      const label = `${step.process} ${step.op}`;
      if (row.state === undefined) {
        const { problem } = abstractState(
          row.observation!,
          run.shadow,
          ctx.items,
        );
        return finish(
          nodes.length - 1,
          "cells",
          `on its own, after ${label}: ${problem}`,
        );
      }
      const outside = outsideDomain(oracle, row.state);
      if (outside !== null) {
        return finish(
          nodes.length - 1,
          "domain",
          `on its own, after ${label} the ring leaves the model's domain: ${outside}`,
        );
      }
      const broken = oracle.violated(row.state);
      if (broken.length > 0) {
        return finish(
          nodes.length - 1,
          broken[0]!,
          `on its own, after ${label} the ring violates ${broken.join(", ")}`,
        );
      }
      if (nodes.length >= ALONE_MAX_STATES) {
        return finish(
          0,
          null,
          `on its own, the ring broke no model invariant in the first ${nodes.length} states (search stopped)`,
        );
      }
    }
    if (
      !moved && node.row.state !== undefined && !oracle.isEnd(node.row.state)
    ) {
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

function outsideDomain(oracle: Oracle, state: BufferState): string | null {
  try {
    oracle.model.encode(state);
    return null;
  } catch (error) {
    if (error instanceof RangeError || error instanceof TypeError) {
      return error.message;
    }
    throw error;
  }
}
