// Copyright 2025 the ringproof authors. MIT license.
// The sequence ring's side of the lockstep check: the processes' program
// counters and ghost history as the driver tracks them (Shadow), the model's
// expected step on its packed fast path, the step performed on the ring, and
// the abstraction function from the ring's observation to a model state.

import type {
  BufferAction,
  BufferModel,
  BufferState,
  Item,
} from "../bounded_buffer.ts";
import type {
  SequenceObservation,
  SequenceRingUnderTest,
} from "./sequence_types.ts";
import { describeStep } from "../trace.ts";
import { itemName } from "../bounded_buffer.ts";

export interface SequenceContext {
  readonly model: BufferModel;
  readonly ring: SequenceRingUnderTest;
  readonly granularity: "fine" | "coarse" | "mixed";
  readonly coverage: "states" | "paths";
  readonly consequences: boolean;
  readonly maxSteps: number;
}

/** A process's program counter and locals, as the driver tracks them. */
export interface Proc {
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
export interface Shadow {
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
export interface Step {
  readonly proc: number;
  readonly op: string;
}

export const FINE: Record<string, readonly string[]> = {
  tryPush: ["load", "wait", "claim", "write", "publish"],
  tryPop: ["load", "wait", "claim", "read", "release"],
};

export function cloneShadow(s: Shadow): Shadow {
  return {
    procs: s.procs.map((p) => ({ ...p })),
    mask: [...s.mask],
    seen: s.seen.map((row) => [...row]),
    claimed: [...s.claimed],
    flags: { ...s.flags },
  };
}

/** Everything the exploration needs about one configuration. */
export class Driver {
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
