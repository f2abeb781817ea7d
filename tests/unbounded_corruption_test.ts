import assert from "node:assert/strict";
import {
  ClosedError,
  closeUnbounded,
  CorruptedRingError,
  createUnbounded,
  inspectUnbounded,
  UnboundedConsumer,
  UnboundedProducer,
} from "../mod.ts";
import {
  W_DESCRIPTOR_BYTES,
  W_MAX_BYTES,
  W_SEGMENT_SLOTS,
  W_STRIDE,
  W_VERSION,
} from "../src/_shm/unbounded_layout.ts";
import {
  assertRejectsWith,
  assertThrowsWith,
  scribble,
  withinLimit,
} from "./_helpers.ts";
import { linkOffset, openUnbounded, range } from "./_unbounded_helpers.ts";

const CORRUPTED = "unbounded buffer is corrupted";

/** A buffer of int32 items, segments of `segmentSlots`, with `items` pushed and no handle attached. */
function filled(segmentSlots: number, items: number): SharedArrayBuffer {
  const sab = createUnbounded({ segmentSlots });
  const producer = new UnboundedProducer<number>(sab);
  producer.pushMany(range(0, items));
  producer.detach();
  return sab;
}

/** Expects both roles to refuse attaching, with CorruptedRingError. */
function assertBothRefuse(
  sab: SharedArrayBuffer,
  fragments: readonly string[],
): void {
  for (const Handle of [UnboundedProducer, UnboundedConsumer]) {
    assertThrowsWith(() => new Handle(sab), CorruptedRingError, [
      CORRUPTED,
      ...fragments,
    ]);
  }
}

Deno.test("UnboundedProducer and UnboundedConsumer refuse a damaged header", async (t) => {
  await t.step("segmentSlots", () => {
    const sab = filled(4, 0);
    scribble(sab, W_SEGMENT_SLOTS * 4, 0);
    assertBothRefuse(sab, ["segmentSlots is 0"]);
  });
  await t.step("stride", () => {
    const sab = filled(4, 0);
    scribble(sab, W_STRIDE * 4, 8);
    assertBothRefuse(sab, ["layout does not add up"]);
  });
  await t.step("maxBytes", () => {
    const sab = filled(4, 0);
    scribble(sab, W_MAX_BYTES * 4, sab.maxByteLength - 8);
    assertBothRefuse(sab, ["layout does not add up"]);
  });
  await t.step("item descriptor", () => {
    const sab = filled(4, 0);
    const { offsets } = inspectUnbounded(sab);
    new Uint8Array(sab, offsets.data - 8, 8).fill(0x7b); // "{{{{"
    scribble(sab, W_DESCRIPTOR_BYTES * 4, offsets.data - 192);
    assertBothRefuse(sab, ["item descriptor is unreadable"]);
  });
  await t.step("layout version: RangeError", () => {
    const sab = filled(4, 0);
    scribble(sab, W_VERSION * 4, 9);
    assertThrowsWith(() => new UnboundedConsumer(sab), RangeError, [
      "Cannot attach consumer: unbounded buffer layout version 9 is not supported, expected 2",
    ]);
  });
});

Deno.test("UnboundedConsumer refuses impossible indices and chains when attaching", async (t) => {
  const refuse = (sab: SharedArrayBuffer, fragments: string[]) =>
    assertThrowsWith(() => new UnboundedConsumer(sab), CorruptedRingError, [
      "Cannot attach consumer",
      CORRUPTED,
      ...fragments,
    ]);
  await t.step("head segment out of range", () => {
    const sab = filled(4, 3);
    scribble(sab, inspectUnbounded(sab).offsets.head, 5);
    refuse(sab, ["the head segment is 5, outside [0, 1)"]);
  });
  await t.step("outSlot out of range", () => {
    const sab = filled(4, 3);
    scribble(sab, inspectUnbounded(sab).offsets.outSlot, 5);
    refuse(sab, ["outSlot is 5, outside [0, 4]"]);
  });
  await t.step("more items than all segments hold", () => {
    const sab = filled(4, 3);
    scribble(sab, inspectUnbounded(sab).offsets.in, 100);
    refuse(sab, ["in 100 - out 0 is 100 items, more than the 4 slots"]);
  });
  await t.step("a chain that loops", () => {
    const sab = filled(2, 8); // chain 0 1 2 3
    scribble(sab, linkOffset(sab, 3), 1 + 1);
    refuse(sab, ["the chain of segments loops"]);
  });
  await t.step("a chain too short for the items", () => {
    const sab = filled(2, 6); // chain 0 1 2
    scribble(sab, linkOffset(sab, 1), 0);
    refuse(sab, [
      "6 items do not fit the 2 segments chained from the head segment 0",
    ]);
  });
});

