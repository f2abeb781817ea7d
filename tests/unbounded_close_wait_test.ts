import assert from "node:assert/strict";
import {
  AlreadyAttachedError,
  RingStateError,
  UnboundedConsumer,
  UnboundedProducer,
} from "../mod.ts";
import { assertThrowsWith, drain } from "./_helpers.ts";
import { openUnbounded, range } from "./_unbounded_helpers.ts";

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
