// Unit tests of the many-producer/many-consumer ring (the "sequence"
// scheme): creation and layout, many handles, every push/pop path, given-up
// reservations, close, the wrap of positions, hostile memory, and several
// sleepers in Workers.
import assert from "node:assert/strict";
import {
  Consumer,
  createRing,
  type CreateRingOptions,
  inspectRing,
  Producer,
} from "../mod.ts";
import { alignUp, LINE } from "../src/_shm/layout.ts";
import {
  assertThrowsWith,
  assertUnchanged,
  drain,
  imageOf,
} from "./_helpers.ts";

const MANY = { producers: "many", consumers: "many" } as const;

/** Where positions wrap for `slots`. */
function limitOf(slots: number): number {
  return 2 ** 31 - 2 ** 31 % slots;
}

/** An int32 MPMC ring with two producers and two consumers attached. */
function openMany(options: Omit<CreateRingOptions<"int32">, "item">) {
  const sab = createRing({ ...MANY, ...options });
  return {
    sab,
    producers: [new Producer<number>(sab), new Producer<number>(sab)],
    consumers: [new Consumer<number>(sab), new Consumer<number>(sab)],
  };
}

/** The int32 sequence numbers of a sequence ring, as found. */
function sequencesOf(sab: SharedArrayBuffer): Int32Array {
  const { slots, sequence } = inspectRing(sab);
  return new Int32Array(sab, sequence!.offset, slots);
}

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

Deno.test("createRing() lays the sequence numbers out after the slots, on their own line", () => {
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
});

Deno.test("createRing() refuses bad sides and schemes that cannot have many handles", () => {
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
    [`start must be an integer in [0, ${limitOf(3)}) for the sequence scheme`],
  );
});

Deno.test("Producer.tryPush() checks the item before claiming a slot", () => {
  const { sab, producers } = openMany({ slots: 3 });
  const image = imageOf(sab);
  assertThrowsWith(() => producers[0]!.tryPush(1.5), RangeError);
  assertThrowsWith(() => producers[0]!.pushMany([1, "x" as never]), TypeError);
  assertUnchanged(sab, image);
});

Deno.test("Producer and Consumer keep FIFO across the wrap of positions", async (t) => {
  for (const slots of [3, 4, 7]) {
    await t.step(`${slots} slots`, () => {
      const limit = limitOf(slots);
      const start = limit - 2 * slots - 1;
      const { sab, producers, consumers } = openMany({ slots, start });
      const out: number[] = [];
      for (let i = 0; i < 5 * slots; i++) {
        assert.ok(producers[i % 2]!.tryPush(i));
        if (i % 3 === 2) out.push(...drain(consumers[i % 2]!));
      }
      out.push(...drain(consumers[0]!));
      assert.deepEqual(out, Array.from({ length: 5 * slots }, (_, i) => i));
      const { in: inValue, out: outValue, inSlot } = inspectRing(sab);
      // Positions wrapped past limit - 1 to small values, slots stayed aligned.
      assert.equal(inValue, (start + 5 * slots) % limit);
      assert.equal(outValue, inValue);
      assert.equal(inSlot, inValue % slots);
      assert.ok(inValue < start);
    });
  }
});
