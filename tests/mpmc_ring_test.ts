// Unit tests of the many-producer/many-consumer ring (the "sequence"
// scheme): creation and layout, many handles, every push/pop path, given-up
// reservations, close, the wrap of positions, hostile memory, and several
// sleepers in Workers.
import assert from "node:assert/strict";
import {
  AlreadyAttachedError,
  ClosedError,
  closeRing,
  Consumer,
  CorruptedRingError,
  createRing,
  type CreateRingOptions,
  inspectRing,
  Producer,
  RingStateError,
  TimeoutError,
} from "../mod.ts";
import { alignUp, LINE, W_SIDES } from "../src/_shm/layout.ts";
import {
  assertRejectsWith,
  assertThrowsWith,
  assertUnchanged,
  drain,
  imageOf,
  scribble,
  startRingWorker,
  waitUntil,
  withinLimit,
} from "./_helpers.ts";

const MANY = { producers: "many", consumers: "many" } as const;

/** Where positions wrap for `slots`. */
function limitOf(slots: number): number {
  return 2 ** 31 - 2 ** 31 % slots;
}

/** An int32 MPMC ring with two producers and two consumers attached. */
function openMany(options: Omit<CreateRingOptions<"int32">, "item">) {
  const sab = createRing({ ...MANY, ...options });
  return {
    sab,
    producers: [new Producer<number>(sab), new Producer<number>(sab)],
    consumers: [new Consumer<number>(sab), new Consumer<number>(sab)],
  };
}

/** The int32 sequence numbers of a sequence ring, as found. */
function sequencesOf(sab: SharedArrayBuffer): Int32Array {
  const { slots, sequence } = inspectRing(sab);
  return new Int32Array(sab, sequence!.offset, slots);
}

Deno.test("createRing() with many producers or consumers makes a sequence ring of all slots", () => {
  for (
    const sides of [
      { producers: "many" },
      { consumers: "many" },
      MANY,
      { scheme: "sequence" },
    ] as const
  ) {
    const snapshot = inspectRing(createRing({ slots: 5, ...sides }));
    const label = JSON.stringify(sides);
    assert.equal(snapshot.scheme, "sequence", label);
    assert.equal(snapshot.capacity, 5, label);
    assert.equal(snapshot.sequence?.producers, sides.producers ?? "one");
    assert.equal(snapshot.sequence?.consumers, sides.consumers ?? "one");
    assert.equal(snapshot.sequence?.limit, limitOf(5));
  }
  // The textbook and counter rings are unchanged: no sequence part.
  assert.equal(inspectRing(createRing({ slots: 5 })).sequence, undefined);
});

Deno.test("createRing() lays the sequence numbers out after the slots, on their own line", () => {
  const sab = createRing({ slots: 7, item: { bytes: 3 }, ...MANY });
  const { offsets, stride, sequence } = inspectRing(sab);
  assert.equal(sequence!.offset % LINE, 0);
  assert.ok(sequence!.offset >= offsets.data + 7 * stride);
  // Then, on a fresh line, one 64-byte record per handle that may attach.
  assert.equal(
    sab.byteLength,
    alignUp(sequence!.offset + 7 * 4, LINE) + 64 * 64,
  );
  // Each slot expects its own position first.
  assert.deepEqual([...sequencesOf(sab)], [0, 1, 2, 3, 4, 5, 6]);
});

Deno.test("createRing() refuses bad sides and schemes that cannot have many handles", () => {
  assertThrowsWith(
    () => createRing({ slots: 4, producers: "lots" as "many" }),
    TypeError,
    ['Cannot create ring: producers must be "one" or "many", received "lots"'],
  );
  assertThrowsWith(
    () => createRing({ slots: 4, consumers: 2 as unknown as "many" }),
    TypeError,
    ['consumers must be "one" or "many", received 2'],
  );
  assertThrowsWith(
    () => createRing({ slots: 4, scheme: "counter", consumers: "many" }),
    TypeError,
    [
      'scheme must be "sequence" when producers or consumers is "many", received "counter"',
    ],
  );
  assertThrowsWith(
    () => createRing({ slots: 3, start: limitOf(3), ...MANY }),
    RangeError,
    [`start must be an integer in [0, ${limitOf(3)}) for the sequence scheme`],
  );
});

Deno.test("Producer and Consumer attach many times to a many side, once to a one side", () => {
  const sab = createRing({ slots: 4, producers: "one", consumers: "many" });
  const producer = new Producer(sab);
  assertThrowsWith(() => new Producer(sab), AlreadyAttachedError);
  const consumers = [new Consumer(sab), new Consumer(sab), new Consumer(sab)];
  assert.equal(inspectRing(sab).sequence!.consumerHandles, 3);
  assert.deepEqual(
    [producer.producers, producer.consumers],
    ["one", "many"],
  );
  for (const consumer of consumers) consumer.detach();
  assert.equal(inspectRing(sab).sequence!.consumerHandles, 0);
  assert.equal(inspectRing(sab).consumerAttached, false);
});

