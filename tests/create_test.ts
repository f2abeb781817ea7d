// Creating and describing buffers, over every engine: createRing() and
// createUnbounded() options, layout and defaults, inspectRing(), and the
// handles' getters that read the header.
import assert from "node:assert/strict";
import {
  Consumer,
  createRing,
  type CreateRingOptions,
  createUnbounded,
  type CreateUnboundedOptions,
  inspectRing,
  inspectUnbounded,
  Producer,
} from "../mod.ts";
import {
  alignUp,
  DESCRIPTOR_OFFSET,
  LINE,
  MAX_BYTES,
  W_IN,
  W_OUT,
} from "../src/_shm/layout.ts";
import { MAX_SEGMENT_SLOTS } from "../src/_shm/unbounded_layout.ts";
import { limitOf, MANY, sequencesOf } from "./_sequence_helpers.ts";
import { openUnbounded, range } from "./_unbounded_helpers.ts";
import { assertThrowsWith } from "./_helpers.ts";

/** Calls createRing with options the type checker would refuse. */
function createLoose(options: unknown): SharedArrayBuffer {
  return createRing(options as CreateRingOptions);
}

Deno.test("createRing() and createUnbounded() validate every option", async (t) => {
  await t.step("ring", async (t) => {
    const cases: [string, unknown, ErrorConstructor, string[]][] = [
      ["options null", null, TypeError, ["options", "received null"]],
      ["options a number", 3, TypeError, ["options", "received 3"]],
      ["slots missing", {}, TypeError, ["slots", "received undefined"]],
      ["slots a string", { slots: "4" }, TypeError, ["slots", 'received "4"']],
      ["slots 1", { slots: 1 }, RangeError, [
        "slots must be an integer >= 2",
        "received 1",
      ]],
      ["slots 0", { slots: 0 }, RangeError, ["slots", "received 0"]],
      ["slots -3", { slots: -3 }, RangeError, ["slots", "received -3"]],
      ["slots 2.5", { slots: 2.5 }, RangeError, ["slots", "received 2.5"]],
      ["slots NaN", { slots: NaN }, RangeError, ["slots", "received NaN"]],
      ["slots Infinity", { slots: Infinity }, RangeError, [
        "slots",
        "received Infinity",
      ]],
      ["slots 2^30 + 1", { slots: 2 ** 30 + 1 }, RangeError, [
        "slots must be at most 1073741824",
        `received ${2 ** 30 + 1}`,
      ]],
      [
        "slots too many bytes",
        { slots: 2 ** 29, item: "float64" },
        RangeError,
        [
          `${2 ** 29} slots of 8 bytes`,
        ],
      ],
      ["scheme unknown", { slots: 4, scheme: "lamport" }, TypeError, [
        "scheme",
        '"lamport"',
      ]],
      ["scheme a number", { slots: 4, scheme: 1 }, TypeError, [
        "scheme",
        "received 1",
      ]],
      ["start a string", { slots: 4, start: "0" }, TypeError, [
        "start",
        'received "0"',
      ]],
      ["start negative", { slots: 4, start: -1 }, RangeError, [
        "start",
        "received -1",
      ]],
      ["start = slots (textbook)", { slots: 4, start: 4 }, RangeError, [
        "start must be an integer in [0, 4) for the textbook scheme",
        "received 4",
      ]],
      [
        "start 2^32 (counter)",
        {
          slots: 4,
          scheme: "counter",
          start: 2 ** 32,
        },
        RangeError,
        ["start", `[0, ${2 ** 32})`, `received ${2 ** 32}`],
      ],
      [
        "start fractional",
        { slots: 4, scheme: "counter", start: 0.5 },
        RangeError,
        [
          "start",
          "received 0.5",
        ],
      ],
      ["item kind unknown", { slots: 4, item: "int64" }, TypeError, [
        "item must be one of",
        '"int64"',
      ]],
      ["item a number", { slots: 4, item: 4 }, TypeError, [
        "item",
        "received 4",
      ]],
      ["item null", { slots: 4, item: null }, TypeError, [
        "item",
        "received null",
      ]],
      ["item an array", { slots: 4, item: ["int32"] }, TypeError, [
        "item",
        "received an array",
      ]],
      [
        "item with an extra key",
        {
          slots: 4,
          item: { bytes: 4, struct: {} },
        },
        TypeError,
        ["item"],
      ],
      ["item.bytes a string", { slots: 4, item: { bytes: "8" } }, TypeError, [
        "item.bytes",
        'received "8"',
      ]],
      ["item.bytes 0", { slots: 4, item: { bytes: 0 } }, RangeError, [
        "item.bytes",
        "received 0",
      ]],
      ["item.bytes 65537", { slots: 4, item: { bytes: 65537 } }, RangeError, [
        "item.bytes",
        "received 65537",
      ]],
      ["item.bytes 1.5", { slots: 4, item: { bytes: 1.5 } }, RangeError, [
        "item.bytes",
        "received 1.5",
      ]],
      ["item.struct null", { slots: 4, item: { struct: null } }, TypeError, [
        "item.struct",
        "received null",
      ]],
      ["item.struct empty", { slots: 4, item: { struct: {} } }, RangeError, [
        "item.struct",
        "received 0",
      ]],
      [
        "item.struct too many fields",
        {
          slots: 4,
          item: {
            struct: Object.fromEntries(
              Array.from({ length: 65 }, (_, i) => [`f${i}`, "uint8"]),
            ),
          },
        },
        RangeError,
        ["item.struct", "received 65"],
      ],
      [
        "item.struct field kind unknown",
        {
          slots: 4,
          item: { struct: { id: "uint32", value: "double" } },
        },
        TypeError,
        ["item.struct.value", '"double"'],
      ],
      [
        "item.struct nested",
        {
          slots: 4,
          item: { struct: { inner: { struct: { a: "int8" } } } },
        },
        TypeError,
        ["item.struct.inner"],
      ],
    ];
    for (const [name, options, Class, fragments] of cases) {
      await t.step(`${name} -> ${Class.name}`, () => {
        assertThrowsWith(() => createLoose(options), Class, [
          "Cannot create ring",
          ...fragments,
        ]);
      });
    }
  });
  await t.step("sequence: sides and schemes", () => {
    assertThrowsWith(
      () => createRing({ slots: 4, producers: "lots" as "many" }),
      TypeError,
      ['Cannot create ring: producers must be "one" or "many", received "lots"'],
    );
    assertThrowsWith(
      () => createRing({ slots: 4, consumers: 2 as unknown as "many" }),
      TypeError,
      ['consumers must be "one" or "many", received 2'],
    );
    assertThrowsWith(
      () => createRing({ slots: 4, scheme: "counter", consumers: "many" }),
      TypeError,
      [
        'scheme must be "sequence" when producers or consumers is "many", received "counter"',
      ],
    );
    assertThrowsWith(
      () => createRing({ slots: 3, start: limitOf(3), ...MANY }),
      RangeError,
      [`start must be an integer in [0, ${
        limitOf(3)
      }) for the sequence scheme`],
    );
  });
  await t.step("unbounded: createUnbounded()", async (t) => {
    const what = "Cannot create unbounded buffer";
    const hundred = inspectUnbounded(createUnbounded({ segmentSlots: 100 }));
    const oneSegment = hundred.offsets.data + hundred.segmentBytes;
    const cases: [unknown, ErrorConstructor, string][] = [
      [null, TypeError, `${what}: options must be an object, received null`],
      [
        { segmentSlots: "8" },
        TypeError,
        'segmentSlots must be an integer, received "8"',
      ],
      [
        { segmentSlots: 0 },
        RangeError,
        `segmentSlots must be an integer in [1, ${MAX_SEGMENT_SLOTS}], received 0`,
      ],
      [{ segmentSlots: 1.5 }, RangeError, "received 1.5"],
      [
        { maxBytes: 2 ** 31 },
        RangeError,
        `maxBytes must be an integer in [1, ${MAX_BYTES}]`,
      ],
      [
        { maxBytes: 300, segmentSlots: 100 },
        RangeError,
        `one segment of 100 slots of 4 bytes needs ${oneSegment} bytes with the header, more than maxBytes 300`,
      ],
      [
        { start: -1 },
        RangeError,
        "start must be an integer in [0, 4294967295]",
      ],
      [{ item: "int33" }, TypeError, "item must be one of int8"],
      [
        { item: { bytes: 0 } },
        RangeError,
        "item.bytes must be an integer in [1, 65536]",
      ],
    ];
    for (const [options, Class, fragment] of cases) {
      await t.step(`${JSON.stringify(options)}: ${Class.name}`, () => {
        assertThrowsWith(
          () => createUnbounded(options as CreateUnboundedOptions),
          Class,
          [what, fragment],
        );
      });
    }
  });
});

