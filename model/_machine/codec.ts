// Copyright 2025 the ringproof authors. MIT license.
// Between packed states and readable ones: decode/encode a state, name an
// action, enumerate the bounded domain (for proofs).

import type {
  BufferAction,
  BufferState,
  ConsumerOp,
  Item,
  ProducerOp,
} from "./types.ts";
import {
  F_CELLS,
  F_FLAGS,
  F_IN,
  F_LOCK,
  F_OUT,
  FLAG_DUPLICATE,
  FLAG_FIFO,
  FLAG_UNPRODUCED,
  type MachineState,
  OP_NAMES,
} from "./state.ts";
import { itemsInBuffer } from "./invariants.ts";

export function item(ms: MachineState, v: number): Item | null {
  if (v === 0) return null;
  const q = ((v - 1) / ms.config.items) | 0;
  return { producer: q, seq: v - 1 - q * ms.config.items };
}

function itemId(ms: MachineState, item: Item | null, what: string): number {
  if (item === null) return 0;
  const { producers, items } = ms.config;
  if (
    !Number.isInteger(item.producer) || item.producer < 0 ||
    item.producer >= producers || !Number.isInteger(item.seq) ||
    item.seq < 0 || item.seq >= items
  ) {
    throw new RangeError(
      `Cannot encode state: ${what} holds an item outside the model, received ${
        JSON.stringify(item)
      }`,
    );
  }
  return item.producer * items + item.seq + 1;
}

export function producerOp(ms: MachineState, pc: number): ProducerOp | "done" {
  return pc === ms.producerProgram.length
    ? "done"
    : OP_NAMES[ms.producerProgram[pc]!] as ProducerOp;
}

export function consumerOp(ms: MachineState, pc: number): ConsumerOp {
  return OP_NAMES[ms.consumerProgram[pc]!] as ConsumerOp;
}

export function decode(
  ms: MachineState,
  src: Int32Array,
  so: number,
): BufferState {
  const L = ms.layout;
  const { producers: P, consumers: C, items } = ms.config;
  const inV = L.get(src, so, F_IN);
  const outV = L.get(src, so, F_OUT);
  const cells: (Item | null)[] = [];
  for (let i = 0; i < ms.cells; i++) {
    cells.push(item(ms, L.get(src, so, F_CELLS + i)));
  }
  const producers = [];
  for (let p = 0; p < P; p++) {
    const pc = producerOp(ms, L.get(src, so, ms.prodPc[p]!));
    const produced = L.get(src, so, ms.prodN[p]!);
    producers.push({
      name: `P${p}`,
      pc,
      produced,
      nextProduced: produced < items ? { producer: p, seq: produced } : null,
      slot: ms.prodSlotLocal ? L.get(src, so, ms.prodSlot[p]!) : null,
      ...(ms.sequence
        ? {
          position: ms.indexValue(L.get(src, so, ms.prodPos[p]!)),
          claimed: L.get(src, so, ms.claimNext[p]!),
        }
        : {}),
    });
  }
  const consumers = [];
  for (let c = 0; c < C; c++) {
    const seen: number[] = [];
    for (let p = 0; p < P; p++) {
      seen.push(L.get(src, so, ms.seen[c * P + p]!));
    }
    consumers.push({
      name: `C${c}`,
      pc: consumerOp(ms, L.get(src, so, ms.consPc[c]!)),
      nextConsumed: item(ms, L.get(src, so, ms.consNext[c]!)),
      slot: ms.consSlotLocal ? L.get(src, so, ms.consSlot[c]!) : null,
      seen,
      ...(ms.sequence
        ? { position: ms.indexValue(L.get(src, so, ms.consPos[c]!)) }
        : {}),
    });
  }
  const consumed: boolean[][] = [];
  for (let p = 0; p < P; p++) {
    const bits = C === 1
      ? 2 ** L.get(src, so, ms.seen[p]!) - 1
      : L.get(src, so, ms.mask[p]!);
    consumed.push(
      Array.from({ length: items }, (_, s) => ((bits >>> s) & 1) === 1),
    );
  }
  const flags = L.get(src, so, F_FLAGS);
  return {
    in: ms.indexValue(inV),
    out: ms.indexValue(outV),
    inSlot: ms.slotOf(inV),
    outSlot: ms.slotOf(outV),
    cells,
    lock: L.get(src, so, F_LOCK) === 1,
    producers,
    consumers,
    consumed,
    itemsInBuffer: itemsInBuffer(ms, src, so),
    flags: {
      unproduced: (flags & FLAG_UNPRODUCED) !== 0,
      fifo: (flags & FLAG_FIFO) !== 0,
      duplicate: (flags & FLAG_DUPLICATE) !== 0,
    },
    ...(ms.sequence
      ? {
        sequences: Array.from(
          ms.seqField,
          (field) => ms.indexValue(L.get(src, so, field)),
        ),
      }
      : {}),
  };
}

