import assert from "node:assert/strict";
import {
  createUnbounded,
  type CreateUnboundedOptions,
  inspectUnbounded,
} from "../mod.ts";
import { MAX_BYTES } from "../src/_shm/layout.ts";
import { MAX_SEGMENT_SLOTS } from "../src/_shm/unbounded_layout.ts";
import { assertThrowsWith } from "./_helpers.ts";

Deno.test("createUnbounded lays out one empty segment in a growable buffer", () => {
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

Deno.test("createUnbounded fills in defaults", () => {
  const s = inspectUnbounded(createUnbounded());
  assert.equal(s.item, "int32");
  assert.equal(s.segmentSlots, 1024);
  assert.equal(s.maxBytes, 64 * 1024 * 1024);
  assert.equal(inspectUnbounded(createUnbounded({ start: 7 })).in, 7);
});

Deno.test("createUnbounded rejects bad options", async (t) => {
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
    [{ start: -1 }, RangeError, "start must be an integer in [0, 4294967295]"],
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
