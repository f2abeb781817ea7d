import assert from "node:assert/strict";
import {
  createUnbounded,
  inspectUnbounded,
  UnboundedConsumer,
  UnboundedProducer,
} from "../mod.ts";
import { assertThrowsWith, assertUnchanged, drain } from "./_helpers.ts";
import { openUnbounded, range, unboundedImage } from "./_unbounded_helpers.ts";

/** The bytes of a buffer with `segments` segments of `segmentSlots` int32s. */
function bytesFor(segments: number, segmentSlots: number): number {
  const { offsets, segmentBytes } = inspectUnbounded(
    createUnbounded({ segmentSlots }),
  );
  return offsets.data + segments * segmentBytes;
}

Deno.test("UnboundedProducer.push grows the buffer one segment at a time", async (t) => {
  const { sab, producer, consumer } = openUnbounded({ segmentSlots: 4 });
  await t.step("a segment at a time, linked in order", () => {
    assert.equal(producer.segments, 1);
    for (const i of range(0, 10)) producer.push(i);
    const s = inspectUnbounded(sab);
    assert.equal(s.segments, 3);
    assert.deepEqual(s.chain, [0, 1, 2]);
    assert.equal(s.tail, 2);
    assert.equal(s.inSlot, 2);
    assert.equal(s.byteLength, bytesFor(3, 4));
  });
  await t.step("the consumer sees every item in order", () => {
    assert.deepEqual(drain(consumer), range(0, 10));
    assert.equal(consumer.size, 0);
  });
});

Deno.test("UnboundedProducer.push throws RangeError at maxBytes, losing nothing", () => {
  const maxBytes = bytesFor(2, 4);
  const { sab, producer, consumer } = openUnbounded({
    segmentSlots: 4,
    maxBytes,
  });
  producer.pushMany(range(0, 8));
  const image = unboundedImage(sab);
  assertThrowsWith(() => producer.push(8), RangeError, [
    `Cannot push item: the unbounded buffer would exceed maxBytes ${maxBytes}`,
  ]);
  assertThrowsWith(() => producer.reserve(), RangeError, [
    `Cannot reserve slot: the unbounded buffer would exceed maxBytes ${maxBytes}`,
  ]);
  assertUnchanged(sab, image);
  assert.deepEqual(drain(consumer), range(0, 8));
});

Deno.test("UnboundedConsumer recycles segments so memory stays bounded", async (t) => {
  await t.step("a consumer one item behind holds two segments", () => {
    const { producer, consumer } = openUnbounded({ segmentSlots: 64 });
    for (let i = 0; i < 100_000; i++) {
      producer.push(i);
      if (consumer.tryPop() !== i) assert.fail(`item ${i} out of order`);
    }
    assert.equal(producer.segments, 2);
  });
  await t.step("a consumer up to one segment behind holds three", () => {
    const { producer, consumer } = openUnbounded({ segmentSlots: 64 });
    let next = 0;
    for (let i = 0; i < 100_000; i++) {
      producer.push(i);
      if (producer.size > 64) assert.equal(consumer.tryPop(), next++);
    }
    assert.equal(producer.segments, 3);
    assert.deepEqual(drain(consumer), range(next, 100_000));
  });
  await t.step("recycled segments are reused before the buffer grows", () => {
    const { sab, producer, consumer } = openUnbounded({ segmentSlots: 2 });
    producer.pushMany(range(0, 8)); // segments 0 1 2 3
    assert.equal(consumer.popMany(new Int32Array(7)), 7); // frees 0 1 2
    assert.deepEqual(inspectUnbounded(sab).free, [2, 1, 0]);
    producer.pushMany(range(8, 14)); // takes 2 1 0
    const s = inspectUnbounded(sab);
    assert.equal(s.segments, 4);
    assert.deepEqual(s.chain, [3, 2, 1, 0]);
    assert.deepEqual(s.free, []);
    assert.deepEqual(drain(consumer), range(7, 14));
  });
});

Deno.test("UnboundedProducer and UnboundedConsumer carry every item format across segments", async (t) => {
  await t.step("structs", () => {
    const sab = createUnbounded({
      segmentSlots: 3,
      item: { struct: { id: "uint32", big: "bigint64", x: "float32" } },
    });
    const producer = new UnboundedProducer(sab);
    const consumer = new UnboundedConsumer(sab);
    const items = range(0, 7).map((i) => ({
      id: i,
      big: BigInt(i) << 40n,
      x: i / 4,
    }));
    assert.equal(producer.pushMany(items.slice(0, 5)), 5);
    producer.push(items[5]!);
    assert.ok(producer.tryPush(items[6]!));
    const target = new Array(7);
    assert.equal(consumer.popMany(target), 7);
    assert.deepEqual(target, items);
  });
  await t.step("byte records", () => {
    const sab = createUnbounded({ segmentSlots: 2, item: { bytes: 5 } });
    const producer = new UnboundedProducer(sab);
    const consumer = new UnboundedConsumer(sab);
    const items = range(0, 5).map((i) => new Uint8Array(5).fill(i + 1));
    producer.pushMany(items);
    assert.deepEqual(drain(consumer), items);
    assertThrowsWith(() => producer.push(new Uint8Array(4)), RangeError, [
      "item must be exactly 5 bytes long",
    ]);
  });
  await t.step("numbers in bulk: typed arrays of the item kind", () => {
    const sab = createUnbounded({ segmentSlots: 4, item: "float64" });
    const producer = new UnboundedProducer<number>(sab);
    const consumer = new UnboundedConsumer<number>(sab);
    const items = new Float64Array(range(0, 11).map((i) => i + 0.25));
    assert.equal(producer.pushMany(items), 11);
    const target = new Float64Array(13);
    assert.equal(consumer.popMany(target), 11);
    assert.deepEqual([...target.subarray(0, 11)], [...items]);
    assert.equal(consumer.popMany(target), 0);
  });
  await t.step("a bad item: TypeError or RangeError, nothing pushed", () => {
    const { producer } = openUnbounded();
    assertThrowsWith(() => producer.push("1" as unknown as number), TypeError, [
      "Cannot push item: item must be a number for int32",
    ]);
    assertThrowsWith(() => producer.tryPush(2 ** 31), RangeError, [
      "item must be an integer in [-2147483648, 2147483647] for int32",
    ]);
    assert.equal(producer.size, 0);
  });
});

Deno.test("UnboundedProducer and UnboundedConsumer count across the 2^32 wrap", () => {
  const start = 2 ** 32 - 3;
  const { sab, producer, consumer } = openUnbounded({ segmentSlots: 2, start });
  producer.pushMany(range(0, 6));
  assert.equal(inspectUnbounded(sab).in, 3);
  assert.equal(producer.size, 6);
  assert.deepEqual(drain(consumer), range(0, 6));
  const s = inspectUnbounded(sab);
  assert.equal(s.out, 3);
  assert.equal(s.size, 0);
});
