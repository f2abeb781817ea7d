// The history checker itself: it accepts every history the real ring
// produces under random schedules (simulated in one thread, with operations
// whose intervals genuinely overlap), and rejects doctored ones, naming the
// property and the first offending operations.
import assert from "node:assert/strict";
import fc from "fast-check";
import { Consumer, createRing, Producer, type Scheme } from "../mod.ts";
import {
  checkHistory,
  type History,
  type Operation,
} from "./_history/check.ts";
import { assertProperty } from "./_helpers.ts";
import { METHODS, popBy, pushBy } from "./_workers/history_protocol.ts";

interface Done {
  method: string;
  value: number;
  ok: boolean;
  size: number;
}

interface Pending {
  invoked: number;
  done?: Done;
}

/**
 * A history of the production ring under a random schedule: each operation
 * is invoked, performed and returned in three separate scheduler steps, so
 * the other side may act in between and intervals overlap.
 */
function simulate(
  options: { slots: number; scheme: Scheme; items: number; seed: number },
): History {
  const sab = createRing({ slots: options.slots, scheme: options.scheme });
  const producer = new Producer<number>(sab);
  const consumer = new Consumer<number>(sab);
  const random = fc.sample(
    fc.array(fc.nat(5), { minLength: 4000, maxLength: 4000 }),
    { numRuns: 1, seed: options.seed },
  )[0]!;
  let clock = 0;
  let next = 0;
  let popped = 0;
  const sides: { ops: Operation[]; pending: Pending | null }[] = [
    { ops: [], pending: null },
    { ops: [], pending: null },
  ];
  // Non-blocking calls only: tryPush or reserve/commit, tryPop or peek/release.
  const perform = (side: number, choice: number): Done => {
    if (side === 0) {
      const method = choice % 2 === 0 ? 0 : 2;
      const ok = pushBy(producer, method, next);
      const done = {
        method: METHODS[method],
        value: next,
        ok,
        size: producer.size,
      };
      if (ok) next++;
      return done;
    }
    const method = choice % 2 === 0 ? 3 : 5;
    const value = popBy(consumer, method);
    if (value !== undefined) popped++;
    return {
      method: METHODS[method],
      value: value ?? -1,
      ok: value !== undefined,
      size: consumer.size,
    };
  };
  // Each side invokes while it has work; pending calls are finished.
  const busy = (side: number) =>
    sides[side]!.pending !== null ||
    (side === 0 ? next < options.items : popped < options.items);
  for (let i = 0; busy(0) || busy(1); i++) {
    const choice = random[i % random.length]!;
    const side = busy(choice % 2) ? choice % 2 : 1 - choice % 2;
    const s = sides[side]!;
    if (s.pending === null) s.pending = { invoked: clock++ };
    else if (s.pending.done === undefined) {
      s.pending.done = perform(side, choice >> 1);
    } else {
      const { method, value, ok, size } = s.pending.done;
      s.ops.push({
        kind: side === 0 ? "push" : "pop",
        method,
        value,
        ok,
        invoked: s.pending.invoked,
        returned: clock++,
        size,
      });
      s.pending = null;
    }
  }
  return { pushes: sides[0]!.ops, pops: sides[1]!.ops, complete: true };
}

const historyArb = fc.record({
  slots: fc.integer({ min: 2, max: 5 }),
  scheme: fc.constantFrom<Scheme>("textbook", "counter"),
  items: fc.integer({ min: 3, max: 40 }),
  seed: fc.integer(),
});

/** A history with one thing changed; `expect` lists the properties that may catch it first. */
interface Doctored {
  readonly history: History;
  readonly expect: readonly string[];
  readonly changed: Operation;
}

function withPops(h: History, pops: Operation[]): History {
  return { ...h, pops };
}

function successful(ops: readonly Operation[]): number[] {
  return ops.flatMap((op, i) => op.ok ? [i] : []);
}

