// Items over every engine: each numeric kind, byte records and structs
// round-trip, bad items are refused before anything is written.
import assert from "node:assert/strict";
import {
  Consumer,
  createRing,
  createUnbounded,
  type ItemSpec,
  type NumericKind,
  Producer,
  UnboundedConsumer,
  UnboundedProducer,
} from "../mod.ts";
import {
  assertRejectsWith,
  assertThrowsWith,
  assertUnchanged,
  drain,
  type ErrorClass,
  imageOf,
} from "./_helpers.ts";
import { openMany } from "./_sequence_helpers.ts";
import { openUnbounded, range } from "./_unbounded_helpers.ts";

/** Each numeric kind with values at and inside its limits. */
const LIMITS: readonly [NumericKind, readonly (number | bigint)[]][] = [
  ["int8", [-128, -1, 0, 127]],
  ["uint8", [0, 1, 255]],
  ["int16", [-32768, 0, 32767]],
  ["uint16", [0, 65535]],
  ["int32", [-(2 ** 31), -1, 0, 2 ** 31 - 1]],
  ["uint32", [0, 2 ** 31, 2 ** 32 - 1]],
  ["float32", [0, 1.5, -3.25, 2 ** 127, -(2 ** -149), Infinity, -Infinity]],
  ["float64", [
    Number.MAX_VALUE,
    -Number.MAX_VALUE,
    Number.MIN_VALUE,
    0.1,
    Infinity,
    -Infinity,
  ]],
  ["bigint64", [-(2n ** 63n), -1n, 0n, 2n ** 63n - 1n]],
  ["biguint64", [0n, 2n ** 63n, 2n ** 64n - 1n]],
];

/** Each numeric kind with values it must refuse, and the error for each. */
const BAD: readonly [NumericKind, readonly [unknown, ErrorClass][]][] = [
  ["int8", [[-129, RangeError], [128, RangeError], [1.5, RangeError], [
    "1",
    TypeError,
  ]]],
  ["uint8", [[-1, RangeError], [256, RangeError], [NaN, RangeError], [
    1n,
    TypeError,
  ]]],
  ["int16", [[-32769, RangeError], [32768, RangeError]]],
  ["uint16", [[-1, RangeError], [65536, RangeError], [null, TypeError]]],
  ["int32", [
    [2 ** 31, RangeError],
    [-(2 ** 31) - 1, RangeError],
    [0.5, RangeError],
    [NaN, RangeError],
    [Infinity, RangeError],
    ["5", TypeError],
    [5n, TypeError],
    [{ valueOf: () => 5 }, TypeError],
    [undefined, TypeError],
  ]],
  ["uint32", [
    [-1, RangeError],
    [2 ** 32, RangeError],
    [1.5, RangeError],
    [5n, TypeError],
    [Symbol("x"), TypeError],
  ]],
  ["float32", [["1.5", TypeError], [1n, TypeError]]],
  ["float64", [[null, TypeError], [{}, TypeError]]],
  ["bigint64", [[2n ** 63n, RangeError], [-(2n ** 63n) - 1n, RangeError], [
    1,
    TypeError,
  ]]],
  ["biguint64", [[-1n, RangeError], [2n ** 64n, RangeError], [
    "1",
    TypeError,
  ]]],
];

/** Pushes every item, pops them back, and returns what came out. */
function roundTrip(item: ItemSpec, items: readonly unknown[]): unknown[] {
  const sab = createRing({ slots: items.length + 1, item });
  const producer = new Producer<unknown>(sab);
  const consumer = new Consumer<unknown>(sab);
  for (const value of items) assert.equal(producer.tryPush(value), true);
  return items.map(() => consumer.tryPop());
}

/**
 * Expects pushing `bad` to throw `Class` on every push path, naming the bad
 * value (and `field` of it), leaving the ring as it was.
 */
