// Histories of several producers and consumers (tests/_history/check.ts):
// the checker accepts what the sequence ring really does — under Workers,
// with no controlled schedule, and simulated in one thread with calls whose
// intervals overlap — and rejects doctored histories, naming the property
// and the doctored operation.
//
// Replay with RINGPROOF_SEED=<seed> (printed in every failure).
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  closeRing,
  Consumer,
  createRing,
  inspectRing,
  Producer,
} from "../mod.ts";
import type { Operation } from "./_history/check.ts";
import { checkHistory, type ManyHistory } from "./_history/check.ts";
import { assertProperty, propertySeed } from "./_helpers.ts";
import { type TestWorker, withRun } from "./_workers/harness.ts";
import {
  LOG_PER_ITEM,
  METHODS,
  OP_WORDS,
  readLog,
} from "./_workers/history_protocol.ts";
import type {
  ManyHistoryJob,
  ManyHistoryResult,
} from "./_workers/history_many_protocol.ts";
import { itemOf, type MpmcPlan } from "./_workers/mpmc_protocol.ts";

const WORKER = new URL("./_workers/history_many_worker.ts", import.meta.url);

// ---------------------------------------------------------------- Workers

/** The plan's ring; with `nearWrap`, half the items go in before the wrap. */
function ringOf(plan: MpmcPlan): SharedArrayBuffer {
  const wrap = 2 ** 31 - 2 ** 31 % plan.slots;
  const half = Math.floor(plan.producers * plan.items / 2);
  const start = plan.nearWrap ? wrap - half : 0;
  return createRing({
    slots: plan.slots,
    start,
    producers: "many",
    consumers: "many",
  });
}

/** Runs one plan's Workers, each logging its calls; returns the history. */
async function record(
  plan: MpmcPlan,
  seed: number,
): Promise<{ history: ManyHistory; capacity: number; label: string }> {
  const { producers, consumers, items } = plan;
  const total = producers * items;
  const ring = ringOf(plan);
  const { capacity, in: start } = inspectRing(ring);
  const label =
    `${producers}x${consumers} Workers, ${capacity} slots, ${items} items each, start ${start}, seed ${seed} (replay with RINGPROOF_SEED=${seed})`;
  // The clock on a line of its own: every Worker hammers it.
  const clock = new SharedArrayBuffer(64);
  const logOf = (n: number) =>
    new SharedArrayBuffer(LOG_PER_ITEM * n * OP_WORDS * 4);
  const logs = {
    producers: Array.from({ length: producers }, () => logOf(items)),
    consumers: Array.from({ length: consumers }, () => logOf(total)),
  };
  return await withRun(label, ring, async (run) => {
    const workers = {
      producers: [] as TestWorker[],
      consumers: [] as TestWorker[],
    };
    for (const side of ["producers", "consumers"] as const) {
      for (let id = 0; id < logs[side].length; id++) {
        workers[side].push(await run.spawn(WORKER, `${side} ${id}`));
      }
    }
    // Every Worker is ready: start them together.
    const started = (side: "producers" | "consumers") =>
      workers[side].map((worker, id) => {
        const job: ManyHistoryJob = {
          role: side === "producers" ? "producer" : "consumer",
          ring,
          clock,
          log: logs[side][id]!,
          progress: run.progress,
          items: side === "producers" ? items : total,
          id,
          seed: seed + (side === "producers" ? id : producers + id),
        };
        worker.post(job);
        return run.wait<ManyHistoryResult>(worker);
      });
    const consumed = started("consumers");
    const produced = await Promise.all(started("producers"));
    // Every producer detached after its last item: nothing more can come.
    closeRing(ring);
    const popped = await Promise.all(consumed);
    const read = (side: "producers" | "consumers", counts: number[]) =>
      logs[side].map((log, id) => readLog(log, counts[id]!));
    return {
      history: {
        producers: read("producers", produced.map((r) => r.operations)),
        consumers: read("consumers", popped.map((r) => r.operations)),
        complete: true,
      },
      capacity,
      label,
    };
  }, { stallMs: 20_000 });
}

