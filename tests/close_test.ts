// Closing, over every engine: what a closed ring refuses, how the consumer
// drains what was committed before ClosedError, and how a close wakes every
// waiter (async calls, and Workers blocked in Atomics.wait).
import assert from "node:assert/strict";
import {
  ClosedError,
  closeRing,
  closeUnbounded,
  Consumer,
  createRing,
  inspectRing,
  inspectUnbounded,
  Producer,
  RingStateError,
} from "../mod.ts";
import {
  assertError,
  assertRejectsWith,
  assertThrowsWith,
  assertUnchanged,
  delay,
  drain,
  fill,
  imageOf,
  openRing,
  startRingWorker,
  waitUntil,
  withinLimit,
} from "./_helpers.ts";
import { eachEngine, ONE_PRODUCER, openEngine, RINGS } from "./_engines.ts";
import { MANY, openMany } from "./_sequence_helpers.ts";
import { openUnbounded, range } from "./_unbounded_helpers.ts";

/** Waits until `side` has raised its waiting flag, then closes the ring. */
async function closeOnceAsleep(
  sab: SharedArrayBuffer,
  side: "consumer" | "producer",
): Promise<void> {
  await waitUntil(
    () =>
      side === "consumer"
        ? inspectRing(sab).consumerWaiting
        : inspectRing(sab).producerWaiting,
    `the ${side} to sleep`,
  );
  closeRing(sab);
}

Deno.test("Producer.close() closes the ring for both handles", () => {
  const { sab, producer, consumer } = openRing({ slots: 4 });
  assert.equal(producer.closed, false);
  assert.equal(consumer.closed, false);
  producer.close();
  assert.equal(producer.closed, true);
  assert.equal(consumer.closed, true);
  assert.equal(inspectRing(sab).closed, true);
  producer.close(); // harmless twice
  assert.equal(inspectRing(sab).closed, true);
});

Deno.test("Producer.tryPush() after its own close() throws ClosedError", () => {
  const sab = createRing({ slots: 4 });
  const producer = new Producer(sab);
  producer.close();
  assertThrowsWith(() => producer.tryPush(1), ClosedError, ["closed"]);
  assert.equal(inspectRing(sab).size, 0);
});

Deno.test("Producer methods throw ClosedError after closeRing() and change nothing", async (t) => {
  await eachEngine(t, RINGS, async (engine) => {
    const sab = createRing({ slots: 4, ...engine.options });
    const producer = new Producer<number>(sab);
    producer.tryPush(1);
    closeRing(sab);
    const before = imageOf(sab);
    const calls: [string, () => unknown][] = [
      ["Cannot push item", () => producer.tryPush(2)],
      ["Cannot push item", () => producer.push(2)],
      ["Cannot push items", () => producer.pushMany([2, 3])],
      ["Cannot push items", () => producer.pushMany([])],
      ["Cannot reserve slot", () => producer.reserve()],
    ];
    for (const [what, call] of calls) {
      assertThrowsWith(call, ClosedError, [what, "closed"]);
    }
    await assertRejectsWith(producer.pushAsync(2), ClosedError, ["closed"]);
    assertUnchanged(sab, before);
  });
  await t.step("unbounded, with a reservation", () => {
    const { sab, producer } = openUnbounded();
    const slot = producer.reserve();
    slot[0] = 1;
    closeUnbounded(sab);
    assertThrowsWith(() => producer.commit(), ClosedError, [
      "Cannot commit: buffer is closed",
    ]);
    for (
      const call of [
        () => producer.push(1),
        () => producer.tryPush(1),
        () => producer.pushMany([1]),
        () => producer.reserve(),
      ]
    ) assertThrowsWith(call, ClosedError, ["buffer is closed"]);
    assert.equal(producer.size, 0); // the reserved item was dropped
    producer.close(); // after a close by someone else: detaches only
    assertThrowsWith(() => producer.push(1), ClosedError);
  });
});