Deno.test("createRing() and createUnbounded() return a SharedArrayBuffer laid out as an empty buffer", async (t) => {
  await t.step("textbook", () => {
    const sab = createRing({ slots: 10, item: "int32", scheme: "textbook" });
    assert.ok(sab instanceof SharedArrayBuffer);
    const snapshot = inspectRing(sab);
    assert.equal(snapshot.offsets.data % LINE, 0);
    assert.ok(snapshot.offsets.data >= DESCRIPTOR_OFFSET);
    assert.equal(sab.byteLength, snapshot.offsets.data + 10 * 4);
  });
  await t.step(
    "sequence: the sequence numbers after the slots, on their own line",
    () => {
      const sab = createRing({ slots: 7, item: { bytes: 3 }, ...MANY });
      const { offsets, stride, sequence } = inspectRing(sab);
      assert.equal(sequence!.offset % LINE, 0);
      assert.ok(sequence!.offset >= offsets.data + 7 * stride);
      // Then, on a fresh line, one 64-byte record per handle that may attach.
      assert.equal(
        sab.byteLength,
        alignUp(sequence!.offset + 7 * 4, LINE) + 64 * 64,
      );
      // Each slot expects its own position first.
      assert.deepEqual([...sequencesOf(sab)], [0, 1, 2, 3, 4, 5, 6]);
    },
  );
  await t.step("unbounded: one empty segment in a growable buffer", () => {
    const sab = createUnbounded({ segmentSlots: 5, item: "float64" });
    assert.equal(sab.growable, true);
    const s = inspectUnbounded(sab);
    assert.equal(sab.maxByteLength, s.maxBytes);
    assert.deepEqual(
      {
        item: s.item,
        stride: s.stride,
        segmentSlots: s.segmentSlots,
        segments: s.segments,
        in: s.in,
        out: s.out,
        head: s.head,
        tail: s.tail,
        chain: s.chain,
        free: s.free,
        size: s.size,
        closed: s.closed,
      },
      {
        item: "float64",
        stride: 8,
        segmentSlots: 5,
        segments: 1,
        in: 0,
        out: 0,
        head: 0,
        tail: 0,
        chain: [0],
        free: [],
        size: 0,
        closed: false,
      },
    );
    // A link word, padding to 8 bytes, five 8-byte slots.
    assert.equal(s.segmentBytes, 8 + 5 * 8);
    assert.equal(s.byteLength, s.offsets.data + s.segmentBytes);
  });
});