const PLANS: readonly MpmcPlan[] = [
  // 3 slots do not divide 2^31: positions wrap at 2^31 - 2, mid-run.
  { producers: 2, consumers: 2, slots: 3, items: 20_000, nearWrap: true },
  { producers: 2, consumers: 2, slots: 64, items: 30_000 },
  { producers: 1, consumers: 2, slots: 2, items: 30_000 },
  { producers: 1, consumers: 2, slots: 7, items: 30_000, nearWrap: true },
  { producers: 3, consumers: 1, slots: 5, items: 15_000 },
  { producers: 3, consumers: 1, slots: 128, items: 20_000, nearWrap: true },
];

Deno.test("checkHistory() accepts the histories of producer and consumer Workers on sequence rings", async (t) => {
  const seed = propertySeed();
  let operations = 0;
  for (const plan of PLANS) {
    const name = `${plan.producers}x${plan.consumers}, ${plan.slots} slots${
      plan.nearWrap ? ", across the wrap" : ""
    }`;
    await t.step(name, async () => {
      const { history, capacity, label } = await record(plan, seed);
      const report = checkHistory(history, { capacity });
      assert.ok(
        report.ok,
        `${label}: ${report.violation?.property}: ${report.violation?.message}`,
      );
      const total = plan.producers * plan.items;
      assert.equal(report.counts.pushes, total, label);
      assert.equal(report.counts.pops, total, label);
      operations += [...history.producers, ...history.consumers]
        .reduce((sum, ops) => sum + ops.length, 0);
    });
  }
  // A few hundred thousand operations in all, refusals included.
  assert.ok(operations >= 300_000, `${operations} operations`);
});

// ------------------------------------------------- histories in one thread

/** A history's processes, as arrays that can be doctored. */
interface Sides {
  producers: Operation[][];
  consumers: Operation[][];
}

/** A correct sequential history, and the queue's length after each call. */
interface Sequential {
  readonly history: ManyHistory;
  readonly capacity: number;
  readonly gaps: readonly { readonly after: number; readonly size: number }[];
}

/**
 * Runs `calls` (push or pop, by which process) one after another on an
 * array queue of `capacity` items, then drains it: every call's interval
 * ends before the next begins.
 */
function sequentialHistory(options: {
  producers: number;
  consumers: number;
  capacity: number;
  calls: [boolean, number][];
}): Sequential {
  const { producers, consumers, capacity } = options;
  const queue: number[] = [];
  const next = new Array<number>(producers).fill(0);
  const sides: Sides = {
    producers: Array.from({ length: producers }, () => []),
    consumers: Array.from({ length: consumers }, () => []),
  };
  const gaps: { after: number; size: number }[] = [];
  let time = 0;
  const add = (kind: "push" | "pop", who: number, value?: number) => {
    const ops = kind === "push" ? sides.producers : sides.consumers;
    const size = queue.length;
    const at: [number, number] = [time, ++time];
    ops[who]!.push(
      call(kind, value === undefined ? { at, size } : { at, size, value }),
    );
    gaps.push({ after: time++, size });
  };
  for (const [push, who] of options.calls) {
    if (push) {
      const p = who % producers;
      if (queue.length === capacity) add("push", p);
      else {
        const value = itemOf(p, next[p]!++);
        queue.push(value);
        add("push", p, value);
      }
    } else add("pop", who % consumers, queue.shift());
  }
  while (queue.length > 0) add("pop", 0, queue.shift()!);
  return { history: { ...sides, complete: true }, capacity, gaps };
}

