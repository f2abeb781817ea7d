// What a handle refuses to attach to, over every engine: a buffer that is not
// a SharedArrayBuffer, the other kind of buffer, a wrong size, magic or
// layout version, a damaged header; and what closeRing() does with a buffer
// that is not a ring, or a ring whose indices are corrupted.
import assert from "node:assert/strict";
import {
  closeRing,
  closeUnbounded,
  Consumer,
  CorruptedRingError,
  createRing,
  createUnbounded,
  inspectRing,
  inspectUnbounded,
  Producer,
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
  W_DESCRIPTOR_BYTES as U_DESCRIPTOR_BYTES,
  W_MAX_BYTES,
  W_SEGMENT_SLOTS,
  W_STRIDE as U_STRIDE,
  W_VERSION as U_VERSION,
} from "../src/_shm/unbounded_layout.ts";
import {
  assertThrowsWith,
  copyRing,
  type ErrorClass,
  readWord,
  scribble,
} from "./_helpers.ts";
import { assertUnboundedRefused, filled } from "./_unbounded_helpers.ts";

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
    "layout version 2 is not supported, expected 4",
  ]);
  // Version 3 kept the one-producer ring's waiting flags in words of their
  // own, and its counters wrapped at 2^32.
  assertBothRefuse(ringWithWord(W_VERSION, 3), RangeError, [
    "layout version 3 is not supported, expected 4",
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

Deno.test("closeRing() says why a SharedArrayBuffer is not a ring", () => {
  const cases: [SharedArrayBuffer, string][] = [
    [
      new SharedArrayBuffer(16),
      "received one of 16 bytes, smaller than a ring header",
    ],
    [
      new SharedArrayBuffer(4096),
      "received one with magic 0x00000000, not 0x47525052",
    ],
    [createUnbounded(), "received one with magic 0x42555052, not 0x47525052"],
  ];
  for (const [buffer, fragment] of cases) {
    assertThrowsWith(() => closeRing(buffer), TypeError, [
      "Cannot close ring: buffer must be a SharedArrayBuffer made by createRing(), " +
      fragment,
    ]);
  }
});

Deno.test("closeRing() closes a ring whose indices are corrupted", () => {
  const sab = createRing({ slots: 4 });
  scribble(sab, inspectRing(sab).offsets.in, 99);
  closeRing(sab);
  assert.equal(inspectRing(sab).closed, true);
});
