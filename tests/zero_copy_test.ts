// Zero-copy calls over every engine: reserve/commit and peek/release, what
// they hide and show, and what closing or detaching does to a reservation.
import assert from "node:assert/strict";
import {
  ClosedError,
  closeRing,
  Consumer,
  createRing,
  inspectRing,
  inspectUnbounded,
  Producer,
  RingStateError,
  UnboundedProducer,
} from "../mod.ts";
import {
  assertRejectsWith,
  assertThrowsWith,
  assertUnchanged,
  drain,
  fill,
  imageOf,
} from "./_helpers.ts";
import { eachEngine, ONE_PRODUCER, openEngine, RINGS } from "./_engines.ts";
import { openMany } from "./_sequence_helpers.ts";
import { openUnbounded, range } from "./_unbounded_helpers.ts";

const POINT = { struct: { id: "uint32", x: "float64", tag: "int8" } } as const;

Deno.test("Producer.reserve() returns a writable view that commit() publishes", async (t) => {
  await eachEngine(t, RINGS, (engine) => {
    const { producer, consumer } = openEngine(engine, { slots: 3 });
    // Several laps, so reservations land on every slot and wrap.
    for (let i = 0; i < 7; i++) {
      const slot = producer.reserve();
      assert.ok(slot !== null);
      slot[0] = 100 + i;
      producer.commit();
      assert.equal(consumer.tryPop(), 100 + i);
    }
  });
  await t.step("unbounded: across segments", () => {
    const { sab, producer, consumer } = openUnbounded({ segmentSlots: 2 });
    for (const i of range(0, 5)) {
      const slot = producer.reserve();
      assert.equal(producer.reserve(), slot); // the same slot until committed
      slot[0] = i;
      assert.equal(consumer.tryPop(), i === 0 ? undefined : i - 1);
      producer.commit();
    }
    assert.equal(consumer.tryPop(), 4);
    assert.equal(inspectUnbounded(sab).segments, 2);
    assertThrowsWith(() => producer.commit(), RingStateError, [
      "Cannot commit: no slot is reserved (call reserve() first)",
    ]);
    producer.reserve();
    assertThrowsWith(() => producer.push(1), RingStateError, [
      "Cannot push item: a reserved slot is not committed yet",
    ]);
    assertThrowsWith(() => producer.pushMany([1]), RingStateError, [
      "Cannot push items: a reserved slot",
    ]);
  });
});

Deno.test("Producer.reserve() hides the item until commit()", async (t) => {
  await t.step("textbook", () => {
    const sab = createRing({ slots: 4, item: POINT });
    const producer = new Producer(sab);
    const consumer = new Consumer(sab);
    const slot = producer.reserve()!;
    slot.id = 9;
    slot.x = -0.5;
    slot.tag = -3;
    assert.equal(inspectRing(sab).in, 0);
    assert.equal(consumer.size, 0);
    assert.equal(consumer.tryPop(), undefined);
    assert.equal(consumer.peek(), null);
    producer.commit();
    assert.deepEqual(consumer.tryPop(), { id: 9, x: -0.5, tag: -3 });
  });
  await t.step("sequence, two handles a side: consumers wait for it", () => {
    const { sab, producers, consumers } = openMany({ slots: 3 });
    const a = producers[0]!.reserve()!;
    const b = producers[1]!.reserve()!;
    assert.notEqual((a as Int32Array).byteOffset, (b as Int32Array).byteOffset);
    assert.equal(producers[0]!.reserve(), a); // the same slot again
    b[0] = 20;
    producers[1]!.commit();
    // Position 0 is claimed but not committed: consumers wait for it.
    assert.equal(consumers[0]!.peek(), null);
    a[0] = 10;
    producers[0]!.commit();
    assert.equal(consumers[0]!.peek()![0], 10);
    assert.equal(consumers[1]!.peek()![0], 20);
    assertThrowsWith(() => consumers[0]!.tryPop(), RingStateError, [
      "a peeked item is not released yet",
    ]);
    consumers[0]!.release();
    consumers[1]!.release();
    assertThrowsWith(() => consumers[1]!.release(), RingStateError);
    assertThrowsWith(() => producers[0]!.commit(), RingStateError);
    assert.equal(inspectRing(sab).size, 0);
  });
});