const sequentialArb = fc.record({
  producers: fc.integer({ min: 1, max: 3 }),
  consumers: fc.integer({ min: 1, max: 3 }),
  capacity: fc.integer({ min: 1, max: 4 }),
  calls: fc.array(fc.tuple(fc.boolean(), fc.nat(2)), {
    minLength: 4,
    maxLength: 60,
  }),
}).map(sequentialHistory);

/**
 * A history of the real sequence ring in one thread, several handles per
 * side: each call is invoked, acts, finishes and returns in separate
 * scheduler steps, so intervals overlap — `reserve()` holds a position
 * until `commit()`, `peek()` until `release()`, and a consumer may find
 * the position at `out` claimed but not yet published while later items are.
 */
function simulate(options: {
  producers: number;
  consumers: number;
  slots: number;
  items: number;
  nearWrap: boolean;
  schedule: number[];
}): { history: ManyHistory; capacity: number } {
  const { producers, consumers, slots, items, schedule } = options;
  const limit = 2 ** 31 - 2 ** 31 % slots;
  const ring = createRing({
    slots,
    start: options.nearWrap ? limit - 2 : 0,
    producers: "many",
    consumers: "many",
  });
  interface Process {
    readonly push: boolean;
    readonly id: number;
    readonly ops: Operation[];
    /** The call under way: `method`, `value`, `ok` once it acted, `size` once it finished. */
    call: null | {
      invoked: number;
      method?: number;
      value?: number;
      ok?: boolean;
      size?: number;
    };
    last: number;
  }
  const make = (push: boolean, id: number): Process => ({
    push,
    id,
    ops: [],
    call: null,
    last: 0,
  });
  const processes = [
    ...Array.from({ length: producers }, (_, id) => make(true, id)),
    ...Array.from({ length: consumers }, (_, id) => make(false, id)),
  ];
  const pushers = processes.map((p) =>
    p.push ? new Producer<number>(ring) : null
  );
  const poppers = processes.map((p) =>
    p.push ? null : new Consumer<number>(ring)
  );
  const pushed = new Array<number>(producers).fill(0);
  let popped = 0;
  let clock = 0;
  const busy = (p: Process) =>
    p.call !== null ||
    (p.push ? pushed[p.id]! < items : popped < producers * items);
  const step = (p: Process, choice: number, k: number) => {
    const producer = pushers[k];
    const consumer = poppers[k];
    if (p.call === null) {
      p.call = { invoked: clock++ };
    } else if (p.call.method === undefined) {
      // Act: tryPush or reserve, tryPop or peek.
      const two = choice % 2 === 1;
      if (producer) {
        const value = itemOf(p.id, pushed[p.id]!);
        let ok: boolean;
        if (two) {
          const view = producer.reserve();
          ok = view !== null;
          if (view !== null) view[0] = value;
        } else ok = producer.tryPush(value);
        if (ok) pushed[p.id]!++;
        p.call = { ...p.call, method: two ? 2 : 0, value, ok };
      } else {
        const value = two ? consumer!.peek()?.[0] : consumer!.tryPop();
        if (value !== undefined) popped++;
        p.call = {
          ...p.call,
          method: two ? 5 : 3,
          value: value ?? -1,
          ok: value !== undefined,
        };
      }
    } else if (p.call.size === undefined) {
      // Finish: commit or release what was held; read the size.
      if (p.call.ok && p.call.method === 2) producer!.commit();
      if (p.call.ok && p.call.method === 5) consumer!.release();
      p.call.size = (producer ?? consumer)!.size;
    } else {
      const { invoked, method, value, ok, size } = p.call;
      p.ops.push({
        kind: p.push ? "push" : "pop",
        method: METHODS[method!]!,
        value: value!,
        ok: ok!,
        invoked,
        returned: clock++,
        size: size!,
      });
      p.call = null;
    }
  };
  for (let i = 0;; i++) {
    const ready = processes.flatMap((p, k) => busy(p) ? [k] : []);
    if (ready.length === 0) break;
    const choice = schedule[i % schedule.length]!;
    // Mostly as the schedule says; every 8th step the longest-waiting
    // process, so none starves.
    const k = i % 8 === 7
      ? ready.reduce((a, b) => processes[b]!.last < processes[a]!.last ? b : a)
      : ready[choice % ready.length]!;
    processes[k]!.last = i;
    step(processes[k]!, choice >> 3, k);
  }
  return {
    history: {
      producers: processes.filter((p) => p.push).map((p) => p.ops),
      consumers: processes.filter((p) => !p.push).map((p) => p.ops),
      complete: true,
    },
    capacity: slots,
  };
}

