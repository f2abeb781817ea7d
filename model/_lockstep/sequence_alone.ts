// Copyright 2025 the ringproof authors. MIT license.
// What a disagreement leads to: the sequence ring explored on its own, each
// process taking whatever step the ring allows, judged only by the model's
// invariants on the production state (checkSequenceRing's `consequences`,
// as alone.ts does for the one-producer rings).

import type { SequenceConsequence, SequenceRow } from "./sequence_types.ts";
import { cloneShadow, type Driver, type Shadow } from "./sequence_side.ts";
import { table as columns } from "./table.ts";

/** Ring states explored on its own when looking for a consequence. */
const ALONE_MAX_STATES = 200_000;

interface AloneNode {
  readonly saved: unknown;
  readonly shadow: Shadow;
  readonly parent: number;
  readonly row: SequenceRow;
}

/** Explores the ring on its own from `initial` (a saved ring state), breadth-first. */
export function sequenceAlone(
  driver: Driver,
  initial: unknown,
): SequenceConsequence {
  const { ring, model } = driver.ctx;
  const pm = model.packed;
  ring.restore(initial);
  const first: SequenceRow = {
    step: 0,
    process: "-",
    model: "",
    call: "new ring",
    observation: ring.observe(),
    differing: [],
  };
  const nodes: AloneNode[] = [{
    saved: initial,
    shadow: driver.initialShadow(),
    parent: -1,
    row: first,
  }];
  const keys = new Set<string>();
  const finish = (
    at: number,
    property: string | null,
    message: string,
  ): SequenceConsequence => {
    const trace: SequenceRow[] = [];
    if (property !== null) {
      for (let i = at; i >= 0; i = nodes[i]!.parent) {
        trace.push(nodes[i]!.row);
      }
      trace.reverse();
    }
    const rows = trace.map((row, step) => ({ ...row, step }));
    return {
      property,
      message,
      trace: rows,
      table: rows.length === 0 ? message : `${aloneTable(rows)}\n${message}`,
      states: nodes.length,
    };
  };
  for (let head = 0; head < nodes.length; head++) {
    const node = nodes[head]!;
    let moved = false;
    for (let proc = 0; proc < driver.P + driver.C; proc++) {
      for (const op of driver.candidates(node.shadow, proc)) {
        ring.restore(node.saved);
        const shadow = cloneShadow(node.shadow);
        const label = `${driver.name(proc)} ${op}`;
        let outcome: { enabled: boolean; call: string };
        try {
          outcome = driver.perform(shadow, { proc, op });
        } catch (error) {
          nodes.push({
            saved: undefined,
            shadow,
            parent: head,
            row: { ...first, process: label, call: `threw ${error}` },
          });
          return finish(
            nodes.length - 1,
            "error",
            `on its own, the ring threw on step ${label}: ${error}`,
          );
        }
        if (!outcome.enabled) continue;
        moved = true;
        const observation = ring.observe();
        const key =
          `${observation.in},${observation.out}|${observation.sequences}|${observation.cells}|${
            JSON.stringify(shadow)
          }`;
        if (keys.has(key)) continue;
        keys.add(key);
        nodes.push({
          saved: ring.save(),
          shadow,
          parent: head,
          row: { ...first, process: label, call: outcome.call, observation },
        });
        const at = nodes.length - 1;
        const state = driver.abstract(observation, shadow);
        if (typeof state === "string") {
          return finish(at, "cells", `on its own, after ${label}: ${state}`);
        }
        let packed: Int32Array;
        try {
          packed = model.encode(state) as Int32Array;
        } catch (error) {
          return finish(
            at,
            "domain",
            `on its own, after ${label} the ring leaves the model's domain: ${
              (error as Error).message
            }`,
          );
        }
        const broken = pm.invariantNames.filter((_, i) =>
          (pm.violations(packed, 0) >>> i) & 1
        );
        if (broken.length > 0) {
          return finish(
            at,
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
    }
    if (!moved) {
      const state = driver.abstract(node.row.observation!, node.shadow);
      if (typeof state !== "string" && !(model.isEnd?.(state) ?? false)) {
        return finish(
          head,
          "deadlock-free",
          "on its own, the ring deadlocks: no step is possible, and this is no proper end state",
        );
      }
    }
  }
  return finish(
    0,
    null,
    `on its own, the ring breaks no model invariant in any of its ${nodes.length} reachable states: the disagreement is harmless here`,
  );
}

/** The ring alone, step by step. */
function aloneTable(rows: readonly SequenceRow[]): string {
  return columns([
    ["step", "process", "ring", "in", "out", "seq", "cells"],
    ...rows.map((row) => {
      const o = row.observation;
      return [
        String(row.step),
        row.process,
        row.call,
        o ? String(o.in) : "",
        o ? String(o.out) : "",
        o ? `[${o.sequences.join(" ")}]` : "",
        o ? `[${o.cells.join(" ")}]` : "",
      ];
    }),
  ]);
}