Deno.test("createRing() and createUnbounded() default to int32 items and start 0, createRing() to the textbook scheme", async (t) => {
  await t.step("createRing()", () => {
    const snapshot = inspectRing(createRing({ slots: 10 }));
    assert.equal(snapshot.scheme, "textbook");
    assert.equal(snapshot.item, "int32");
    assert.equal(snapshot.capacity, 9);
    assert.equal(snapshot.in, 0);
    assert.equal(snapshot.out, 0);
  });
  await t.step("createUnbounded()", () => {
    const s = inspectUnbounded(createUnbounded());
    assert.equal(s.item, "int32");
    assert.equal(s.segmentSlots, 1024);
    assert.equal(s.maxBytes, 64 * 1024 * 1024);
    assert.equal(inspectUnbounded(createUnbounded({ start: 7 })).in, 7);
  });
});

Deno.test("createRing() sets in and out to start", async (t) => {
  await t.step("textbook: a slot index", () => {
    const snapshot = inspectRing(createRing({ slots: 5, start: 4 }));
    assert.deepEqual(
      [snapshot.in, snapshot.out, snapshot.inSlot, snapshot.outSlot],
      [4, 4, 4, 4],
    );
    assert.equal(snapshot.size, 0);
  });
  await t.step("counter: a 32-bit counter, physical slots at 0", () => {
    const start = 2 ** 32 - 2;
    const snapshot = inspectRing(
      createRing({ slots: 5, scheme: "counter", start }),
    );
    assert.deepEqual(
      [snapshot.in, snapshot.out, snapshot.inSlot, snapshot.outSlot],
      [start, start, 0, 0],
    );
    assert.equal(snapshot.size, 0);
  });
});