const simulationArb = fc.record({
  producers: fc.integer({ min: 1, max: 3 }),
  consumers: fc.integer({ min: 1, max: 3 }),
  slots: fc.integer({ min: 2, max: 5 }),
  items: fc.integer({ min: 1, max: 12 }),
  nearWrap: fc.boolean(),
  schedule: fc.array(fc.nat(), { minLength: 1, maxLength: 300 }),
});

Deno.test("checkHistory() accepts correct sequential histories", () => {
  assertProperty(
    fc.property(sequentialArb, ({ history, capacity }) => {
      const report = checkHistory(history, { capacity });
      assert.ok(report.ok, report.violation?.message);
    }),
    { numRuns: 300 },
  );
});

Deno.test("checkHistory() accepts the real ring's histories with overlapping calls", () => {
  let refusals = 0;
  assertProperty(
    fc.property(simulationArb, (options) => {
      const { history, capacity } = simulate(options);
      const report = checkHistory(history, { capacity });
      assert.ok(
        report.ok,
        `${report.violation?.property}: ${report.violation?.message}`,
      );
      const total = options.producers * options.items;
      assert.equal(report.counts.pushes, total);
      assert.equal(report.counts.pops, total);
      refusals += report.counts.empty + report.counts.full;
    }),
    { numRuns: 200 },
  );
  assert.ok(refusals > 0, "no full or empty answer was checked");
});

// ------------------------------------------------------ doctored histories

/** A history with one thing changed; `expect` lists the properties that may catch it first. */
interface Doctored {
  readonly history: ManyHistory;
  readonly expect: readonly string[];
  /** The changed operation, which the report must name (unless `fifo`/`no-loss`). */
  readonly changed: Operation;
}

function sidesOf(h: ManyHistory): Sides {
  return {
    producers: h.producers.map((ops) => [...ops]),
    consumers: h.consumers.map((ops) => [...ops]),
  };
}

/** Successful pops in time order, as [consumer, index]. */
function popsOf(sides: Sides): [number, number][] {
  return sides.consumers
    .flatMap((ops, c) =>
      ops.flatMap((op, i) => op.ok ? [[c, i, op]] as const : [])
    )
    .sort((a, b) => a[2].invoked - b[2].invoked)
    .map(([c, i]) => [c, i]);
}

/** Replaces the operation at [process, index] of `ops`; returns the new one. */
function change(
  ops: Operation[][],
  [p, i]: [number, number],
  with_: Partial<Operation>,
): Operation {
  const op = { ...ops[p]![i]!, ...with_ };
  ops[p]![i] = op;
  return op;
}

/**
 * A call of `kind` during `at` (invoked, returned) that read `size`: it
 * pushed or popped `value`, or, without one, was refused (full or empty).
 */
function call(
  kind: "push" | "pop",
  options: { at: [number, number]; size: number; value?: number },
): Operation {
  const { at: [invoked, returned], size, value } = options;
  const method = kind === "push" ? "tryPush" : "tryPop";
  const ok = value !== undefined;
  return { kind, method, value: value ?? -1, ok, invoked, returned, size };
}

/** Inserts `op` into process `p`'s operations, in time order. */
function insert(ops: Operation[][], p: number, op: Operation): Operation {
  const list = ops[p]!;
  list.splice(list.filter((o) => o.returned < op.invoked).length, 0, op);
  return op;
}

