// Pushing and popping one item at a time, over every engine: tryPush/tryPop
// at full and empty, size, and the blocking push/pop (timeouts, and sleeping
// in Atomics.wait until a Worker's call wakes them).
import assert from "node:assert/strict";
import { inspectRing, TimeoutError } from "../mod.ts";
import {
  assertThrowsWith,
  assertUnchanged,
  drain,
  fill,
  imageOf,
  openRing,
  startRingWorker,
  waitUntil,
} from "./_helpers.ts";
import {
  COUNTER,
  eachEngine,
  openEngine,
  RINGS,
  TEXTBOOK,
} from "./_engines.ts";
import { openMany } from "./_sequence_helpers.ts";
import {
  bytesFor,
  openUnbounded,
  range,
  unboundedImage,
} from "./_unbounded_helpers.ts";

Deno.test("Producer.tryPush() fills the ring to its capacity, then returns false, changing nothing", async (t) => {
  await t.step("textbook: slots - 1 items", () => {
    for (const slots of [2, 3, 10]) {
      const { sab, producer, consumer } = openEngine(TEXTBOOK, { slots });
      for (let i = 0; i < slots - 1; i++) {
        assert.equal(producer.tryPush(i), true);
      }
      const full = inspectRing(sab);
      // The textbook's full test: (in + 1) % BUFFER_SIZE == out.
      assert.equal((full.in + 1) % slots, full.out);
      const before = imageOf(sab);
      assert.equal(producer.tryPush(99), false);
      assertUnchanged(sab, before);
      assert.equal(producer.size, slots - 1);
      assert.deepEqual(
        drain(consumer),
        Array.from({ length: slots - 1 }, (_, i) => i),
      );
    }
  });
  await t.step("counter: all slots", () => {
    for (const slots of [2, 3, 10]) {
      const { sab, producer, consumer } = openEngine(COUNTER, { slots });
      for (let i = 0; i < slots; i++) assert.equal(producer.tryPush(i), true);
      const full = inspectRing(sab);
      assert.equal(full.in - full.out, slots);
      assert.equal(full.inSlot, full.outSlot);
      const before = imageOf(sab);
      assert.equal(producer.tryPush(99), false);
      assertUnchanged(sab, before);
      assert.deepEqual(
        drain(consumer),
        Array.from({ length: slots }, (_, i) => i),
      );
    }
  });
  await t.step("sequence: all slots, one FIFO among all handles", () => {
    const { sab, producers, consumers } = openMany({ slots: 3 });
    assert.equal(producers[0]!.tryPush(1), true);
    assert.equal(producers[1]!.tryPush(2), true);
    assert.equal(producers[0]!.tryPush(3), true);
    assert.equal(producers[1]!.tryPush(4), false); // all 3 slots hold items
    assert.equal(producers[0]!.size, 3);
    assert.equal(consumers[1]!.tryPop(), 1);
    assert.equal(consumers[0]!.tryPop(), 2);
    assert.equal(consumers[1]!.tryPop(), 3);
    assert.equal(consumers[0]!.tryPop(), undefined);
    assert.equal(inspectRing(sab).size, 0);
  });
  await t.step("unbounded: false at maxBytes, having written nothing", () => {
    const { sab, producer, consumer } = openUnbounded({
      segmentSlots: 4,
      maxBytes: bytesFor(2, 4),
    });
    for (const i of range(0, 8)) assert.equal(producer.tryPush(i), true);
    const image = unboundedImage(sab);
    assert.equal(producer.tryPush(8), false);
    assertUnchanged(sab, image);
    // The consumer leaves segment 0 once it reads item 4: then it is reused.
    assert.deepEqual(
      range(0, 5).map(() => consumer.tryPop()),
      range(0, 5),
    );
    assert.equal(producer.tryPush(8), true);
    assert.equal(producer.segments, 2);
    assert.deepEqual(drain(consumer), range(5, 9));
  });
});

Deno.test("Consumer.tryPop() returns undefined on an empty ring and items in FIFO order", async (t) => {
  await eachEngine(t, RINGS, (engine) => {
    const { producer, consumer } = openEngine(engine, { slots: 3 });
    assert.equal(consumer.tryPop(), undefined);
    // Many laps around a small ring.
    const popped: number[] = [];
    for (let i = 0; i < 20; i++) {
      assert.equal(producer.tryPush(i), true);
      if (i % 2 === 1) popped.push(...drain(consumer));
    }
    assert.deepEqual(popped, Array.from({ length: 20 }, (_, i) => i));
    assert.equal(consumer.tryPop(), undefined);
  });
});

Deno.test("Producer.size and Consumer.size count the items between out and in", async (t) => {
  await eachEngine(t, RINGS, (engine) => {
    const { producer, consumer } = openEngine(engine, { slots: 4, start: 3 });
    const sizes: number[] = [];
    const record = () => {
      assert.equal(producer.size, consumer.size);
      sizes.push(consumer.size);
    };
    record();
    producer.tryPush(1);
    record();
    producer.pushMany([2, 3]);
    record();
    consumer.tryPop();
    record();
    drain(consumer);
    record();
    assert.deepEqual(sizes, [0, 1, 3, 2, 0]);
  });
});

Deno.test("Producer.push() pushes at once when there is room", () => {
  const { producer, consumer } = openRing({ slots: 3 });
  producer.push(1);
  producer.push(2, { timeout: 0 });
  assert.deepEqual(drain(consumer), [1, 2]);
});

