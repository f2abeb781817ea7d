import assert from "node:assert/strict";
import {
  closeRing,
  Consumer,
  CorruptedRingError,
  createRing,
  inspectRing,
  Producer,
} from "../mod.ts";
import {
  W_CONSUMER_WAITING,
  W_IN_SLOT,
  W_OUT_SLOT,
} from "../src/_shm/layout.ts";
import {
  assertError,
  assertRejectsWith,
  assertThrowsWith,
  openRing,
  scribble,
  waitUntil,
  withinLimit,
} from "./_helpers.ts";

/**
 * Expects every call (sync ones, then one async one) to throw
 * CorruptedRingError. Blocking calls get a long timeout: a hang would show as
 * a TimeoutError, not a pass.
 */
async function assertAllRefuse(
  calls: readonly (() => unknown)[],
  asyncCall: () => Promise<unknown>,
  fragments: readonly string[],
): Promise<void> {
  for (const call of calls) {
    assertThrowsWith(call, CorruptedRingError, ["corrupted", ...fragments]);
  }
  await assertRejectsWith(
    withinLimit(asyncCall(), "the async call"),
    CorruptedRingError,
    fragments,
  );
}

/** Every consumer call that must re-read `in` on an empty ring. */
function assertConsumerRefuses(
  consumer: Consumer<number>,
  fragments: readonly string[],
): Promise<void> {
  return assertAllRefuse(
    [
      () => consumer.tryPop(),
      () => consumer.pop({ timeout: 10_000 }),
      () => consumer.popMany(new Int32Array(2)),
      () => consumer.peek(),
      () => consumer.size,
    ],
    () => consumer.popAsync(),
    fragments,
  );
}

/** Every producer call that must re-read `out` on a full ring. */
function assertProducerRefuses(
  producer: Producer<number>,
  fragments: readonly string[],
): Promise<void> {
  return assertAllRefuse(
    [
      () => producer.tryPush(1),
      () => producer.push(1, { timeout: 10_000 }),
      () => producer.pushMany([1]),
      () => producer.reserve(),
      () => producer.size,
    ],
    () => producer.pushAsync(1),
    fragments,
  );
}

Deno.test("Consumer calls throw CorruptedRingError when a textbook in is out of range", async () => {
  for (const bad of [4, 5, 1000, -1, 2 ** 31 - 1]) {
    const sab = createRing({ slots: 4 });
    const consumer = new Consumer<number>(sab);
    scribble(sab, inspectRing(sab).offsets.in, bad);
    await assertConsumerRefuses(consumer, [`in is ${bad}`, "[0, 4)"]);
    // Attaching anew is refused too.
    assertThrowsWith(() => new Producer(sab), CorruptedRingError, ["in"]);
  }
});

Deno.test("Producer calls throw CorruptedRingError when a textbook out is out of range", async () => {
  for (const bad of [3, 77, -2]) {
    const sab = createRing({ slots: 3 });
    const producer = new Producer<number>(sab);
    producer.pushMany([1, 2]); // full: the next push re-reads out
    scribble(sab, inspectRing(sab).offsets.out, bad);
    await assertProducerRefuses(producer, [`out is ${bad}`]);
    assertThrowsWith(() => new Consumer(sab), CorruptedRingError, ["out"]);
  }
});

Deno.test("Consumer calls throw CorruptedRingError when a counter in gives more items than slots", async () => {
  const start = 2 ** 32 - 2;
  // 5 ahead would be a full ring: possible, so not detectable.
  for (const ahead of [6, 7, 2 ** 31, 2 ** 32 - 1]) {
    const sab = createRing({ slots: 5, scheme: "counter", start });
    const consumer = new Consumer<number>(sab);
    scribble(sab, inspectRing(sab).offsets.in, (start + ahead) % 2 ** 32);
    await assertConsumerRefuses(consumer, [`${ahead} items`, "5 slots"]);
  }
});

Deno.test("Producer calls throw CorruptedRingError when a counter out gives more items than slots", async () => {
  // in = 3: out = 2^32 - 3 means 6 items, out = 4 means 2^32 - 1 items.
  for (const out of [2 ** 32 - 3, 2 ** 31, 4]) {
    const sab = createRing({ slots: 3, scheme: "counter" });
    const producer = new Producer<number>(sab);
    producer.pushMany([1, 2, 3]); // full; in = 3
    scribble(sab, inspectRing(sab).offsets.out, out);
    await assertProducerRefuses(producer, ["more than the 3 slots"]);
  }
});