Deno.test("closeRing() is harmless twice and after Producer.close()", () => {
  const sab = createRing({ slots: 4 });
  const producer = new Producer(sab);
  producer.tryPush(1);
  producer.close();
  closeRing(sab);
  closeRing(sab);
  const consumer = new Consumer(sab);
  assert.equal(consumer.pop(), 1);
  assertThrowsWith(() => consumer.pop(), ClosedError);
});

Deno.test("Consumer.pop() drains every committed item of a closed ring, then throws ClosedError", async (t) => {
  await eachEngine(t, RINGS, (engine) => {
    for (const closer of ["producer", "closeRing"] as const) {
      const { sab, producer, consumer } = openEngine(engine, {
        slots: 5,
        start: 3,
      });
      const items = [10, 11, 12, 13].slice(0, producer.capacity);
      producer.pushMany(items);
      if (closer === "producer") producer.close();
      else closeRing(sab);
      const drained = items.map(() => consumer.pop({ timeout: 10_000 }));
      assert.deepEqual(drained, items, closer);
      assertThrowsWith(() => consumer.pop(), ClosedError, [
        "Cannot pop item",
        "closed and drained",
      ]);
      // Again, and with a timeout: still ClosedError, not TimeoutError.
      assertThrowsWith(() => consumer.pop({ timeout: 10 }), ClosedError);
      assert.equal(inspectRing(sab).consumerWaiting, false);
    }
  });
  await t.step(
    "sequence, two handles a side: a reservation is dropped",
    async () => {
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
    },
  );
  await t.step("unbounded: pop, popAsync and tryPop", async () => {
    const { producer, consumer } = openUnbounded({ segmentSlots: 2 });
    producer.pushMany([1, 2, 3]);
    producer.close();
    assert.equal(consumer.closed, true);
    assert.equal(consumer.pop(), 1);
    assert.equal(await consumer.popAsync(), 2);
    assert.equal(consumer.tryPop(), 3);
    assert.equal(consumer.tryPop(), undefined); // never ClosedError
    assertThrowsWith(() => consumer.pop(), ClosedError, [
      "Cannot pop item: buffer is closed and drained",
    ]);
    await assertRejectsWith(consumer.popAsync(), ClosedError);
  });
});

Deno.test("Consumer.tryPop() and popMany() on a closed, drained ring return empty-handed", () => {
  const sab = createRing({ slots: 4 });
  const producer = new Producer<number>(sab);
  producer.tryPush(1);
  producer.close();
  const consumer = new Consumer<number>(sab);
  assert.equal(consumer.tryPop(), 1);
  assert.equal(consumer.tryPop(), undefined);
  assert.equal(consumer.popMany(new Int32Array(4)), 0);
  assert.equal(consumer.peek(), null);
  assert.equal(consumer.closed, true);
});

Deno.test("Consumer.popAsync() drains a closed ring, then rejects with ClosedError", async () => {
  const { producer, consumer } = openRing({ slots: 4, scheme: "counter" });
  producer.pushMany([1, 2]);
  producer.close();
  // Three calls queued at once: two items, then the end.
  const pops = [consumer.popAsync(), consumer.popAsync(), consumer.popAsync()];
  assert.equal(await pops[0], 1);
  assert.equal(await pops[1], 2);
  await assertRejectsWith(pops[2]!, ClosedError, ["closed and drained"]);
  await assertRejectsWith(consumer.popAsync({ timeout: 10 }), ClosedError);
});

