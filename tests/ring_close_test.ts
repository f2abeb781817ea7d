import assert from "node:assert/strict";
import {
  ClosedError,
  closeRing,
  Consumer,
  createRing,
  inspectRing,
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
  imageOf,
  openRing,
  SCHEMES,
  startRingWorker,
  waitUntil,
  withinLimit,
} from "./_helpers.ts";

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

Deno.test("Producer methods throw ClosedError after closeRing() and change nothing", async () => {
  for (const scheme of SCHEMES) {
    const sab = createRing({ slots: 4, scheme });
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
  }
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

Deno.test("Consumer.pop() drains every committed item of a closed ring, then throws ClosedError", () => {
  for (const scheme of SCHEMES) {
    for (const closer of ["producer", "closeRing"] as const) {
      const { sab, producer, consumer } = openRing({
        slots: 5,
        scheme,
        start: 3,
      });
      const items = [10, 11, 12, 13].slice(0, producer.capacity);
      producer.pushMany(items);
      if (closer === "producer") producer.close();
      else closeRing(sab);
      const drained = items.map(() => consumer.pop({ timeout: 10_000 }));
      assert.deepEqual(drained, items, `${scheme} ${closer}`);
      assertThrowsWith(() => consumer.pop(), ClosedError, [
        "Cannot pop item",
        "closed and drained",
      ]);
      // Again, and with a timeout: still ClosedError, not TimeoutError.
      assertThrowsWith(() => consumer.pop({ timeout: 10 }), ClosedError);
      assert.equal(inspectRing(sab).consumerWaiting, false);
    }
  }
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

Deno.test("closeRing() wakes a pending popAsync() or pushAsync() promptly", async () => {
  for (const scheme of SCHEMES) {
    for (const side of ["consumer", "producer"] as const) {
      const { sab, producer, consumer } = openRing({ slots: 2, scheme });
      if (side === "producer") { while (producer.tryPush(1)); }
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
  }
});

Deno.test("closeRing() wakes a Worker blocked in Consumer.pop() or Producer.push()", async () => {
  for (const scheme of SCHEMES) {
    for (const side of ["consumer", "producer"] as const) {
      const sab = createRing({ slots: 2, scheme });
      const filler = new Producer(sab);
      if (side === "producer") { while (filler.tryPush(7)); }
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
  }
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

Deno.test("Consumer[Symbol.asyncIterator]() yields every item, ending once closed and drained", async () => {
  for (const scheme of SCHEMES) {
    const { producer, consumer } = openRing({ slots: 3, scheme });
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
    assert.deepEqual(seen, items, scheme);
  }
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
