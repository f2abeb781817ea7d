// Copyright 2025 the ringproof authors. MIT license.
// The rings explored on their own (alone.ts) after a disagreement: the
// one-producer rings (each step on a fresh ring with its path replayed) and
// the sequence ring (saved and restored).

import { abstractState } from "./abstraction.ts";
import type { Oracle } from "./oracle.ts";
import { candidates, replay, Run } from "./run.ts";
import { ringTable } from "./table.ts";
import { type AloneMove, exploreAlone } from "./alone.ts";
import type {
  RingConfig,
  RingConsequence,
  RingFactory,
  RingRow,
  RingStep,
} from "./ring_types.ts";
import type { SequenceConsequence, SequenceRow } from "./sequence_types.ts";
import { cloneShadow, type Driver, type Shadow } from "./sequence_side.ts";
import { table as columns } from "./table.ts";

/** What the one-producer ring alone needs. */
export interface AloneContext {
  readonly factory: RingFactory;
  readonly config: RingConfig;
  readonly items: number;
  readonly granularity: "fine" | "coarse" | "mixed";
}

interface RingNode {
  readonly path: RingStep[];
  readonly pcs: [string, string];
}

/** The one-producer ring on its own, from a fresh ring. */
export function ringAlone(
  ctx: AloneContext,
  oracle: Oracle,
): RingConsequence {
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
  function* moves(node: RingNode): Iterable<AloneMove<RingNode, RingRow>> {
    for (const step of candidates(...node.pcs, ctx.granularity, oracle.top)) {
      const run = replay(ctx.factory, ctx.config, ctx.items, node.path);
      const label = `${step.process} ${step.op}`;
      let outcome: { call: string; enabled: boolean };
      try {
        outcome = run.perform(step);
      } catch (error) {
        yield {
          threw: error,
          label,
          row: { step: 0, action: step, call: `threw ${error}` },
        };
        return;
      }
      if (!outcome.enabled) {
        yield { enabled: false };
        continue;
      }
      const row = rowOf(run, step, outcome.call);
      yield {
        enabled: true,
        label,
        key: run.key(),
        row,
        state: row.state ??
          abstractState(row.observation!, run.shadow, ctx.items).problem!,
        node: () => ({
          path: [...node.path, step],
          pcs: [run.shadow.producerPc, run.shadow.consumerPc],
        }),
      };
    }
  }
  return exploreAlone<RingNode, RingRow>({
    model: oracle.model,
    root() {
      const run = new Run(ctx.factory, ctx.config, ctx.items);
      return {
        node: { path: [], pcs: [oracle.top, "wait"] },
        key: run.key(),
        row: rowOf(run, null, "new ring"),
      };
    },
    moves,
    state: (_, row) => row.state,
    table: (rows) => ringTable(rows, ctx.items, ctx.config.scheme),
    numbered: (row, step) => ({ ...row, step }),
  });
}

interface SequenceNode {
  readonly saved: unknown;
  readonly shadow: Shadow;
}

/** The sequence ring on its own, from the saved state `initial`. */
export function sequenceAlone(
  driver: Driver,
  initial: unknown,
): SequenceConsequence {
  const { ring } = driver.ctx;
  const keyOf = (shadow: Shadow) => {
    const o = ring.observe();
    return `${o.in},${o.out}|${o.sequences}|${o.cells}|${
      JSON.stringify(shadow)
    }`;
  };
  const rowOf = (process: string, call: string): SequenceRow => ({
    step: 0,
    process,
    model: "",
    call,
    observation: ring.observe(),
    differing: [],
  });
  function* moves(
    node: SequenceNode,
  ): Iterable<AloneMove<SequenceNode, SequenceRow>> {
    for (let proc = 0; proc < driver.P + driver.C; proc++) {
      for (const op of driver.candidates(node.shadow, proc)) {
        ring.restore(node.saved);
        const shadow = cloneShadow(node.shadow);
        const label = `${driver.name(proc)} ${op}`;
        let outcome: { enabled: boolean; call: string };
        try {
          outcome = driver.perform(shadow, { proc, op });
        } catch (error) {
          yield { threw: error, label, row: rowOf(label, `threw ${error}`) };
          return;
        }
        if (!outcome.enabled) {
          yield { enabled: false };
          continue;
        }
        const row = rowOf(label, outcome.call);
        yield {
          enabled: true,
          label,
          key: keyOf(shadow),
          row,
          state: driver.abstract(row.observation!, shadow),
          node: () => ({ saved: ring.save(), shadow }),
        };
      }
    }
  }
  return exploreAlone<SequenceNode, SequenceRow>({
    model: driver.ctx.model,
    root() {
      ring.restore(initial);
      const shadow = driver.initialShadow();
      return {
        node: { saved: initial, shadow },
        key: keyOf(shadow),
        row: rowOf("-", "new ring"),
      };
    },
    moves,
    state(node, row) {
      const state = driver.abstract(row.observation!, node.shadow);
      return typeof state === "string" ? undefined : state;
    },
    table: (rows) =>
      columns([
        ["step", "process", "ring", "in", "out", "seq", "cells"],
        ...rows.map((row) => {
          const o = row.observation!;
          return [
            String(row.step),
            row.process,
            row.call,
            String(o.in),
            String(o.out),
            `[${o.sequences.join(" ")}]`,
            `[${o.cells.join(" ")}]`,
          ];
        }),
      ]),
    numbered: (row, step) => ({ ...row, step }),
  });
}
