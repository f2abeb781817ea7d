// Copyright 2025 the ringproof authors. MIT license.
// The lockstep exploration behind checkSequenceRing(): the model's state
// graph walked breadth-first on its packed fast path; from each state every
// process's next step taken on the model and, after restoring the ring's
// saved state, performed on the ring; the ring's state mapped through the
// abstraction function and compared with the model's, packed word for word.

import type {
  BufferAction,
  BufferModel,
  BufferState,
  Item,
} from "../bounded_buffer.ts";
import type {
  SequenceCheckReport,
  SequenceFailure,
  SequenceObservation,
  SequenceRingUnderTest,
  SequenceRow,
} from "./sequence_types.ts";
import { describeStep } from "../trace.ts";
import { itemName } from "../bounded_buffer.ts";

export interface SequenceContext {
  readonly model: BufferModel;
  readonly ring: SequenceRingUnderTest;
  readonly granularity: "fine" | "coarse" | "mixed";
  readonly maxSteps: number;
}

type Result = Omit<SequenceCheckReport, "config" | "explored">;

/** A process's program counter and locals, as the driver tracks them. */
interface Proc {
  pc: string;
  position: number;
  produced: number;
  /** The raw value read this iteration (`next_consumed`), 0 when none. */
  next: number;
}

/**
 * What the driver knows beyond the ring's memory: the processes, and ghost
 * history computed from the ring's answers by the model's rules.
 */
interface Shadow {
  procs: Proc[];
  /** `mask[p]`: bit s when item s of producer p was read (2+ consumers). */
  mask: number[];
  /** `seen[c][p]`: one more than the last of p's items consumer c took in order. */
  seen: number[][];
  /** `claimed[p]`: p's items claimed by consumers, in order. */
  claimed: number[];
  flags: BufferState["flags"];
}

/** A step: process index (producers first) and operation. */
interface Step {
  readonly proc: number;
  readonly op: string;
}

interface Node {
  readonly packed: Int32Array;
  readonly saved: unknown;
  readonly shadow: Shadow;
  readonly parent: number;
  readonly step: Step | null;
}

const FINE: Record<string, readonly string[]> = {
  tryPush: ["load", "wait", "claim", "write", "publish"],
  tryPop: ["load", "wait", "claim", "read", "release"],
};

function cloneShadow(s: Shadow): Shadow {
  return {
    procs: s.procs.map((p) => ({ ...p })),
    mask: [...s.mask],
    seen: s.seen.map((row) => [...row]),
    claimed: [...s.claimed],
    flags: { ...s.flags },
  };
}

/** Everything the exploration needs about one configuration. */
class Driver {
  readonly ctx: SequenceContext;
  readonly P: number;
  readonly C: number;
  readonly items: number;
  readonly slots: number;
  readonly words: number;
  readonly #succ: Int32Array;
  readonly #acts: Int32Array;
  steps = 0;
  blocked = 0;
  fine = 0;
  coarse = 0;

  constructor(ctx: SequenceContext) {
    this.ctx = ctx;
    const { config } = ctx.model;
    this.P = config.producers;
    this.C = config.consumers;
    this.items = config.items;
    this.slots = config.slots;
    const packed = ctx.model.packed;
    this.words = packed.words;
    this.#succ = new Int32Array(packed.maxSuccessors * packed.words);
    this.#acts = new Int32Array(packed.maxSuccessors);
  }

  name(proc: number): string {
    return proc < this.P ? `P${proc}` : `C${proc - this.P}`;
  }

  initialShadow(): Shadow {
    const procs: Proc[] = [];
    const start = this.ctx.model.config.start;
    for (let i = 0; i < this.P + this.C; i++) {
      procs.push({ pc: "load", position: start, produced: 0, next: 0 });
    }
    return {
      procs,
      mask: new Array(this.P).fill(0),
      seen: Array.from({ length: this.C }, () => new Array(this.P).fill(0)),
      claimed: new Array(this.P).fill(0),
      flags: { unproduced: false, fifo: false, duplicate: false },
    };
  }

  /** The steps process `proc` may take next, by its program counter. */
  candidates(shadow: Shadow, proc: number): string[] {
    const { pc } = shadow.procs[proc]!;
    if (pc === "done") return [];
    const { granularity, ring } = this.ctx;
    const steps: string[] = [];
    if (pc !== "load" || granularity !== "coarse") steps.push(pc);
    const coarse = proc < this.P ? "tryPush" : "tryPop";
    const offered = proc < this.P ? ring.tryPush : ring.tryPop;
    if (pc === "load" && granularity !== "fine" && offered !== undefined) {
      steps.push(coarse);
    }
    return steps;
  }

