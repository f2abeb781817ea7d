// The unbounded buffer's own behaviour: its buffer grows a segment at a
// time up to maxBytes, and the consumer recycles the segments it leaves.
import assert from "node:assert/strict";
import { inspectUnbounded } from "../mod.ts";
import { assertThrowsWith, assertUnchanged, drain } from "./_helpers.ts";
import {
  bytesFor,
  openUnbounded,
  range,
  unboundedImage,
} from "./_unbounded_helpers.ts";

Deno.test("UnboundedProducer.push() grows the buffer one segment at a time", async (t) => {
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

Deno.test("UnboundedProducer.push() throws RangeError at maxBytes, losing nothing", () => {
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