/**
 * A doctoring that inserts a refusal of `kind` between two calls, where the
 * queue's length makes it impossible.
 */
function refuseWhere(
  kind: "push" | "pop",
  impossible: (size: number, capacity: number) => boolean,
): (s: Sequential, pick: number) => Doctored | null {
  return ({ history, gaps, capacity }, pick) => {
    const sides = sidesOf(history);
    const ops = kind === "push" ? sides.producers : sides.consumers;
    const where = gaps.filter((g) => impossible(g.size, capacity));
    if (where.length === 0) return null;
    const { after, size } = where[pick % where.length]!;
    const at: [number, number] = [after + 0.25, after + 0.5];
    return {
      history: { ...sides, complete: true },
      expect: [kind === "push" ? "full-answer" : "empty-answer"],
      changed: insert(ops, pick % ops.length, call(kind, { at, size })),
    };
  };
}

/** A doctoring that changes the size one call read. */
function resize(
  expect: string,
  sizeOf: (size: number, capacity: number) => number,
): (s: Sequential, pick: number) => Doctored | null {
  return ({ history, capacity }, pick) => {
    const sides = sidesOf(history);
    const all = [...sides.producers, ...sides.consumers];
    const at = all.flatMap((ops, p) => ops.map((_, i) => [p, i] as const));
    const [p, i] = at[pick % at.length]!;
    const size = sizeOf(all[p]![i]!.size, capacity);
    return {
      history: { ...sides, complete: true },
      expect: [expect],
      changed: change(all, [p, i], { size }),
    };
  };
}

/** The doctorings, each a fault a broken ring could produce; null: not applicable. */
const DOCTORS: Record<
  string,
  (s: Sequential, pick: number) => Doctored | null
> = {
  "swap two pops": ({ history }, pick) => {
    const sides = sidesOf(history);
    const pops = popsOf(sides);
    if (pops.length < 2) return null;
    const i = pick % (pops.length - 1);
    const j = i + 1 + (pick >>> 8) % (pops.length - 1 - i);
    const [a, b] = [pops[i]!, pops[j]!];
    const [x, y] = [a, b].map(([c, k]) => sides.consumers[c]![k]!.value);
    const changed = change(sides.consumers, a, { value: y! });
    change(sides.consumers, b, { value: x! });
    return {
      history: { ...sides, complete: true },
      expect: ["fifo", "no-unproduced"],
      changed,
    };
  },
  "duplicate a pop": ({ history }, pick) => {
    const sides = sidesOf(history);
    const pops = popsOf(sides);
    if (pops.length < 2) return null;
    const j = 1 + pick % (pops.length - 1);
    const [c, k] = pops[(pick >>> 8) % j]!;
    const value = sides.consumers[c]![k]!.value;
    return {
      history: { ...sides, complete: true },
      expect: ["no-duplicate"],
      changed: change(sides.consumers, pops[j]!, { value }),
    };
  },
  "drop a push's pop": ({ history }, pick) => {
    const sides = sidesOf(history);
    const pops = popsOf(sides);
    if (pops.length === 0) return null;
    const [c, k] = pops[pick % pops.length]!;
    const [dropped] = sides.consumers[c]!.splice(k, 1);
    return {
      history: { ...sides, complete: true },
      expect: ["fifo", "no-loss"],
      changed: dropped!,
    };
  },
  "pop before push": ({ history }, pick) => {
    const sides = sidesOf(history);
    const pops = popsOf(sides);
    if (pops.length === 0) return null;
    const at = pops[pick % pops.length]!;
    const pop = sides.consumers[at[0]]![at[1]]!;
    const later = sides.producers.flat().find((op) =>
      op.ok && op.invoked > pop.returned
    );
    if (later === undefined) return null;
    return {
      history: { ...sides, complete: true },
      expect: ["no-unproduced"],
      changed: change(sides.consumers, at, { value: later.value }),
    };
  },
  "impossible empty": refuseWhere("pop", (size) => size > 0),
  "impossible full": refuseWhere("push", (size, capacity) => size < capacity),
  "size above capacity": resize("bound", (_, capacity) => capacity + 1),
  "size no instant shows": resize(
    "size",
    (size, capacity) => (size + 1) % (capacity + 1),
  ),
};