Deno.test("Producer.push() throws TimeoutError when the ring stays full", async (t) => {
  await eachEngine(t, RINGS, (engine) => {
    const { sab, producer } = openEngine(engine, { slots: 2 });
    assert.equal(fill(producer, 1), producer.capacity);
    const before = imageOf(sab).bytes;
    for (const timeout of [0, 5]) {
      assertThrowsWith(() => producer.push(2, { timeout }), TimeoutError, [
        "Cannot push item",
        `${timeout} ms`,
      ]);
    }
    // Only the waiting flag may have moved; the items and indices did not.
    assert.equal(inspectRing(sab).size, producer.capacity);
    assert.deepEqual(
      new Uint8Array(sab, inspectRing(sab).offsets.data).slice(),
      before.slice(inspectRing(sab).offsets.data),
    );
  });
  await t.step("sequence, two handles a side", () => {
    const { producers, consumers } = openMany({ slots: 2 });
    producers[0]!.push(1);
    producers[1]!.push(2);
    assertThrowsWith(
      () => producers[0]!.push(3, { timeout: 5 }),
      TimeoutError,
      ["Cannot push item: ring stayed full for 5 ms"],
    );
    assert.equal(consumers[1]!.pop(), 1);
    assert.equal(producers[1]!.size, 1);
  });
});

Deno.test("Consumer.pop() returns at once when there is an item", () => {
  const { producer, consumer } = openRing({ slots: 3 });
  producer.pushMany([4, 5]);
  assert.equal(consumer.pop(), 4);
  assert.equal(consumer.pop({ timeout: 0 }), 5);
});

Deno.test("Consumer.pop() throws TimeoutError when the ring stays empty", async (t) => {
  await eachEngine(t, RINGS, (engine) => {
    const { sab, consumer } = openEngine(engine, { slots: 2 });
    for (const timeout of [0, 5]) {
      assertThrowsWith(() => consumer.pop({ timeout }), TimeoutError, [
        "Cannot pop item",
        `${timeout} ms`,
      ]);
    }
    assert.equal(inspectRing(sab).consumerWaiting, false);
  });
  await t.step("sequence, two handles a side", () => {
    const { consumers } = openMany({ slots: 2 });
    assertThrowsWith(() => consumers[0]!.pop({ timeout: 5 }), TimeoutError, [
      "Cannot pop item: ring stayed empty for 5 ms",
    ]);
  });
  await t.step("unbounded", () => {
    const { consumer } = openUnbounded();
    const begin = performance.now();
    assertThrowsWith(() => consumer.pop({ timeout: 20 }), TimeoutError, [
      "Cannot pop item: buffer stayed empty for 20 ms",
    ]);
    assert.ok(performance.now() - begin >= 19);
    assertThrowsWith(() => consumer.pop({ timeout: 0 }), TimeoutError);
  });
});

Deno.test("Producer.push() blocks while full until a Worker's pop makes room", async (t) => {
  await eachEngine(t, RINGS, async (engine) => {
    const { sab, producer, consumer } = openEngine(engine, { slots: 2 });
    consumer.detach();
    const worker = await startRingWorker();
    try {
      const items = Array.from({ length: 40 }, (_, i) => i * 3);
      const popped = worker.run({
        ring: sab,
        op: "pop",
        count: items.length,
        timeout: 10_000,
      });
      // The main thread blocks in Atomics.wait each time the ring is full.
      for (const item of items) producer.push(item, { timeout: 10_000 });
      assert.deepEqual(await popped, { items });
    } finally {
      worker.terminate();
    }
  });
});

Deno.test("Consumer.pop() blocks while empty until a Worker's push arrives", async () => {
  const { sab, producer, consumer } = openRing({ slots: 3, scheme: "counter" });
  producer.detach();
  const worker = await startRingWorker();
  try {
    const items = Array.from({ length: 40 }, (_, i) => 1000 - i);
    const pushed = worker.run({
      ring: sab,
      op: "push",
      items,
      timeout: 10_000,
    });
    const popped = items.map(() => consumer.pop({ timeout: 10_000 }));
    assert.deepEqual(popped, items);
    assert.deepEqual(await pushed, { items });
  } finally {
    worker.terminate();
  }
});

Deno.test("Consumer.pop() in a Worker sleeps on an empty ring and wakes for a push", async () => {
  const { sab, producer, consumer } = openRing({ slots: 4 });
  consumer.detach();
  const worker = await startRingWorker();
  try {
    const popped = worker.run({ ring: sab, op: "pop", count: 1 });
    await waitUntil(
      () => inspectRing(sab).consumerWaiting,
      "the worker to sleep",
    );
    producer.tryPush(42);
    assert.deepEqual(await popped, { items: [42] });
    assert.equal(inspectRing(sab).consumerWaiting, false);
  } finally {
    worker.terminate();
  }
});

Deno.test("Producer.push() in a Worker sleeps on a full ring and wakes for a pop", async () => {
  const { sab, producer, consumer } = openRing({ slots: 3, scheme: "counter" });
  producer.pushMany([1, 2, 3]);
  producer.detach();
  const worker = await startRingWorker();
  try {
    const pushed = worker.run({ ring: sab, op: "push", items: [4] });
    await waitUntil(
      () => inspectRing(sab).producerWaiting,
      "the worker to sleep",
    );
    assert.equal(consumer.tryPop(), 1);
    assert.deepEqual(await pushed, { items: [4] });
    assert.deepEqual(drain(consumer), [2, 3, 4]);
  } finally {
    worker.terminate();
  }
});
