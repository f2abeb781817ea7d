// The unbounded buffer's sequential API against a plain array queue, on
// random operation sequences with a small maxBytes: same items in the same
// order, and a push refused (RangeError, or tryPush false) exactly when the
// free segments and the room left under maxBytes cannot hold it — in which
// case not one byte changed.
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  createUnbounded,
  inspectUnbounded,
  UnboundedConsumer,
  UnboundedProducer,
} from "../mod.ts";
import { assertProperty, assertUnchanged } from "./_helpers.ts";
import { unboundedImage } from "./_unbounded_helpers.ts";

type Op =
  | { readonly kind: "push" | "tryPush" | "reserve" | "tryPop" | "peek" }
  | { readonly kind: "pushMany" | "popMany"; readonly n: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.constantFrom(
    ...(["push", "tryPush", "reserve", "tryPop", "peek"] as const).map((
      kind,
    ) => ({ kind })),
  ),
  fc.record({
    kind: fc.constantFrom("pushMany" as const, "popMany" as const),
    n: fc.integer({ min: 0, max: 12 }),
  }),
);

/** Whether pushing `n` items must be refused at maxBytes, by the layout's arithmetic. */
function mustRefuse(sab: SharedArrayBuffer, n: number): boolean {
  const s = inspectUnbounded(sab);
  const room = s.segmentSlots - s.inSlot;
  if (n <= room) return false;
  const needed = Math.ceil((n - room) / s.segmentSlots);
  const growable = Math.floor((s.maxBytes - s.byteLength) / s.segmentBytes);
  return needed > s.free.length + growable;
}

Deno.test("UnboundedProducer and UnboundedConsumer behave as a FIFO queue that refuses exactly past maxBytes", () => {
  assertProperty(
    fc.property(
      fc.integer({ min: 1, max: 5 }),
      fc.integer({ min: 1, max: 4 }),
      fc.array(opArb, { maxLength: 120 }),
      (segmentSlots, segments, ops) => {
        const probe = inspectUnbounded(createUnbounded({ segmentSlots }));
        const maxBytes = probe.offsets.data + segments * probe.segmentBytes;
        const sab = createUnbounded({ segmentSlots, maxBytes });
        const producer = new UnboundedProducer<number>(sab);
        const consumer = new UnboundedConsumer<number>(sab);
        const queue: number[] = [];
        let next = 0;
        for (const op of ops) {
          const n = op.kind === "pushMany" ? op.n : 1;
          if (
            op.kind === "push" || op.kind === "tryPush" ||
            op.kind === "reserve" || op.kind === "pushMany"
          ) {
            const refuse = mustRefuse(sab, n);
            const image = unboundedImage(sab);
            const items = Array.from({ length: n }, (_, i) => next + i);
            let pushed: boolean;
            try {
              if (op.kind === "tryPush") pushed = producer.tryPush(next);
              else if (op.kind === "push") pushed = (producer.push(next), true);
              else if (op.kind === "pushMany") {
                pushed = producer.pushMany(items) === n;
              } else {
                producer.reserve()[0] = next;
                producer.commit();
                pushed = true;
              }
            } catch (error) {
              if (!(error instanceof RangeError)) throw error;
              pushed = false;
            }
            assert.equal(pushed, !refuse, `${op.kind} of ${n}`);
            if (pushed) {
              queue.push(...items);
              next += n;
            } else assertUnchanged(sab, image);
          } else if (op.kind === "tryPop") {
            assert.equal(consumer.tryPop(), queue.shift());
          } else if (op.kind === "peek") {
            const view = consumer.peek();
            assert.equal(view?.[0], queue.shift());
            if (view !== null) consumer.release();
          } else {
            const target = new Int32Array(n);
            const popped = consumer.popMany(target);
            assert.deepEqual(
              [...target.subarray(0, popped)],
              queue.splice(0, n),
            );
          }
          assert.equal(producer.size, queue.length);
          assert.ok(producer.segments <= segments);
        }
      },
    ),
    { numRuns: 300 },
  );
});
