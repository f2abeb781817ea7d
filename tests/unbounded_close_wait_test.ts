import assert from "node:assert/strict";
import {
  AlreadyAttachedError,
  ClosedError,
  closeUnbounded,
  inspectUnbounded,
  RingStateError,
  TimeoutError,
  UnboundedConsumer,
  UnboundedProducer,
} from "../mod.ts";
import {
  assertRejectsWith,
  assertThrowsWith,
  delay,
  drain,
  waitUntil,
  withinLimit,
} from "./_helpers.ts";
import { openUnbounded, range } from "./_unbounded_helpers.ts";

Deno.test("UnboundedConsumer.pop times out on an empty buffer", () => {
  const { consumer } = openUnbounded();
  const begin = performance.now();
  assertThrowsWith(() => consumer.pop({ timeout: 20 }), TimeoutError, [
    "Cannot pop item: buffer stayed empty for 20 ms",
  ]);
  assert.ok(performance.now() - begin >= 19);
  assertThrowsWith(() => consumer.pop({ timeout: 0 }), TimeoutError);
});

Deno.test("UnboundedConsumer.pop and popAsync validate their options", async () => {
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

Deno.test("UnboundedConsumer.popAsync waits for items, in call order", async () => {
  const { producer, consumer } = openUnbounded({ segmentSlots: 2 });
  const pops = range(0, 5).map(() => consumer.popAsync({ timeout: 5_000 }));
  await delay(5);
  producer.pushMany(range(0, 5));
  assert.deepEqual(await withinLimit(Promise.all(pops), "the pops"), [
    ...range(0, 5),
  ]);
  assert.equal(consumer.size, 0);
});

Deno.test("UnboundedConsumer.popAsync times out and aborts", async () => {
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

Deno.test("UnboundedProducer.close lets the consumer drain, then ClosedError", async (t) => {
  await t.step("pop, popAsync and tryPop after close", async () => {
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
  await t.step("the async iterator ends", async () => {
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
  await t.step("a waiting popAsync wakes with ClosedError", async () => {
    const { sab, consumer } = openUnbounded();
    const waiting = consumer.popAsync();
    await delay(5);
    closeUnbounded(sab);
    await assertRejectsWith(withinLimit(waiting, "the wake-up"), ClosedError);
    closeUnbounded(sab); // twice is harmless
  });
});

Deno.test("UnboundedProducer reports ClosedError once closed", () => {
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

Deno.test("UnboundedProducer and UnboundedConsumer allow one live handle per side", async (t) => {
  const { sab, producer, consumer } = openUnbounded({ segmentSlots: 2 });
  await t.step("a second handle: AlreadyAttachedError", () => {
    assertThrowsWith(() => new UnboundedProducer(sab), AlreadyAttachedError, [
      "Cannot attach producer: the unbounded buffer already has a live producer (call detach() or close() on it first)",
    ]);
    assertThrowsWith(() => new UnboundedConsumer(sab), AlreadyAttachedError, [
      "Cannot attach consumer",
    ]);
  });
  await t.step("a detached handle: RingStateError; a new one resumes", () => {
    producer.pushMany(range(0, 5));
    assert.equal(consumer.tryPop(), 0);
    consumer.detach();
    consumer.detach(); // idempotent
    for (
      const call of [
        () => consumer.tryPop(),
        () => consumer.pop(),
        () => consumer.popMany([]),
        () => consumer.peek(),
      ]
    ) {
      assertThrowsWith(call, RingStateError, ["this consumer was detached"]);
    }
    {
      using next = new UnboundedConsumer<number>(sab);
      assert.equal(next.tryPop(), 1);
    }
    // `using` detached it: one more consumer may attach.
    assert.deepEqual(drain(new UnboundedConsumer<number>(sab)), [
      2,
      3,
      4,
    ]);
  });
});
