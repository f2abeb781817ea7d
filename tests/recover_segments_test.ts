// recoverUnbounded() reclaims the segments a dead handle held privately.
// A handle "dies" at its k-th Atomics operation: a stand-in `Atomics`
// throws instead of performing it (the engine looks `Atomics` up at call
// time), leaving shared memory exactly as a thread stopped there would. For
// every k of a push that grows or recycles a segment, and of a pop that
// leaves one, the dead handle is recovered; then every segment must be in
// the chain from head to tail or on the free list, exactly once, and the
// recovery must have put back exactly the segments that were missing.
import assert from "node:assert/strict";
import {
  createUnbounded,
  inspectUnbounded,
  recoverUnbounded,
  UnboundedConsumer,
  UnboundedProducer,
} from "../mod.ts";
import { assertThrowsWith, drain } from "./_helpers.ts";
import {
  assertSegmentsAccounted,
  segmentAccounting,
} from "./_unbounded_helpers.ts";
import {
  W_GROWN,
  W_LEAVING,
  W_TAKING,
  W_VERSION,
} from "../src/_shm/unbounded_layout.ts";

class Death extends Error {}

/**
 * Runs `body` with an `Atomics` whose `k`-th operation (from 0) throws
 * instead of happening. Returns whether the thread died (k was reached).
 */
function dieAt(k: number, body: () => void): boolean {
  const real = globalThis.Atomics;
  let n = 0;
  const dying = new Proxy(real, {
    get(target, key) {
      const value = Reflect.get(target, key);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        if (n++ === k) throw new Death(`died at Atomics operation ${k}`);
        return Reflect.apply(value, target, args);
      };
    },
  });
  globalThis.Atomics = dying;
  try {
    body();
    return false;
  } catch (error) {
    if (error instanceof Death) return true;
    throw error;
  } finally {
    globalThis.Atomics = real;
  }
}

/**
 * Segments chained past the one `in` lies in: a batch linked them and died
 * before publishing, so they hold no published item.
 */
function unpublished(sab: SharedArrayBuffer): number {
  const s = inspectUnbounded(sab);
  const used = s.in - (s.out - s.outSlot);
  const last = used === 0 ? 0 : Math.ceil(used / s.segmentSlots) - 1;
  return Math.max(0, s.chain.length - 1 - last);
}

interface Case {
  readonly name: string;
  /** Items pushed and popped before the victim's call. */
  readonly pushed: number;
  readonly popped: number;
  readonly victim: "producer" | "consumer";
  /** Whether a death may leave segments linked past `in` to roll back. */
  readonly batch?: boolean;
  /** The victim's call. */
  act(
    producer: UnboundedProducer<number>,
    consumer: UnboundedConsumer<number>,
  ): void;
}

// Segments of one slot: every push past the first moves the tail, every
// pop past the first moves the head.
const CASES: readonly Case[] = [
  {
    name: "a push that grows the buffer",
    pushed: 1,
    popped: 0,
    victim: "producer",
    act: (p) => assert.ok(p.tryPush(100)),
  },
  {
    name: "a push that takes a recycled segment",
    pushed: 2,
    popped: 2,
    victim: "producer",
    act: (p) => assert.ok(p.tryPush(100)),
  },
  {
    name: "a batch that grows the buffer by three segments",
    pushed: 1,
    popped: 1,
    victim: "producer",
    batch: true,
    act: (p) => assert.equal(p.pushMany(new Int32Array([100, 101, 102])), 3),
  },
  {
    name: "a pop that leaves a segment",
    pushed: 3,
    popped: 1,
    victim: "consumer",
    act: (_, c) => assert.equal(c.tryPop(), 1),
  },
];

/** A buffer of one-slot segments after `pushed` pushes and `popped` pops. */
function prepared(c: Case) {
  const sab = createUnbounded({ item: "int32", segmentSlots: 1 });
  const producer = new UnboundedProducer<number>(sab);
  const consumer = new UnboundedConsumer<number>(sab);
  for (let v = 0; v < c.pushed; v++) assert.ok(producer.tryPush(v));
  for (let v = 0; v < c.popped; v++) assert.equal(consumer.tryPop(), v);
  return { sab, producer, consumer };
}