/** The doctorings, each a fault a broken ring could produce. */
const DOCTORS: Record<string, (h: History, pick: number) => Doctored> = {
  "swap two popped items": (h, pick) => {
    const ok = successful(h.pops);
    const a = ok[pick % (ok.length - 1)]!;
    const b = ok[ok.indexOf(a) + 1]!;
    const pops = [...h.pops];
    pops[a] = { ...h.pops[a]!, value: h.pops[b]!.value };
    pops[b] = { ...h.pops[b]!, value: h.pops[a]!.value };
    return {
      history: withPops(h, pops),
      expect: ["fifo", "no-unproduced"],
      changed: pops[a]!,
    };
  },
  "pop an item twice": (h, pick) => {
    const ok = successful(h.pops);
    const b = ok[1 + pick % (ok.length - 1)]!;
    const pops = [...h.pops];
    pops[b] = { ...h.pops[b]!, value: h.pops[ok[0]!]!.value };
    return {
      history: withPops(h, pops),
      expect: ["no-duplicate"],
      changed: pops[b]!,
    };
  },
  "lose a popped item": (h, pick) => {
    const ok = successful(h.pops);
    const a = ok[pick % ok.length]!;
    const pops = h.pops.filter((_, i) => i !== a);
    return {
      history: withPops(h, pops),
      expect: ["fifo", "no-loss"],
      changed: h.pops[a]!,
    };
  },
  "pop an item never pushed": (h, pick) => {
    const ok = successful(h.pops);
    const a = ok[pick % ok.length]!;
    const pops = [...h.pops];
    pops[a] = { ...h.pops[a]!, value: 1_000_000 };
    return {
      history: withPops(h, pops),
      expect: ["no-unproduced"],
      changed: pops[a]!,
    };
  },
  "observe a size above capacity": (h, pick) => {
    const a = pick % h.pops.length;
    const pops = [...h.pops];
    pops[a] = { ...h.pops[a]!, size: 6 }; // capacity is at most 5
    return {
      history: withPops(h, pops),
      expect: ["bound"],
      changed: pops[a]!,
    };
  },
};

function capacityOf(slots: number, scheme: Scheme): number {
  return scheme === "textbook" ? slots - 1 : slots;
}

Deno.test("checkHistory() accepts every history of the real ring under random schedules", () => {
  assertProperty(
    fc.property(historyArb, (options) => {
      const history = simulate(options);
      const report = checkHistory(history, {
        capacity: capacityOf(options.slots, options.scheme),
      });
      assert.ok(report.ok, report.violation?.message);
      assert.equal(report.counts.pushes, options.items);
      assert.equal(report.counts.pops, options.items);
    }),
    { numRuns: 200 },
  );
});

Deno.test("checkHistory() rejects doctored histories, naming the doctored operation", () => {
  assertProperty(
    fc.property(
      historyArb,
      fc.constantFrom(...Object.keys(DOCTORS)),
      fc.nat(),
      (options, doctor, pick) => {
        const history = simulate(options);
        const doctored = DOCTORS[doctor]!(history, pick);
        const report = checkHistory(doctored.history, {
          capacity: capacityOf(options.slots, options.scheme),
        });
        assert.equal(report.ok, false, doctor);
        const violation = report.violation!;
        assert.ok(
          doctored.expect.includes(violation.property),
          `${doctor}: ${violation.property}: ${violation.message}`,
        );
        if (violation.property !== "fifo" && violation.property !== "no-loss") {
          assert.ok(violation.operations.includes(doctored.changed), doctor);
        }
      },
    ),
    { numRuns: 300 },
  );
});

/** An operation, briefly: kind, value, ok, interval, size. */
function op(
  kind: "push" | "pop",
  value: number,
  invoked: number,
  returned: number,
  size: number,
  ok = true,
): Operation {
  const method = kind === "push" ? "tryPush" : "tryPop";
  return { kind, method, value, ok, invoked, returned, size };
}

/** Two pushes and two pops, one after another: a correct history. */
function sequential(): { pushes: Operation[]; pops: Operation[] } {
  return {
    pushes: [op("push", 0, 0, 1, 1), op("push", 1, 2, 3, 2)],
    pops: [op("pop", 0, 4, 5, 1), op("pop", 1, 6, 7, 0)],
  };
}