Deno.test("checkHistory() rejects doctored histories, naming the doctored operation", () => {
  const caught = new Map<string, number>();
  assertProperty(
    fc.property(
      sequentialArb,
      fc.constantFrom(...Object.keys(DOCTORS)),
      fc.nat(),
      (sequential, doctor, pick) => {
        const doctored = DOCTORS[doctor]!(sequential, pick);
        fc.pre(doctored !== null);
        const report = checkHistory(doctored.history, {
          capacity: sequential.capacity,
        });
        assert.equal(report.ok, false, doctor);
        const { property, message, operations } = report.violation!;
        assert.ok(
          doctored.expect.includes(property),
          `${doctor}: ${property}: ${message}`,
        );
        if (property !== "fifo" && property !== "no-loss") {
          assert.ok(operations.includes(doctored.changed), doctor);
        }
        caught.set(doctor, (caught.get(doctor) ?? 0) + 1);
      },
    ),
    { numRuns: 600 },
  );
  // Every doctoring was tried, and caught, many times.
  for (const doctor of Object.keys(DOCTORS)) {
    assert.ok(
      (caught.get(doctor) ?? 0) >= 20,
      `${doctor}: ${caught.get(doctor)}`,
    );
  }
});

// --------------------------------------------------------------- examples

Deno.test("checkHistory() reports the first offending operations with their processes and timestamps", () => {
  // P1 pushed 2 after P0's push of 1 returned; 2 came out first.
  const history: ManyHistory = {
    producers: [[call("push", { value: 1, at: [0, 1], size: 1 })], [
      call("push", { value: 2, at: [2, 3], size: 2 }),
    ]],
    consumers: [[call("pop", { value: 2, at: [4, 5], size: 1 })], [
      call("pop", { value: 1, at: [6, 7], size: 0 }),
    ]],
    complete: true,
  };
  const report = checkHistory(history, { capacity: 2 });
  assert.equal(report.violation?.property, "fifo");
  assert.equal(
    report.violation?.message,
    "item 2's pop returned before item 1's began, but item 1's push returned before item 2's began: P0 push #0 tryPush(1) → ok [t 0..1, size 1]; P1 push #0 tryPush(2) → ok [t 2..3, size 2]; C0 pop #0 tryPop() → 2 [t 4..5, size 1]; C1 pop #0 tryPop() → 1 [t 6..7, size 0]",
  );
  assert.deepEqual(report.violation?.operations, [
    history.producers[0]![0],
    history.producers[1]![0],
    history.consumers[0]![0],
    history.consumers[1]![0],
  ]);
  // Overlapping pushes have no order: the same pops are fine.
  const overlapping = {
    ...history,
    producers: [[call("push", { value: 1, at: [0, 2.5], size: 2 })], [
      call("push", { value: 2, at: [2, 3], size: 2 }),
    ]],
  };
  assert.ok(checkHistory(overlapping, { capacity: 2 }).ok);
});

