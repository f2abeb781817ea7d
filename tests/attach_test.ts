// Attaching and detaching handles, over every engine: what a handle refuses
// to attach to (the wrong buffer, a damaged header), how many live handles a
// side may have, and what detach(), dispose and close() leave behind.
import assert from "node:assert/strict";
import {
  AlreadyAttachedError,
  closeRing,
  closeUnbounded,
  Consumer,
  CorruptedRingError,
  createRing,
  createUnbounded,
  inspectRing,
  inspectUnbounded,
  Producer,
  RingHandle,
  RingStateError,
  UnboundedConsumer,
  UnboundedProducer,
} from "../mod.ts";
import {
  DESCRIPTOR_OFFSET,
  W_BYTE_LENGTH,
  W_DATA_OFFSET,
  W_DESCRIPTOR_BYTES,
  W_MAGIC,
  W_SCHEME,
  W_SLOTS,
  W_STRIDE,
  W_VERSION,
} from "../src/_shm/layout.ts";
import {
  assertError,
  assertThrowsWith,
  copyRing,
  drain,
  type ErrorClass,
  readWord,
  scribble,
} from "./_helpers.ts";
import { openMany } from "./_sequence_helpers.ts";
import {
  assertUnboundedRefused,
  filled,
  openUnbounded,
  range,
} from "./_unbounded_helpers.ts";
import {
  W_DESCRIPTOR_BYTES as U_DESCRIPTOR_BYTES,
  W_MAX_BYTES,
  W_SEGMENT_SLOTS,
  W_STRIDE as U_STRIDE,
  W_VERSION as U_VERSION,
} from "../src/_shm/unbounded_layout.ts";

type HandleClass = new (buffer: SharedArrayBuffer) => Producer | Consumer;
const ROLES: readonly [string, HandleClass][] = [
  ["producer", Producer],
  ["consumer", Consumer],
];

/** Expects attaching both a Producer and a Consumer to `buffer` to fail. */
function assertBothRefuse(
  buffer: unknown,
  Class: ErrorClass,
  fragments: readonly string[],
): void {
  for (const [role, Handle] of ROLES) {
    assertThrowsWith(
      () => new Handle(buffer as SharedArrayBuffer),
      Class,
      [`Cannot attach ${role}`, ...fragments],
    );
  }
}

/** A ring with one header word (by word index) replaced. */
function ringWithWord(word: number, value: number): SharedArrayBuffer {
  const sab = createRing({ slots: 4, item: { struct: { a: "uint32" } } });
  scribble(sab, word * 4, value);
  return sab;
}

Deno.test("Producer() and Consumer() refuse a buffer that is not a SharedArrayBuffer", async (t) => {
  await t.step("ring", () => {
    assertBothRefuse(new ArrayBuffer(4096), TypeError, [
      "SharedArrayBuffer",
      "ArrayBuffer",
    ]);
    assertBothRefuse(undefined, TypeError, ["received undefined"]);
    assertBothRefuse(new Int32Array(64), TypeError, ["Int32Array"]);
  });
  await t.step("unbounded: nor a ring for an unbounded buffer, or back", () => {
    const ring = createRing({ slots: 4 });
    const fixed = new SharedArrayBuffer(4096);
    for (const Handle of [UnboundedProducer, UnboundedConsumer]) {
      const role = Handle === UnboundedProducer ? "producer" : "consumer";
      assertThrowsWith(() => new Handle(ring), TypeError, [
        `Cannot attach ${role}: buffer is not an unbounded buffer`,
        "not growable",
      ]);
      assertThrowsWith(() => new Handle(fixed), TypeError, [
        "magic 0x00000000",
      ]);
      assertThrowsWith(
        () => new Handle(new ArrayBuffer(8) as unknown as SharedArrayBuffer),
        TypeError,
        ["buffer must be a SharedArrayBuffer made by createUnbounded(), received an ArrayBuffer"],
      );
    }
    // Neither kind of buffer passes for the other.
    const unbounded = createUnbounded();
    assertThrowsWith(() => new Producer(unbounded), TypeError, ["not a ring"]);
    assertThrowsWith(() => closeRing(unbounded), TypeError);
    assertThrowsWith(() => closeUnbounded(ring), TypeError, [
      "Cannot close unbounded buffer: buffer is not an unbounded buffer",
    ]);
    assertThrowsWith(() => inspectUnbounded(ring), TypeError, [
      "Cannot inspect unbounded buffer",
    ]);
  });
});

Deno.test("Producer() and Consumer() refuse a SharedArrayBuffer smaller than a header", () => {
  assertBothRefuse(new SharedArrayBuffer(16), TypeError, [
    "not a ring",
    "16 bytes",
  ]);
});

Deno.test("Producer() and Consumer() refuse a buffer with the wrong magic", () => {
  assertBothRefuse(new SharedArrayBuffer(4096), TypeError, [
    "not a ring",
    "magic 0x00000000",
  ]);
  assertBothRefuse(ringWithWord(W_MAGIC, 0x12345678), TypeError, [
    "magic 0x12345678",
  ]);
});

Deno.test("Producer() and Consumer() refuse an unsupported layout version", () => {
  assertBothRefuse(ringWithWord(W_VERSION, 9), RangeError, [
    "layout version 9 is not supported",
  ]);
  assertBothRefuse(ringWithWord(W_VERSION, 0), RangeError, ["version 0"]);
  // Version 2 had no counter-scheme base words (see `_shm/layout.ts`).
  assertBothRefuse(ringWithWord(W_VERSION, 2), RangeError, [
    "layout version 2 is not supported, expected 3",
  ]);
});

