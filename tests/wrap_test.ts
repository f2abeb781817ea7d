// The wrap of positions, over every engine: the counter ring's counters
// (which wrap at 2^30, below the flag bits of their words), the unbounded
// buffer's 32-bit counters, and the sequence ring's positions, which wrap
// below 2^31 at a multiple of slots.
import assert from "node:assert/strict";
import {
  Consumer,
  createRing,
  inspectRing,
  inspectUnbounded,
  Producer,
} from "../mod.ts";
import { drain, openRing } from "./_helpers.ts";
import { limitOf, openMany } from "./_sequence_helpers.ts";
import { openUnbounded, range } from "./_unbounded_helpers.ts";

/** Where a counter ring's counters wrap. */
const WRAP = 2 ** 30;

/** `in` or `out` expected after `n` steps from `start`, as a counter ring's counter. */
function counterAfter(start: number, n: number): number {
  return (start + n) % WRAP;
}

Deno.test("Producer and Consumer keep FIFO and size across the wrap of their positions", async (t) => {
  await t.step("counter: across the 2^30 wrap", async (t) => {
    for (const slots of [3, 5, 7]) {
      for (const k of [1, 2, slots - 1, slots, slots + 1, 2 * slots + 1]) {
        await t.step(`slots ${slots}, start 2^30 - ${k}`, () => {
          const start = WRAP - k;
          const { sab, producer, consumer } = openRing({
            slots,
            scheme: "counter",
            start,
          });
          let pushed = 0;
          let popped = 0;
          let lcg = slots * 31 + k; // a fixed, deterministic mix of batch sizes
          const next = (bound: number) => {
            lcg = (Math.imul(lcg, 1103515245) + 12345) >>> 0;
            return (lcg >>> 16) % bound;
          };
          // Irregular batches, so the wrap of the counters (at step k) and the
          // wrap of the slots (every `slots` steps) meet in every combination.
          for (let round = 0; round < 4 * slots + 3; round++) {
            const burst = next(slots + 2);
            for (let i = 0; i < burst; i++) {
              const ok = producer.tryPush(pushed);
              assert.equal(ok, pushed - popped < slots);
              if (ok) pushed++;
            }
            assert.equal(producer.size, pushed - popped);
            assert.equal(consumer.size, pushed - popped);
            const snapshot = inspectRing(sab);
            assert.equal(snapshot.in, counterAfter(start, pushed));
            assert.equal(snapshot.out, counterAfter(start, popped));
            assert.equal(snapshot.inSlot, pushed % slots);
            assert.equal(snapshot.outSlot, popped % slots);
            assert.equal(snapshot.size, pushed - popped);
            const take = next(slots + 2);
            for (let i = 0; i < take; i++) {
              const item = consumer.tryPop();
              if (popped === pushed) {
                assert.equal(item, undefined);
              } else {
                assert.equal(item, popped);
                popped++;
              }
            }
          }
          assert.ok(pushed > k, "the counters went past the wrap");
        });
      }
    }
  });
  await t.step("sequence: across the wrap of positions", async (t) => {
    for (const slots of [3, 4, 7]) {
      await t.step(`${slots} slots`, () => {
        const limit = limitOf(slots);
        const start = limit - 2 * slots - 1;
        const { sab, producers, consumers } = openMany({ slots, start });
        const out: number[] = [];
        for (let i = 0; i < 5 * slots; i++) {
          assert.ok(producers[i % 2]!.tryPush(i));
          if (i % 3 === 2) out.push(...drain(consumers[i % 2]!));
        }
        out.push(...drain(consumers[0]!));
        assert.deepEqual(out, Array.from({ length: 5 * slots }, (_, i) => i));
        const { in: inValue, out: outValue, inSlot } = inspectRing(sab);
        // Positions wrapped past limit - 1 to small values, slots stayed aligned.
        assert.equal(inValue, (start + 5 * slots) % limit);
        assert.equal(outValue, inValue);
        assert.equal(inSlot, inValue % slots);
        assert.ok(inValue < start);
      });
    }
  });
  await t.step("unbounded: across the 2^32 wrap", () => {
    const start = 2 ** 32 - 3;
    const { sab, producer, consumer } = openUnbounded({
      segmentSlots: 2,
      start,
    });
    producer.pushMany(range(0, 6));
    assert.equal(inspectUnbounded(sab).in, 3);
    assert.equal(producer.size, 6);
    assert.deepEqual(drain(consumer), range(0, 6));
    const s = inspectUnbounded(sab);
    assert.equal(s.out, 3);
    assert.equal(s.size, 0);
  });
});