Deno.test("UnboundedProducer refuses an impossible tail or free list when attaching", async (t) => {
  const refuse = (sab: SharedArrayBuffer, fragments: string[]) =>
    assertThrowsWith(() => new UnboundedProducer(sab), CorruptedRingError, [
      "Cannot attach producer",
      CORRUPTED,
      ...fragments,
    ]);
  await t.step("tail segment out of range", () => {
    const sab = filled(4, 3);
    scribble(sab, inspectUnbounded(sab).offsets.tail, -1);
    refuse(sab, ["the tail segment is -1, outside [0, 1)"]);
  });
  await t.step("inSlot out of range", () => {
    const sab = filled(4, 3);
    scribble(sab, inspectUnbounded(sab).offsets.inSlot, 9);
    refuse(sab, ["inSlot is 9, outside [0, 4]"]);
  });
  await t.step("a tail that links onwards", () => {
    const sab = filled(2, 3); // chain 0 1, tail 1
    scribble(sab, linkOffset(sab, 1), 0 + 1);
    refuse(sab, ["the tail segment 1 links onwards"]);
  });
  await t.step("a free list that loops", () => {
    const { sab, producer, consumer } = openUnbounded({ segmentSlots: 2 });
    producer.pushMany(range(0, 7));
    consumer.popMany(new Int32Array(7)); // frees 0 1 2
    producer.detach();
    scribble(sab, linkOffset(sab, 0), 2 + 1); // 2 → 1 → 0 → 2 …
    refuse(sab, ["the free list loops"]);
  });
  await t.step("a free segment in use", () => {
    const { sab, producer, consumer } = openUnbounded({ segmentSlots: 2 });
    producer.pushMany(range(0, 5));
    consumer.popMany(new Int32Array(5)); // frees 0 1, head 2
    producer.detach();
    scribble(sab, inspectUnbounded(sab).offsets.free, 2 + 1);
    refuse(sab, ["free-list entry 2 is a segment in use (head 2, tail 2)"]);
  });
});

Deno.test("UnboundedConsumer refuses an impossible in or link while running", async (t) => {
  await t.step("in past every segment: every call refuses", async () => {
    const { sab, consumer } = openUnbounded({ segmentSlots: 4 });
    scribble(sab, inspectUnbounded(sab).offsets.in, 1000);
    for (
      const call of [
        () => consumer.tryPop(),
        () => consumer.pop({ timeout: 10_000 }),
        () => consumer.popMany(new Int32Array(2)),
        () => consumer.peek(),
        () => consumer.size,
      ]
    ) {
      assertThrowsWith(call, CorruptedRingError, [
        "in 1000 - out 0 is 1000 items, more than the 4 slots of all segments",
      ]);
    }
    await assertRejectsWith(
      withinLimit(consumer.popAsync(), "the async pop"),
      CorruptedRingError,
    );
  });
  await t.step("a used-up segment that links nowhere", () => {
    const { sab, producer, consumer } = openUnbounded({ segmentSlots: 2 });
    producer.pushMany([1, 2, 3]);
    assert.equal(consumer.popMany(new Int32Array(2)), 2);
    scribble(sab, linkOffset(sab, 0), 0);
    assertThrowsWith(() => consumer.tryPop(), CorruptedRingError, [
      "Cannot pop item: unbounded buffer is corrupted: in 3 counts items past segment 0, which links nowhere",
    ]);
  });
  await t.step("a link out of range", () => {
    const { sab, producer, consumer } = openUnbounded({ segmentSlots: 2 });
    producer.pushMany([1, 2, 3]);
    assert.equal(consumer.popMany(new Int32Array(2)), 2);
    scribble(sab, linkOffset(sab, 0), 99);
    assertThrowsWith(() => consumer.peek(), CorruptedRingError, [
      "Cannot peek: unbounded buffer is corrupted: the link of segment 0 is 98, outside [0, 2)",
    ]);
  });
});

Deno.test("UnboundedProducer refuses an impossible free list while running", async (t) => {
  const { sab, producer, consumer } = openUnbounded({ segmentSlots: 2 });
  producer.pushMany(range(0, 6)); // chain 0 1 2, full
  consumer.popMany(new Int32Array(3)); // frees 0, head 1
  const free = inspectUnbounded(sab).offsets.free;
  await t.step("an entry in use", () => {
    scribble(sab, free, 1 + 1);
    assertThrowsWith(() => producer.push(6), CorruptedRingError, [
      "Cannot push item: unbounded buffer is corrupted: free-list entry 1 is a segment in use",
    ]);
  });
  await t.step("an entry out of range", () => {
    scribble(sab, free, 40);
    assertThrowsWith(() => producer.pushMany([6, 7]), CorruptedRingError, [
      "a free-list entry is 39, outside [0, 3)",
    ]);
  });
  await t.step("nothing was pushed, and the buffer can still be closed", () => {
    assert.equal(consumer.size, 3);
    closeUnbounded(sab);
    assert.deepEqual([...range(0, 3)].map(() => consumer.pop()), [3, 4, 5]);
    assertThrowsWith(() => consumer.pop(), ClosedError);
  });
});

Deno.test("inspectUnbounded reports scribbled values as found", () => {
  const sab = filled(2, 3);
  const { offsets } = inspectUnbounded(sab);
  scribble(sab, offsets.in, -1);
  scribble(sab, offsets.head, 7);
  scribble(sab, linkOffset(sab, 1), 1 + 1); // a self-link
  const s = inspectUnbounded(sab);
  assert.equal(s.in, 2 ** 32 - 1);
  assert.equal(s.head, 7);
  assert.deepEqual(s.chain, []); // segment 7 does not exist
  assert.equal(s.size, 2 ** 32 - 1);
});