  /** The model's successor of `packed` by `proc`'s next step, or null. */
  modelStep(packed: Int32Array, proc: number): Int32Array | null {
    const pm = this.ctx.model.packed;
    const n = pm.successors(packed, 0, this.#succ, this.#acts);
    for (let k = 0; k < n; k++) {
      if (this.#acts[k] === proc) {
        return this.#succ.slice(k * this.words, (k + 1) * this.words);
      }
    }
    return null;
  }

  /** The model's op for `proc` in `packed`. */
  op(packed: Int32Array, proc: number): string {
    return this.ctx.model.packed.action(proc, packed, 0).op;
  }

  /** The model's state after `step` (its fine steps in turn), or null when blocked. */
  expect(packed: Int32Array, step: Step): Int32Array | null {
    let state: Int32Array | null = packed;
    for (const op of FINE[step.op] ?? [step.op]) {
      if (this.op(state, step.proc) !== op) return null;
      state = this.modelStep(state, step.proc);
      if (state === null) return null;
    }
    return state;
  }

  /** The model's description of `step` from `packed` (for traces). */
  describe(packed: Int32Array, step: Step): string {
    const pm = this.ctx.model.packed;
    const ops = FINE[step.op] ?? [step.op];
    const texts: string[] = [];
    let state = packed;
    for (const op of ops) {
      const after = this.op(state, step.proc) === op
        ? this.modelStep(state, step.proc)
        : null;
      if (after === null) {
        texts.push(`${op}: blocked`);
        break;
      }
      const action: BufferAction = {
        process: this.name(step.proc),
        op: op as BufferAction["op"],
      };
      texts.push(
        describeStep(action, {
          before: pm.decode(state, 0),
          after: pm.decode(after, 0),
        }),
      );
      state = after;
    }
    return ops.length === 1 ? texts[0]! : `${step.op}: ${texts.join(", ")}`;
  }

  /** Performs `step` on the ring, updating `shadow`; false when blocked. */
  perform(shadow: Shadow, step: Step): { enabled: boolean; call: string } {
    const { ring } = this.ctx;
    const proc = shadow.procs[step.proc]!;
    const producer = step.proc < this.P;
    const side = producer ? "in" : "out";
    const c = step.proc - this.P;
    switch (step.op) {
      case "load":
        proc.position = ring.load(side);
        proc.pc = "wait";
        return { enabled: true, call: `load(${side}) → ${proc.position}` };
      case "wait": {
        const answer = ring.probe(side, proc.position);
        const call = `probe(${side}, ${proc.position}) → ${answer}`;
        if (answer === "blocked") return { enabled: false, call };
        proc.pc = answer === "ready" ? "claim" : "load";
        return { enabled: true, call };
      }
      case "claim": {
        const won = ring.claim(side, proc.position);
        if (won && !producer) {
          this.#recordClaim(shadow, ring.observe().cells[this.#slot(proc)]!);
        }
        proc.pc = won ? (producer ? "write" : "read") : "load";
        return {
          enabled: true,
          call: `claim(${side}, ${proc.position}) → ${won}`,
        };
      }
      case "write": {
        const value = step.proc * this.items + proc.produced + 1;
        ring.write(proc.position, value);
        proc.produced++;
        proc.pc = "publish";
        return { enabled: true, call: `write(${proc.position}, ${value})` };
      }
      case "publish":
        ring.publish(proc.position);
        proc.pc = proc.produced < this.items ? "load" : "done";
        return { enabled: true, call: `publish(${proc.position})` };
      case "read": {
        const value = ring.read(proc.position);
        this.#recordRead(shadow, c, value);
        proc.next = value;
        proc.pc = "release";
        return { enabled: true, call: `read(${proc.position}) → ${value}` };
      }
      case "release":
        ring.release(proc.position);
        proc.next = 0;
        proc.pc = "load";
        return { enabled: true, call: `release(${proc.position})` };
      case "tryPush": {
        const value = step.proc * this.items + proc.produced + 1;
        const call = `P${step.proc}.tryPush(${value})`;
        if (!ring.tryPush!(step.proc, value)) {
          return { enabled: false, call: `${call} → false` };
        }
        proc.produced++;
        proc.position = this.#before(ring.observe().in);
        proc.pc = proc.produced < this.items ? "load" : "done";
        return { enabled: true, call: `${call} → true` };
      }
      default: { // tryPop
        const value = ring.tryPop!(c);
        const call = `C${c}.tryPop()`;
        if (value === undefined) {
          return { enabled: false, call: `${call} → undefined` };
        }
        proc.position = this.#before(ring.observe().out);
        this.#recordClaim(shadow, value);
        this.#recordRead(shadow, c, value);
        return { enabled: true, call: `${call} → ${value}` };
      }
    }
  }

  #slot(proc: Proc): number {
    return proc.position % this.slots;
  }

