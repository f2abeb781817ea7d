// A model-based test of every engine's sequential API: fast-check runs
// random command sequences against a real ring and against a plain queue of
// at most `capacity` items, and checks after every command that the two
// agree (FIFO, sizes, full/empty answers, batch counts, and where `in` and
// `out` should be); the unbounded buffer runs random operation sequences
// with a small maxBytes against a plain array queue. The concurrent
// interleavings are the model checker's job.
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  Consumer,
  createRing,
  createUnbounded,
  inspectRing,
  inspectUnbounded,
  Producer,
  type Scheme,
  TimeoutError,
  UnboundedConsumer,
  UnboundedProducer,
} from "../mod.ts";
import { assertError, assertProperty, assertUnchanged } from "./_helpers.ts";
import { eachEngine, RINGS } from "./_engines.ts";
import { limitOf } from "./_sequence_helpers.ts";
import { unboundedImage } from "./_unbounded_helpers.ts";

/** Where a counter ring's counters wrap (below their words' flag bits). */
const WRAP = 2 ** 30;

/** The ring under test. */
interface Real {
  readonly sab: SharedArrayBuffer;
  producer: Producer<number>;
  consumer: Consumer<number>;
}

/** The plain queue the ring must behave like. */
interface Model {
  readonly scheme: Scheme;
  readonly slots: number;
  readonly capacity: number;
  readonly start: number;
  readonly items: number[];
  pushed: number;
  popped: number;
}

/** Where `in` (after `n` pushes) or `out` (after `n` pops) must be. */
function indexAfter(model: Model, n: number): number {
  switch (model.scheme) {
    case "textbook":
      return (model.start + n) % model.slots;
    case "counter":
      return (model.start + n) % WRAP;
    case "sequence":
      return (model.start + n) % limitOf(model.slots);
  }
}

/** Checks that the ring and the model agree on everything observable. */
function assertAgree(model: Model, real: Real): void {
  const size = model.items.length;
  assert.ok(size <= model.capacity, "the model respects capacity");
  assert.equal(real.producer.size, size, "producer.size");
  assert.equal(real.consumer.size, size, "consumer.size");
  const snapshot = inspectRing(real.sab);
  assert.equal(snapshot.size, size, "inspectRing().size");
  assert.equal(snapshot.in, indexAfter(model, model.pushed), "in");
  assert.equal(snapshot.out, indexAfter(model, model.popped), "out");
  // Counter scheme: the physical slots start at 0 whatever the counters;
  // sequence scheme: a position's slot is position mod slots.
  const base = model.scheme === "counter" ? 0 : model.start;
  assert.equal(snapshot.inSlot, (base + model.pushed) % model.slots, "inSlot");
  assert.equal(
    snapshot.outSlot,
    (base + model.popped) % model.slots,
    "outSlot",
  );
}

function pushToModel(model: Model, items: readonly number[]): void {
  model.items.push(...items);
  model.pushed += items.length;
}

function popFromModel(model: Model, n: number): number[] {
  model.popped += n;
  return model.items.splice(0, n);
}

type RingCommand = fc.Command<Model, Real>;

class TryPush implements RingCommand {
  constructor(readonly item: number) {}
  check(): boolean {
    return true;
  }
  run(model: Model, real: Real): void {
    const pushed = real.producer.tryPush(this.item);
    assert.equal(pushed, model.items.length < model.capacity, "tryPush");
    if (pushed) pushToModel(model, [this.item]);
    assertAgree(model, real);
  }
  toString(): string {
    return `tryPush(${this.item})`;
  }
}

class TryPop implements RingCommand {
  check(): boolean {
    return true;
  }
  run(model: Model, real: Real): void {
    const item = real.consumer.tryPop();
    const expected = popFromModel(model, Math.min(1, model.items.length));
    assert.equal(item, expected[0], "tryPop");
    assertAgree(model, real);
  }
  toString(): string {
    return "tryPop()";
  }
}

class PushMany implements RingCommand {
  constructor(readonly items: readonly number[], readonly typed: boolean) {}
  check(): boolean {
    return true;
  }
  run(model: Model, real: Real): void {
    const n = real.producer.pushMany(
      this.typed ? Int32Array.from(this.items) : [...this.items],
    );
    const free = model.capacity - model.items.length;
    assert.equal(n, Math.min(free, this.items.length), "pushMany count");
    pushToModel(model, this.items.slice(0, n));
    assertAgree(model, real);
  }
  toString(): string {
    const list = `[${this.items.join(", ")}]`;
    return `pushMany(${this.typed ? `Int32Array.of(${list})` : list})`;
  }
}

class PopMany implements RingCommand {
  constructor(readonly length: number, readonly typed: boolean) {}
  check(): boolean {
    return true;
  }
  run(model: Model, real: Real): void {
    const target = this.typed
      ? new Int32Array(this.length)
      : new Array<number>(this.length);
    const n = real.consumer.popMany(target);
    const expected = popFromModel(
      model,
      Math.min(this.length, model.items.length),
    );
    assert.equal(n, expected.length, "popMany count");
    assert.deepEqual([...target].slice(0, n), expected, "popMany items");
    assertAgree(model, real);
  }
  toString(): string {
    return `popMany(${this.typed ? "Int32Array" : "Array"}(${this.length}))`;
  }
}