async function assertRefused(
  item: ItemSpec,
  bad: unknown,
  Class: ErrorClass,
  field: string,
  fragments: readonly string[],
): Promise<void> {
  const sab = createRing({ slots: 4, item });
  const producer = new Producer<unknown>(sab);
  const good = roundTripSample(item);
  producer.tryPush(good); // a committed item that must survive
  const before = imageOf(sab);
  // Each push path, with the label its error gives the bad value.
  const paths: [string, () => unknown][] = [
    ["item", () => producer.tryPush(bad)],
    ["item", () => producer.push(bad, { timeout: 0 })],
    ["items[1]", () => producer.pushMany([good, bad])],
  ];
  for (const [label, call] of paths) {
    assertThrowsWith(call, Class, [
      "Cannot push",
      `: ${label}${field} `,
      ...fragments,
    ]);
    assertUnchanged(sab, before);
  }
  await assertRejectsWith(producer.pushAsync(bad), Class, [
    `Cannot push item: item${field} `,
    ...fragments,
  ]);
  assertUnchanged(sab, before);
  const consumer = new Consumer<unknown>(sab);
  assert.deepEqual(consumer.tryPop(), good);
  assert.equal(consumer.tryPop(), undefined);
}

/** A valid item of `item`'s format. */
function roundTripSample(item: ItemSpec): unknown {
  if (typeof item === "string") {
    return item.startsWith("big") ? 7n : 7;
  }
  if ("bytes" in item) return new Uint8Array(item.bytes).fill(7);
  return Object.fromEntries(
    Object.entries(item.struct).map((
      [name, kind],
    ) => [name, kind.startsWith("big") ? 7n : 7]),
  );
}

Deno.test("Producer.tryPush() and Consumer.tryPop() round-trip every numeric kind at its limits", async (t) => {
  for (const [kind, values] of LIMITS) {
    await t.step(kind, () => {
      assert.deepEqual(roundTrip(kind, values), values);
    });
  }
});

Deno.test("Consumer.tryPop() returns float NaN and -0 as pushed", () => {
  for (const kind of ["float32", "float64"] as const) {
    const [nan, negativeZero, positiveZero] = roundTrip(kind, [NaN, -0, 0]);
    assert.ok(Number.isNaN(nan), kind);
    assert.ok(Object.is(negativeZero, -0), kind);
    assert.ok(Object.is(positiveZero, 0), kind);
  }
});

Deno.test("Consumer.tryPop() returns float32 items rounded to single precision", () => {
  assert.deepEqual(roundTrip("float32", [0.1]), [Math.fround(0.1)]);
});

Deno.test("Consumer.tryPop() returns byte records as fresh, unshared Uint8Arrays", () => {
  for (const n of [1, 3, 8, 13]) {
    const items = [0, 1, 2].map((k) =>
      Uint8Array.from({ length: n }, (_, i) => (i * 31 + k * 7 + 255) & 255)
    );
    const out = roundTrip({ bytes: n }, items) as Uint8Array[];
    assert.deepEqual(out, items, `bytes ${n}`);
    for (const record of out) {
      assert.ok(record instanceof Uint8Array);
      assert.ok(record.buffer instanceof ArrayBuffer, "not a view of the ring");
    }
  }
});

Deno.test("Producer.tryPush() accepts a Uint8Array view at an offset as a byte record", () => {
  const backing = Uint8Array.from([9, 1, 2, 3, 9]);
  assert.deepEqual(roundTrip({ bytes: 3 }, [backing.subarray(1, 4)]), [
    Uint8Array.from([1, 2, 3]),
  ]);
});

Deno.test("Consumer.tryPop() returns structs with mixed alignment field by field", () => {
  const schema = {
    flag: "uint8",
    big: "bigint64",
    small: "int16",
    value: "float64",
    count: "uint32",
    tiny: "int8",
    f: "float32",
    u: "biguint64",
  } as const;
  const items = [
    {
      flag: 255,
      big: -(2n ** 63n),
      small: -32768,
      value: -0,
      count: 2 ** 32 - 1,
      tiny: -128,
      f: 1.5,
      u: 2n ** 64n - 1n,
    },
    {
      flag: 0,
      big: 2n ** 63n - 1n,
      small: 32767,
      value: NaN,
      count: 0,
      tiny: 127,
      f: -Infinity,
      u: 0n,
    },
  ];
  const out = roundTrip({ struct: schema }, items) as typeof items;
  assert.deepEqual(out[0], items[0]);
  assert.ok(Object.is(out[0]?.value, -0));
  assert.ok(Number.isNaN(out[1]?.value));
  assert.deepEqual({ ...out[1], value: 0 }, { ...items[1], value: 0 });
  // Fields come back in schema order.
  assert.deepEqual(Object.keys(out[0] ?? {}), Object.keys(schema));
});

