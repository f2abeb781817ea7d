// Describing buffers: inspectRing() on a fresh and a used ring, and the
// handles' getters that read the header.
import assert from "node:assert/strict";
import {
  Consumer,
  createRing,
  inspectRing,
  inspectUnbounded,
  Producer,
} from "../mod.ts";
import { LINE, W_IN, W_OUT } from "../src/_shm/layout.ts";
import { openUnbounded, range } from "./_unbounded_helpers.ts";
import { assertThrowsWith } from "./_helpers.ts";

Deno.test("inspectRing() reports every field of a fresh ring", () => {
  const sab = createRing({
    slots: 6,
    scheme: "counter",
    item: { struct: { flag: "uint8", value: "float64", id: "uint16" } },
  });
  const snapshot = inspectRing(sab);
  assert.deepEqual(snapshot, {
    slots: 6,
    scheme: "counter",
    capacity: 6,
    item: { struct: { flag: "uint8", value: "float64", id: "uint16" } },
    // flag @0, value @8, id @16 -> 18 bytes, rounded up to 8-byte alignment
    stride: 24,
    in: 0,
    out: 0,
    inSlot: 0,
    outSlot: 0,
    size: 0,
    closed: false,
    producerAttached: false,
    consumerAttached: false,
    producerWaiting: false,
    consumerWaiting: false,
    offsets: { in: W_IN * 4, out: W_OUT * 4, data: snapshot.offsets.data },
    counter: { inBase: 0, outBase: 0 },
  });
  assert.equal(sab.byteLength, snapshot.offsets.data + 6 * 24);
});

Deno.test("inspectRing() puts in and out on separate 64-byte lines", () => {
  const { offsets } = inspectRing(createRing({ slots: 4 }));
  const lineOf = (byte: number) => Math.floor(byte / LINE);
  assert.notEqual(lineOf(offsets.in), lineOf(offsets.out));
  assert.notEqual(lineOf(offsets.in), 0);
  assert.notEqual(lineOf(offsets.out), 0);
  assert.ok(offsets.data >= 3 * LINE);
});

Deno.test("inspectRing() follows in, out, size and the attachment flags", () => {
  const sab = createRing({ slots: 4 });
  const producer = new Producer(sab);
  const consumer = new Consumer(sab);
  let snapshot = inspectRing(sab);
  assert.equal(snapshot.producerAttached, true);
  assert.equal(snapshot.consumerAttached, true);
  producer.pushMany([1, 2, 3]);
  consumer.tryPop();
  snapshot = inspectRing(sab);
  assert.deepEqual([snapshot.in, snapshot.out, snapshot.size], [3, 1, 2]);
  producer.tryPush(4); // in wraps to 0
  snapshot = inspectRing(sab);
  assert.deepEqual([snapshot.in, snapshot.out, snapshot.size], [0, 1, 3]);
  producer.detach();
  consumer.detach();
  snapshot = inspectRing(sab);
  assert.equal(snapshot.producerAttached, false);
  assert.equal(snapshot.consumerAttached, false);
  assert.equal(snapshot.closed, false);
});

Deno.test("inspectRing() rejects a buffer that is not a ring", () => {
  assertThrowsWith(
    () => inspectRing(new ArrayBuffer(1024) as unknown as SharedArrayBuffer),
    TypeError,
    ["Cannot inspect ring", "SharedArrayBuffer"],
  );
  assertThrowsWith(
    () => inspectRing(new SharedArrayBuffer(1024)),
    TypeError,
    ["Cannot inspect ring", "not a ring"],
  );
});

Deno.test("Producer.capacity and Consumer.capacity are slots - 1 (textbook) and slots (counter)", () => {
  for (const slots of [2, 3, 10, 1000]) {
    const textbook = createRing({ slots });
    const counter = createRing({ slots, scheme: "counter" });
    assert.equal(new Producer(textbook).capacity, slots - 1);
    assert.equal(new Consumer(textbook).capacity, slots - 1);
    assert.equal(new Producer(counter).capacity, slots);
    assert.equal(new Consumer(counter).capacity, slots);
  }
});

Deno.test("Producer.slots, Producer.scheme and their Consumer twins read the header", async (t) => {
  await t.step("ring", () => {
    const sab = createRing({ slots: 7, scheme: "counter" });
    const producer = new Producer(sab);
    const consumer = new Consumer(sab);
    assert.deepEqual([producer.slots, producer.scheme], [7, "counter"]);
    assert.deepEqual([consumer.slots, consumer.scheme], [7, "counter"]);
    const textbook = new Producer(createRing({ slots: 3 }));
    assert.deepEqual([textbook.slots, textbook.scheme], [3, "textbook"]);
  });
  await t.step(
    "unbounded: segmentSlots, maxBytes, segments, size, closed",
    () => {
      const { sab, producer, consumer } = openUnbounded({
        segmentSlots: 8,
        maxBytes: 8192,
      });
      for (const handle of [producer, consumer]) {
        assert.equal(handle.segmentSlots, 8);
        assert.equal(handle.maxBytes, 8192);
      }
      producer.pushMany(range(0, 9));
      assert.equal(consumer.size, 9);
      assert.equal(producer.segments, 2);
      assert.equal(consumer.segments, inspectUnbounded(sab).segments);
      assert.equal(consumer.closed, false);
    },
  );
});
