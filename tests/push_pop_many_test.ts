// Batches over every engine: pushMany/popMany across the wrap, into typed
// and plain arrays, through many laps, and what they refuse.
import assert from "node:assert/strict";
import {
  assertThrowsWith,
  assertUnchanged,
  drain,
  imageOf,
  openRing,
} from "./_helpers.ts";
import { eachEngine, openEngine, RINGS } from "./_engines.ts";
import { openMany } from "./_sequence_helpers.ts";
import {
  bytesFor,
  openUnbounded,
  range,
  unboundedImage,
} from "./_unbounded_helpers.ts";

Deno.test("Producer.pushMany() pushes a prefix and returns how many fit", async (t) => {
  await eachEngine(t, RINGS, (engine) => {
    const { producer, consumer } = openEngine(engine, { slots: 4 });
    const capacity = producer.capacity;
    assert.equal(producer.pushMany([]), 0);
    assert.equal(producer.pushMany([1, 2]), 2);
    assert.equal(producer.pushMany([3, 4, 5, 6, 7]), capacity - 2);
    assert.equal(producer.pushMany([8]), 0);
    assert.deepEqual(drain(consumer), [1, 2, 3, 4, 5, 6].slice(0, capacity));
  });
  // The unbounded buffer has no prefix: a batch fits whole or not at all.
  await t.step("unbounded: all or nothing", async (t) => {
    const maxBytes = bytesFor(3, 4);
    const { sab, producer, consumer } = openUnbounded({
      segmentSlots: 4,
      maxBytes,
    });
    await t.step("too many for maxBytes: RangeError, nothing written", () => {
      producer.push(-1);
      const image = unboundedImage(sab);
      assertThrowsWith(() => producer.pushMany(range(0, 12)), RangeError, [
        `Cannot push items: the unbounded buffer would exceed maxBytes ${maxBytes}`,
      ]);
      assertUnchanged(sab, image);
    });
    await t.step("a bad item: nothing written", () => {
      const image = unboundedImage(sab);
      const items = [...range(0, 9), 0.5];
      assertThrowsWith(() => producer.pushMany(items), RangeError, [
        "items[9] must be an integer",
      ]);
      assertThrowsWith(
        () => producer.pushMany(["x"] as unknown as number[]),
        TypeError,
        ["items[0] must be a number"],
      );
      assertUnchanged(sab, image);
    });
    await t.step("exactly what fits: every item, one publication", () => {
      assert.equal(producer.pushMany(range(0, 11)), 11);
      assert.equal(producer.segments, 3);
      assert.deepEqual(drain(consumer), [-1, ...range(0, 11)]);
    });
    await t.step("not an array-like: TypeError", () => {
      assertThrowsWith(
        () => producer.pushMany(7 as unknown as number[]),
        TypeError,
        ["Cannot push items: items must be an array-like"],
      );
      assert.equal(producer.pushMany([]), 0);
    });
  });
});

Deno.test("Producer.pushMany() copies a typed array of the ring's kind across the wrap", async (t) => {
  await eachEngine(t, RINGS, (engine) => {
    for (let offset = 0; offset < 5; offset++) {
      const { producer, consumer } = openEngine(engine, { slots: 5 });
      // Move in and out to `offset` so the batch wraps past the last slot.
      for (let i = 0; i < offset; i++) {
        producer.tryPush(-1);
        consumer.tryPop();
      }
      const batch = Int32Array.from({ length: 6 }, (_, i) => 10 + i);
      const n = producer.pushMany(batch);
      assert.equal(n, producer.capacity);
      assert.deepEqual(
        drain(consumer),
        [...batch.subarray(0, n)],
        `@${offset}`,
      );
    }
  });
});

