// Creating buffers, over every engine: what createRing() and createUnbounded()
// lay out (an empty buffer, its defaults, its start, the extreme legal
// options) and which scheme the sides choose. The refused options are in
// create_options_test.ts.
import assert from "node:assert/strict";
import {
  createRing,
  createUnbounded,
  inspectRing,
  inspectUnbounded,
} from "../mod.ts";
import { alignUp, DESCRIPTOR_OFFSET, LINE } from "../src/_shm/layout.ts";
import { limitOf, MANY, sequencesOf } from "./_sequence_helpers.ts";

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
  await t.step("counter: a counter below 2^30, physical slots at 0", () => {
    const start = 2 ** 30 - 2;
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
    createRing({ slots: 4, scheme: "counter", start: 2 ** 30 - 1 }),
  );
  assert.equal(big.in, 2 ** 30 - 1);
  // Both slots are 0 at the counters' start.
  assert.deepEqual(big.counter, { inBase: 2 ** 30 - 1, outBase: 2 ** 30 - 1 });
  assert.equal(
    inspectRing(createRing({ slots: 2, item: { bytes: 65536 } })).stride,
    65536,
  );
  assert.equal(
    inspectRing(createRing({ slots: 2, item: { bytes: 1 } })).stride,
    8,
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