Deno.test("Producer.reserve() called twice before commit() returns the same slot", () => {
  const sab = createRing({ slots: 4 });
  const producer = new Producer<number>(sab);
  const first = producer.reserve()!;
  first[0] = 1;
  const second = producer.reserve()!;
  assert.equal(second, first);
  assert.equal(second[0], 1);
  producer.commit();
  assert.equal(inspectRing(sab).size, 1);
});

Deno.test("Producer.reserve() returns null when the ring is full, changing nothing", async (t) => {
  await eachEngine(t, RINGS, (engine) => {
    const sab = createRing({ slots: 3, ...engine.options });
    const producer = new Producer<number>(sab);
    assert.equal(fill(producer, 1), producer.capacity);
    const before = imageOf(sab);
    assert.equal(producer.reserve(), null);
    assertUnchanged(sab, before);
    // Not reserved: commit() is still misuse, and tryPush() still allowed.
    assertThrowsWith(() => producer.commit(), RingStateError, [
      "Cannot commit",
      "reserve()",
    ]);
    assert.equal(producer.tryPush(2), false);
  });
});

Deno.test("Producer.commit() without a reservation throws RingStateError", () => {
  const sab = createRing({ slots: 4 });
  const producer = new Producer<number>(sab);
  const before = imageOf(sab);
  assertThrowsWith(() => producer.commit(), RingStateError, [
    "Cannot commit",
    "no slot is reserved",
  ]);
  producer.reserve()![0] = 5;
  producer.commit();
  assertThrowsWith(() => producer.commit(), RingStateError, ["no slot"]);
  assert.equal(inspectRing(sab).size, 1);
  assert.notDeepEqual(imageOf(sab).snapshot, before.snapshot);
});

Deno.test("Producer push calls throw RingStateError while a slot is reserved", async () => {
  const sab = createRing({ slots: 4 });
  const producer = new Producer<number>(sab);
  producer.reserve()![0] = 1;
  const before = imageOf(sab);
  const fragments = ["Cannot push", "not committed", "commit()"];
  assertThrowsWith(() => producer.tryPush(2), RingStateError, fragments);
  assertThrowsWith(() => producer.push(2), RingStateError, fragments);
  assertThrowsWith(() => producer.pushMany([2]), RingStateError, fragments);
  await assertRejectsWith(producer.pushAsync(2), RingStateError, fragments);
  assertUnchanged(sab, before);
  producer.commit();
  assert.equal(producer.tryPush(2), true);
  const consumer = new Consumer<number>(sab);
  assert.deepEqual([consumer.tryPop(), consumer.tryPop()], [1, 2]);
});

Deno.test("Producer.reserve() gives byte records as a Uint8Array of the record's length", () => {
  const sab = createRing({ slots: 2, scheme: "counter", item: { bytes: 5 } });
  const producer = new Producer(sab);
  const consumer = new Consumer(sab);
  for (let lap = 0; lap < 3; lap++) {
    const slot = producer.reserve()!;
    assert.ok(slot instanceof Uint8Array);
    assert.equal(slot.length, 5);
    slot.set([lap, 1, 2, 3, 4]);
    producer.commit();
    assert.deepEqual(consumer.tryPop(), Uint8Array.of(lap, 1, 2, 3, 4));
  }
});

Deno.test("Producer.reserve() struct views validate each field written", () => {
  const sab = createRing({ slots: 4, item: POINT });
  const producer = new Producer(sab);
  const slot = producer.reserve()!;
  assertThrowsWith(
    () => {
      slot.id = -1;
    },
    RangeError,
    ["view.id", "-1"],
  );
  assertThrowsWith(
    () => {
      slot.tag = "x" as unknown as number;
    },
    TypeError,
    ["view.tag"],
  );
  assertThrowsWith(
    () => {
      slot.x = 1n as unknown as number;
    },
    TypeError,
    ["view.x"],
  );
  assert.deepEqual({ ...slot }, { id: 0, x: 0, tag: 0 });
});

