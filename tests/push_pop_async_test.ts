// The async calls over every engine: popAsync/pushAsync waiting, timing
// out, aborting and settling in call order, and the options every waiting
// call validates.
import assert from "node:assert/strict";
import {
  Consumer,
  inspectRing,
  inspectUnbounded,
  Producer,
  RingStateError,
  TimeoutError,
} from "../mod.ts";
import {
  assertRejectsWith,
  assertThrowsWith,
  delay,
  drain,
  fill,
  openRing,
  waitUntil,
  withinLimit,
} from "./_helpers.ts";
import { eachEngine, openEngine, RINGS } from "./_engines.ts";
import { W_CONSUMER_WAITING, W_IN } from "../src/_shm/layout.ts";
import { openMany } from "./_sequence_helpers.ts";
import { openUnbounded, range } from "./_unbounded_helpers.ts";

Deno.test("Producer.push(), Consumer.pop() and their async twins validate timeout", async (t) => {
  await t.step("textbook", async () => {
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
  await t.step("unbounded", async () => {
    const { consumer } = openUnbounded();
    assertThrowsWith(() => consumer.pop({ timeout: -1 }), RangeError, [
      "Cannot pop item: timeout must be >= 0 milliseconds, received -1",
    ]);
    assertThrowsWith(
      () => consumer.pop("soon" as unknown as { timeout: number }),
      TypeError,
      ["Cannot pop item: options must be an object"],
    );
    await assertRejectsWith(
      consumer.popAsync({ signal: 1 as unknown as AbortSignal }),
      TypeError,
      ["Cannot pop item: signal must be an AbortSignal"],
    );
  });
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

Deno.test("Consumer.popAsync() resolves at once when there is an item", async () => {
  const { producer, consumer } = openRing({ slots: 3 });
  producer.tryPush(6);
  assert.equal(await consumer.popAsync(), 6);
});

Deno.test("Consumer.popAsync() waits for a later push", async (t) => {
  await eachEngine(t, RINGS, async (engine) => {
    const { sab, producer, consumer } = openEngine(engine, { slots: 3 });
    const next = consumer.popAsync({ timeout: 10_000 });
    // Asleep, so the push below is what wakes it (not its first look).
    await waitUntil(() => inspectRing(sab).consumerWaiting, "the pop asleep");
    producer.tryPush(8);
    assert.equal(await withinLimit(next, "popAsync"), 8);
  });
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

Deno.test("Producer.pushAsync() waits for room, then publishes", async (t) => {
  await eachEngine(t, RINGS, async (engine) => {
    const { sab, producer, consumer } = openEngine(engine, { slots: 2 });
    fill(producer, 1);
    const pushed = producer.pushAsync(2, { timeout: 10_000 });
    await waitUntil(() => inspectRing(sab).producerWaiting, "the push asleep");
    assert.equal(consumer.size, producer.capacity);
    assert.equal(consumer.tryPop(), 1);
    await withinLimit(pushed, "pushAsync");
    assert.equal(drain(consumer).at(-1), 2);
  });
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

Deno.test("Consumer.popAsync() rejects with the signal's reason on abort", async (t) => {
  await t.step("textbook", async () => {
    const { sab, producer, consumer } = openRing({ slots: 3 });
    const reason = new Error("stop");
    // Aborted before the call.
    await assert.rejects(
      consumer.popAsync({ signal: AbortSignal.abort(reason) }),
      (error) => error === reason,
    );
    // Aborted while waiting.
    const controller = new AbortController();
    const waiting = consumer.popAsync({ signal: controller.signal });
    await waitUntil(() => inspectRing(sab).consumerWaiting, "the pop asleep");
    controller.abort(reason);
    await assert.rejects(
      withinLimit(waiting, "abort"),
      (error) => error === reason,
    );
    // Nothing was consumed: a later push reaches a later pop.
    producer.tryPush(5);
    assert.equal(await consumer.popAsync(), 5);
  });
  await t.step("unbounded, after a timeout", async () => {
    const { sab, producer, consumer } = openUnbounded();
    await assertRejectsWith(consumer.popAsync({ timeout: 10 }), TimeoutError, [
      "Cannot pop item: buffer stayed empty for 10 ms",
    ]);
    const controller = new AbortController();
    const aborted = consumer.popAsync({ signal: controller.signal });
    controller.abort(new RangeError("Stopped by the test"));
    await assertRejectsWith(aborted, RangeError, ["Stopped by the test"]);
    // The aborted pop took nothing: the next item goes to the next pop.
    producer.push(7);
    assert.equal(await consumer.popAsync({ timeout: 1_000 }), 7);
    assert.equal(inspectUnbounded(sab).consumerWaiting, false);
  });
});

Deno.test("Consumer.popAsync() aborted while waiting leaves no waiter on the word it slept on", async (t) => {
  // Atomics.notify returns how many waiters it woke: an aborted wait
  // that stayed registered would be counted.
  const cases = [
    ["textbook", {}, W_IN],
    ["sequence", { consumers: "many" }, W_CONSUMER_WAITING],
  ] as const;
  for (const [name, options, word] of cases) {
    await t.step(name, async () => {
      const { sab, consumer } = openRing({ slots: 4, ...options });
      for (let i = 0; i < 3; i++) {
        const controller = new AbortController();
        const waiting = consumer.popAsync({ signal: controller.signal });
        await waitUntil(() => inspectRing(sab).consumerWaiting, "asleep");
        controller.abort(new Error("Stopped by the test"));
        await assertRejectsWith(waiting, Error, ["Stopped by the test"]);
      }
      assert.equal(Atomics.notify(new Int32Array(sab), word), 0);
    });
  }
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
  await waitUntil(() => inspectRing(sab).producerWaiting, "the push asleep");
  controller.abort(reason);
  await assert.rejects(
    withinLimit(waiting, "abort"),
    (error) => error === reason,
  );
  assert.equal(inspectRing(sab).size, 2);
  assert.deepEqual(drain(consumer), [1, 2]);
  assert.equal(consumer.tryPop(), undefined);
});

Deno.test("Consumer.popAsync() calls resolve in call order", async (t) => {
  await eachEngine(t, RINGS, async (engine) => {
    const { producer, consumer } = openEngine(engine, { slots: 5 });
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
    );
  });
  await t.step(
    "sequence, two handles a side: wait, order and abort",
    async () => {
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
    },
  );
  await t.step("unbounded", async () => {
    const { sab, producer, consumer } = openUnbounded({ segmentSlots: 2 });
    const pops = range(0, 5).map(() => consumer.popAsync({ timeout: 5_000 }));
    await waitUntil(
      () => inspectUnbounded(sab).consumerWaiting,
      "the first pop asleep",
    );
    producer.pushMany(range(0, 5));
    assert.deepEqual(await withinLimit(Promise.all(pops), "the pops"), [
      ...range(0, 5),
    ]);
    assert.equal(consumer.size, 0);
  });
});

Deno.test("Consumer.popAsync() failures keep call order too", async (t) => {
  await eachEngine(t, RINGS, async (engine) => {
    const { sab, producer, consumer } = openEngine(engine, { slots: 4 });
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
    // The first call asleep: the aborted one queued behind it has not
    // rejected yet.
    await waitUntil(() => inspectRing(sab).consumerWaiting, "the pop asleep");
    assert.deepEqual(order, []);
    producer.tryPush(1);
    await withinLimit(Promise.all([waiting, aborted]), "pops");
    assert.deepEqual(order, ["first resolved", "aborted rejected"]);
    // Likewise a call on a detached handle, behind one that times out.
    order.length = 0;
    const timedOut = track("first", consumer.popAsync({ timeout: 20 }));
    consumer.detach();
    const detached = track("detached", consumer.popAsync());
    await withinLimit(Promise.all([timedOut, detached]), "pops");
    assert.deepEqual(order, ["first rejected", "detached rejected"]);
  });
});

Deno.test("Producer.detach() and Consumer.detach() reject their handle's pending async calls with RingStateError", async (t) => {
  // Without a wake, nothing settles these calls: nobody publishes again,
  // and their timers keep the process alive for good.
  await eachEngine(t, RINGS, async (engine) => {
    const { sab, producer, consumer } = openEngine(engine, { slots: 2 });
    const popping = consumer.popAsync();
    const queued = consumer.popAsync();
    await waitUntil(() => inspectRing(sab).consumerWaiting, "pop asleep");
    consumer.detach();
    await withinLimit(
      Promise.all([
        assertRejectsWith(popping, RingStateError, [
          "Cannot pop item: this consumer was detached",
        ]),
        assertRejectsWith(queued, RingStateError, ["detached"]),
      ]),
      "pops",
      30_000,
    );
    fill(producer, 0);
    const pushing = producer.pushAsync(1);
    await waitUntil(() => inspectRing(sab).producerWaiting, "push asleep");
    producer.detach();
    await withinLimit(
      assertRejectsWith(pushing, RingStateError, [
        "Cannot push item: this producer was detached",
      ]),
      "push",
      30_000,
    );
    // The side's next handles take over the stream.
    const [next, after] = [new Producer(sab), new Consumer(sab)];
    assert.equal(after.tryPop(), 0);
    await next.pushAsync(2);
    assert.deepEqual(drain(after), engine.name === "textbook" ? [2] : [0, 2]);
  });
  await t.step("unbounded", async () => {
    const { sab, consumer } = openUnbounded();
    const popping = consumer.popAsync();
    await waitUntil(() => inspectUnbounded(sab).consumerWaiting, "asleep");
    consumer.detach();
    await withinLimit(
      assertRejectsWith(popping, RingStateError, ["detached"]),
      "pop",
      30_000,
    );
  });
});

Deno.test("Consumer.detach() leaves the pending popAsync() of another consumer of a sequence ring waiting", async () => {
  const { sab, producers: [producer], consumers: [leaving, staying] } =
    openMany({ slots: 4 });
  const gone = leaving.popAsync();
  const waiting = staying.popAsync();
  const asleep = () => inspectRing(sab).sequence?.consumerWaiters === 2;
  await waitUntil(asleep, "both pops asleep");
  leaving.detach();
  await withinLimit(
    assertRejectsWith(gone, RingStateError, ["detached"]),
    "pop",
    30_000,
  );
  producer.tryPush(5);
  assert.equal(await withinLimit(waiting, "pop"), 5);
});

Deno.test("Producer.tryPush() made while a pushAsync() waits goes first, as documented", async (t) => {
  await eachEngine(t, RINGS, async (engine) => {
    const { sab, producer, consumer } = openEngine(engine, { slots: 2 });
    fill(producer, 0);
    const waiting = producer.pushAsync(1);
    await waitUntil(() => inspectRing(sab).producerWaiting, "push asleep");
    assert.equal(consumer.tryPop(), 0); // room for one
    assert.equal(producer.tryPush(2), true); // taken before the waiting push
    assert.deepEqual(
      drain(consumer),
      engine.name === "textbook" ? [2] : [0, 2],
    );
    await withinLimit(waiting, "push", 30_000);
    assert.deepEqual(drain(consumer), [1]);
  });
});

Deno.test("Producer.pushAsync() calls complete in call order", async (t) => {
  await eachEngine(t, RINGS, async (engine) => {
    const { producer, consumer } = openEngine(engine, { slots: 2 });
    fill(producer, 0);
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
    assert.deepEqual(order, [1, 2, 3, 4]);
    assert.deepEqual(popped.slice(producer.capacity), [1, 2, 3, 4]);
  });
});

Deno.test("Consumer.popAsync() after a timed-out call still gets the next item", async () => {
  const { producer, consumer } = openRing({ slots: 3 });
  const first = consumer.popAsync({ timeout: 5 });
  const second = consumer.popAsync({ timeout: 10_000 });
  await assertRejectsWith(first, TimeoutError);
  producer.tryPush(7);
  assert.equal(await withinLimit(second, "second pop"), 7);
});