  /** The position before `p` (where a coarse step's claim was). */
  #before(p: number): number {
    const limit = 2 ** 31 - 2 ** 31 % this.slots;
    return p === 0 ? limit - 1 : p - 1;
  }

  #item(raw: number): Item | null | undefined {
    if (raw === 0) return null;
    const id = raw - 1;
    const producer = Math.floor(id / this.items);
    return Number.isInteger(raw) && producer >= 0 && producer < this.P
      ? { producer, seq: id - producer * this.items }
      : undefined;
  }

  /** The model's claim ghost: per-producer claim order. */
  #recordClaim(shadow: Shadow, raw: number): void {
    const item = this.#item(raw);
    if (!item) return;
    if (item.seq !== shadow.claimed[item.producer]) shadow.flags.fifo = true;
    else shadow.claimed[item.producer] = item.seq + 1;
  }

  /** The model's read ghosts: unproduced, duplicate, per-consumer order. */
  #recordRead(shadow: Shadow, c: number, raw: number): void {
    const item = this.#item(raw);
    if (!item) {
      shadow.flags.unproduced = true;
      return;
    }
    const { producer: q, seq: s } = item;
    const last = shadow.seen[c]![q]!;
    const single = this.C === 1;
    const consumed = single ? s < last : ((shadow.mask[q]! >>> s) & 1) === 1;
    if (consumed) shadow.flags.unproduced = shadow.flags.duplicate = true;
    if (single ? s !== last : s < last) shadow.flags.fifo = true;
    else shadow.seen[c]![q] = s + 1;
    if (!single && !consumed) shadow.mask[q] = shadow.mask[q]! | (1 << s);
  }

  /** The abstraction function: the ring's observation and the shadow as a model state. */
  abstract(o: SequenceObservation, shadow: Shadow): BufferState | string {
    const cells: (Item | null)[] = [];
    for (const [i, raw] of o.cells.entries()) {
      const item = this.#item(raw);
      if (item === undefined) return `cell ${i} holds ${raw}, no item written`;
      cells.push(item);
    }
    const { P, C, items } = this;
    const consumed = Array.from(
      { length: P },
      (_, q) =>
        Array.from(
          { length: items },
          (_, s) =>
            C === 1
              ? s < shadow.seen[0]![q]!
              : ((shadow.mask[q]! >>> s) & 1) === 1,
        ),
    );
    const produced = shadow.procs.slice(0, P).reduce(
      (n, p) => n + p.produced,
      0,
    );
    return {
      in: o.in,
      out: o.out,
      inSlot: o.in % this.slots,
      outSlot: o.out % this.slots,
      cells,
      lock: false,
      producers: shadow.procs.slice(0, P).map((p, i) => ({
        name: `P${i}`,
        pc: p.pc as BufferState["producers"][number]["pc"],
        produced: p.produced,
        nextProduced: p.produced < items
          ? { producer: i, seq: p.produced }
          : null,
        slot: null,
        position: p.position,
        claimed: shadow.claimed[i]!,
      })),
      consumers: shadow.procs.slice(P).map((p, c) => ({
        name: `C${c}`,
        pc: p.pc as BufferState["consumers"][number]["pc"],
        nextConsumed: this.#item(p.next) ?? null,
        slot: null,
        seen: [...shadow.seen[c]!],
        position: p.position,
      })),
      consumed,
      itemsInBuffer: produced - consumed.flat().filter((x) => x).length,
      flags: { ...shadow.flags },
      sequences: [...o.sequences],
    };
  }

  /** The fields of `ring` that differ from `model`, by name. */
  differing(model: BufferState, ring: BufferState): string[] {
    const out: string[] = [];
    if (model.in !== ring.in) out.push("in");
    if (model.out !== ring.out) out.push("out");
    model.sequences!.forEach((q, i) => {
      if (ring.sequences![i] !== q) out.push(`seq[${i}]`);
    });
    model.cells.forEach((cell, i) => {
      if (itemName(cell) !== itemName(ring.cells[i] ?? null)) {
        out.push(`cells[${i}]`);
      }
    });
    const procs = [...model.producers, ...model.consumers];
    const others = [...ring.producers, ...ring.consumers];
    procs.forEach((p, i) => {
      const o = others[i]!;
      if (p.pc !== o.pc) out.push(`${p.name}.pc`);
      if (p.position !== o.position) out.push(`${p.name}.position`);
    });
    model.consumers.forEach((c, i) => {
      const o = ring.consumers[i]!;
      if (itemName(c.nextConsumed) !== itemName(o.nextConsumed)) {
        out.push(`${c.name}.nextConsumed`);
      }
    });
    return out.length > 0 ? out : ["ghost"];
  }
}

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