Deno.test("checkHistory() excuses an empty answer only while an earlier push is under way", () => {
  // P0 claims the first position and is slow to publish; P1's item, behind
  // it, is published: the sequence ring's consumer answers empty.
  const slow: ManyHistory = {
    producers: [[call("push", { value: 1, at: [0, 10], size: 2 })], [
      call("push", { value: 2, at: [1, 2], size: 2 }),
    ]],
    consumers: [[
      call("pop", { at: [3, 4], size: 2 }),
      call("pop", { value: 1, at: [11, 12], size: 1 }),
      call("pop", { value: 2, at: [13, 14], size: 0 }),
    ]],
    complete: true,
  };
  assert.ok(checkHistory(slow, { capacity: 2 }).ok);
  // Both pushes returned before the call: no excuse.
  const done = {
    ...slow,
    producers: [[call("push", { value: 1, at: [0, 0.5], size: 1 })], [
      call("push", { value: 2, at: [1, 2], size: 2 }),
    ]],
  };
  const report = checkHistory(done, { capacity: 2 });
  assert.equal(report.violation?.property, "empty-answer");
  assert.match(
    report.violation!.message,
    /item 2 was in it throughout the call/,
  );
});

Deno.test("checkHistory() excuses a full answer only while a pop that can hold the slot is under way", () => {
  // C0 claims item 1 and is slow to release its slot; C1 pops item 2: the
  // ring holds nothing, but P0 finds its slot still held.
  const pushes = [
    call("push", { value: 1, at: [0, 1], size: 1 }),
    call("push", { value: 2, at: [2, 3], size: 2 }),
    call("push", { at: [8, 9], size: 0 }),
    call("push", { value: 3, at: [21, 22], size: 1 }),
  ];
  const slow: ManyHistory = {
    producers: [pushes],
    consumers: [[call("pop", { value: 1, at: [4, 20], size: 0 })], [
      call("pop", { value: 2, at: [6, 7], size: 0 }),
      call("pop", { value: 3, at: [23, 24], size: 0 }),
    ]],
    complete: true,
  };
  assert.ok(checkHistory(slow, { capacity: 2 }).ok);
  const quick = {
    ...slow,
    consumers: [
      [call("pop", { value: 1, at: [4, 5], size: 1 })],
      slow.consumers[1]!,
    ],
  };
  const report = checkHistory(quick, { capacity: 2 });
  assert.equal(report.violation?.property, "full-answer");
  assert.deepEqual(report.violation?.operations, [pushes[2]]);
});

Deno.test("checkHistory() counts an item never popped against order and loss only in a complete history", () => {
  const history: ManyHistory = {
    producers: [[
      call("push", { value: 1, at: [0, 1], size: 1 }),
      call("push", { value: 2, at: [2, 3], size: 2 }),
    ]],
    consumers: [[call("pop", { value: 2, at: [4, 5], size: 1 })]],
    complete: false,
  };
  assert.ok(checkHistory(history, { capacity: 2 }).ok);
  const complete = checkHistory({ ...history, complete: true }, {
    capacity: 2,
  });
  assert.equal(complete.violation?.property, "fifo");
  assert.match(complete.violation!.message, /item 1, .* never was/);
  const lost = checkHistory({
    ...history,
    consumers: [[call("pop", { value: 1, at: [4, 5], size: 1 })]],
    complete: true,
  }, { capacity: 2 });
  assert.equal(lost.violation?.property, "no-loss");
});

Deno.test("checkHistory() rejects histories that are not well-formed", () => {
  const cases: [string, ManyHistory][] = [
    ["overlapping calls of one process", {
      producers: [[
        call("push", { value: 1, at: [0, 2], size: 1 }),
        call("push", { value: 2, at: [1, 3], size: 2 }),
      ]],
      consumers: [],
      complete: false,
    }],
    ["a push among a consumer's calls", {
      producers: [],
      consumers: [[call("push", { value: 1, at: [0, 1], size: 1 })]],
      complete: false,
    }],
    ["one item pushed by two producers", {
      producers: [[call("push", { value: 1, at: [0, 1], size: 1 })], [
        call("push", { value: 1, at: [2, 3], size: 2 }),
      ]],
      consumers: [],
      complete: false,
    }],
  ];
  for (const [name, history] of cases) {
    const report = checkHistory(history, { capacity: 2 });
    assert.equal(report.violation?.property, "well-formed", name);
  }
});
