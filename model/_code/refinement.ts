// Refinement: after every step, the ring's abstract shared state is either
// unchanged or has made one transition the model allows. The abstract state
// of the one-producer ring and of the unbounded buffer is the queue the
// consumer sees: `in`, `out`, their slots, and the items between `out` and
// `in` (a free cell is the producer's own until it publishes it, as in the
// model, where no invariant reads a cell before `in` covers it). Its
// transitions are the model's (`boundedBuffer()`, the same scheme): the
// producer's loop (wait, write, publish) ends in one publish, the consumer's
// (wait, read, release) in one release; wait, write and read leave the
// abstract state unchanged. Each observed change is replayed on the model
// with `step()` from the abstract state, and the model's result must be
// exactly what the ring shows.
import {
  boundedBuffer,
  type BufferModel,
  type BufferState,
  type Item,
} from "../bounded_buffer.ts";
import type { Refinement, RefinementFailure } from "./refinement_types.ts";
import type { CodeScenario, RingModule } from "./scenario_types.ts";
import { itemsOf, prefillOf } from "./scenario_items.ts";
import { sequenceRefinement } from "./refinement_sequence.ts";
import {
  type Queue,
  type QueueReader,
  ringReader,
  show,
  unboundedReader,
} from "./refinement_queue.ts";

export type { Refinement, RefinementFailure } from "./refinement_types.ts";

/** Steps `process` through `ops` on the model; the op that is not enabled, or the state. */
function run(
  model: BufferModel,
  state: BufferState,
  process: string,
  ops: readonly string[],
): BufferState | string {
  for (const op of ops) {
    try {
      state = model.step(state, { process, op } as never);
    } catch {
      const pc = process[0] === "P"
        ? state.producers[0]!.pc
        : state.consumers[0]!.pc;
      return pc === op
        ? `${process} ${op} is not enabled`
        : `${process} is at ${pc}`;
    }
  }
  return state;
}

/**
 * The refinement check of a one-producer ring or unbounded buffer scenario,
 * or undefined when the model cannot hold its items (more than 31, or none).
 */
