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