Deno.test("closeRing() wakes a pending popAsync() or pushAsync() promptly", async (t) => {
  await eachEngine(t, RINGS, async (engine) => {
    for (const side of ["consumer", "producer"] as const) {
      const { sab, producer, consumer } = openEngine(engine, { slots: 2 });
      if (side === "producer") fill(producer, 1);
      const before = inspectRing(sab).size;
      // No timeout: only the close can end this wait.
      const waiting: Promise<unknown> = side === "consumer"
        ? consumer.popAsync()
        : producer.pushAsync(2);
      await closeOnceAsleep(sab, side);
      await assertRejectsWith(
        withinLimit(waiting, `${side} to wake on close`),
        ClosedError,
      );
      assert.equal(inspectRing(sab).size, before);
    }
  });
  await t.step("unbounded: a waiting popAsync", async () => {
    const { sab, consumer } = openUnbounded();
    const waiting = consumer.popAsync();
    // The close must find the consumer asleep: a close before it sleeps
    // would test the closed check instead of the wake.
    await waitUntil(
      () => inspectUnbounded(sab).consumerWaiting,
      "popAsync to sleep",
    );
    closeUnbounded(sab);
    await assertRejectsWith(withinLimit(waiting, "the wake-up"), ClosedError);
    closeUnbounded(sab); // twice is harmless
  });
});

Deno.test("closeRing() wakes a Worker blocked in Consumer.pop() or Producer.push()", async (t) => {
  await eachEngine(t, ONE_PRODUCER, async (engine) => {
    for (const side of ["consumer", "producer"] as const) {
      const sab = createRing({ slots: 2, ...engine.options });
      const filler = new Producer(sab);
      if (side === "producer") fill(filler, 7);
      filler.detach();
      const worker = await startRingWorker();
      try {
        const result = worker.run(
          side === "consumer"
            ? { ring: sab, op: "pop", count: 1 }
            : { ring: sab, op: "push", items: [8] },
        );
        await closeOnceAsleep(sab, side);
        const { items, error } = await result;
        assert.deepEqual(items, []);
        assert.equal(error?.name, "ClosedError", error?.message);
        if (side === "producer") {
          // A consumer drains what was there before the close, nothing more.
          const drained = drain(new Consumer(sab));
          assert.deepEqual(drained, new Array(filler.capacity).fill(7));
        } else {
          assert.equal(inspectRing(sab).size, 0);
        }
      } finally {
        worker.terminate();
      }
    }
  });
  await t.step(
    "sequence: two sleeping consumers take every item pushed, then wake",
    async () => {
      const sab = createRing({ slots: 4, ...MANY });
      const workers = [await startRingWorker(), await startRingWorker()];
      try {
        const jobs = Promise.all(
          workers.map((w) => w.run({ ring: sab, op: "pop", count: 2 })),
        );
        // Handled now, awaited below: a job's hang guard firing during the
        // waits fails this step, not the whole file as an uncaught error.
        jobs.catch(() => {});
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
        const results = await jobs;
        assert.deepEqual(results.flatMap((r) => r.items).toSorted(), [1, 2]);
        for (const result of results) {
          // A Worker that got fewer than its 2 items was still waiting: woken by the close.
          const closed = result.items.length < 2;
          assert.equal(result.error?.name, closed ? "ClosedError" : undefined);
        }
      } finally {
        for (const worker of workers) worker.terminate();
      }
    },
  );
  await t.step(
    "sequence: two sleeping producers fill the room made, then wake",
    async () => {
      const sab = createRing({ slots: 2, ...MANY });
      const consumer = new Consumer<number>(sab);
      new Producer<number>(sab).pushMany([1, 2]);
      const workers = [await startRingWorker(), await startRingWorker()];
      try {
        const jobs = Promise.all(
          workers.map((w, i) =>
            w.run({ ring: sab, op: "push", items: [10 + i, 20 + i] })
          ),
        );
        jobs.catch(() => {}); // awaited below, as above
        await waitUntil(
          () => inspectRing(sab).sequence!.producerWaiters === 2,
          "both producers to sleep",
        );
        assert.equal(consumer.tryPop(), 1);
        assert.equal(consumer.tryPop(), 2);
        // Two slots freed: sleepers take both (which of them, is theirs to race).
        await waitUntil(() => inspectRing(sab).in === 4, "two more items");
        closeRing(sab);
        const results = await jobs;
        // Both were published before the close, so both are delivered; but a
        // push that published may still see the close in its wake-up check
        // and throw (the documented push/close race), so a Worker may report
        // one item fewer than it published.
        const drained = drain(consumer);
        assert.equal(drained.length, 2);
        results.forEach((result, i) => {
          // Each Worker pushed a prefix of its items; a short one saw the close.
          const all = [10 + i, 20 + i];
          assert.deepEqual(result.items, all.slice(0, result.items.length));
          const closed = result.items.length < all.length;
          assert.equal(result.error?.name, closed ? "ClosedError" : undefined);
          // What it delivered is a prefix too: what it reported, and at most
          // the one push that raced the close.
          const mine = drained.filter((item) => all.includes(item));
          assert.deepEqual(mine, all.slice(0, mine.length));
          assert.ok(
            mine.length === result.items.length ||
              (closed && mine.length === result.items.length + 1),
            `Worker ${i} reported ${result.items} and delivered ${mine}`,
          );
        });
      } finally {
        for (const worker of workers) worker.terminate();
      }
    },
  );
});