Deno.test("Producer.commit() after closeRing() throws ClosedError and publishes nothing", async (t) => {
  await eachEngine(t, ONE_PRODUCER, (engine) => {
    const { sab, producer, consumer } = openEngine(engine, { slots: 4 });
    producer.tryPush(1);
    producer.reserve()![0] = 2;
    closeRing(sab);
    assertThrowsWith(() => producer.commit(), ClosedError, ["Cannot commit"]);
    assertThrowsWith(() => producer.reserve(), ClosedError, [
      "Cannot reserve slot",
    ]);
    assert.equal(inspectRing(sab).size, 1);
    assert.equal(consumer.pop(), 1);
    assertThrowsWith(() => consumer.pop(), ClosedError);
  });
});

Deno.test("Producer.close() and Producer.detach() drop an uncommitted reservation", async (t) => {
  await t.step("textbook", () => {
    for (const end of ["close", "detach"] as const) {
      const sab = createRing({ slots: 4 });
      const producer = new Producer<number>(sab);
      producer.tryPush(1);
      producer.reserve()![0] = 666; // a producer that dies before commit()
      producer[end]();
      const consumer = new Consumer<number>(sab);
      assert.equal(consumer.tryPop(), 1);
      assert.equal(consumer.tryPop(), undefined, end);
      assert.equal(inspectRing(sab).size, 0);
      if (end === "detach") {
        // The next producer reuses the slot from scratch.
        const next = new Producer<number>(sab);
        next.tryPush(2);
        assert.equal(consumer.tryPop(), 2);
      }
    }
  });
  await t.step(
    "sequence: detach() hands the position on, without an item",
    () => {
      const { sab, producers, consumers } = openMany({ slots: 3 });
      producers[0]!.reserve()![0] = -1; // never committed
      producers[1]!.tryPush(2);
      producers[0]!.detach();
      // Consumers skip the given-up position and get the item behind it.
      assert.equal(consumers[0]!.tryPop(), 2);
      assert.equal(consumers[1]!.tryPop(), undefined);
      assert.equal(inspectRing(sab).size, 0);
      // The skipped slot is free again for the next lap.
      assert.equal(producers[1]!.pushMany([3, 4, 5]), 3);
      assert.deepEqual(drain(consumers[1]!), [3, 4, 5]);
    },
  );
  await t.step("sequence: close() lets consumers drain past it", () => {
    const { producers, consumers } = openMany({ slots: 4 });
    producers[0]!.reserve();
    producers[1]!.tryPush(7);
    producers[0]!.close();
    assert.equal(consumers[0]!.pop({ timeout: 1000 }), 7);
    assertThrowsWith(() => consumers[1]!.pop({ timeout: 1000 }), ClosedError);
  });
  await t.step("unbounded: the next producer writes its slot", () => {
    const { sab, producer, consumer } = openUnbounded({ segmentSlots: 2 });
    producer.pushMany([1, 2]);
    producer.reserve()[0] = 99; // links a second segment
    producer.detach();
    assert.equal(consumer.size, 2);
    const next = new UnboundedProducer<number>(sab);
    next.push(3);
    assert.equal(next.segments, 2);
    assert.deepEqual(drain(consumer), [1, 2, 3]);
  });
});

Deno.test("Consumer.peek() returns null on an empty ring", async (t) => {
  await eachEngine(t, RINGS, (engine) => {
    const sab = createRing({ slots: 3, ...engine.options });
    const consumer = new Consumer(sab);
    const before = imageOf(sab);
    assert.equal(consumer.peek(), null);
    assertUnchanged(sab, before);
    // Not peeked: release() is misuse, and tryPop() still allowed.
    assertThrowsWith(() => consumer.release(), RingStateError, ["peek()"]);
    assert.equal(consumer.tryPop(), undefined);
  });
});