Deno.test("Consumer.tryPop() ignores extra fields pushed with a struct", () => {
  const out = roundTrip({ struct: { a: "uint8" } }, [{ a: 1, extra: 2 }]);
  assert.deepEqual(out, [{ a: 1 }]);
});

Deno.test("Producer.tryPush() refuses a bad numeric item and leaves the ring unchanged", async (t) => {
  for (const [kind, cases] of BAD) {
    for (const [bad, Class] of cases) {
      await t.step(`${kind} ${String(bad)} -> ${Class.name}`, async () => {
        await assertRefused(kind, bad, Class, "", [kind]);
      });
    }
  }
});

Deno.test("Producer.tryPush() refuses a bad byte record and leaves the ring unchanged", async () => {
  const spec = { bytes: 4 };
  await assertRefused(spec, new Uint8Array(3), RangeError, "", [
    "4 bytes",
    "3",
  ]);
  await assertRefused(spec, new Uint8Array(5), RangeError, "", [
    "4 bytes",
    "5",
  ]);
  await assertRefused(spec, [1, 2, 3, 4], TypeError, "", ["Uint8Array"]);
  await assertRefused(spec, new Int8Array(4), TypeError, "", ["Uint8Array"]);
  await assertRefused(spec, "abcd", TypeError, "", ["Uint8Array"]);
});

Deno.test("Producer.tryPush() refuses a bad struct and leaves the ring unchanged", async () => {
  const spec: ItemSpec = {
    struct: { id: "uint32", value: "float64", big: "bigint64" },
  };
  const good = { id: 1, value: 0.5, big: 1n };
  await assertRefused(spec, { value: 0.5, big: 1n }, TypeError, ".id", [
    "undefined",
  ]);
  await assertRefused(spec, { ...good, value: "0.5" }, TypeError, ".value", [
    "float64",
  ]);
  await assertRefused(spec, { ...good, id: -1 }, RangeError, ".id", ["-1"]);
  await assertRefused(spec, { ...good, big: 1 }, TypeError, ".big", ["bigint"]);
  await assertRefused(spec, { ...good, big: 2n ** 63n }, RangeError, ".big", [
    "bigint64",
  ]);
  await assertRefused(spec, null, TypeError, "", ["id, value, big"]);
  await assertRefused(spec, 5, TypeError, "", ["received 5"]);
});

Deno.test("Producer.tryPush() names a bad item briefly, also one JSON cannot write", async () => {
  const cycle: Record<string, unknown> = {};
  cycle.self = cycle;
  await assertRefused("int32", { big: 1n }, TypeError, "", [
    "must be a number for int32, received an object",
  ]);
  await assertRefused("int32", cycle, TypeError, "", ["received an object"]);
  await assertRefused("int32", () => 1 + 1, TypeError, "", [
    "received a function",
  ]);
  await assertRefused({ bytes: 4 }, new Uint16Array(2), TypeError, "", [
    "received a Uint16Array",
  ]);
  await assertRefused({ bytes: 4 }, new Int8Array(4), TypeError, "", [
    "received an Int8Array",
  ]);
  assertThrowsWith(
    () =>
      createRing({ slots: 4, item: { struct: { a: { big: 1n } } } } as never),
    TypeError,
    ["Cannot create ring: item.struct.a must be one of", "received an object"],
  );
});

Deno.test("Producer.pushMany() with one bad item pushes nothing and names its index", async (t) => {
  await t.step("textbook", () => {
    const sab = createRing({ slots: 8 });
    const producer = new Producer(sab);
    const before = imageOf(sab);
    assertThrowsWith(
      () => producer.pushMany([1, 2, 3, 2 ** 31, 5]),
      RangeError,
      ["Cannot push", "items[3]", `received ${2 ** 31}`],
    );
    assertUnchanged(sab, before);
    assertThrowsWith(
      () => producer.pushMany([1, "2"] as unknown as number[]),
      TypeError,
      ["items[1]"],
    );
    assertUnchanged(sab, before);
    // A wrong-kind typed array goes through the checked path too.
    assertThrowsWith(
      () => producer.pushMany(new Float64Array([1, 2.5])),
      RangeError,
      ["items[1]", "2.5"],
    );
    assertUnchanged(sab, before);
    assert.equal(new Consumer(sab).tryPop(), undefined);
  });
  await t.step("sequence: the item is checked before a slot is claimed", () => {
    const { sab, producers } = openMany({ slots: 3 });
    const image = imageOf(sab);
    assertThrowsWith(() => producers[0]!.tryPush(1.5), RangeError);
    assertThrowsWith(
      () => producers[0]!.pushMany([1, "x" as never]),
      TypeError,
    );
    assertUnchanged(sab, image);
  });
});