Deno.test("Producer.tryPush() on a counter ring is full at exactly slots items straddling the wrap", () => {
  for (const slots of [3, 5, 7]) {
    for (let k = 1; k < slots; k++) {
      const start = WRAP - k;
      const sab = createRing({ slots, scheme: "counter", start });
      const producer = new Producer<number>(sab);
      for (let i = 0; i < slots; i++) assert.equal(producer.tryPush(i), true);
      assert.equal(producer.tryPush(-1), false);
      const snapshot = inspectRing(sab);
      assert.equal(snapshot.in, slots - k, "in wrapped past 0");
      assert.equal(snapshot.out, start, "out did not");
      assert.equal(snapshot.size, slots);
      // A consumer attaching now sees the full ring in order.
      const consumer = new Consumer<number>(sab);
      assert.equal(consumer.size, slots);
      const out = Array.from({ length: slots }, () => consumer.tryPop());
      assert.deepEqual(out, Array.from({ length: slots }, (_, i) => i));
      assert.equal(consumer.tryPop(), undefined);
    }
  }
});

Deno.test("Producer.pushMany() and Consumer.popMany() batch across the counter wrap", () => {
  for (const slots of [3, 5, 7]) {
    const start = WRAP - slots - 1;
    const { sab, producer, consumer } = openRing({
      slots,
      scheme: "counter",
      start,
    });
    let next = 0;
    const received: number[] = [];
    const target = new Int32Array(slots);
    for (let round = 0; round < 6 * slots; round++) {
      const batch = Int32Array.from(
        { length: (round % slots) + 1 },
        (_, i) => next + i,
      );
      next += producer.pushMany(round % 2 ? batch : [...batch]);
      const plain = new Array<number>((round % 3) + 1);
      const m = round % 2 ? consumer.popMany(target) : consumer.popMany(plain);
      received.push(...(round % 2 ? target : plain).slice(0, m));
    }
    assert.ok(inspectRing(sab).in < start, "in wrapped");
    received.push(
      ...Array.from({ length: consumer.size }, () => consumer.tryPop()!),
    );
    assert.deepEqual(received, Array.from({ length: next }, (_, i) => i));
  }
});

Deno.test("Producer.push() and Consumer.pop() time out correctly when full or empty at the wrap", () => {
  const slots = 5;
  const { sab, producer, consumer } = openRing({
    slots,
    scheme: "counter",
    start: WRAP - 3,
  });
  for (let i = 0; i < slots; i++) producer.push(i, { timeout: 0 });
  assert.throws(() => producer.push(9, { timeout: 0 }), {
    name: "TimeoutError",
  });
  for (let i = 0; i < slots; i++) assert.equal(consumer.pop({ timeout: 0 }), i);
  assert.throws(() => consumer.pop({ timeout: 0 }), { name: "TimeoutError" });
  assert.equal(inspectRing(sab).in, slots - 3);
});

Deno.test("Producer.tryPush() and Consumer.tryPop() on a counter ring store the slot words only at detach, the bases once a lap", () => {
  // The per-item path stores nothing on the index words' lines but the
  // counter's add (a store there is a cache-line transfer to the spinning
  // peer); the slot follows from the counter and its base.
  const slots = 3;
  const start = WRAP - 4;
  const sab = createRing({ slots, item: "int32", scheme: "counter", start });
  const words = new Int32Array(sab, 0, 48);
  const [inSlot, inBase, outSlot, outBase] = [17, 20, 33, 36];
  let producer = new Producer<number>(sab);
  let consumer = new Consumer<number>(sab);
  for (let i = 0; i < 7; i++) {
    assert.ok(producer.tryPush(i));
    assert.equal(consumer.tryPop(), i);
  }
  // 7 items from slot 0: slot 1; the last lap began two items ago.
  assert.deepEqual([words[inSlot], words[outSlot]], [0, 0]);
  assert.deepEqual([words[inBase], words[outBase]], [
    counterAfter(start, 6),
    counterAfter(start, 6),
  ]);
  const snapshot = inspectRing(sab);
  assert.deepEqual([snapshot.inSlot, snapshot.outSlot], [1, 1]);
  producer.detach();
  consumer.detach();
  assert.deepEqual([words[inSlot], words[outSlot]], [1, 1]);
  // The next handles check the words and continue at slot 1.
  producer = new Producer<number>(sab);
  consumer = new Consumer<number>(sab);
  assert.equal(producer.pushMany([7, 8, 9]), 3);
  assert.deepEqual(drain(consumer), [7, 8, 9]);
  assert.equal(inspectRing(sab).inSlot, 1);
});
