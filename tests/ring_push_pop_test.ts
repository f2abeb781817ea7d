import assert from "node:assert/strict";
import { inspectRing, TimeoutError } from "../mod.ts";
import {
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

Deno.test("Producer.tryPush() fills a textbook ring to slots - 1 items, then returns false", () => {
  for (const slots of [2, 3, 10]) {
    const { sab, producer, consumer } = openRing({ slots });
    for (let i = 0; i < slots - 1; i++) assert.equal(producer.tryPush(i), true);
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

Deno.test("Producer.tryPush() fills a counter ring to all slots, then returns false", () => {
  for (const slots of [2, 3, 10]) {
    const { sab, producer, consumer } = openRing({ slots, scheme: "counter" });
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

Deno.test("Consumer.tryPop() returns undefined on an empty ring and items in FIFO order", () => {
  for (const scheme of SCHEMES) {
    const { producer, consumer } = openRing({ slots: 3, scheme });
    assert.equal(consumer.tryPop(), undefined);
    // Many laps around a small ring.
    const popped: number[] = [];
    for (let i = 0; i < 20; i++) {
      assert.equal(producer.tryPush(i), true);
      if (i % 2 === 1) popped.push(...drain(consumer));
    }
    assert.deepEqual(popped, Array.from({ length: 20 }, (_, i) => i), scheme);
    assert.equal(consumer.tryPop(), undefined);
  }
});

Deno.test("Producer.size and Consumer.size count the items between out and in", () => {
  for (const scheme of SCHEMES) {
    const { producer, consumer } = openRing({ slots: 4, scheme, start: 3 });
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
    assert.deepEqual(sizes, [0, 1, 3, 2, 0], scheme);
  }
});

Deno.test("Producer.push() pushes at once when there is room", () => {
  const { producer, consumer } = openRing({ slots: 3 });
  producer.push(1);
  producer.push(2, { timeout: 0 });
  assert.deepEqual(drain(consumer), [1, 2]);
});

Deno.test("Producer.push() throws TimeoutError when the ring stays full", () => {
  for (const scheme of SCHEMES) {
    const { sab, producer } = openRing({ slots: 2, scheme });
    while (producer.tryPush(1));
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
  }
});

Deno.test("Consumer.pop() returns at once when there is an item", () => {
  const { producer, consumer } = openRing({ slots: 3 });
  producer.pushMany([4, 5]);
  assert.equal(consumer.pop(), 4);
  assert.equal(consumer.pop({ timeout: 0 }), 5);
});

Deno.test("Consumer.pop() throws TimeoutError when the ring stays empty", () => {
  for (const scheme of SCHEMES) {
    const { sab, consumer } = openRing({ slots: 2, scheme });
    for (const timeout of [0, 5]) {
      assertThrowsWith(() => consumer.pop({ timeout }), TimeoutError, [
        "Cannot pop item",
        `${timeout} ms`,
      ]);
    }
    assert.equal(inspectRing(sab).consumerWaiting, false);
  }
});

Deno.test("Producer.push(), Consumer.pop() and their async twins validate timeout", async () => {
  const { producer, consumer } = openRing({ slots: 4 });
  producer.tryPush(1); // neither full nor empty: the fast paths
  const bad: [unknown, ErrorConstructor, string][] = [
    [-1, RangeError, "received -1"],
    [-Infinity, RangeError, "received -Infinity"],
    [NaN, TypeError, "received NaN"],
    ["5", TypeError, `received "5"`],
    [null, TypeError, "received null"],
  ];
  for (const [timeout, Class, fragment] of bad) {
    const options = { timeout } as { timeout: number };
    const fragments = ["timeout", fragment];
    assertThrowsWith(() => producer.push(2, options), Class, fragments);
    assertThrowsWith(() => consumer.pop(options), Class, fragments);
    await assertRejectsWith(producer.pushAsync(2, options), Class, fragments);
    await assertRejectsWith(consumer.popAsync(options), Class, fragments);
  }
  assert.equal(consumer.size, 1);
  assert.deepEqual(drain(consumer), [1]);
});

Deno.test("Producer.push() blocks while full until a Worker's pop makes room", async () => {
  for (const scheme of SCHEMES) {
    const { sab, producer, consumer } = openRing({ slots: 2, scheme });
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
      assert.deepEqual(await popped, { items }, scheme);
    } finally {
      worker.terminate();
    }
  }
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

Deno.test("Consumer.popAsync() resolves at once when there is an item", async () => {
  const { producer, consumer } = openRing({ slots: 3 });
  producer.tryPush(6);
  assert.equal(await consumer.popAsync(), 6);
});

Deno.test("Consumer.popAsync() waits for a later push", async () => {
  for (const scheme of SCHEMES) {
    const { producer, consumer } = openRing({ slots: 3, scheme });
    const next = consumer.popAsync({ timeout: 10_000 });
    await delay(5);
    producer.tryPush(8);
    assert.equal(await withinLimit(next, "popAsync"), 8);
  }
});

Deno.test("Consumer.popAsync() rejects with TimeoutError when the ring stays empty", async () => {
  const { producer, consumer } = openRing({ slots: 3 });
  await assertRejectsWith(consumer.popAsync({ timeout: 0 }), TimeoutError, [
    "0 ms",
  ]);
  await assertRejectsWith(consumer.popAsync({ timeout: 10 }), TimeoutError, [
    "Cannot pop item",
    "10 ms",
  ]);
  // The consumer still works afterwards.
  producer.tryPush(1);
  assert.equal(await consumer.popAsync(), 1);
});

Deno.test("Producer.pushAsync() waits for room, then publishes", async () => {
  for (const scheme of SCHEMES) {
    const { producer, consumer } = openRing({ slots: 2, scheme });
    while (producer.tryPush(1));
    const pushed = producer.pushAsync(2, { timeout: 10_000 });
    await delay(5);
    assert.equal(consumer.size, producer.capacity);
    assert.equal(consumer.tryPop(), 1);
    await withinLimit(pushed, "pushAsync");
    assert.equal(drain(consumer).at(-1), 2);
  }
});

Deno.test("Producer.pushAsync() rejects with TimeoutError when the ring stays full", async () => {
  const { sab, producer, consumer } = openRing({ slots: 2 });
  producer.tryPush(1);
  await assertRejectsWith(
    producer.pushAsync(2, { timeout: 10 }),
    TimeoutError,
    [
      "Cannot push item",
      "10 ms",
    ],
  );
  assert.equal(inspectRing(sab).size, 1);
  assert.deepEqual(drain(consumer), [1]);
  await producer.pushAsync(3);
  assert.deepEqual(drain(consumer), [3]);
});

Deno.test("Consumer.popAsync() rejects with the signal's reason on abort", async () => {
  const { producer, consumer } = openRing({ slots: 3 });
  const reason = new Error("stop");
  // Aborted before the call.
  await assert.rejects(
    consumer.popAsync({ signal: AbortSignal.abort(reason) }),
    (error) => error === reason,
  );
  // Aborted while waiting.
  const controller = new AbortController();
  const waiting = consumer.popAsync({ signal: controller.signal });
  await delay(5);
  controller.abort(reason);
  await assert.rejects(
    withinLimit(waiting, "abort"),
    (error) => error === reason,
  );
  // Nothing was consumed: a later push reaches a later pop.
  producer.tryPush(5);
  assert.equal(await consumer.popAsync(), 5);
});

Deno.test("Producer.pushAsync() rejects with the signal's reason on abort, pushing nothing", async () => {
  const { sab, producer, consumer } = openRing({ slots: 2, scheme: "counter" });
  producer.pushMany([1, 2]);
  const reason = new DOMException("gone", "AbortError");
  await assert.rejects(
    producer.pushAsync(3, { signal: AbortSignal.abort(reason) }),
    (error) => error === reason,
  );
  const controller = new AbortController();
  const waiting = producer.pushAsync(4, { signal: controller.signal });
  await delay(5);
  controller.abort(reason);
  await assert.rejects(
    withinLimit(waiting, "abort"),
    (error) => error === reason,
  );
  assert.equal(inspectRing(sab).size, 2);
  assert.deepEqual(drain(consumer), [1, 2]);
  assert.equal(consumer.tryPop(), undefined);
});

Deno.test("Consumer.popAsync() calls resolve in call order", async () => {
  for (const scheme of SCHEMES) {
    const { producer, consumer } = openRing({ slots: 5, scheme });
    const pops = [
      consumer.popAsync(),
      consumer.popAsync(),
      consumer.popAsync(),
    ];
    await delay(1);
    producer.tryPush(1);
    await delay(1);
    producer.pushMany([2, 3]);
    // A fourth call made while the ring is non-empty still queues behind.
    const fourth = consumer.popAsync();
    producer.tryPush(4);
    assert.deepEqual(
      await withinLimit(Promise.all([...pops, fourth]), "pops"),
      [1, 2, 3, 4],
      scheme,
    );
  }
});

Deno.test("Consumer.popAsync() failures keep call order too", async () => {
  for (const scheme of [...SCHEMES, "sequence" as const]) {
    const { producer, consumer } = openRing({ slots: 4, scheme });
    const order: string[] = [];
    const track = (name: string, promise: Promise<unknown>) =>
      promise.then(
        () => order.push(`${name} resolved`),
        () => order.push(`${name} rejected`),
      );
    // An already-aborted call fails at once, but rejects only after the
    // call queued before it has settled.
    const waiting = track("first", consumer.popAsync({ timeout: 10_000 }));
    const aborted = track(
      "aborted",
      consumer.popAsync({ signal: AbortSignal.abort(new Error("stop")) }),
    );
    await delay(5);
    assert.deepEqual(order, [], scheme);
    producer.tryPush(1);
    await withinLimit(Promise.all([waiting, aborted]), "pops");
    assert.deepEqual(order, ["first resolved", "aborted rejected"], scheme);
    // Likewise a call on a detached handle, behind one that times out.
    order.length = 0;
    const timedOut = track("first", consumer.popAsync({ timeout: 20 }));
    consumer.detach();
    const detached = track("detached", consumer.popAsync());
    await withinLimit(Promise.all([timedOut, detached]), "pops");
    assert.deepEqual(order, ["first rejected", "detached rejected"], scheme);
  }
});

Deno.test("Producer.pushAsync() calls complete in call order", async () => {
  for (const scheme of SCHEMES) {
    const { producer, consumer } = openRing({ slots: 2, scheme });
    while (producer.tryPush(0));
    const order: number[] = [];
    const pushes = [1, 2, 3, 4].map((item) =>
      producer.pushAsync(item).then(() => order.push(item))
    );
    const popped: number[] = [];
    while (popped.length < 4 + producer.capacity) {
      const item = consumer.tryPop();
      if (item === undefined) await delay(1);
      else popped.push(item);
    }
    await withinLimit(Promise.all(pushes), "pushes");
    assert.deepEqual(order, [1, 2, 3, 4], scheme);
    assert.deepEqual(popped.slice(producer.capacity), [1, 2, 3, 4], scheme);
  }
});

Deno.test("Consumer.popAsync() after a timed-out call still gets the next item", async () => {
  const { producer, consumer } = openRing({ slots: 3 });
  const first = consumer.popAsync({ timeout: 5 });
  const second = consumer.popAsync({ timeout: 10_000 });
  await assertRejectsWith(first, TimeoutError);
  producer.tryPush(7);
  assert.equal(await withinLimit(second, "second pop"), 7);
});

Deno.test("Producer.pushMany() pushes a prefix and returns how many fit", () => {
  for (const scheme of SCHEMES) {
    const { producer, consumer } = openRing({ slots: 4, scheme });
    const capacity = producer.capacity;
    assert.equal(producer.pushMany([]), 0);
    assert.equal(producer.pushMany([1, 2]), 2);
    assert.equal(producer.pushMany([3, 4, 5, 6, 7]), capacity - 2);
    assert.equal(producer.pushMany([8]), 0);
    assert.deepEqual(drain(consumer), [1, 2, 3, 4, 5, 6].slice(0, capacity));
  }
});

Deno.test("Producer.pushMany() copies a typed array of the ring's kind across the wrap", () => {
  for (const scheme of SCHEMES) {
    for (let offset = 0; offset < 5; offset++) {
      const { producer, consumer } = openRing({ slots: 5, scheme });
      // Move in and out to `offset` so the batch wraps past the last slot.
      for (let i = 0; i < offset; i++) {
        producer.tryPush(-1);
        consumer.tryPop();
      }
      const batch = Int32Array.from({ length: 6 }, (_, i) => 10 + i);
      const n = producer.pushMany(batch);
      assert.equal(n, producer.capacity);
      assert.deepEqual(
        drain(consumer),
        [...batch.subarray(0, n)],
        `${scheme} @${offset}`,
      );
    }
  }
});

Deno.test("Consumer.popMany() fills a typed array or plain array across the wrap", () => {
  for (const scheme of SCHEMES) {
    for (let offset = 0; offset < 5; offset++) {
      for (const typed of [true, false]) {
        const { producer, consumer } = openRing({ slots: 5, scheme });
        for (let i = 0; i < offset; i++) {
          producer.tryPush(-1);
          consumer.tryPop();
        }
        const items = [21, 22, 23, 24, 25].slice(0, producer.capacity);
        producer.pushMany(items);
        const target = typed ? new Int32Array(7) : new Array<number>(7).fill(0);
        const n = consumer.popMany(target);
        assert.equal(n, items.length);
        assert.deepEqual(
          [...target],
          [...items, 0, 0, 0, 0, 0, 0, 0].slice(0, 7),
        );
        assert.equal(consumer.size, 0);
      }
    }
  }
});

Deno.test("Consumer.popMany() pops at most target.length items and returns 0 when empty", () => {
  const { producer, consumer } = openRing({ slots: 8, scheme: "counter" });
  const target = new Int32Array(3);
  assert.equal(consumer.popMany(target), 0);
  assert.equal(consumer.popMany(new Int32Array(0)), 0);
  producer.pushMany([1, 2, 3, 4, 5]);
  assert.equal(consumer.popMany(target), 3);
  assert.deepEqual([...target], [1, 2, 3]);
  assert.equal(consumer.size, 2);
  assert.equal(consumer.popMany(target), 2);
  assert.deepEqual([...target.subarray(0, 2)], [4, 5]);
});

Deno.test("Consumer.popMany() converts into a typed array of another kind", () => {
  const { producer, consumer } = openRing({ slots: 4 });
  producer.pushMany([1, -2, 3]);
  const target = new Float64Array(3);
  assert.equal(consumer.popMany(target), 3);
  assert.deepEqual([...target], [1, -2, 3]);
});

Deno.test("Producer.pushMany() and Consumer.popMany() refuse arguments that are not array-like", () => {
  const { sab, producer, consumer } = openRing({ slots: 4 });
  producer.tryPush(1);
  const before = imageOf(sab);
  const calls: [(bad: number[]) => number, string][] = [
    [(bad) => producer.pushMany(bad), "Cannot push items: items"],
    [(bad) => consumer.popMany(bad), "Cannot pop items: target"],
  ];
  for (const [call, fragment] of calls) {
    for (const bad of [null, 3, "abc", undefined, {}]) {
      assertThrowsWith(() => call(bad as unknown as number[]), TypeError, [
        fragment,
      ]);
    }
  }
  assertUnchanged(sab, before);
});

Deno.test("Producer.pushMany() and Consumer.popMany() run a stream through many laps", () => {
  for (const scheme of SCHEMES) {
    const { producer, consumer } = openRing({ slots: 7, scheme });
    let next = 0;
    const received: number[] = [];
    const target = new Int32Array(4);
    for (let round = 0; round < 50; round++) {
      const batch = Int32Array.from({ length: (round % 5) + 1 }, () => next++);
      const n = producer.pushMany(round % 2 === 0 ? batch : [...batch]);
      next -= batch.length - n;
      const m = consumer.popMany(target);
      received.push(...target.subarray(0, m));
    }
    received.push(...drain(consumer));
    assert.deepEqual(
      received,
      Array.from({ length: next }, (_, i) => i),
      scheme,
    );
  }
});

Deno.test("Producer.push(), Consumer.pop() and their async twins reject options that are not objects or carry a bad signal", async () => {
  const { producer, consumer } = openRing({ slots: 4 });
  producer.tryPush(1);
  for (const options of [null, "abc", 5]) {
    const bad = options as unknown as { timeout: number };
    assertThrowsWith(() => producer.push(2, bad), TypeError, [
      "options must be an object",
    ]);
    assertThrowsWith(() => consumer.pop(bad), TypeError, [
      "options must be an object",
    ]);
    await assertRejectsWith(producer.pushAsync(2, bad), TypeError, [
      "options must be an object",
    ]);
    await assertRejectsWith(consumer.popAsync(bad), TypeError, [
      "options must be an object",
    ]);
  }
  const badSignal = { signal: "x" } as unknown as { signal: AbortSignal };
  await assertRejectsWith(producer.pushAsync(2, badSignal), TypeError, [
    "signal must be an AbortSignal",
    `received "x"`,
  ]);
  await assertRejectsWith(consumer.popAsync(badSignal), TypeError, [
    "signal must be an AbortSignal",
  ]);
  assert.deepEqual(drain(consumer), [1]);
});
