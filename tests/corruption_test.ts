// Hostile memory over every engine: each engine's impossible indices and
// words are refused with CorruptedRingError, by running calls (which never
// return an item past them) and by attaching handles, and inspected as found.
import assert from "node:assert/strict";
import {
  ClosedError,
  closeRing,
  closeUnbounded,
  Consumer,
  CorruptedRingError,
  createRing,
  inspectRing,
  inspectUnbounded,
  Producer,
  UnboundedConsumer,
  UnboundedProducer,
} from "../mod.ts";
import {
  INDEX_MASK,
  W_IN,
  W_IN_BASE,
  W_IN_SLOT,
  W_OUT_BASE,
  W_OUT_SLOT,
  W_SIDES,
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
import { limitOf, MANY, openMany, sequencesOf } from "./_sequence_helpers.ts";
import {
  CORRUPTED,
  filled,
  linkOffset,
  openUnbounded,
  range,
} from "./_unbounded_helpers.ts";

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

Deno.test("Consumer calls throw CorruptedRingError when in is impossible", async (t) => {
  // The header offsets of a sequence ring, for its steps.
  const { offsets } = inspectRing(createRing({ slots: 4, ...MANY }));
  await t.step("textbook: out of range", async () => {
    // Bits 30 and 31 are the word's flags: the index is the bits below.
    for (const bad of [4, 5, 1000, -1, 2 ** 31 - 1]) {
      const sab = createRing({ slots: 4 });
      const consumer = new Consumer<number>(sab);
      scribble(sab, inspectRing(sab).offsets.in, bad);
      const index = bad & INDEX_MASK;
      await assertConsumerRefuses(consumer, [`in is ${index}`, "[0, 4)"]);
      // Attaching anew is refused too.
      assertThrowsWith(() => new Producer(sab), CorruptedRingError, ["in"]);
    }
  });
  await t.step("counter: more items than slots", async () => {
    const start = 2 ** 30 - 2;
    // 5 ahead would be a full ring: possible, so not detectable.
    for (const ahead of [6, 7, 2 ** 29, 2 ** 30 - 1]) {
      const sab = createRing({ slots: 5, scheme: "counter", start });
      const consumer = new Consumer<number>(sab);
      scribble(sab, inspectRing(sab).offsets.in, (start + ahead) % 2 ** 30);
      await assertConsumerRefuses(consumer, [`${ahead} items`, "5 slots"]);
    }
  });
  await t.step("sequence: in out of range", () => {
    // 3 slots: positions wrap at 2^31 - 2.
    const { sab, producers, consumers } = openMany({ slots: 3 });
    scribble(sab, offsets.in, limitOf(3));
    assertThrowsWith(() => producers[0]!.tryPush(1), CorruptedRingError, [
      "in is 2147483646, outside [0, 2147483646)",
    ]);
    assertThrowsWith(() => consumers[0]!.size, CorruptedRingError);
    assertThrowsWith(() => new Consumer(sab), CorruptedRingError);
  });
  await t.step("sequence: out more than slots behind in", () => {
    const { sab, consumers } = openMany({ slots: 4 });
    scribble(sab, offsets.in, 9);
    assertThrowsWith(() => new Producer(sab), CorruptedRingError, [
      "in 9 - out 0 is 9 positions, outside [0, 4]",
    ]);
    assertThrowsWith(() => consumers[0]!.size, CorruptedRingError);
  });
  await t.step(
    "unbounded: in past every segment, every call refuses",
    async () => {
      const { sab, consumer } = openUnbounded({ segmentSlots: 4 });
      scribble(sab, inspectUnbounded(sab).offsets.in, 1000);
      for (
        const call of [
          () => consumer.tryPop(),
          () => consumer.pop({ timeout: 10_000 }),
          () => consumer.popMany(new Int32Array(2)),
          () => consumer.peek(),
          () => consumer.size,
        ]
      ) {
        assertThrowsWith(call, CorruptedRingError, [
          "in 1000 - out 0 is 1000 items, more than the 4 slots of all segments",
        ]);
      }
      await assertRejectsWith(
        withinLimit(consumer.popAsync(), "the async pop"),
        CorruptedRingError,
      );
    },
  );
});

Deno.test("Producer calls throw CorruptedRingError when out is impossible", async (t) => {
  await t.step("textbook: out of range", async () => {
    for (const bad of [3, 77, -2]) {
      const sab = createRing({ slots: 3 });
      const producer = new Producer<number>(sab);
      producer.pushMany([1, 2]); // full: the next push re-reads out
      scribble(sab, inspectRing(sab).offsets.out, bad);
      await assertProducerRefuses(producer, [`out is ${bad & INDEX_MASK}`]);
      assertThrowsWith(() => new Consumer(sab), CorruptedRingError, ["out"]);
    }
  });
  await t.step("counter: more items than slots", async () => {
    // in = 3: out = 2^30 - 3 means 6 items, out = 4 means 2^30 - 1 items.
    for (const out of [2 ** 30 - 3, 2 ** 29, 4]) {
      const sab = createRing({ slots: 3, scheme: "counter" });
      const producer = new Producer<number>(sab);
      producer.pushMany([1, 2, 3]); // full; in = 3
      scribble(sab, inspectRing(sab).offsets.out, out);
      await assertProducerRefuses(producer, ["more than the 3 slots"]);
    }
  });
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

Deno.test("Producer and Consumer throw CorruptedRingError on an impossible engine word while running", async (t) => {
  await t.step("sequence: a sequence number far from its position", () => {
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
    "sequence: a sequence number that claims a position in has not passed",
    () => {
      const { sab, producers } = openMany({ slots: 4 });
      sequencesOf(sab)[0] = 1; // "written" while in is still 0
      assertThrowsWith(() => producers[0]!.push(1), CorruptedRingError);
    },
  );
  await t.step("unbounded: a used-up segment that links nowhere", () => {
    const { sab, producer, consumer } = openUnbounded({ segmentSlots: 2 });
    producer.pushMany([1, 2, 3]);
    assert.equal(consumer.popMany(new Int32Array(2)), 2);
    scribble(sab, linkOffset(sab, 0), 0);
    assertThrowsWith(() => consumer.tryPop(), CorruptedRingError, [
      "Cannot pop item: unbounded buffer is corrupted: in 3 counts items past segment 0, which links nowhere",
    ]);
  });
  await t.step("unbounded: a link out of range", () => {
    const { sab, producer, consumer } = openUnbounded({ segmentSlots: 2 });
    producer.pushMany([1, 2, 3]);
    assert.equal(consumer.popMany(new Int32Array(2)), 2);
    scribble(sab, linkOffset(sab, 0), 99);
    assertThrowsWith(() => consumer.peek(), CorruptedRingError, [
      "Cannot peek: unbounded buffer is corrupted: the link of segment 0 is 98, outside [0, 2)",
    ]);
  });
  await t.step("unbounded: an impossible free list", async (t) => {
    const { sab, producer, consumer } = openUnbounded({ segmentSlots: 2 });
    producer.pushMany(range(0, 6)); // chain 0 1 2, full
    consumer.popMany(new Int32Array(3)); // frees 0, head 1
    const free = inspectUnbounded(sab).offsets.free;
    await t.step("an entry in use", () => {
      scribble(sab, free, 1 + 1);
      assertThrowsWith(() => producer.push(6), CorruptedRingError, [
        "Cannot push item: unbounded buffer is corrupted: free-list entry 1 is a segment in use",
      ]);
    });
    await t.step("an entry out of range", () => {
      scribble(sab, free, 40);
      assertThrowsWith(() => producer.pushMany([6, 7]), CorruptedRingError, [
        "a free-list entry is 39, outside [0, 3)",
      ]);
    });
    await t.step(
      "nothing was pushed, and the buffer can still be closed",
      () => {
        assert.equal(consumer.size, 3);
        closeUnbounded(sab);
        assert.deepEqual([...range(0, 3)].map(() => consumer.pop()), [3, 4, 5]);
        assertThrowsWith(() => consumer.pop(), ClosedError);
      },
    );
  });
});

Deno.test("Producer() and Consumer() refuse impossible indices when attaching", async (t) => {
  await t.step(
    "counter: a side's own physical slot out of range",
    async (t) => {
      const start = 2 ** 30 - 1;
      const setup = () => {
        const sab = createRing({ slots: 5, scheme: "counter", start });
        const producer = new Producer(sab);
        producer.pushMany([1, 2]); // in = start + 2 (wrapped), inSlot = 2
        producer.detach();
        return sab;
      };
      // Each side checks only its own slot word (stored at its last detach)
      // against its own counter and the counter of its slot's last wrap (the
      // other side's live handle may be writing its base plainly: reading
      // the peer's words was a data race).
      type Handle = new (sab: SharedArrayBuffer) => { detach(): void };
      const cases: [string, number, number, string, Handle[]][] = [
        ["inSlot out of range", W_IN_SLOT, 5, "inSlot is 5", [Producer]],
        ["inSlot negative", W_IN_SLOT, -1, "inSlot is -1", [Producer]],
        ["outSlot out of range", W_OUT_SLOT, 9, "outSlot is 9", [Consumer]],
        ["inSlot off by one", W_IN_SLOT, 3, "inSlot is 3, but in", [Producer]],
        ["outSlot off by one", W_OUT_SLOT, 1, "put it at 0", [Consumer]],
        // in = 1 (wrapped at 2^30), its base start: slot 2, not 1.
        ["inBase off by one", W_IN_BASE, 0, "inSlot is 2, but in 1", [
          Producer,
        ]],
        ["outBase off", W_OUT_BASE, 2 ** 30 - 3, "put it at 2", [Consumer]],
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
          // inspectRing still reports the slots the counters and bases give
          // (the slot words are read only by an attaching handle), and
          // closeRing still works.
          const snapshot = inspectRing(sab);
          const scribbled: Record<number, number[]> = {
            [W_IN_BASE]: [1, 0],
            [W_OUT_BASE]: [2, 2],
          };
          assert.deepEqual(
            [snapshot.inSlot, snapshot.outSlot],
            scribbled[word] ?? [2, 0],
          );
          closeRing(sab);
          assert.equal(inspectRing(sab).closed, true);
        });
      }
    },
  );
  await t.step("textbook: a sides word the scheme cannot have", () => {
    const sab = createRing({ slots: 4 });
    scribble(sab, W_SIDES * 4, 1);
    assertThrowsWith(() => new Producer(sab), CorruptedRingError, [
      "sides word is 1",
    ]);
  });
  await t.step("unbounded consumer: indices and chains", async (t) => {
    const refuse = (sab: SharedArrayBuffer, fragments: string[]) =>
      assertThrowsWith(() => new UnboundedConsumer(sab), CorruptedRingError, [
        "Cannot attach consumer",
        CORRUPTED,
        ...fragments,
      ]);
    await t.step("head segment out of range", () => {
      const sab = filled(4, 3);
      scribble(sab, inspectUnbounded(sab).offsets.head, 5);
      refuse(sab, ["the head segment is 5, outside [0, 1)"]);
    });
    await t.step("outSlot out of range", () => {
      const sab = filled(4, 3);
      scribble(sab, inspectUnbounded(sab).offsets.outSlot, 5);
      refuse(sab, ["outSlot is 5, outside [0, 4]"]);
    });
    await t.step("more items than all segments hold", () => {
      const sab = filled(4, 3);
      scribble(sab, inspectUnbounded(sab).offsets.in, 100);
      refuse(sab, ["in 100 - out 0 is 100 items, more than the 4 slots"]);
    });
    await t.step("a chain that loops", () => {
      const sab = filled(2, 8); // chain 0 1 2 3
      scribble(sab, linkOffset(sab, 3), 1 + 1);
      refuse(sab, ["the chain of segments loops"]);
    });
    await t.step("a chain too short for the items", () => {
      const sab = filled(2, 6); // chain 0 1 2
      scribble(sab, linkOffset(sab, 1), 0);
      refuse(sab, [
        "6 items do not fit the 2 segments chained from the head segment 0",
      ]);
    });
  });
  await t.step("unbounded producer: tail or free list", async (t) => {
    const refuse = (sab: SharedArrayBuffer, fragments: string[]) =>
      assertThrowsWith(() => new UnboundedProducer(sab), CorruptedRingError, [
        "Cannot attach producer",
        CORRUPTED,
        ...fragments,
      ]);
    await t.step("tail segment out of range", () => {
      const sab = filled(4, 3);
      scribble(sab, inspectUnbounded(sab).offsets.tail, -1);
      refuse(sab, ["the tail segment is -1, outside [0, 1)"]);
    });
    await t.step("inSlot out of range", () => {
      const sab = filled(4, 3);
      scribble(sab, inspectUnbounded(sab).offsets.inSlot, 9);
      refuse(sab, ["inSlot is 9, outside [0, 4]"]);
    });
    await t.step("a tail that links onwards", () => {
      const sab = filled(2, 3); // chain 0 1, tail 1
      scribble(sab, linkOffset(sab, 1), 0 + 1);
      refuse(sab, ["the tail segment 1 links onwards"]);
    });
    await t.step("a free list that loops", () => {
      const { sab, producer, consumer } = openUnbounded({ segmentSlots: 2 });
      producer.pushMany(range(0, 7));
      consumer.popMany(new Int32Array(7)); // frees 0 1 2
      producer.detach();
      scribble(sab, linkOffset(sab, 0), 2 + 1); // 2 → 1 → 0 → 2 …
      refuse(sab, ["the free list loops"]);
    });
    await t.step("a free segment in use", () => {
      const { sab, producer, consumer } = openUnbounded({ segmentSlots: 2 });
      producer.pushMany(range(0, 5));
      consumer.popMany(new Int32Array(5)); // frees 0 1, head 2
      producer.detach();
      scribble(sab, inspectUnbounded(sab).offsets.free, 2 + 1);
      refuse(sab, ["free-list entry 2 is a segment in use (head 2, tail 2)"]);
    });
  });
});

Deno.test("inspectRing() and inspectUnbounded() report corrupted indices as found", async (t) => {
  await t.step("counter", () => {
    const sab = createRing({ slots: 4, scheme: "counter" });
    scribble(sab, inspectRing(sab).offsets.in, 1000);
    const snapshot = inspectRing(sab);
    assert.equal(snapshot.in, 1000);
    assert.equal(snapshot.size, 1000);
  });
  await t.step("unbounded", () => {
    const sab = filled(2, 3);
    const { offsets } = inspectUnbounded(sab);
    scribble(sab, offsets.in, -1);
    scribble(sab, offsets.head, 7);
    scribble(sab, linkOffset(sab, 1), 1 + 1); // a self-link
    const s = inspectUnbounded(sab);
    assert.equal(s.in, 2 ** 32 - 1);
    assert.equal(s.head, 7);
    assert.deepEqual(s.chain, []); // segment 7 does not exist
    assert.equal(s.size, 2 ** 32 - 1);
  });
});

Deno.test("Consumer.popAsync() wakes with CorruptedRingError when in is scribbled during the wait", async () => {
  const sab = createRing({ slots: 4 });
  const consumer = new Consumer<number>(sab);
  const waiting = consumer.popAsync();
  await waitUntil(() => inspectRing(sab).consumerWaiting, "popAsync to sleep");
  // A hostile writer stores a bad in (the consumer's waiting bit gone with
  // it) and wakes the sleeper, which waits on `in` itself.
  scribble(sab, inspectRing(sab).offsets.in, 44);
  const words = new Int32Array(sab);
  Atomics.notify(words, W_IN);
  let caught: unknown;
  await withinLimit(waiting, "popAsync").catch((error) => caught = error);
  assertError(caught, CorruptedRingError, ["in is 44"]);
});