Deno.test("Consumer.pop() in a Worker gets every item pushed before the close", async () => {
  const sab = createRing({ slots: 3, scheme: "counter" });
  const producer = new Producer<number>(sab);
  const worker = await startRingWorker();
  try {
    // The worker wants more items than will ever come.
    const result = worker.run({ ring: sab, op: "pop", count: 100 });
    const items = Array.from({ length: 20 }, (_, i) => i);
    for (const item of items) producer.push(item, { timeout: 10_000 });
    producer.close();
    const outcome = await result;
    assert.deepEqual(outcome.items, items);
    assert.equal(outcome.error?.name, "ClosedError", outcome.error?.message);
  } finally {
    worker.terminate();
  }
});

Deno.test("Consumer[Symbol.asyncIterator]() yields every item, ending once closed and drained", async (t) => {
  await eachEngine(t, RINGS, async (engine) => {
    const { producer, consumer } = openEngine(engine, { slots: 3 });
    const items = Array.from({ length: 12 }, (_, i) => i * i);
    const feeding = (async () => {
      for (const item of items) {
        await producer.pushAsync(item, { timeout: 10_000 });
        if (item % 3 === 0) await delay(1);
      }
      producer.close();
    })();
    const seen: number[] = [];
    const iterating = (async () => {
      for await (const item of consumer) seen.push(item);
    })();
    await withinLimit(Promise.all([feeding, iterating]), "the iterator to end");
    assert.deepEqual(seen, items);
  });
  await t.step("unbounded", async () => {
    const { producer, consumer } = openUnbounded({ segmentSlots: 2 });
    producer.pushMany(range(0, 5));
    const seen: number[] = [];
    const drained = (async () => {
      for await (const item of consumer) seen.push(item);
    })();
    await waitUntil(() => seen.length === 5, "the iterator's five items");
    producer.close();
    await withinLimit(drained, "the end of the iteration");
    assert.deepEqual(seen, range(0, 5));
  });
});

Deno.test("Consumer[Symbol.asyncIterator]() ends at once on a closed empty ring", async () => {
  const sab = createRing({ slots: 3 });
  closeRing(sab);
  const seen: unknown[] = [];
  for await (const item of new Consumer(sab)) seen.push(item);
  assert.deepEqual(seen, []);
});

Deno.test("Consumer[Symbol.asyncIterator]() rethrows errors other than ClosedError", async () => {
  const sab = createRing({ slots: 3 });
  const consumer = new Consumer(sab);
  consumer.detach();
  let caught: unknown;
  try {
    for await (const _ of consumer) {
      assert.fail("yielded on a detached consumer");
    }
  } catch (error) {
    caught = error;
  }
  assertError(caught, RingStateError, ["detached"]);
});