Deno.test("createRing() accepts the extreme legal options", () => {
  assert.equal(inspectRing(createRing({ slots: 2 })).capacity, 1);
  assert.equal(
    inspectRing(createRing({ slots: 2, scheme: "counter" })).capacity,
    2,
  );
  const big = inspectRing(
    createRing({ slots: 4, scheme: "counter", start: 2 ** 32 - 1 }),
  );
  assert.equal(big.in, 2 ** 32 - 1);
  // Both slots are 0 at the counters' start.
  assert.deepEqual(big.counter, { inBase: 2 ** 32 - 1, outBase: 2 ** 32 - 1 });
  assert.equal(
    inspectRing(createRing({ slots: 2, item: { bytes: 65536 } })).stride,
    65536,
  );
  assert.equal(
    inspectRing(createRing({ slots: 2, item: { bytes: 1 } })).stride,
    8,
  );
});

Deno.test("inspectRing() reports every field of a fresh ring", () => {
  const sab = createRing({
    slots: 6,
    scheme: "counter",
    item: { struct: { flag: "uint8", value: "float64", id: "uint16" } },
  });
  const snapshot = inspectRing(sab);
  assert.deepEqual(snapshot, {
    slots: 6,
    scheme: "counter",
    capacity: 6,
    item: { struct: { flag: "uint8", value: "float64", id: "uint16" } },
    // flag @0, value @8, id @16 -> 18 bytes, rounded up to 8-byte alignment
    stride: 24,
    in: 0,
    out: 0,
    inSlot: 0,
    outSlot: 0,
    size: 0,
    closed: false,
    producerAttached: false,
    consumerAttached: false,
    producerWaiting: false,
    consumerWaiting: false,
    offsets: { in: W_IN * 4, out: W_OUT * 4, data: snapshot.offsets.data },
    counter: { inBase: 0, outBase: 0 },
  });
  assert.equal(sab.byteLength, snapshot.offsets.data + 6 * 24);
});

Deno.test("inspectRing() puts in and out on separate 64-byte lines", () => {
  const { offsets } = inspectRing(createRing({ slots: 4 }));
  const lineOf = (byte: number) => Math.floor(byte / LINE);
  assert.notEqual(lineOf(offsets.in), lineOf(offsets.out));
  assert.notEqual(lineOf(offsets.in), 0);
  assert.notEqual(lineOf(offsets.out), 0);
  assert.ok(offsets.data >= 3 * LINE);
});