Deno.test("checkHistory() reports the first offending operations with their timestamps", () => {
  const h = sequential();
  h.pops[0] = op("pop", 1, 4, 5, 1);
  h.pops[1] = op("pop", 0, 6, 7, 0);
  const report = checkHistory({ ...h, complete: true }, { capacity: 2 });
  assert.equal(report.violation?.property, "fifo");
  assert.equal(
    report.violation?.message,
    "pop 0 took item 1, but the 0th item pushed was 0: push #0 tryPush(0) → ok [t 0..1, size 1]; push #1 tryPush(1) → ok [t 2..3, size 2]; pop #0 tryPop() → 1 [t 4..5, size 1]",
  );
  assert.deepEqual(report.violation?.operations, [
    h.pushes[0],
    h.pushes[1],
    h.pops[0],
  ]);
});

Deno.test("checkHistory() rejects a pop that returned before its push began", () => {
  const h = sequential();
  h.pops[0] = op("pop", 0, 0.2, 0.5, 0);
  h.pushes[0] = op("push", 0, 0.6, 1, 1);
  const report = checkHistory({ ...h, complete: true }, { capacity: 2 });
  assert.equal(report.violation?.property, "no-unproduced");
  assert.match(report.violation!.message, /before its push had begun/);
});

Deno.test("checkHistory() rejects a size no instant of the call could show", () => {
  const h = sequential();
  // Both items were in, and no pop had begun: the producer cannot see 1.
  h.pushes[1] = op("push", 1, 2, 3, 1);
  const report = checkHistory({ ...h, complete: true }, { capacity: 2 });
  assert.equal(report.violation?.property, "size");
  assert.match(report.violation!.message, /held 2 to 2 items/);
});

Deno.test("checkHistory() rejects full and empty answers the ring cannot have given", () => {
  const full = sequential();
  full.pushes.splice(1, 0, op("push", 1, 1.5, 1.8, 1, false));
  assert.equal(
    checkHistory({ ...full, complete: true }, { capacity: 2 }).violation
      ?.property,
    "full-answer",
  );
  // Really full (capacity 1): accepted.
  const fine = sequential();
  fine.pushes = [op("push", 0, 0, 1, 1), op("push", 1, 1.5, 1.8, 1, false)];
  fine.pops = [op("pop", 0, 4, 5, 0)];
  assert.ok(checkHistory({ ...fine, complete: true }, { capacity: 1 }).ok);
  const empty = sequential();
  empty.pops.unshift(op("pop", -1, 3.2, 3.5, 2, false));
  const report = checkHistory({ ...empty, complete: true }, { capacity: 2 });
  assert.equal(report.violation?.property, "empty-answer");
  assert.match(report.violation!.message, /held at least 2 items/);
});

Deno.test("checkHistory() counts a missing item as lost only in a complete history", () => {
  const h = sequential();
  h.pops.pop();
  assert.equal(
    checkHistory({ ...h, complete: true }, { capacity: 2 }).violation?.property,
    "no-loss",
  );
  assert.ok(checkHistory({ ...h, complete: false }, { capacity: 2 }).ok);
});

Deno.test("checkHistory() rejects histories that are not well-formed", () => {
  const overlapping = sequential();
  overlapping.pushes[1] = op("push", 1, 0.5, 3, 2);
  assert.equal(
    checkHistory({ ...overlapping, complete: true }, { capacity: 2 }).violation
      ?.property,
    "well-formed",
  );
  const twice = sequential();
  twice.pushes[1] = op("push", 0, 2, 3, 2);
  assert.match(
    checkHistory({ ...twice, complete: true }, { capacity: 2 }).violation!
      .message,
    /item 0 was pushed twice/,
  );
  const mixed = sequential();
  mixed.pops[0] = op("push", 0, 4, 5, 1);
  assert.equal(
    checkHistory({ ...mixed, complete: true }, { capacity: 2 }).violation
      ?.property,
    "well-formed",
  );
});
