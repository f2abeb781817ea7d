// Refinement on the sequence ring. Its abstract shared state is the model's
// sync "sequence" state without the processes' locals: `in`, `out`, each
// slot's sequence number, and the items of the slots whose number says they
// hold one (a claimed slot is its producer's own until it publishes). The
// transitions that change it are those of model/_machine/sequence_steps.ts:
//
//   claim (producer)  in: p → p + n, each claimed slot free (seq == q)
//   claim (consumer)  out: p → p + n, each claimed slot holding q's item
//                     (seq == q + 1, with or without SKIP) and out ≤ in
//   publish           one slot's seq: q → q + 1 (SKIP: given up, no item)
//                     for a position q producers claimed; its item one that
//                     no publish made visible before
//   release           one slot's seq: q + 1 → q + BUFFER_SIZE for a
//                     position q consumers claimed
//
// (load, wait, write and read change no shared state). The model claims one
// position at a time; a batch claim of n positions is the same compareExchange
// and counted as one claim. The model's step() needs each process's locals
// (its claimed position), which the production keeps in its closures, so the
// rules are applied here directly rather than through step().
import type { Step } from "./step_types.ts";
import type { CodeScenario, RingModule } from "./scenario_types.ts";
import type { Refinement, RefinementFailure } from "./refinement_types.ts";
import { itemsOf } from "./scenario_items.ts";

const SKIP = -0x80000000;

interface SequenceState {
  readonly in: number;
  readonly out: number;
  readonly seqs: readonly number[];
  readonly cells: readonly number[];
}

/** The refinement check of a sequence-ring scenario. */
export function sequenceRefinement(
  ring: RingModule,
  scenario: CodeScenario,
  params: Record<string, unknown>,
): Refinement {
  const valid = new Set<number>();
  for (let p = 0; p < scenario.threads.length; p++) {
    for (const item of itemsOf(p, params)) valid.add(item);
  }
  const states = new Map<number, string>();
  let prev: SequenceState | null = null;
  let slots = 0;
  let limit = 0;
  /** Ghost: items some publish made visible. */
  const published = new Set<number>();
  const read = (sab: SharedArrayBuffer): SequenceState => {
    const s = ring.inspectRing(sab);
    slots = s.slots;
    limit = s.sequence.limit;
    const words = new Int32Array(sab, s.sequence.offset, slots);
    const seqs = Array.from(words, (_, i) => Atomics.load(words, i));
    const data = new Int32Array(sab, s.offsets.data, slots * s.stride / 4);
    const cells = seqs.map((_, i) => Atomics.load(data, i * s.stride / 4));
    return { in: s.in, out: s.out, seqs, cells };
  };
  /** a − b on positions, in (−limit/2, limit/2]. */
  const dist = (a: number, b: number) => {
    const d = a - b;
    const half = limit >>> 1;
    return d > half ? d - limit : d <= -half ? d + limit : d;
  };
  const plus = (p: number, n: number) => (p + n) % limit;
  /** The position whose item slot `i` holds, or -1 when its number says free. */
  const holder = (seq: number, i: number): number => {
    const q = ((seq & ~SKIP) - 1 + limit) % limit;
    return q % slots === i ? q : -1;
  };
  const show = (s: SequenceState) =>
    `in ${s.in}, out ${s.out}, seq [${
      s.seqs.map((v) => v < 0 ? `${v & ~SKIP}(skip)` : String(v)).join(" ")
    }], items [${
      s.cells.map((v, i) => holder(s.seqs[i]!, i) >= 0 ? String(v) : "·")
        .join(" ")
    }]`;
  return {
    states,
    begin(sab) {
      states.clear();
      published.clear();
      prev = read(sab);
    },
    check(sab, steps: readonly Step[]) {
      if (prev === null) return null;
      const cur = read(sab);
      const was = prev;
      const what = (why: string): RefinementFailure => {
        states.set(steps.length - 1, `✗ ${show(cur)}`);
        return {
          property: "refinement",
          message: `${why} (${show(was)} → ${show(cur)})`,
        };
      };
      // Items in held slots never change while held.
      for (let i = 0; i < slots; i++) {
        if (
          holder(was.seqs[i]!, i) >= 0 && was.seqs[i] === cur.seqs[i] &&
          was.cells[i] !== cur.cells[i]
        ) {
          return what(
            `slot ${i} holds the item of position ${
              holder(was.seqs[i]!, i)
            } and was overwritten: no transition of the model writes a published cell`,
          );
        }
      }
      const changed = cur.seqs.flatMap((v, i) => v === was.seqs[i] ? [] : [i]);
      const dIn = dist(cur.in, was.in);
      const dOut = dist(cur.out, was.out);
      const moves = (dIn !== 0 ? 1 : 0) + (dOut !== 0 ? 1 : 0) +
        changed.length;
      if (moves === 0) return null;
      if (moves > 1) {
        return what("two transitions of the model in one step");
      }
      if (dIn !== 0) {
        if (dIn < 0 || dIn > slots) return what(`in moved by ${dIn}`);
        for (let q = was.in, k = 0; k < dIn; k++, q = plus(q, 1)) {
          if (cur.seqs[q % slots] !== q) {
            return what(
              `a producer claimed position ${q}, whose slot is not free (seq ${
                cur.seqs[q % slots]
              }, the model's claim needs ${q})`,
            );
          }
        }
      } else if (dOut !== 0) {
        if (dOut < 0 || dOut > slots) return what(`out moved by ${dOut}`);
        if (dist(cur.in, cur.out) < 0) {
          return what(`out passed in`);
        }
        for (let q = was.out, k = 0; k < dOut; k++, q = plus(q, 1)) {
          if (holder(cur.seqs[q % slots]!, q % slots) !== q) {
            return what(
              `a consumer claimed position ${q}, whose slot holds no item for it`,
            );
          }
        }
      } else {
        const i = changed[0]!;
        const a = was.seqs[i]!;
        const b = cur.seqs[i]!;
        const q = holder(b, i);
        const claimedIn = (p: number) => {
          const d = dist(cur.in, p);
          return d >= 1 && d <= slots;
        };
        if (a >= 0 && a % slots === i && q === a && claimedIn(a)) {
          // Publish of position a.
          if (b >= 0) {
            const item = cur.cells[i]!;
            if (!valid.has(item)) {
              return what(
                `the publish of position ${a} makes slot ${i} visible holding ${item}, which no producer wrote`,
              );
            }
            if (published.has(item)) {
              return what(
                `the publish of position ${a} makes ${item} visible a second time`,
              );
            }
            published.add(item);
          }
        } else {
          const p = holder(a, i);
          const d = p < 0 ? 0 : dist(cur.out, p);
          if (p < 0 || d < 1 || d > slots || b !== plus(p, slots)) {
            return what(
              `slot ${i}'s sequence number went ${a} → ${b}: neither a publish of a claimed position nor a release of a consumed one`,
            );
          }
        }
      }
      prev = cur;
      states.set(steps.length - 1, show(cur));
      return null;
    },
  };
}