export function refinementOf(
  ring: RingModule,
  scenario: CodeScenario,
  params: Record<string, unknown>,
): Refinement | undefined {
  if (scenario.engine === "sequence") {
    return sequenceRefinement(ring, scenario, params);
  }
  // The model's one producer produces the items in the order the ring
  // publishes them (the setup's first): its item s is the s-th published
  // value, which must be one some thread pushes, published once. Which
  // thread pushed it, and in which order, is the history check's concern.
  const valid = new Set(prefillOf(params));
  for (let p = 0; p < scenario.threads.length; p++) {
    for (const v of itemsOf(p, params)) valid.add(v);
  }
  if (valid.size === 0 || valid.size > 31) return undefined;
  const order: number[] = [];
  const seqOf = new Map<number, number>();
  const start = Number(params.start ?? 0);
  let reader: (QueueReader & { reset?(sab: SharedArrayBuffer): void }) | null =
    null;
  let model: BufferModel | null = null;
  let base: BufferState | null = null;
  let prev: Queue | null = null;
  /** Ghost: items the model's producer has published, and its consumer released. */
  let produced = 0;
  let seen = 0;
  const states = new Map<number, string>();
  const item = (v: number): Item | null | undefined => {
    const s = seqOf.get(v);
    return s === undefined ? undefined : { producer: 0, seq: s };
  };
  const modelState = (q: Queue, pcP: string, pcC: string): BufferState => {
    const m = model!;
    const cells: (Item | null)[] = base!.cells.map(() => null);
    const size = q.items.length;
    for (let k = 0; k < size; k++) {
      const at = m.config.scheme === "unbounded"
        ? q.out + k
        : (q.outSlot + k) % cells.length;
      cells[at] = item(q.items[k]!) ?? null;
    }
    return {
      ...base!,
      in: q.in,
      out: q.out,
      inSlot: m.config.scheme === "unbounded" ? q.in : q.inSlot,
      outSlot: m.config.scheme === "unbounded" ? q.out : q.outSlot,
      cells,
      producers: [{
        name: "P0",
        pc: (produced < valid.size ? pcP : "done") as never,
        produced,
        nextProduced: produced < valid.size
          ? { producer: 0, seq: produced }
          : null,
        slot: null,
      }],
      consumers: [{
        name: "C0",
        pc: pcC as never,
        nextConsumed: null,
        slot: null,
        seen: [seen],
      }],
      consumed: [Array.from({ length: valid.size }, (_, s) => s < seen)],
      itemsInBuffer: produced - seen,
      flags: { unproduced: false, fifo: false, duplicate: false },
    };
  };
  const project = (s: BufferState): Queue => {
    const m = model!;
    const unbounded = m.config.scheme === "unbounded";
    const n = s.cells.length;
    const size = unbounded
      ? s.in - s.out
      : m.config.scheme === "counter"
      ? (s.in - s.out) >>> 0
      : (s.in - s.out + n) % n;
    const items: number[] = [];
    for (let k = 0; k < size; k++) {
      const cell = s.cells[unbounded ? s.out + k : (s.outSlot + k) % n];
      items.push(cell === null || cell === undefined ? 0 : order[cell.seq]!);
    }
    return {
      in: s.in,
      out: s.out,
      inSlot: unbounded ? 0 : s.inSlot,
      outSlot: unbounded ? 0 : s.outSlot,
      items,
    };
  };
  const same = (a: Queue, b: Queue) =>
    a.in === b.in && a.out === b.out && a.inSlot === b.inSlot &&
    a.outSlot === b.outSlot && a.items.length === b.items.length &&
    a.items.every((v, k) => v === b.items[k]);
  return {
    states,
    begin(sab) {
      if (reader === null) {
        reader = scenario.engine === "unbounded"
          ? unboundedReader(ring, sab)
          : ringReader(ring, sab, start);
        model = boundedBuffer({
          scheme: reader.scheme,
          ...(reader.scheme === "unbounded" ? {} : { slots: reader.slots }),
          items: valid.size,
          ...(reader.scheme === "counter" ? { start } : {}),
        });
        base = [...model.initial()][0]!;
      }
      reader.reset?.(sab);
      states.clear();
      const first = reader.read(sab, null);
      prev = typeof first === "string" ? null : first;
      // The setup's items were published by the model's producer already.
      order.length = 0;
      seqOf.clear();
      for (const v of prev?.items ?? []) {
        seqOf.set(v, order.length);
        order.push(v);
      }
      produced = order.length;
      seen = 0;
    },
    check(sab, steps) {
      if (prev === null || model === null || reader === null) return null;
      const index = steps.length - 1;
      const scheme = reader.scheme;
      const cur = reader.read(sab, prev);
      // The failing step's row of the table shows what the ring holds.
      const fail = (message: string): RefinementFailure => {
        states.set(index, `✗ ${typeof cur === "string" ? cur : show(cur)}`);
        return { property: "refinement", message };
      };
      if (typeof cur === "string") return fail(cur);
      if (same(prev, cur)) return null;
      const movedIn = cur.in !== prev.in;
      const movedOut = cur.out !== prev.out;
      if (movedIn && movedOut) {
        return fail(
          `in and out both moved in one step (${show(prev)} → ${
            show(cur)
          }): two transitions of the model at once`,
        );
      }
      if (!movedIn && !movedOut) {
        return fail(
          `the items between out and in changed with neither moving (${
            show(prev)
          } → ${
            show(cur)
          }): no transition of the model writes a published cell`,
        );
      }
      // Several items at once (pushMany, popMany): as many rounds of the
      // model's loop by that process, nobody else moving in between.
      // Counter rings wrap at 2^30 (below their words' flag bits), the
      // unbounded buffer's counters at 2^32.
      const n = scheme === "textbook"
        ? reader.slots
        : scheme === "counter"
        ? 2 ** 30
        : 2 ** 32;
      const k = movedIn
        ? ((cur.in - prev.in) % n + n) % n
        : ((cur.out - prev.out) % n + n) % n;
      const rounds = Math.min(k, valid.size + 1);
      if (movedIn) {
        // The published values become the model's next items.
        const fresh = cur.items.slice(Math.max(0, cur.items.length - k));
        for (const v of fresh) {
          if (seqOf.has(v) || !valid.has(v)) {
            return fail(
              `in moved (${show(prev)} → ${show(cur)}), publishing ${v}, ${
                seqOf.has(v) ? "published before" : "which no thread pushes"
              }: the model's producer publishes each of its items once`,
            );
          }
          seqOf.set(v, order.length);
          order.push(v);
        }
      }
      let state = modelState(prev, "wait", "wait");
      if (scheme === "unbounded") {
        state = modelState(prev, "write", "wait");
      }
      const loop = movedIn
        ? scheme === "unbounded" ? ["write", "publish"] : [
          "wait",
          "write",
          "publish",
        ]
        : ["wait", "read", "release"];
      for (let r = 0; r < rounds; r++) {
        const next = run(model, state, movedIn ? "P0" : "C0", loop);
        if (typeof next === "string") {
          return fail(
            `${movedIn ? "in" : "out"} moved by ${k} (${show(prev)} → ${
              show(cur)
            }), but after ${r} round(s) of its loop the model's ${next}`,
          );
        }
        state = next;
        const f = state.flags;
        if (f.unproduced || f.fifo || f.duplicate) {
          return fail(
            `out moved (${show(prev)} → ${
              show(cur)
            }), but the model's C0 reads an item it may not take next`,
          );
        }
      }
      const expected = project(state);
      if (!same(expected, cur)) {
        return fail(
          `${movedIn ? "in" : "out"} moved (${show(prev)} → ${
            show(cur)
          }), but the model's ${movedIn ? "P0 publish" : "C0 release"} gives ${
            show(expected)
          }`,
        );
      }
      if (movedIn) produced += rounds;
      else seen += rounds;
      prev = cur;
      states.set(index, show(cur));
      return null;
    },
  };
}