Deno.test("Producer.pushMany() and Consumer.popMany() carry every item format", async (t) => {
  await t.step("counter", () => {
    const formats: [ItemSpec, unknown[]][] = [
      ["int8", [-128, 0, 127]],
      ["biguint64", [0n, 2n ** 64n - 1n, 5n]],
      ["float64", [-0, 1.25, Infinity]],
      [{ bytes: 2 }, [Uint8Array.of(1, 2), Uint8Array.of(3, 4)]],
      [{ struct: { a: "int8", b: "float64" } }, [{ a: 1, b: 2 }, {
        a: -1,
        b: -2,
      }]],
    ];
    for (const [spec, items] of formats) {
      const sab = createRing({ slots: 3, scheme: "counter", item: spec });
      const producer = new Producer<unknown>(sab);
      const consumer = new Consumer<unknown>(sab);
      // Move the indices so the batch wraps past the end of the slots.
      producer.pushMany(items.slice(0, 2));
      consumer.popMany(new Array(2));
      assert.equal(producer.pushMany(items), items.length);
      const target = new Array<unknown>(items.length + 1);
      assert.equal(consumer.popMany(target), items.length);
      assert.deepEqual(
        target.slice(0, items.length),
        items,
        JSON.stringify(spec),
      );
    }
  });
  await t.step("unbounded: across segments", async (t) => {
    await t.step("structs", () => {
      const sab = createUnbounded({
        segmentSlots: 3,
        item: { struct: { id: "uint32", big: "bigint64", x: "float32" } },
      });
      const producer = new UnboundedProducer(sab);
      const consumer = new UnboundedConsumer(sab);
      const items = range(0, 7).map((i) => ({
        id: i,
        big: BigInt(i) << 40n,
        x: i / 4,
      }));
      assert.equal(producer.pushMany(items.slice(0, 5)), 5);
      producer.push(items[5]!);
      assert.ok(producer.tryPush(items[6]!));
      const target = new Array(7);
      assert.equal(consumer.popMany(target), 7);
      assert.deepEqual(target, items);
    });
    await t.step("byte records", () => {
      const sab = createUnbounded({ segmentSlots: 2, item: { bytes: 5 } });
      const producer = new UnboundedProducer(sab);
      const consumer = new UnboundedConsumer(sab);
      const items = range(0, 5).map((i) => new Uint8Array(5).fill(i + 1));
      producer.pushMany(items);
      assert.deepEqual(drain(consumer), items);
      assertThrowsWith(() => producer.push(new Uint8Array(4)), RangeError, [
        "item must be exactly 5 bytes long",
      ]);
    });
    await t.step("numbers in bulk: typed arrays of the item kind", () => {
      const sab = createUnbounded({ segmentSlots: 4, item: "float64" });
      const producer = new UnboundedProducer<number>(sab);
      const consumer = new UnboundedConsumer<number>(sab);
      const items = new Float64Array(range(0, 11).map((i) => i + 0.25));
      assert.equal(producer.pushMany(items), 11);
      const target = new Float64Array(13);
      assert.equal(consumer.popMany(target), 11);
      assert.deepEqual([...target.subarray(0, 11)], [...items]);
      assert.equal(consumer.popMany(target), 0);
    });
    await t.step("a bad item: TypeError or RangeError, nothing pushed", () => {
      const { producer } = openUnbounded();
      assertThrowsWith(
        () => producer.push("1" as unknown as number),
        TypeError,
        [
          "Cannot push item: item must be a number for int32",
        ],
      );
      assertThrowsWith(() => producer.tryPush(2 ** 31), RangeError, [
        "item must be an integer in [-2147483648, 2147483647] for int32",
      ]);
      assert.equal(producer.size, 0);
    });
  });
});