Deno.test("recoverUnbounded() returns a dead handle's private segments to the free list, at every step of a segment switch", async (t) => {
  for (const c of CASES) {
    await t.step(c.name, () => {
      let reclaimedSome = 0;
      let k = 0;
      for (;; k++) {
        const label = `${c.name}, death at operation ${k}`;
        const { sab, producer, consumer } = prepared(c);
        const died = dieAt(k, () => c.act(producer, consumer));
        if (!died) break;
        const dead = c.victim === "producer" ? producer : consumer;
        const before = segmentAccounting(sab);
        // A single push's linked segment is its tail (the move is finished).
        const linked = c.batch ? unpublished(sab) : 0;
        assert.deepEqual(before.twice, [], label);
        const recovery = recoverUnbounded(sab, { handle: dead.id });
        assert.equal(recovery.role, c.victim, label);
        assert.equal(
          recovery.reclaimed,
          before.missing.length + linked,
          label,
        );
        if (recovery.reclaimed > 0) reclaimedSome++;
        assertSegmentsAccounted(sab, label);
        // Twice (a supervisor that ran again): nothing more.
        assert.equal(recoverUnbounded(sab, { handle: dead.id }).reclaimed, 0);
        assertSegmentsAccounted(sab, label);
        // The stream goes on, and recycling keeps every segment accounted.
        const p = c.victim === "producer"
          ? new UnboundedProducer<number>(sab)
          : producer;
        const q = c.victim === "consumer"
          ? new UnboundedConsumer<number>(sab)
          : consumer;
        for (let v = 200; v < 210; v++) assert.ok(p.tryPush(v), label);
        const items = drain(q);
        assert.deepEqual(
          items.slice(-10),
          Array.from({ length: 10 }, (_, i) => 200 + i),
          label,
        );
        assertSegmentsAccounted(sab, `${label}, after the stream went on`);
      }
      // The call switched segments, so some deaths orphaned one.
      assert.ok(k > 5, `${c.name}: only ${k} operations`);
      assert.ok(reclaimedSome > 0, `${c.name}: no death orphaned a segment`);
    });
  }
});

/**
 * The missing segments `side`'s records name: the producer's taking and
 * grown segments, the consumer's leaving segment (unless the producer's
 * taking record names it: then the producer popped it).
 */
function heldBy(
  sab: SharedArrayBuffer,
  side: "producer" | "consumer",
  missing: readonly number[],
): number[] {
  const words = new Int32Array(sab, 0, 48);
  const taking = words[W_TAKING]! - 1;
  if (side === "consumer") {
    const leaving = words[W_LEAVING]! - 1;
    return missing.filter((i) => i === leaving && i !== taking);
  }
  const grown = words[W_GROWN]! - 1;
  return missing.filter((i) => i === taking || (grown >= 0 && i >= grown));
}

Deno.test("recoverUnbounded() leaves alone the segment the other side holds, and each recovery gives back its own", async (t) => {
  // One side stops at every step of its call (a consumer leaving segment 0,
  // a producer taking or growing a segment), then the other side stops at
  // every step of its call too, as if still running. Whichever side is
  // recovered first must leave alone the segment the other holds (its
  // records name it: the consumer's segment, pushed, may be the one the
  // producer is taking); the other's recovery, once it is dead as well,
  // gives that one back.
  for (const actsFirst of ["consumer", "producer"] as const) {
    for (const recoveredFirst of ["consumer", "producer"] as const) {
      await t.step(
        `${actsFirst} acts first, ${recoveredFirst} recovered first`,
        () => {
          let pairs = 0;
          let held = 0;
          for (let k1 = 0;; k1++) {
            let firstDied = false;
            for (let k2 = 0;; k2++) {
              const label = `${actsFirst} dead at ${k1}, the other at ${k2}`;
              const { sab, producer, consumer } = prepared({
                name: "",
                pushed: 2,
                popped: 1,
                victim: "consumer",
                act: () => {},
              });
              const pop = () => assert.equal(consumer.tryPop(), 1);
              const push = () => assert.ok(producer.tryPush(7));
              const [one, two] = actsFirst === "consumer"
                ? [pop, push]
                : [push, pop];
              firstDied = dieAt(k1, one);
              if (!firstDied) break;
              const secondDied = dieAt(k2, two);
              const missing = segmentAccounting(sab).missing;
              const other = recoveredFirst === "consumer"
                ? "producer"
                : "consumer";
              const kept = heldBy(sab, other, missing);
              const handle = (side: string) =>
                side === "producer" ? producer.id : consumer.id;
              const first = recoverUnbounded(sab, {
                handle: handle(recoveredFirst),
              });
              const after = segmentAccounting(sab);
              for (const i of kept) {
                held++;
                assert.ok(
                  after.missing.includes(i),
                  `${label}: ${i} given back`,
                );
              }
              assert.deepEqual(after.twice, [], label);
              const second = recoverUnbounded(sab, { handle: handle(other) });
              assert.equal(
                first.reclaimed + second.reclaimed,
                missing.length,
                label,
              );
              assertSegmentsAccounted(sab, label);
              pairs++;
              if (!secondDied) break;
            }
            if (!firstDied) break;
          }
          assert.ok(pairs > 50, `${pairs} pairs`);
          assert.ok(held > 0, "the other side never held a segment");
        },
      );
    }
  }
});

Deno.test("UnboundedConsumer() refuses a buffer of the previous layout version", () => {
  const sab = createUnbounded({ item: "int32" });
  new Int32Array(sab)[W_VERSION] = 2;
  assertThrowsWith(() => new UnboundedConsumer(sab), RangeError, [
    "Cannot attach consumer: unbounded buffer layout version 2 is not supported, expected 3",
  ]);
  assertThrowsWith(() => recoverUnbounded(sab, { handle: 1 }), RangeError, [
    "Cannot recover unbounded buffer: unbounded buffer layout version 2 is not supported, expected 3",
  ]);
});