/** Runs the lockstep check. */
export function runSequenceLockstep(ctx: SequenceContext): Result {
  const begin = performance.now();
  const driver = new Driver(ctx);
  const pm = ctx.model.packed;
  const initial = pm.initial();
  const nodes: Node[] = [{
    packed: initial,
    saved: ctx.ring.save(),
    shadow: driver.initialShadow(),
    parent: -1,
    step: null,
  }];
  const seen = new Set([initial.join()]);
  const bad = check0(driver, nodes[0]!);
  let found:
    | { node: number; step: Step | null; failure: Checked["failure"] }
    | null = bad === null ? null : { node: 0, step: null, failure: bad };
  let incomplete = false;
  for (let head = 0; head < nodes.length && found === null; head++) {
    const node = nodes[head]!;
    for (let proc = 0; proc < driver.P + driver.C && found === null; proc++) {
      for (const op of driver.candidates(node.shadow, proc)) {
        if (driver.steps >= ctx.maxSteps) {
          incomplete = true;
          break;
        }
        const step = { proc, op };
        ctx.ring.restore(node.saved);
        const shadow = cloneShadow(node.shadow);
        const checked = check(driver, node.packed, shadow, step);
        driver.steps++;
        if (checked.failure !== undefined) {
          found = { node: head, step, failure: checked.failure };
          break;
        }
        if (checked.after === null) {
          driver.blocked++;
          continue;
        }
        if (op in FINE) driver.coarse++;
        else driver.fine++;
        const key = checked.after.join();
        if (seen.has(key)) continue;
        seen.add(key);
        nodes.push({
          packed: checked.after,
          saved: ctx.ring.save(),
          shadow,
          parent: head,
          step,
        });
      }
      if (incomplete) break;
    }
    if (incomplete) break;
  }
  const result: Result = {
    verdict: found !== null ? "fail" : incomplete ? "incomplete" : "pass",
    model: {
      states: seen.size,
      transitions: driver.fine,
      coarse: driver.coarse,
    },
    production: { steps: driver.steps, blocked: driver.blocked },
    seconds: (performance.now() - begin) / 1000,
  };
  if (found !== null) {
    result.failure = failureOf(
      driver,
      nodes,
      found.node,
      found.step,
      found.failure!,
    );
  }
  return result;
}

/** Compares a fresh ring with the model's initial state. */
function check0(
  driver: Driver,
  node: Node,
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
  nodes: readonly Node[],
  at: number,
  last: Step | null,
  failure: { property: string; message: string },
): SequenceFailure {
  const steps: Step[] = last === null ? [] : [last];
  for (let i = at; nodes[i]!.step !== null; i = nodes[i]!.parent) {
    steps.unshift(nodes[i]!.step!);
  }
  const { ring } = driver.ctx;
  ring.restore(nodes[0]!.saved);
  const shadow = driver.initialShadow();
  let packed = nodes[0]!.packed;
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
  const table: string[][] = [[
    "step",
    "process",
    "model",
    "in",
    "out",
    "seq",
    "cells",
    "|",
    "ring",
    "in",
    "out",
    "seq",
    "cells",
    "differs",
  ]];
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
  const widths = table[0]!.map((_, col) =>
    Math.max(...table.map((r) => [...r[col]!].length))
  );
  return table.map((r) =>
    r.map((cell, col) => cell.padEnd(widths[col]!)).join("  ").trimEnd()
  ).join("\n") + "\n(≠: the ring differs from the model)";
}