function index(
  ms: MachineState,
  value: number,
  what: string,
  field: number = F_IN,
): number {
  const { start } = ms.config;
  const v = ms.sequence
    ? ((value - start) % ms.limit + ms.limit) % ms.limit
    : ms.counter
    ? (value - start) >>> 0
    : value;
  const max = ms.layout.maxes[field]!;
  if (!Number.isInteger(value) || v > max || v < 0) {
    throw new RangeError(
      `Cannot encode state: ${what} is outside the model's domain, received ${value}`,
    );
  }
  return v;
}

/** The inverse of {@linkcode decode}; derived fields are ignored. */
export function encode(
  ms: MachineState,
  state: BufferState,
  dst: Int32Array,
  doff: number,
): void {
  const f = new Int32Array(ms.fieldCount);
  const { producers: P, consumers: C, items } = ms.config;
  if (
    state.cells.length !== ms.cells || state.producers.length !== P ||
    state.consumers.length !== C || state.consumed.length !== P
  ) {
    throw new TypeError(
      "Cannot encode state: its shape does not match the model's cells and processes",
    );
  }
  f[F_IN] = index(ms, state.in, "in");
  f[F_OUT] = index(ms, state.out, "out");
  f[F_LOCK] = state.lock ? 1 : 0;
  f[F_FLAGS] = (state.flags.unproduced ? FLAG_UNPRODUCED : 0) |
    (state.flags.fifo ? FLAG_FIFO : 0) |
    (state.flags.duplicate ? FLAG_DUPLICATE : 0);
  state.cells.forEach((item, i) => {
    f[F_CELLS + i] = itemId(ms, item, `cell ${i}`);
  });
  state.producers.forEach((view, p) => {
    const pc = view.pc === "done"
      ? ms.producerProgram.length
      : ms.producerProgram.findIndex((op) => OP_NAMES[op] === view.pc);
    f[ms.prodPc[p]!] = pc;
    f[ms.prodN[p]!] = view.produced;
    f[ms.prodSlot[p]!] = view.slot ?? 0;
    if (ms.sequence) {
      f[ms.prodPos[p]!] = index(
        ms,
        view.position ?? ms.config.start,
        `P${p}'s position`,
        ms.prodPos[p]!,
      );
      f[ms.claimNext[p]!] = view.claimed ?? 0;
    }
  });
  state.consumers.forEach((view, c) => {
    f[ms.consPc[c]!] = ms.consumerProgram.findIndex((op) =>
      OP_NAMES[op] === view.pc
    );
    f[ms.consNext[c]!] = itemId(ms, view.nextConsumed, "next_consumed");
    f[ms.consSlot[c]!] = view.slot ?? 0;
    view.seen.forEach((s, p) => {
      f[ms.seen[c * P + p]!] = s;
    });
    if (ms.sequence) {
      f[ms.consPos[c]!] = index(
        ms,
        view.position ?? ms.config.start,
        `C${c}'s position`,
        ms.consPos[c]!,
      );
    }
  });
  if (ms.sequence) {
    if (state.sequences?.length !== ms.cells) {
      throw new TypeError(
        "Cannot encode state: sync sequence needs one sequence number per cell",
      );
    }
    state.sequences.forEach((value, i) => {
      f[ms.seqField[i]!] = index(
        ms,
        value,
        `sequence number ${i}`,
        ms.seqField[i]!,
      );
    });
  }
  if (C > 1) {
    state.consumed.forEach((row, p) => {
      let bits = 0;
      for (let s = 0; s < items; s++) if (row[s]) bits |= 1 << s;
      f[ms.mask[p]!] = bits;
    });
  }
  for (let i = 0; i < f.length; i++) {
    if (f[i]! < 0 || f[i]! > ms.layout.maxes[i]!) {
      throw new RangeError(
        `Cannot encode state: a field is outside the model's domain (field ${i}, received ${
          f[i]
        })`,
      );
    }
  }
  ms.layout.write(f, dst, doff);
}

export function action(
  ms: MachineState,
  code: number,
  src: Int32Array,
  so: number,
): BufferAction {
  const P = ms.config.producers;
  if (code < P) {
    const op = producerOp(ms, ms.layout.get(src, so, ms.prodPc[code]!));
    return { process: `P${code}`, op: op as ProducerOp };
  }
  const c = code - P;
  return {
    process: `C${c}`,
    op: consumerOp(ms, ms.layout.get(src, so, ms.consPc[c]!)),
  };
}

/** Every state of the bounded domain: each field over its whole range. */
export function* domain(ms: MachineState): Generator<Int32Array> {
  const maxes = ms.layout.maxes;
  const f = new Int32Array(ms.fieldCount);
  const words = new Int32Array(ms.words);
  for (;;) {
    ms.layout.write(f, words, 0);
    yield words;
    let i = 0;
    while (i < f.length && f[i] === maxes[i]) f[i++] = 0;
    if (i === f.length) return;
    f[i]!++;
  }
}

/** How many states {@linkcode domain} yields. */
export function domainSize(ms: MachineState): number {
  let n = 1;
  for (const max of ms.layout.maxes) n *= max + 1;
  return n;
}