Deno.test("Producer() and Consumer() refuse a ring whose buffer has the wrong size", () => {
  const sab = createRing({ slots: 4 });
  assertBothRefuse(copyRing(sab, sab.byteLength + 4), CorruptedRingError, [
    "layout does not add up",
    `${sab.byteLength + 4} bytes`,
  ]);
  assertBothRefuse(copyRing(sab, sab.byteLength - 4), CorruptedRingError, [
    `${sab.byteLength - 4} bytes`,
  ]);
  // An intact copy is a ring.
  new Producer(copyRing(sab)).detach();
});

Deno.test("Producer() and Consumer() refuse a corrupted header", async (t) => {
  const cases: [string, number, number, string][] = [
    ["slots 1", W_SLOTS, 1, "slots is 1"],
    ["slots negative", W_SLOTS, -4, "slots is -4"],
    ["slots larger than the buffer", W_SLOTS, 5, "layout does not add up"],
    ["scheme code 4", W_SCHEME, 4, "scheme code is 4"],
    ["stride", W_STRIDE, 8, "layout does not add up"],
    ["data offset", W_DATA_OFFSET, 0, "layout does not add up"],
    ["byte length", W_BYTE_LENGTH, 1 << 20, "layout does not add up"],
    ["descriptor length 0", W_DESCRIPTOR_BYTES, 0, "descriptor length is 0"],
    ["descriptor length past the end", W_DESCRIPTOR_BYTES, 1 << 20, "length"],
    ["descriptor length cut short", W_DESCRIPTOR_BYTES, 5, "unreadable"],
  ];
  for (const [name, word, value, fragment] of cases) {
    await t.step(name, () => {
      assertBothRefuse(ringWithWord(word, value), CorruptedRingError, [
        "ring header is corrupted",
        fragment,
      ]);
    });
  }
  await t.step("descriptor bytes that are not JSON", () => {
    const sab = createRing({ slots: 4, item: { struct: { a: "uint32" } } });
    new Uint8Array(sab, DESCRIPTOR_OFFSET, 1)[0] = 0x7e; // "~"
    assertBothRefuse(sab, CorruptedRingError, ["item descriptor"]);
  });
  await t.step("descriptor naming a kind of another size", () => {
    const sab = createRing({ slots: 4, item: "int32" });
    const length = readWord(sab, W_DESCRIPTOR_BYTES * 4);
    const text = new TextDecoder().decode(
      new Uint8Array(sab, DESCRIPTOR_OFFSET, length).slice(),
    );
    assert.equal(text, '"int32"');
    // Same length, different stride.
    new Uint8Array(sab, DESCRIPTOR_OFFSET, length).set(
      new TextEncoder().encode('"int16"'),
    );
    assertBothRefuse(sab, CorruptedRingError, ["layout does not add up"]);
  });
  await t.step("descriptor naming no item kind", () => {
    const sab = createRing({ slots: 4, item: "int32" });
    new Uint8Array(sab, DESCRIPTOR_OFFSET, 7).set(
      new TextEncoder().encode('"int99"'),
    );
    assertBothRefuse(sab, CorruptedRingError, ["item descriptor"]);
  });
  await t.step("unbounded: a damaged header", async (t) => {
    await t.step("segmentSlots", () => {
      const sab = filled(4, 0);
      scribble(sab, W_SEGMENT_SLOTS * 4, 0);
      assertUnboundedRefused(sab, ["segmentSlots is 0"]);
    });
    await t.step("stride", () => {
      const sab = filled(4, 0);
      scribble(sab, U_STRIDE * 4, 8);
      assertUnboundedRefused(sab, ["layout does not add up"]);
    });
    await t.step("maxBytes", () => {
      const sab = filled(4, 0);
      scribble(sab, W_MAX_BYTES * 4, sab.maxByteLength - 8);
      assertUnboundedRefused(sab, ["layout does not add up"]);
    });
    await t.step("item descriptor", () => {
      const sab = filled(4, 0);
      const { offsets } = inspectUnbounded(sab);
      new Uint8Array(sab, offsets.data - 8, 8).fill(0x7b); // "{{{{"
      scribble(sab, U_DESCRIPTOR_BYTES * 4, offsets.data - 192);
      assertUnboundedRefused(sab, ["item descriptor is unreadable"]);
    });
    await t.step("layout version: RangeError", () => {
      const sab = filled(4, 0);
      scribble(sab, U_VERSION * 4, 9);
      assertThrowsWith(() => new UnboundedConsumer(sab), RangeError, [
        "Cannot attach consumer: unbounded buffer layout version 9 is not supported, expected 3",
      ]);
    });
  });
});

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
  const sab = createRing({ slots: 4, scheme: "counter", start: 2 ** 32 - 1 });
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

Deno.test("closeRing() refuses a buffer that is not a ring", () => {
  const notRings: unknown[] = [
    new ArrayBuffer(4096),
    new SharedArrayBuffer(16),
    new SharedArrayBuffer(4096),
    null,
  ];
  for (const buffer of notRings) {
    assertThrowsWith(
      () => closeRing(buffer as SharedArrayBuffer),
      TypeError,
      ["Cannot close ring", "createRing()"],
    );
  }
  // Nothing was written to the zeroed buffer.
  const zeroed = new SharedArrayBuffer(4096);
  try {
    closeRing(zeroed);
  } catch { /* expected */ }
  assert.ok(new Uint8Array(zeroed).every((byte) => byte === 0));
});

Deno.test("closeRing() closes a ring whose indices are corrupted", () => {
  const sab = createRing({ slots: 4 });
  scribble(sab, inspectRing(sab).offsets.in, 99);
  closeRing(sab);
  assert.equal(inspectRing(sab).closed, true);
});