Deno.test("Consumer.popMany() fills a typed array or plain array across the wrap", async (t) => {
  await eachEngine(t, RINGS, (engine) => {
    for (let offset = 0; offset < 5; offset++) {
      for (const typed of [true, false]) {
        const { producer, consumer } = openEngine(engine, { slots: 5 });
        for (let i = 0; i < offset; i++) {
          producer.tryPush(-1);
          consumer.tryPop();
        }
        const items = [21, 22, 23, 24, 25].slice(0, producer.capacity);
        producer.pushMany(items);
        const target = typed ? new Int32Array(7) : new Array<number>(7).fill(0);
        const n = consumer.popMany(target);
        assert.equal(n, items.length);
        assert.deepEqual(
          [...target],
          [...items, 0, 0, 0, 0, 0, 0, 0].slice(0, 7),
        );
        assert.equal(consumer.size, 0);
      }
    }
  });
  await t.step("sequence, two handles a side", () => {
    const { producers, consumers } = openMany({ slots: 5 });
    assert.equal(producers[0]!.pushMany([1, 2, 3]), 3);
    assert.equal(consumers[0]!.popMany(new Int32Array(2)), 2);
    // Positions 3..7: slots 3, 4, 0, 1, 2.
    assert.equal(producers[1]!.pushMany(new Int32Array([4, 5, 6, 7, 8])), 4);
    const target = new Int32Array(8);
    assert.equal(consumers[1]!.popMany(target), 5);
    assert.deepEqual([...target.subarray(0, 5)], [3, 4, 5, 6, 7]);
    const plain: number[] = [];
    assert.equal(consumers[1]!.popMany(plain), 0);
  });
});

Deno.test("Consumer.popMany() pops at most target.length items and returns 0 when empty", async (t) => {
  await t.step("counter", () => {
    const { producer, consumer } = openRing({ slots: 8, scheme: "counter" });
    const target = new Int32Array(3);
    assert.equal(consumer.popMany(target), 0);
    assert.equal(consumer.popMany(new Int32Array(0)), 0);
    producer.pushMany([1, 2, 3, 4, 5]);
    assert.equal(consumer.popMany(target), 3);
    assert.deepEqual([...target], [1, 2, 3]);
    assert.equal(consumer.size, 2);
    assert.equal(consumer.popMany(target), 2);
    assert.deepEqual([...target.subarray(0, 2)], [4, 5]);
  });
  await t.step("unbounded: into any array-like", () => {
    const { producer, consumer } = openUnbounded({ segmentSlots: 3 });
    producer.pushMany(range(0, 7));
    const plain: number[] = [];
    plain.length = 4;
    assert.equal(consumer.popMany(plain), 4);
    assert.deepEqual(plain, range(0, 4));
    const typed = new Int32Array(8);
    assert.equal(consumer.popMany(typed), 3);
    assert.deepEqual([...typed.subarray(0, 3)], range(4, 7));
    assertThrowsWith(
      () => consumer.popMany(null as unknown as number[]),
      TypeError,
      ["Cannot pop items: target must be an array or typed array"],
    );
  });
});

Deno.test("Consumer.popMany() converts into a typed array of another kind", () => {
  const { producer, consumer } = openRing({ slots: 4 });
  producer.pushMany([1, -2, 3]);
  const target = new Float64Array(3);
  assert.equal(consumer.popMany(target), 3);
  assert.deepEqual([...target], [1, -2, 3]);
});

Deno.test("Producer.pushMany() and Consumer.popMany() refuse arguments that are not array-like", () => {
  const { sab, producer, consumer } = openRing({ slots: 4 });
  producer.tryPush(1);
  const before = imageOf(sab);
  const calls: [(bad: number[]) => number, string][] = [
    [(bad) => producer.pushMany(bad), "Cannot push items: items"],
    [(bad) => consumer.popMany(bad), "Cannot pop items: target"],
  ];
  for (const [call, fragment] of calls) {
    for (const bad of [null, 3, "abc", undefined, {}]) {
      assertThrowsWith(() => call(bad as unknown as number[]), TypeError, [
        fragment,
      ]);
    }
  }
  assertUnchanged(sab, before);
});

Deno.test("Producer.pushMany() and Consumer.popMany() run a stream through many laps", async (t) => {
  await eachEngine(t, RINGS, (engine) => {
    const { producer, consumer } = openEngine(engine, { slots: 7 });
    let next = 0;
    const received: number[] = [];
    const target = new Int32Array(4);
    for (let round = 0; round < 50; round++) {
      const batch = Int32Array.from({ length: (round % 5) + 1 }, () => next++);
      const n = producer.pushMany(round % 2 === 0 ? batch : [...batch]);
      next -= batch.length - n;
      const m = consumer.popMany(target);
      received.push(...target.subarray(0, m));
    }
    received.push(...drain(consumer));
    assert.deepEqual(
      received,
      Array.from({ length: next }, (_, i) => i),
    );
  });
});
