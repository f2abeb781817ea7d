// Copyright 2025 the ringproof authors. MIT license.
// The sequence ring's adapter to the lockstep driver (driver.ts), behind
// checkSequenceRing(): the model's state graph on its packed fast path; from
// each node every process's next step taken on the model and, after
// restoring the ring's saved state, performed on the ring; the ring's state
// mapped through the abstraction function (sequence_side.ts) and compared
// with the model's, packed word for word.

import type { BufferState } from "../bounded_buffer.ts";
import { itemName } from "../bounded_buffer.ts";
import type {
  SequenceCheckReport,
  SequenceFailure,
  SequenceObservation,
  SequenceRow,
} from "./sequence_types.ts";
import {
  cloneShadow,
  Driver,
  FINE,
  type SequenceContext,
  type Shadow,
  type Step,
} from "./sequence_side.ts";
import {
  type Found,
  lockstep,
  type LockstepAdapter,
  verdictOf,
} from "./driver.ts";
import { table as columns } from "./table.ts";
import { sequenceAlone } from "./alone_sides.ts";

type Result = Omit<SequenceCheckReport, "config" | "explored">;

function same(a: Int32Array, b: Int32Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** One step checked on both sides. */
interface Checked {
  readonly after: Int32Array | null;
  readonly call: string;
  readonly observation?: SequenceObservation;
  readonly differing: readonly string[];
  readonly failure?: { property: string; message: string };
}

function check(
  driver: Driver,
  packed: Int32Array,
  shadow: Shadow,
  step: Step,
): Checked {
  const { model, ring } = driver.ctx;
  const label = `${driver.name(step.proc)} ${step.op}`;
  const after = driver.expect(packed, step);
  let outcome: { enabled: boolean; call: string };
  try {
    outcome = driver.perform(shadow, step);
  } catch (error) {
    const why = error instanceof Error
      ? `${error.name}: ${error.message}`
      : String(error);
    return {
      after,
      call: `threw ${why}`,
      differing: [],
      failure: {
        property: "error",
        message: `the ring threw on ${label}: ${why}`,
      },
    };
  }
  const observation = ring.observe();
  const base = { after, call: outcome.call, observation };
  if ((after === null) === outcome.enabled) {
    const message = after === null
      ? `the model blocks ${label}, but the ring's ${outcome.call}`
      : `the model takes ${label} (${
        driver.describe(packed, step)
      }), but the ring's ${outcome.call}`;
    return {
      ...base,
      differing: [],
      failure: { property: "enabled", message },
    };
  }
  const state = driver.abstract(observation, shadow);
  if (typeof state === "string") {
    return {
      ...base,
      differing: ["cells"],
      failure: { property: "cells", message: `after ${label}: ${state}` },
    };
  }
  let mine: Int32Array;
  try {
    mine = model.encode(state) as Int32Array;
  } catch (error) {
    return {
      ...base,
      differing: ["domain"],
      failure: {
        property: "domain",
        message: `after ${label} the ring left the model's domain: ${
          (error as Error).message
        }`,
      },
    };
  }
  const pm = model.packed;
  const broken = pm.invariantNames.filter((_, i) =>
    (pm.violations(mine, 0) >>> i) & 1
  );
  const expected = after ?? packed;
  if (broken.length > 0 || !same(mine, expected)) {
    const differing = driver.differing(pm.decode(expected, 0), state);
    const property = broken[0] ?? differing[0]!;
    const message = broken.length > 0
      ? `after ${label} the ring's state violates ${broken.join(", ")}`
      : `after ${label} the ring differs from the model in ${
        differing.join(", ")
      }`;
    return { ...base, differing, failure: { property, message } };
  }
  return { ...base, differing: [] };
}

/** A node: the model's packed state, the ring's saved state, the driver's shadow. */
interface SequenceNode {
  readonly packed: Int32Array;
  readonly shadow: Shadow;
  /** What the ring showed on arrival (the determinism check). */
  readonly shown: string;
  /** The ring's state, saved when the search keeps the node. */
  saved: unknown;
}

function shown(o: SequenceObservation): string {
  return `${o.in},${o.out}|${o.sequences}|${o.cells}`;
}

/** The sequence ring as a lockstep adapter. */
function sequenceAdapter(
  driver: Driver,
  states: Set<string>,
  first: { node?: SequenceNode },
): LockstepAdapter<SequenceNode, Step, Shadow> {
  const { ring } = driver.ctx;
  const P = driver.P + driver.C;
  return {
    root() {
      const node: SequenceNode = {
        packed: driver.ctx.model.packed.initial(),
        shadow: driver.initialShadow(),
        shown: shown(ring.observe()),
        saved: ring.save(),
      };
      first.node = node;
      const bad = check0(driver, node);
      if (bad !== null) return bad;
      states.add(node.packed.join());
      return node;
    },
    steps(node) {
      const steps: Step[] = [];
      for (let proc = 0; proc < P; proc++) {
        for (const op of driver.candidates(node.shadow, proc)) {
          steps.push({ proc, op });
        }
      }
      return steps;
    },
    enter(node) {
      ring.restore(node.saved);
      return shown(ring.observe()) === node.shown
        ? cloneShadow(node.shadow)
        : "restoring the ring's saved state gave a different state: the ring is not deterministic";
    },
    take(node, shadow, step) {
      const checked = check(driver, node.packed, shadow, step);
      driver.steps++;
      if (checked.failure !== undefined) return { failure: checked.failure };
      if (checked.after === null) {
        driver.blocked++;
        return { next: null };
      }
      if (step.op in FINE) driver.coarse++;
      else driver.fine++;
      states.add(checked.after.join());
      return {
        next: {
          packed: checked.after,
          shadow,
          shown: shown(checked.observation!),
          saved: undefined,
        },
      };
    },
    key: (node) => node.packed.join(),
    keep(node) {
      node.saved ??= ring.save();
    },
  };
}

/** Runs the lockstep check. */
export function runSequenceLockstep(ctx: SequenceContext): Result {
  const begin = performance.now();
  const driver = new Driver(ctx);
  const states = new Set<string>();
  const first: { node?: SequenceNode } = {};
  const { found, paths } = lockstep(
    sequenceAdapter(driver, states, first),
    ctx,
  );
  const result: Result = {
    verdict: verdictOf(found),
    model: {
      states: states.size,
      transitions: driver.fine,
      coarse: driver.coarse,
    },
    production: { steps: driver.steps, blocked: driver.blocked },
    seconds: (performance.now() - begin) / 1000,
  };
  if (ctx.coverage === "paths") result.paths = paths;
  if (found !== null && found !== "incomplete") {
    const root = first.node!;
    const failure: SequenceFailure = failureOf(driver, root, found);
    if (ctx.consequences) {
      failure.consequence = sequenceAlone(driver, root.saved);
    }
    result.failure = failure;
  }
  return result;
}

/** Compares a fresh ring with the model's initial state. */
function check0(
  driver: Driver,
  node: { readonly packed: Int32Array; readonly shadow: Shadow },
): { property: string; message: string } | null {
  const state = driver.abstract(driver.ctx.ring.observe(), node.shadow);
  if (typeof state === "string") {
    return { property: "cells", message: `the new ring: ${state}` };
  }
  const mine = driver.ctx.model.encode(state) as Int32Array;
  if (same(mine, node.packed)) return null;
  const differing = driver.differing(
    driver.ctx.model.packed.decode(node.packed, 0),
    state,
  );
  return {
    property: differing[0]!,
    message: `the new ring differs from the model's initial state in ${
      differing.join(", ")
    }`,
  };
}

/** Replays the path to the failure with every step checked, for the trace. */
function failureOf(
  driver: Driver,
  root: SequenceNode,
  found: Found<Step>,
): SequenceFailure {
  const steps = found.step === null ? found.path : [...found.path, found.step];
  const failure = { property: found.property, message: found.message };
  const { ring } = driver.ctx;
  ring.restore(root.saved);
  const shadow = driver.initialShadow();
  let packed = root.packed;
  const rows: SequenceRow[] = [{
    step: 0,
    process: "-",
    model: "initial state",
    call: "new ring",
    observation: ring.observe(),
    differing: [],
  }];
  const states = [driver.ctx.model.packed.decode(packed, 0)];
  for (const step of steps) {
    const model = driver.describe(packed, step);
    const checked = check(driver, packed, shadow, step);
    rows.push({
      step: rows.length,
      process: driver.name(step.proc),
      model,
      call: checked.call,
      ...(checked.observation ? { observation: checked.observation } : {}),
      differing: checked.differing,
    });
    packed = checked.after ?? packed;
    states.push(driver.ctx.model.packed.decode(packed, 0));
  }
  const table = `${
    sideBySide(rows, states, driver.items)
  }\n${failure.property}: ${failure.message}`;
  return { ...failure, trace: rows, table };
}

/** The model and the ring side by side; `≠` marks the ring's differing values. */
function sideBySide(
  rows: readonly SequenceRow[],
  states: readonly BufferState[],
  items: number,
): string {
  const raw = (v: number) => {
    if (v === 0) return "·";
    const id = v - 1;
    const p = Math.floor(id / items);
    return p >= 0 && p < 26
      ? itemName({ producer: p, seq: id - p * items })
      : `?${v}`;
  };
  const table = [
    "step process model in out seq cells | ring in out seq cells differs"
      .split(" "),
  ];
  rows.forEach((row, i) => {
    const m = states[i]!;
    const o = row.observation;
    const d = new Set(row.differing);
    const mark = (text: string | number, field: string) =>
      `${text}${d.has(field) ? "≠" : ""}`;
    table.push([
      String(row.step),
      row.process,
      row.model,
      String(m.in),
      String(m.out),
      `[${m.sequences!.join(" ")}]`,
      `[${m.cells.map((c) => itemName(c)).join(" ")}]`,
      "|",
      row.call,
      o ? mark(o.in, "in") : "",
      o ? mark(o.out, "out") : "",
      o ? `[${o.sequences.map((q, j) => mark(q, `seq[${j}]`)).join(" ")}]` : "",
      o
        ? `[${o.cells.map((v, j) => mark(raw(v), `cells[${j}]`)).join(" ")}]`
        : "",
      row.differing.join(" "),
    ]);
  });
  return `${columns(table)}\n(≠: the ring differs from the model)`;
}