/** push() and pop() with timeout 0: TimeoutError exactly when full/empty. */
class PushOrPopNow implements RingCommand {
  constructor(readonly push: boolean, readonly item: number) {}
  check(): boolean {
    return true;
  }
  run(model: Model, real: Real): void {
    try {
      if (this.push) {
        real.producer.push(this.item, { timeout: 0 });
        pushToModel(model, [this.item]);
      } else {
        const item = real.consumer.pop({ timeout: 0 });
        assert.equal(item, model.items[0], "pop");
        popFromModel(model, 1);
      }
    } catch (error) {
      assertError(error, TimeoutError);
      const blocked = this.push
        ? model.items.length === model.capacity
        : model.items.length === 0;
      assert.ok(blocked, "TimeoutError only when full (push) or empty (pop)");
    }
    assertAgree(model, real);
  }
  toString(): string {
    return this.push
      ? `push(${this.item}, { timeout: 0 })`
      : "pop({ timeout: 0 })";
  }
}

class ReserveCommit implements RingCommand {
  constructor(readonly item: number) {}
  check(): boolean {
    return true;
  }
  run(model: Model, real: Real): void {
    const slot = real.producer.reserve();
    assert.equal(slot === null, model.items.length === model.capacity);
    if (slot !== null) {
      slot[0] = this.item;
      if (model.scheme === "sequence") {
        // size counts the claimed position; a consumer still cannot see it.
        assert.equal(real.consumer.size, model.items.length + 1, "claimed");
        if (model.items.length === 0) {
          assert.equal(real.consumer.peek(), null, "not yet visible");
        }
      } else {
        assert.equal(real.consumer.size, model.items.length, "not yet visible");
      }
      real.producer.commit();
      pushToModel(model, [this.item]);
    }
    assertAgree(model, real);
  }
  toString(): string {
    return `reserve()[0] = ${this.item}; commit()`;
  }
}

class PeekRelease implements RingCommand {
  check(): boolean {
    return true;
  }
  run(model: Model, real: Real): void {
    const view = real.consumer.peek();
    assert.equal(view === null, model.items.length === 0);
    if (view !== null) {
      assert.equal(view[0], model.items[0], "peek");
      real.consumer.release();
      popFromModel(model, 1);
    }
    assertAgree(model, real);
  }
  toString(): string {
    return "peek(); release()";
  }
}

/** A handle lets go and a fresh one attaches, re-reading the indices. */
class Reattach implements RingCommand {
  constructor(readonly producer: boolean) {}
  check(): boolean {
    return true;
  }
  run(model: Model, real: Real): void {
    if (this.producer) {
      real.producer.detach();
      real.producer = new Producer<number>(real.sab);
    } else {
      real.consumer.detach();
      real.consumer = new Consumer<number>(real.sab);
    }
    assertAgree(model, real);
  }
  toString(): string {
    return this.producer ? "new Producer()" : "new Consumer()";
  }
}

const int32 = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });

const COMMANDS = [
  int32.map((item) => new TryPush(item)),
  fc.constant(new TryPop()),
  fc.tuple(fc.array(int32, { maxLength: 11 }), fc.boolean()).map(
    ([items, typed]) => new PushMany(items, typed),
  ),
  fc.tuple(fc.nat({ max: 11 }), fc.boolean()).map(
    ([length, typed]) => new PopMany(length, typed),
  ),
  fc.tuple(fc.boolean(), int32).map(([push, item]) =>
    new PushOrPopNow(push, item)
  ),
  int32.map((item) => new ReserveCommit(item)),
  fc.constant(new PeekRelease()),
  fc.boolean().map((producer) => new Reattach(producer)),
];

/**
 * slots in 2..9 and a start: a slot for textbook, often near the wrap for
 * counter (2^30) and sequence (the multiple of slots below 2^31).
 */
function ringOptions(
  scheme: Scheme,
): fc.Arbitrary<{ scheme: Scheme; slots: number; start: number }> {
  return fc.integer({ min: 2, max: 9 }).chain((slots) => {
    const wrap = scheme === "sequence" ? limitOf(slots) : WRAP;
    return (scheme === "textbook" ? fc.nat({ max: slots - 1 }) : fc.oneof(
      fc.constant(0),
      fc.integer({ min: wrap - 3 * slots, max: wrap - 1 }),
      fc.nat({ max: wrap - 1 }),
    )).map((start) => ({ scheme, slots, start }));
  });
}

// The unbounded buffer's operations, as random sequences.
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

Deno.test("Producer and Consumer behave like a FIFO queue bounded by their capacity (fc.commands) or maxBytes", async (t) => {
  await eachEngine(t, RINGS, ({ name: scheme, options: sides }) => {
    assertProperty(
      fc.property(
        ringOptions(scheme),
        fc.commands(COMMANDS, { maxCommands: 80, size: "max" }),
        (options, commands) => {
          const sab = createRing({ ...options, ...sides });
          const real: Real = {
            sab,
            producer: new Producer<number>(sab),
            consumer: new Consumer<number>(sab),
          };
          const model: Model = {
            ...options,
            capacity: scheme === "textbook" ? options.slots - 1 : options.slots,
            items: [],
            pushed: 0,
            popped: 0,
          };
          assert.equal(real.producer.capacity, model.capacity);
          fc.modelRun(() => ({ model, real }), commands);
        },
      ),
      { numRuns: 300 },
    );
  });
  // No capacity: a push is refused (RangeError, or tryPush false) exactly
  // when the free segments and the room left under maxBytes cannot hold it,
  // and then not one byte changed.
  await t.step("unbounded", () => {
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
                else if (op.kind === "push") {
                  pushed = (producer.push(next), true);
                } else if (op.kind === "pushMany") {
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
});
