/**
 * Counts the `Atomics` calls each ring makes per item, one thread, by
 * wrapping every `Atomics` method: a count, not a timing, so it means the
 * same on a loaded machine. `deno run --allow-read bench/atomics_calls.ts`
 * prints a Markdown table.
 *
 * "Caught up" is a consumer that pops the item just pushed and then finds the
 * ring empty once, as a spinning consumer does.
 *
 * @module
 */
import { RingBuffer } from "ringbuf.js";
import { Consumer, createRing, Producer } from "../mod.ts";
import { createMutexRing, MutexRing } from "./_mpmc_mutex.ts";

const ITEMS = 10_000;
const METHODS = [
  "load",
  "store",
  "exchange",
  "compareExchange",
  "add",
  "sub",
  "or",
  "notify",
  "wait",
] as const;

let calls = 0;
const table = Atomics as unknown as Record<
  string,
  (...args: never[]) => unknown
>;
for (const name of METHODS) {
  const original = table[name]!.bind(Atomics);
  table[name] = (...args: never[]) => {
    calls++;
    return original(...args);
  };
}

/** Calls made by `f`. */
function counted(f: () => unknown): number {
  const before = calls;
  f();
  return calls - before;
}

/** One row: calls per push, per pop (caught up), per pop on an empty ring. */
interface Row {
  readonly ring: string;
  readonly push: number;
  readonly pop: number;
  readonly empty: number | null;
}

/** `pop` must not wait on an empty ring unless `waits` says it does. */
function perItem(
  ring: string,
  calls: { push: (i: number) => unknown; pop: () => unknown; waits?: true },
): Row {
  const { push, pop, waits } = calls;
  let pushes = 0;
  let pops = 0;
  let empties = 0;
  for (let i = 0; i < ITEMS; i++) {
    pushes += counted(() => push(i));
    pops += counted(pop);
    if (!waits) empties += counted(pop);
  }
  return {
    ring,
    push: pushes / ITEMS,
    pop: pops / ITEMS,
    empty: waits ? null : empties / ITEMS,
  };
}

/** Every ring's row. */
export function countCalls(): Row[] {
  const rows: Row[] = [];
  for (const scheme of ["textbook", "counter"] as const) {
    for (const slots of [16, 1024]) {
      const sab = createRing({ slots, scheme });
      const producer = new Producer<number>(sab);
      const consumer = new Consumer<number>(sab);
      rows.push(
        perItem(`this ring, ${scheme}, ${slots} slots: tryPush / tryPop`, {
          push: (i) => producer.tryPush(i),
          pop: () => consumer.tryPop(),
        }),
      );
    }
  }
  const many = createRing({
    slots: 1024,
    producers: "many",
    consumers: "many",
  });
  const producer = new Producer<number>(many);
  const consumer = new Consumer<number>(many);
  rows.push(perItem("sequence ring, 1024 slots: tryPush / tryPop", {
    push: (i) => producer.tryPush(i),
    pop: () => consumer.tryPop(),
  }));
  const ringbuf = new RingBuffer(
    RingBuffer.getStorageForCapacity(1023, Int32Array),
    Int32Array,
  );
  const one = new Int32Array(1);
  rows.push(
    perItem("ringbuf.js 0.4.0, 1024 slots: push / pop of a 1-element array", {
      push: (i) => {
        one[0] = i;
        return ringbuf.push(one, 1);
      },
      pop: () => ringbuf.pop(one, 1),
    }),
  );
  const mutex = new MutexRing(createMutexRing(1024));
  // Its pop waits on an empty ring: no empty column.
  rows.push(perItem("futex-mutex ring (bench), 1024 slots: push / pop", {
    push: (i) => mutex.push(i),
    pop: () => mutex.pop(),
    waits: true,
  }));
  return rows;
}

if (import.meta.main) {
  console.log("| Ring | push | pop (caught up) | empty pop |");
  console.log("|---|---:|---:|---:|");
  for (const r of countCalls()) {
    const f = (x: number | null) => x === null ? "–" : x.toFixed(2);
    console.log(`| ${r.ring} | ${f(r.push)} | ${f(r.pop)} | ${f(r.empty)} |`);
  }
}
