// The pause of a missed tryPop/tryPush (src/_wait/signal.ts): its rule, and
// that the re-reads that end a run of misses still see every item and every
// free slot at once, in order, in both one-producer schemes.
import assert from "node:assert/strict";
import { Consumer, createRing, Producer } from "../mod.ts";
import { MISS_PAUSES, pausesAfterMisses } from "../src/_wait/signal.ts";

Deno.test("pausesAfterMisses() pauses long only after a peer that ran ahead", () => {
  assert.equal(pausesAfterMisses(1), 1); // a round trip: one item at a time
  assert.equal(pausesAfterMisses(2), MISS_PAUSES);
  assert.equal(pausesAfterMisses(1000), MISS_PAUSES);
  assert.ok(MISS_PAUSES > 1);
});

for (const scheme of ["textbook", "counter"] as const) {
  Deno.test(`Consumer.tryPop() returns each run of items after misses, in order (${scheme})`, () => {
    const ring = createRing({ slots: 8, scheme });
    const producer = new Producer<number>(ring);
    const consumer = new Consumer<number>(ring);
    let next = 0;
    let expected = 0;
    // Runs of items, each after misses; runs of 1 and runs of more switch
    // the consumer's pause between short and long.
    for (const run of [1, 3, 1, 1, 5, 2, 7, 1, 4]) {
      for (let miss = 0; miss < 3; miss++) {
        assert.equal(consumer.tryPop(), undefined);
      }
      for (let i = 0; i < run; i++) {
        assert.equal(producer.tryPush(next++), true);
      }
      for (let i = 0; i < run; i++) assert.equal(consumer.tryPop(), expected++);
    }
    assert.equal(consumer.tryPop(), undefined);
    assert.equal(expected, next);
  });

  Deno.test(`Producer.tryPush() fills each run of freed slots after misses (${scheme})`, () => {
    const ring = createRing({ slots: 8, scheme });
    const producer = new Producer<number>(ring);
    const consumer = new Consumer<number>(ring);
    const capacity = scheme === "textbook" ? 7 : 8; // BUFFER_SIZE - 1, or all
    let next = 0;
    while (producer.tryPush(next)) next++;
    assert.equal(next, capacity);
    let expected = 0;
    for (const run of [1, 4, 1, 2, 6, 1, 3]) {
      for (let miss = 0; miss < 3; miss++) {
        assert.equal(producer.tryPush(-1), false);
      }
      for (let i = 0; i < run; i++) assert.equal(consumer.tryPop(), expected++);
      // Exactly the freed slots, no more: the ring is full again after them.
      for (let i = 0; i < run; i++) {
        assert.equal(producer.tryPush(next++), true);
      }
      assert.equal(producer.tryPush(-1), false);
    }
    while (expected < next) assert.equal(consumer.tryPop(), expected++);
    assert.equal(consumer.tryPop(), undefined);
  });
}