Deno.test("Consumer.peek() shows the oldest item in place until release()", async (t) => {
  await eachEngine(t, ONE_PRODUCER, (engine) => {
    const { producer, consumer } = openEngine(engine, { slots: 3 });
    for (let i = 0; i < 7; i++) {
      producer.tryPush(i);
      const view = consumer.peek()!;
      assert.equal(view[0], i);
      assert.equal(consumer.peek(), view, "peek() again: the same view");
      assert.equal(consumer.size, 1);
      consumer.release();
      assert.equal(consumer.size, 0);
    }
  });
  await t.step("unbounded: across segments", () => {
    const { producer, consumer } = openUnbounded({ segmentSlots: 2 });
    assert.equal(consumer.peek(), null);
    producer.pushMany(range(0, 5));
    for (const i of range(0, 5)) {
      const view = consumer.peek()!;
      assert.equal(consumer.peek(), view); // the same item until released
      assert.equal(view[0], i);
      assertThrowsWith(() => consumer.tryPop(), RingStateError, [
        "Cannot pop item: a peeked item is not released yet (call release() first)",
      ]);
      consumer.release();
    }
    assert.equal(consumer.peek(), null);
    assertThrowsWith(() => consumer.release(), RingStateError, [
      "Cannot release: no item is peeked (call peek() first)",
    ]);
  });
});

Deno.test("Consumer.peek() keeps the slot from being overwritten", async (t) => {
  await eachEngine(t, RINGS, (engine) => {
    const { producer, consumer } = openEngine(engine, { slots: 3 });
    producer.tryPush(1);
    const view = consumer.peek()!;
    let pushed = 0;
    while (pushed < producer.capacity && producer.tryPush(2 + pushed)) {
      pushed++;
    }
    assert.equal(pushed, producer.capacity - 1);
    assert.equal(view[0], 1);
    consumer.release();
    assert.equal(producer.tryPush(99), true);
  });
});

Deno.test("Consumer.peek() gives structs as frozen read-only views", () => {
  const sab = createRing({ slots: 4, item: POINT });
  new Producer(sab).tryPush({ id: 4, x: 2.5, tag: 1 });
  const consumer = new Consumer(sab);
  const view = consumer.peek()!;
  assert.deepEqual({ ...view }, { id: 4, x: 2.5, tag: 1 });
  assert.ok(Object.isFrozen(view));
  assert.throws(() => {
    (view as { id: number }).id = 5;
  }, TypeError);
  assert.equal(view.id, 4);
  consumer.release();
});

Deno.test("Consumer pop calls throw RingStateError while an item is peeked", async () => {
  const sab = createRing({ slots: 4 });
  new Producer(sab).pushMany([1, 2]);
  const consumer = new Consumer<number>(sab);
  consumer.peek();
  const before = imageOf(sab);
  const fragments = ["Cannot pop", "not released", "release()"];
  assertThrowsWith(() => consumer.tryPop(), RingStateError, fragments);
  assertThrowsWith(() => consumer.pop(), RingStateError, fragments);
  assertThrowsWith(
    () => consumer.popMany(new Int32Array(2)),
    RingStateError,
    fragments,
  );
  await assertRejectsWith(consumer.popAsync(), RingStateError, fragments);
  assertUnchanged(sab, before);
  consumer.release();
  assert.equal(consumer.tryPop(), 2);
});

Deno.test("Consumer.peek() and release() still drain a closed ring", () => {
  const sab = createRing({ slots: 4, item: { bytes: 2 } });
  const producer = new Producer(sab);
  producer.pushMany([Uint8Array.of(1, 2), Uint8Array.of(3, 4)]);
  producer.close();
  const consumer = new Consumer(sab);
  const seen: number[][] = [];
  for (let view = consumer.peek(); view !== null; view = consumer.peek()) {
    seen.push([...view]);
    consumer.release();
  }
  assert.deepEqual(seen, [[1, 2], [3, 4]]);
  assertThrowsWith(() => consumer.pop(), ClosedError);
});

Deno.test("Consumer.release() after closeRing() still frees the peeked item", () => {
  const sab = createRing({ slots: 4, scheme: "counter" });
  new Producer(sab).pushMany([1, 2]);
  const consumer = new Consumer<number>(sab);
  assert.equal(consumer.peek()![0], 1);
  closeRing(sab);
  consumer.release();
  assert.equal(consumer.pop(), 2);
  assertThrowsWith(() => consumer.pop(), ClosedError);
});