Deno.test("Consumer never returns an item past a corrupted in, only the ones it had seen", () => {
  const { sab, producer, consumer } = openRing({ slots: 6 });
  producer.pushMany([1, 2, 3]);
  assert.equal(consumer.tryPop(), 1); // caches in = 3
  scribble(sab, inspectRing(sab).offsets.in, 9);
  // Items 2 and 3 were validly published before the scribble.
  assert.deepEqual([consumer.tryPop(), consumer.tryPop()], [2, 3]);
  assertThrowsWith(() => consumer.tryPop(), CorruptedRingError, ["in is 9"]);
  assertThrowsWith(() => consumer.tryPop(), CorruptedRingError);
});

Deno.test("Producer() and Consumer() refuse a counter ring whose own physical slot is out of range", async (t) => {
  const start = 2 ** 32 - 1;
  const setup = () => {
    const sab = createRing({ slots: 5, scheme: "counter", start });
    const producer = new Producer(sab);
    producer.pushMany([1, 2]); // in = start + 2 (wrapped), inSlot = 2
    producer.detach();
    return sab;
  };
  // Each side checks only its own slot word (the other side's live handle
  // may be writing its word plainly: reading it was a data race), so a slot
  // that disagrees with the other side's by one is not caught on attach.
  type Handle = new (sab: SharedArrayBuffer) => { detach(): void };
  const cases: [string, number, number, string, Handle[]][] = [
    ["inSlot out of range", W_IN_SLOT, 5, "inSlot is 5", [Producer]],
    ["inSlot negative", W_IN_SLOT, -1, "inSlot is -1", [Producer]],
    ["outSlot out of range", W_OUT_SLOT, 9, "outSlot is 9", [Consumer]],
    ["inSlot off by one", W_IN_SLOT, 3, "", []],
    ["outSlot off by one", W_OUT_SLOT, 1, "", []],
  ];
  for (const [name, word, value, fragment, refusing] of cases) {
    await t.step(name, () => {
      const sab = setup();
      scribble(sab, word * 4, value);
      for (const Handle of [Producer, Consumer] as Handle[]) {
        if (refusing.includes(Handle)) {
          assertThrowsWith(() => new Handle(sab), CorruptedRingError, [
            "corrupted",
            fragment,
          ]);
        } else new Handle(sab).detach();
      }
      // A refused handle let go of its side: a later attach is refused for
      // the corruption again, not for a live handle.
      for (const Handle of refusing) {
        assertThrowsWith(() => new Handle(sab), CorruptedRingError, [
          fragment,
        ]);
      }
      // inspectRing still reports what it found, and closeRing still works.
      const snapshot = inspectRing(sab);
      assert.equal(
        word === W_IN_SLOT ? snapshot.inSlot : snapshot.outSlot,
        value,
      );
      closeRing(sab);
      assert.equal(inspectRing(sab).closed, true);
    });
  }
});

Deno.test("inspectRing() reports corrupted indices as found", () => {
  const sab = createRing({ slots: 4, scheme: "counter" });
  scribble(sab, inspectRing(sab).offsets.in, 1000);
  const snapshot = inspectRing(sab);
  assert.equal(snapshot.in, 1000);
  assert.equal(snapshot.size, 1000);
});

Deno.test("Consumer.popAsync() wakes with CorruptedRingError when in is scribbled during the wait", async () => {
  const sab = createRing({ slots: 4 });
  const consumer = new Consumer<number>(sab);
  const waiting = consumer.popAsync();
  await waitUntil(() => inspectRing(sab).consumerWaiting, "popAsync to sleep");
  // A hostile writer stores a bad in and wakes the sleeper.
  scribble(sab, inspectRing(sab).offsets.in, 44);
  const words = new Int32Array(sab);
  Atomics.store(words, W_CONSUMER_WAITING, 0);
  Atomics.notify(words, W_CONSUMER_WAITING);
  let caught: unknown;
  await withinLimit(waiting, "popAsync").catch((error) => caught = error);
  assertError(caught, CorruptedRingError, ["in is 44"]);
});
