// A model-based test of the ring's sequential API: fast-check runs random
// command sequences against a real ring and against a plain queue of at
// most `capacity` items, and checks after every command that the two agree
// (FIFO, sizes, full/empty answers, batch counts, and where `in` and `out`
// should be). The concurrent interleavings are the model checker's job.
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  Consumer,
  createRing,
  inspectRing,
  Producer,
  type Scheme,
  TimeoutError,
} from "../mod.ts";
import { assertError, assertProperty, SCHEMES } from "./_helpers.ts";

const WRAP = 2 ** 32;

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
  return model.scheme === "textbook"
    ? (model.start + n) % model.slots
    : (model.start + n) % WRAP;
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
  // Counter scheme: the physical slots start at 0 whatever the counters.
  const base = model.scheme === "textbook" ? model.start : 0;
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
      assert.equal(real.consumer.size, model.items.length, "not yet visible");
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

/** slots in 2..9 and a start: a slot for textbook, often near 2^32 for counter. */
function ringOptions(
  scheme: Scheme,
): fc.Arbitrary<{ scheme: Scheme; slots: number; start: number }> {
  return fc.integer({ min: 2, max: 9 }).chain((slots) =>
    (scheme === "textbook" ? fc.nat({ max: slots - 1 }) : fc.oneof(
      fc.constant(0),
      fc.integer({ min: WRAP - 3 * slots, max: WRAP - 1 }),
      fc.nat({ max: WRAP - 1 }),
    )).map((start) => ({ scheme, slots, start }))
  );
}

Deno.test("Producer and Consumer behave like a bounded FIFO queue (fc.commands)", async (t) => {
  for (const scheme of SCHEMES) {
    await t.step(scheme, () => {
      assertProperty(
        fc.property(
          ringOptions(scheme),
          fc.commands(COMMANDS, { maxCommands: 80, size: "max" }),
          (options, commands) => {
            const sab = createRing(options);
            const real: Real = {
              sab,
              producer: new Producer<number>(sab),
              consumer: new Consumer<number>(sab),
            };
            const model: Model = {
              ...options,
              capacity: scheme === "textbook"
                ? options.slots - 1
                : options.slots,
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
  }
});
