// What createRing() and createUnbounded() refuse: every option, its type and
// its range, with the error class and message of each refusal.
import {
  createRing,
  type CreateRingOptions,
  createUnbounded,
  type CreateUnboundedOptions,
  inspectUnbounded,
} from "../mod.ts";
import { MAX_BYTES } from "../src/_shm/layout.ts";
import { MAX_SEGMENT_SLOTS } from "../src/_shm/unbounded_layout.ts";
import { limitOf, MANY } from "./_sequence_helpers.ts";
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
        "start 2^30 (counter)",
        {
          slots: 4,
          scheme: "counter",
          start: 2 ** 30,
        },
        RangeError,
        ["start", `[0, ${2 ** 30})`, `received ${2 ** 30}`],
      ],
      [
        "slots 2^29 + 1 (counter)",
        { slots: 2 ** 29 + 1, scheme: "counter" },
        RangeError,
        ["slots must be at most 536870912 for the counter scheme"],
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
      // A null is no default (as in createRing).
      [{ item: null }, TypeError, "item must be a numeric kind"],
      [
        { segmentSlots: null },
        TypeError,
        "segmentSlots must be an integer, received null",
      ],
      [{ maxBytes: null }, TypeError, "maxBytes must be an integer"],
      [{ start: null }, TypeError, "start must be an integer, received null"],
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