Deno.test("inspectRing() follows in, out, size and the attachment flags", () => {
  const sab = createRing({ slots: 4 });
  const producer = new Producer(sab);
  const consumer = new Consumer(sab);
  let snapshot = inspectRing(sab);
  assert.equal(snapshot.producerAttached, true);
  assert.equal(snapshot.consumerAttached, true);
  producer.pushMany([1, 2, 3]);
  consumer.tryPop();
  snapshot = inspectRing(sab);
  assert.deepEqual([snapshot.in, snapshot.out, snapshot.size], [3, 1, 2]);
  producer.tryPush(4); // in wraps to 0
  snapshot = inspectRing(sab);
  assert.deepEqual([snapshot.in, snapshot.out, snapshot.size], [0, 1, 3]);
  producer.detach();
  consumer.detach();
  snapshot = inspectRing(sab);
  assert.equal(snapshot.producerAttached, false);
  assert.equal(snapshot.consumerAttached, false);
  assert.equal(snapshot.closed, false);
});

Deno.test("inspectRing() rejects a buffer that is not a ring", () => {
  assertThrowsWith(
    () => inspectRing(new ArrayBuffer(1024) as unknown as SharedArrayBuffer),
    TypeError,
    ["Cannot inspect ring", "SharedArrayBuffer"],
  );
  assertThrowsWith(
    () => inspectRing(new SharedArrayBuffer(1024)),
    TypeError,
    ["Cannot inspect ring", "not a ring"],
  );
});

Deno.test("createRing() with many producers or consumers makes a sequence ring of all slots", () => {
  for (
    const sides of [
      { producers: "many" },
      { consumers: "many" },
      MANY,
      { scheme: "sequence" },
    ] as const
  ) {
    const snapshot = inspectRing(createRing({ slots: 5, ...sides }));
    const label = JSON.stringify(sides);
    assert.equal(snapshot.scheme, "sequence", label);
    assert.equal(snapshot.capacity, 5, label);
    assert.equal(snapshot.sequence?.producers, sides.producers ?? "one");
    assert.equal(snapshot.sequence?.consumers, sides.consumers ?? "one");
    assert.equal(snapshot.sequence?.limit, limitOf(5));
  }
  // The textbook and counter rings are unchanged: no sequence part.
  assert.equal(inspectRing(createRing({ slots: 5 })).sequence, undefined);
});

Deno.test("Producer.capacity and Consumer.capacity are slots - 1 (textbook) and slots (counter)", () => {
  for (const slots of [2, 3, 10, 1000]) {
    const textbook = createRing({ slots });
    const counter = createRing({ slots, scheme: "counter" });
    assert.equal(new Producer(textbook).capacity, slots - 1);
    assert.equal(new Consumer(textbook).capacity, slots - 1);
    assert.equal(new Producer(counter).capacity, slots);
    assert.equal(new Consumer(counter).capacity, slots);
  }
});

Deno.test("Producer.slots, Producer.scheme and their Consumer twins read the header", async (t) => {
  await t.step("ring", () => {
    const sab = createRing({ slots: 7, scheme: "counter" });
    const producer = new Producer(sab);
    const consumer = new Consumer(sab);
    assert.deepEqual([producer.slots, producer.scheme], [7, "counter"]);
    assert.deepEqual([consumer.slots, consumer.scheme], [7, "counter"]);
    const textbook = new Producer(createRing({ slots: 3 }));
    assert.deepEqual([textbook.slots, textbook.scheme], [3, "textbook"]);
  });
  await t.step(
    "unbounded: segmentSlots, maxBytes, segments, size, closed",
    () => {
      const { sab, producer, consumer } = openUnbounded({
        segmentSlots: 8,
        maxBytes: 8192,
      });
      for (const handle of [producer, consumer]) {
        assert.equal(handle.segmentSlots, 8);
        assert.equal(handle.maxBytes, 8192);
      }
      producer.pushMany(range(0, 9));
      assert.equal(consumer.size, 9);
      assert.equal(producer.segments, 2);
      assert.equal(consumer.segments, inspectUnbounded(sab).segments);
      assert.equal(consumer.closed, false);
    },
  );
});