Deno.test("Producer.tryPush() and Consumer.tryPop() share one FIFO among all handles", () => {
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

Deno.test("Producer.tryPush() checks the item before claiming a slot", () => {
  const { sab, producers } = openMany({ slots: 3 });
  const image = imageOf(sab);
  assertThrowsWith(() => producers[0]!.tryPush(1.5), RangeError);
  assertThrowsWith(() => producers[0]!.pushMany([1, "x" as never]), TypeError);
  assertUnchanged(sab, image);
});

Deno.test("Producer.pushMany() and Consumer.popMany() move batches across the slot wrap", () => {
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

Deno.test("Producer.push() and Consumer.pop() time out on a full or empty ring", () => {
  const { producers, consumers } = openMany({ slots: 2 });
  assertThrowsWith(() => consumers[0]!.pop({ timeout: 5 }), TimeoutError, [
    "Cannot pop item: ring stayed empty for 5 ms",
  ]);
  producers[0]!.push(1);
  producers[1]!.push(2);
  assertThrowsWith(() => producers[0]!.push(3, { timeout: 5 }), TimeoutError, [
    "Cannot push item: ring stayed full for 5 ms",
  ]);
  assert.equal(consumers[1]!.pop(), 1);
  assert.equal(producers[1]!.size, 1);
});

Deno.test("Producer.pushAsync() and Consumer.popAsync() wait, keep call order and abort", async () => {
  const { producers, consumers } = openMany({ slots: 2 });
  const popped = [consumers[0]!.popAsync(), consumers[0]!.popAsync()];
  const later = consumers[1]!.popAsync({ timeout: 5000 });
  await producers[0]!.pushAsync(1);
  await producers[1]!.pushAsync(2);
  await producers[0]!.pushAsync(3);
  const got = await withinLimit(
    Promise.all([...popped, later]),
    "three pops",
  );
  // One consumer's calls complete in call order; all three items arrive.
  assert.ok(got[0]! < got[1]!);
  assert.deepEqual(got.toSorted(), [1, 2, 3]);
  const controller = new AbortController();
  const aborted = consumers[1]!.popAsync({ signal: controller.signal });
  controller.abort(new Error("stop"));
  await assert.rejects(aborted, /stop/);
  await assertRejectsWith(
    consumers[0]!.popAsync({ timeout: 5 }),
    TimeoutError,
  );
});

Deno.test("Producer.reserve() and Consumer.peek() claim a slot each, zero-copy", () => {
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

Deno.test("Producer.detach() with a reservation hands the position on, without an item", () => {
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
});

Deno.test("Consumer.detach() while peeking releases the item as consumed", () => {
  const { producers, consumers } = openMany({ slots: 2 });
  producers[0]!.pushMany([1, 2]);
  assert.equal(consumers[0]!.peek()![0], 1);
  consumers[0]!.detach();
  assert.equal(consumers[1]!.tryPop(), 2);
  assert.equal(producers[0]!.pushMany([3, 4]), 2);
});

Deno.test("closeRing() lets consumers drain every committed item, then ClosedError", async () => {
  const { sab, producers, consumers } = openMany({ slots: 4 });
  producers[0]!.tryPush(1);
  producers[1]!.reserve()![0] = 2; // committed after the close: dropped
  producers[0]!.tryPush(3);
  closeRing(sab);
  assertThrowsWith(() => producers[1]!.commit(), ClosedError);
  assertThrowsWith(() => producers[0]!.tryPush(4), ClosedError);
  assert.equal(consumers[1]!.pop(), 1);
  assert.equal(await consumers[0]!.popAsync(), 3);
  assertThrowsWith(() => consumers[0]!.pop(), ClosedError, [
    "ring is closed and drained",
  ]);
  await assertRejectsWith(consumers[1]!.popAsync(), ClosedError);
  const seen: number[] = [];
  for await (const item of consumers[1]!) seen.push(item);
  assert.deepEqual(seen, []);
});

Deno.test("Producer.close() with a reservation still lets consumers drain past it", () => {
  const { producers, consumers } = openMany({ slots: 4 });
  producers[0]!.reserve();
  producers[1]!.tryPush(7);
  producers[0]!.close();
  assert.equal(consumers[0]!.pop({ timeout: 1000 }), 7);
  assertThrowsWith(() => consumers[1]!.pop({ timeout: 1000 }), ClosedError);
});

Deno.test("Producer and Consumer keep FIFO across the wrap of positions", async (t) => {
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

Deno.test("Producer and Consumer on a sequence ring throw CorruptedRingError on impossible memory", async (t) => {
  const offsets = inspectRing(createRing({ slots: 4, ...MANY })).offsets;
  await t.step("in out of range", () => {
    // 3 slots: positions wrap at 2^31 - 2.
    const { sab, producers, consumers } = openMany({ slots: 3 });
    scribble(sab, offsets.in, limitOf(3));
    assertThrowsWith(() => producers[0]!.tryPush(1), CorruptedRingError, [
      "in is 2147483646, outside [0, 2147483646)",
    ]);
    assertThrowsWith(() => consumers[0]!.size, CorruptedRingError);
    assertThrowsWith(() => new Consumer(sab), CorruptedRingError);
  });
  await t.step("out more than slots behind in", () => {
    const { sab, consumers } = openMany({ slots: 4 });
    scribble(sab, offsets.in, 9);
    assertThrowsWith(() => new Producer(sab), CorruptedRingError, [
      "in 9 - out 0 is 9 positions, outside [0, 4]",
    ]);
    assertThrowsWith(() => consumers[0]!.size, CorruptedRingError);
  });
  await t.step("a sequence number far from its position", () => {
    const { sab, producers, consumers } = openMany({ slots: 4 });
    sequencesOf(sab)[0] = 1234;
    assertThrowsWith(() => producers[0]!.tryPush(1), CorruptedRingError, [
      "slot 0 has sequence number 1234, impossible at in = 0",
    ]);
    assertThrowsWith(() => consumers[0]!.tryPop(), CorruptedRingError, [
      "impossible at out = 0",
    ]);
  });
  await t.step(
    "a sequence number that claims a position in has not passed",
    () => {
      const { sab, producers } = openMany({ slots: 4 });
      sequencesOf(sab)[0] = 1; // "written" while in is still 0
      assertThrowsWith(() => producers[0]!.push(1), CorruptedRingError);
    },
  );
  await t.step("a sides word the scheme cannot have", () => {
    const sab = createRing({ slots: 4 });
    scribble(sab, W_SIDES * 4, 1);
    assertThrowsWith(() => new Producer(sab), CorruptedRingError, [
      "sides word is 1",
    ]);
  });
});

Deno.test("Consumer.pop() in two Workers: sleepers take every item pushed, then wake on close", async () => {
  const sab = createRing({ slots: 4, ...MANY });
  const workers = [await startRingWorker(), await startRingWorker()];
  try {
    const jobs = workers.map((w) => w.run({ ring: sab, op: "pop", count: 2 }));
    await waitUntil(
      () => inspectRing(sab).sequence!.consumerWaiters === 2,
      "both consumers to sleep",
    );
    // Pushed one at a time to two sleepers: no wake-up may be lost.
    const producer = new Producer<number>(sab);
    producer.push(1);
    producer.push(2);
    await waitUntil(
      () => inspectRing(sab).out === 2,
      "both items to be taken",
    );
    closeRing(sab);
    const results = await Promise.all(jobs);
    assert.deepEqual(results.flatMap((r) => r.items).toSorted(), [1, 2]);
    for (const result of results) {
      // A Worker that got fewer than its 2 items was still waiting: woken by the close.
      const closed = result.items.length < 2;
      assert.equal(result.error?.name, closed ? "ClosedError" : undefined);
    }
  } finally {
    for (const worker of workers) worker.terminate();
  }
});

Deno.test("Producer.push() in two Workers: sleepers on a full ring fill the room made, then wake on close", async () => {
  const sab = createRing({ slots: 2, ...MANY });
  const consumer = new Consumer<number>(sab);
  new Producer<number>(sab).pushMany([1, 2]);
  const workers = [await startRingWorker(), await startRingWorker()];
  try {
    const jobs = workers.map((w, i) =>
      w.run({ ring: sab, op: "push", items: [10 + i, 20 + i] })
    );
    await waitUntil(
      () => inspectRing(sab).sequence!.producerWaiters === 2,
      "both producers to sleep",
    );
    assert.equal(consumer.tryPop(), 1);
    assert.equal(consumer.tryPop(), 2);
    // Two slots freed: sleepers take both (which of them, is theirs to race).
    await waitUntil(() => inspectRing(sab).in === 4, "two more items");
    closeRing(sab);
    const results = await Promise.all(jobs);
    const pushed = results.flatMap((r) => r.items);
    assert.equal(pushed.length, 2);
    results.forEach((result, i) => {
      // Each Worker pushed a prefix of its items; a short one saw the close.
      const all = [10 + i, 20 + i];
      assert.deepEqual(result.items, all.slice(0, result.items.length));
      const closed = result.items.length < all.length;
      assert.equal(result.error?.name, closed ? "ClosedError" : undefined);
    });
    assert.deepEqual(drain(consumer).toSorted(), pushed.toSorted());
  } finally {
    for (const worker of workers) worker.terminate();
  }
});
