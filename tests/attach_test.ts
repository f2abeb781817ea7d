// Attaching and detaching handles, over every engine: how many live handles a
// side may have, and what detach(), dispose and close() leave behind. What a
// handle refuses to attach to is in attach_refuse_test.ts.
import assert from "node:assert/strict";
import {
  AlreadyAttachedError,
  Consumer,
  createRing,
  inspectRing,
  Producer,
  RingHandle,
  RingStateError,
  UnboundedConsumer,
  UnboundedProducer,
} from "../mod.ts";
import { assertError, assertThrowsWith, drain } from "./_helpers.ts";
import { openMany } from "./_sequence_helpers.ts";
import { openUnbounded, range } from "./_unbounded_helpers.ts";

type HandleClass = new (buffer: SharedArrayBuffer) => Producer | Consumer;
const ROLES: readonly [string, HandleClass][] = [
  ["producer", Producer],
  ["consumer", Consumer],
];

Deno.test("Producer() refuses a second live producer and Consumer() a second live consumer", async (t) => {
  await t.step("one-producer", () => {
    for (const [role, Handle] of ROLES) {
      const sab = createRing({ slots: 4 });
      const first = new Handle(sab);
      assertThrowsWith(() => new Handle(sab), AlreadyAttachedError, [
        `Cannot attach ${role}`,
        `already has a live ${role}`,
      ]);
      // The refusal did not disturb the live handle.
      assert.equal(first.size, 0);
      assert.equal(
        role === "producer"
          ? inspectRing(sab).producerAttached
          : inspectRing(sab).consumerAttached,
        true,
      );
    }
  });
  await t.step(
    "sequence: many times to a many side, once to a one side",
    () => {
      const sab = createRing({ slots: 4, producers: "one", consumers: "many" });
      const producer = new Producer(sab);
      assertThrowsWith(() => new Producer(sab), AlreadyAttachedError);
      const consumers = [
        new Consumer(sab),
        new Consumer(sab),
        new Consumer(sab),
      ];
      assert.equal(inspectRing(sab).sequence!.consumerHandles, 3);
      assert.deepEqual(
        [producer.producers, producer.consumers],
        ["one", "many"],
      );
      for (const consumer of consumers) consumer.detach();
      assert.equal(inspectRing(sab).sequence!.consumerHandles, 0);
      assert.equal(inspectRing(sab).consumerAttached, false);
    },
  );
  await t.step("unbounded: then detach() lets a new one resume", async (t) => {
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
});

Deno.test("Producer() and Consumer() attach one of each to the same ring", () => {
  const sab = createRing({ slots: 4 });
  const producer = new Producer(sab);
  const consumer = new Consumer(sab);
  assert.ok(producer instanceof RingHandle);
  assert.ok(consumer instanceof RingHandle);
  assert.equal(producer.tryPush(5), true);
  assert.equal(consumer.tryPop(), 5);
});

Deno.test("Producer.detach() lets another producer attach and continue the stream", () => {
  const sab = createRing({ slots: 4, scheme: "counter", start: 2 ** 30 - 1 });
  const consumer = new Consumer(sab);
  const first = new Producer(sab);
  first.pushMany([1, 2]);
  first.detach();
  first.detach(); // idempotent
  assert.equal(inspectRing(sab).producerAttached, false);
  const second = new Producer(sab);
  assert.equal(second.size, 2);
  assert.equal(second.pushMany([3, 4, 5]), 2); // counter: all 4 slots
  assert.deepEqual(
    [
      consumer.tryPop(),
      consumer.tryPop(),
      consumer.tryPop(),
      consumer.tryPop(),
    ],
    [1, 2, 3, 4],
  );
  assert.equal(inspectRing(sab).closed, false);
});

Deno.test("Consumer.detach() lets another consumer attach and continue the stream", () => {
  const sab = createRing({ slots: 5 });
  const producer = new Producer(sab);
  producer.pushMany([1, 2, 3, 4]);
  const first = new Consumer(sab);
  assert.equal(first.tryPop(), 1);
  first.detach();
  first.detach(); // idempotent
  const second = new Consumer(sab);
  assert.equal(second.size, 3);
  assert.deepEqual([second.tryPop(), second.tryPop()], [2, 3]);
});

Deno.test("Consumer.detach() with an item peeked leaves it to the next consumer or, on a sequence ring, consumes it", async (t) => {
  await t.step("one-producer: leaves it in the ring", () => {
    const sab = createRing({ slots: 4 });
    new Producer(sab).tryPush(8);
    const first = new Consumer(sab);
    assert.equal(first.peek()?.[0], 8);
    first.detach();
    assert.equal(new Consumer(sab).tryPop(), 8);
  });
  await t.step("sequence: releases it as consumed", () => {
    const { producers, consumers } = openMany({ slots: 2 });
    producers[0]!.pushMany([1, 2]);
    assert.equal(consumers[0]!.peek()![0], 1);
    consumers[0]!.detach();
    assert.equal(consumers[1]!.tryPop(), 2);
    assert.equal(producers[0]!.pushMany([3, 4]), 2);
  });
});

Deno.test("Producer methods throw RingStateError after detach()", () => {
  const sab = createRing({ slots: 4 });
  const producer = new Producer(sab);
  producer.detach();
  const calls: [string, () => unknown][] = [
    ["tryPush", () => producer.tryPush(1)],
    ["push", () => producer.push(1, { timeout: 0 })],
    ["pushMany", () => producer.pushMany([1])],
    ["reserve", () => producer.reserve()],
    ["commit", () => producer.commit()],
  ];
  for (const [name, call] of calls) {
    assertThrowsWith(call, RingStateError, ["detached"]);
    assert.equal(inspectRing(sab).size, 0, name);
  }
  // Getters still describe the ring.
  assert.deepEqual([producer.slots, producer.size], [4, 0]);
});

Deno.test("Consumer methods throw RingStateError after detach()", async () => {
  const sab = createRing({ slots: 4 });
  new Producer(sab).pushMany([1, 2]);
  const consumer = new Consumer(sab);
  consumer.detach();
  const calls: [string, () => unknown][] = [
    ["tryPop", () => consumer.tryPop()],
    ["pop", () => consumer.pop({ timeout: 0 })],
    ["popMany", () => consumer.popMany(new Int32Array(2))],
    ["peek", () => consumer.peek()],
    ["release", () => consumer.release()],
  ];
  for (const [name, call] of calls) {
    assertThrowsWith(call, RingStateError, ["detached"]);
    assert.equal(inspectRing(sab).size, 2, name);
  }
  await consumer.popAsync().then(
    () => assert.fail("popAsync() resolved on a detached consumer"),
    (error) => assertError(error, RingStateError, ["detached"]),
  );
});

Deno.test("Producer[Symbol.dispose]() and Consumer[Symbol.dispose]() detach", () => {
  const sab = createRing({ slots: 4 });
  {
    using producer = new Producer(sab);
    using consumer = new Consumer(sab);
    producer.tryPush(1);
    assert.equal(consumer.tryPop(), 1);
  }
  const snapshot = inspectRing(sab);
  assert.equal(snapshot.producerAttached, false);
  assert.equal(snapshot.consumerAttached, false);
  assert.equal(snapshot.closed, false);
  new Producer(sab).detach();
  new Consumer(sab).detach();
});

Deno.test("Producer.close() detaches, so a new producer can attach to the closed ring", () => {
  const sab = createRing({ slots: 4 });
  const producer = new Producer(sab);
  producer.close();
  assert.equal(inspectRing(sab).producerAttached, false);
  const next = new Producer(sab);
  assert.equal(next.closed, true);
});
