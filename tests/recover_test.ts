// recoverRing()/recoverUnbounded(): a handle abandoned mid-protocol (the
// way a dead Worker leaves it) is recovered, and the stream goes on with
// every published item delivered exactly once.
import assert from "node:assert/strict";
import {
  AlreadyAttachedError,
  ClosedError,
  closeRing,
  Consumer,
  createRing,
  createUnbounded,
  inspectRing,
  Producer,
  recoverRing,
  recoverUnbounded,
  StalledError,
  TimeoutError,
  UnboundedConsumer,
  UnboundedProducer,
} from "../mod.ts";
import { assertThrowsWith, drain, SCHEMES } from "./_helpers.ts";
import {
  COUNTER_LIMIT,
  INDEX_MASK,
  W_CONSUMER_WAITING,
  W_IN,
  W_IN_BASE,
  W_OUT,
  W_OUT_BASE,
  W_PRODUCER_WAITING,
} from "../src/_shm/layout.ts";

const MANY = { producers: "many", consumers: "many" } as const;

/** A struct item whose field `v` can be read `reads` times, then throws. */
function fragile(v: number, reads: number): { v: number } {
  let left = reads;
  return {
    get v() {
      if (left-- <= 0) throw new Error("worker died mid-push");
      return v;
    },
  };
}

Deno.test("recoverRing() releases a dead producer's lock so a replacement continues the stream", () => {
  for (const scheme of SCHEMES) {
    const sab = createRing({ slots: 4, item: "int32", scheme });
    const consumer = new Consumer<number>(sab);
    const dead = new Producer<number>(sab);
    assert.ok(dead.tryPush(1));
    assert.ok(dead.tryPush(2));
    assert.notEqual(dead.reserve(), null); // written, never committed
    assertThrowsWith(() => new Producer(sab), AlreadyAttachedError);
    const recovery = recoverRing(sab, { handle: dead.id });
    assert.deepEqual(recovery, {
      released: true,
      role: "producer",
      skipped: 0,
      freed: 0,
      reclaimed: 0,
    });
    const next = new Producer<number>(sab);
    assert.ok(next.tryPush(3));
    assert.deepEqual(drain(consumer), [1, 2, 3], scheme);
  }
});

/**
 * What a counter-scheme handle leaves when it dies after the plain store of
 * a move of `n` and before the `Atomics.add` of its counter (`spsc.ts`): its
 * base moved if the slot wrapped, its counter not. Its slot word is what
 * the side's last detach left (a handle stores it only then).
 */
function tearMove(sab: SharedArrayBuffer, side: "in" | "out", n: number) {
  const words = new Int32Array(sab, 0, 48);
  const [counter, base] = side === "in"
    ? [W_IN, W_IN_BASE]
    : [W_OUT, W_OUT_BASE];
  const snapshot = inspectRing(sab);
  const slots = snapshot.slots;
  const slot = (side === "in" ? snapshot.inSlot : snapshot.outSlot) + n;
  if (slot >= slots) {
    const from = words[counter]! & INDEX_MASK;
    words[base] = (from + n - (slot - slots)) % COUNTER_LIMIT;
  }
}

Deno.test("recoverRing() repairs a counter-scheme handle that died before detaching, also between its base and counter stores", () => {
  for (const slots of [2, 3, 5]) {
    for (const start of [0, 2 ** 30 - 2]) {
      for (let before = 0; before < slots; before++) {
        for (let n = 1; n <= slots; n++) {
          const at = `slots ${slots}, start ${start}, ${before} then ${n}`;
          const values = Array.from({ length: slots }, (_, i) => 10 + i);
          // Producer: its torn move wrote items it never published.
          let sab = createRing({
            slots,
            item: "int32",
            scheme: "counter",
            start,
          });
          let consumer = new Consumer<number>(sab);
          const dead = new Producer<number>(sab);
          for (let i = 0; i < before; i++) dead.tryPush(i);
          assert.equal(drain(consumer).length, before, at);
          tearMove(sab, "in", n);
          assertThrowsWith(() => new Producer(sab), AlreadyAttachedError);
          recoverRing(sab, { handle: dead.id });
          assert.equal(new Producer<number>(sab).pushMany(values), slots, at);
          assert.deepEqual(drain(consumer), values, at);
          // Consumer: the items of its torn move are delivered again.
          sab = createRing({ slots, item: "int32", scheme: "counter", start });
          const producer = new Producer<number>(sab);
          const deadConsumer = new Consumer<number>(sab);
          for (let i = 0; i < before; i++) producer.tryPush(i);
          assert.equal(drain(deadConsumer).length, before, at);
          assert.equal(producer.pushMany(values), slots, at);
          tearMove(sab, "out", n);
          recoverRing(sab, { handle: deadConsumer.id });
          consumer = new Consumer<number>(sab);
          assert.deepEqual(drain(consumer), values, at);
        }
      }
    }
  }
});

Deno.test("recoverRing() releases a dead consumer's lock; an item it peeked and never released is delivered again", () => {
  for (const scheme of SCHEMES) {
    const sab = createRing({ slots: 4, item: "int32", scheme });
    const producer = new Producer<number>(sab);
    const dead = new Consumer<number>(sab);
    for (const v of [1, 2, 3]) assert.ok(producer.tryPush(v));
    assert.equal(dead.tryPop(), 1);
    assert.equal(dead.peek()?.[0], 2);
    assert.equal(recoverRing(sab, { handle: dead.id }).role, "consumer");
    assert.deepEqual(drain(new Consumer<number>(sab)), [2, 3], scheme);
  }
});

Deno.test("recoverRing() skips the position a dead producer reserved, so consumers pass the hole", () => {
  const sab = createRing({ slots: 8, item: "int32", ...MANY });
  const consumer = new Consumer<number>(sab);
  const dead = new Producer<number>(sab);
  const live = new Producer<number>(sab);
  assert.ok(dead.tryPush(1));
  assert.notEqual(dead.reserve(), null);
  assert.ok(live.tryPush(2));
  assert.ok(live.tryPush(3));
  assert.equal(consumer.tryPop(), 1);
  assert.equal(consumer.tryPop(), undefined); // the hole holds everyone up
  assert.equal(inspectRing(sab).sequence?.producerHandles, 2);
  const recovery = recoverRing(sab, { handle: dead.id });
  assert.deepEqual(recovery, {
    released: true,
    role: "producer",
    skipped: 1,
    freed: 0,
    reclaimed: 0,
  });
  assert.equal(inspectRing(sab).sequence?.producerHandles, 1);
  assert.deepEqual(drain(consumer), [2, 3]);
  // The ring goes on: a replacement and the survivor keep pushing.
  const replacement = new Producer<number>(sab);
  for (let i = 0; i < 20; i++) {
    assert.ok((i % 2 ? live : replacement).tryPush(100 + i));
    assert.equal(consumer.tryPop(), 100 + i);
  }
});

Deno.test("recoverRing() finds nothing to skip of a push whose item getter threw after the claim, on every side configuration", () => {
  for (
    const sides of [
      {},
      { producers: "many" },
      { consumers: "many" },
      MANY,
    ] as const
  ) {
    const sab = createRing({
      slots: 4,
      item: { struct: { v: "int32" } },
      scheme: "sequence",
      ...sides,
    });
    const consumer = new Consumer<{ v: number }>(sab);
    const dead = new Producer<{ v: number }>(sab);
    assert.ok(dead.tryPush({ v: 1 }));
    // The check reads `v` once; the write's read throws, after the claim,
    // and the push gives the position up (a skip) on its way out.
    assert.throws(() => dead.tryPush(fragile(2, 1)), /worker died mid-push/);
    assert.deepEqual(drain(consumer), [{ v: 1 }]);
    const recovery = recoverRing(sab, { handle: dead.id });
    assert.equal(recovery.skipped, 0, JSON.stringify(sides));
    const next = new Producer<{ v: number }>(sab);
    assert.ok(next.tryPush({ v: 3 }));
    assert.deepEqual(drain(consumer), [{ v: 3 }]);
  }
});

Deno.test("Producer.tryPush() on a sequence ring gives the position up when its item getter throws, so the stream goes on", () => {
  const sab = createRing({
    slots: 4,
    item: { struct: { v: "int32" } },
    ...MANY,
  });
  const consumer = new Consumer<{ v: number }>(sab);
  const producer = new Producer<{ v: number }>(sab);
  assert.throws(() => producer.tryPush(fragile(2, 1)), /worker died mid-push/);
  // The same live producer goes on, and no consumer stops at the skip.
  for (let v = 3; v < 12; v++) {
    assert.ok(producer.tryPush({ v }));
    assert.deepEqual(consumer.tryPop(), { v });
  }
});

Deno.test("Producer.pushMany() on a sequence ring gives up every position of a batch whose copy threw midway", () => {
  const sab = createRing({
    slots: 8,
    item: { struct: { v: "int32" } },
    ...MANY,
  });
  const consumer = new Consumer<{ v: number }>(sab);
  const dead = new Producer<{ v: number }>(sab);
  const items = [{ v: 1 }, { v: 2 }, fragile(3, 1), { v: 4 }];
  assert.throws(() => dead.pushMany(items), /worker died mid-push/);
  const live = new Producer<{ v: number }>(sab);
  assert.ok(live.tryPush({ v: 5 }));
  // The batch was claimed with one compareExchange and given up whole:
  // none of it is delivered, and recovery finds nothing left to skip.
  assert.deepEqual(drain(consumer), [{ v: 5 }]);
  assert.equal(recoverRing(sab, { handle: dead.id }).skipped, 0);
});

Deno.test("recoverRing() releases the items a dead sequence consumer claimed, so producers get their slots back", () => {
  const sab = createRing({ slots: 4, item: "int32", ...MANY });
  const producer = new Producer<number>(sab);
  const dead = new Consumer<number>(sab);
  const live = new Consumer<number>(sab);
  for (const v of [1, 2, 3, 4]) assert.ok(producer.tryPush(v));
  assert.equal(dead.peek()?.[0], 1); // claimed, never released
  assert.equal(live.tryPop(), 2);
  // Position 4 needs slot 0, which the dead consumer still holds.
  assert.equal(producer.tryPush(5), false);
  const recovery = recoverRing(sab, { handle: dead.id });
  assert.deepEqual(recovery, {
    released: true,
    role: "consumer",
    skipped: 0,
    freed: 1,
    reclaimed: 0,
  });
  assert.ok(producer.tryPush(5));
  assert.ok(producer.tryPush(6));
  assert.deepEqual(drain(live), [3, 4, 5, 6]);
});

Deno.test("recoverRing() frees nothing of a batch a dead consumer claimed when its target threw", () => {
  const sab = createRing({ slots: 8, item: "int32", ...MANY });
  const producer = new Producer<number>(sab);
  const dead = new Consumer<number>(sab);
  for (let v = 1; v <= 8; v++) assert.ok(producer.tryPush(v));
  const target = new Proxy([0, 0, 0], {
    set(array, key, value) {
      if (key === "1") throw new Error("worker died mid-pop");
      return Reflect.set(array, key, value);
    },
  });
  assert.throws(() => dead.popMany(target), /worker died mid-pop/);
  // The throw released the claimed batch on its way out (the Worker it
  // kills is dead only after that), so its slots are free already.
  assert.ok(producer.tryPush(9));
  assert.equal(recoverRing(sab, { handle: dead.id }).freed, 0);
  // Items 1..3 went to the dead consumer; the rest are delivered once.
  assert.deepEqual(drain(new Consumer<number>(sab)), [4, 5, 6, 7, 8, 9]);
});

Deno.test("recoverRing() lets a closed sequence ring drain past a dead producer's hole", () => {
  const sab = createRing({ slots: 4, item: "int32", ...MANY });
  const consumer = new Consumer<number>(sab);
  const dead = new Producer<number>(sab);
  const live = new Producer<number>(sab);
  assert.notEqual(dead.reserve(), null);
  assert.ok(live.tryPush(7));
  closeRing(sab);
  assert.throws(() => consumer.pop({ timeout: 1 }), /stayed empty/);
  recoverRing(sab, { handle: dead.id });
  assert.equal(consumer.pop(), 7);
  assert.throws(() => consumer.pop(), ClosedError);
});

Deno.test("recoverRing() twice, or for a handle that detached, releases nothing", () => {
  const sab = createRing({ slots: 4, item: "int32", ...MANY });
  const dead = new Producer<number>(sab);
  assert.notEqual(dead.reserve(), null);
  assert.equal(recoverRing(sab, { handle: dead.id }).skipped, 1);
  const again = recoverRing(sab, { handle: dead.id });
  assert.deepEqual(again, {
    released: false,
    role: undefined,
    skipped: 0,
    freed: 0,
    reclaimed: 0,
  });
  const gone = new Consumer<number>(sab);
  gone.detach();
  assert.equal(recoverRing(sab, { handle: gone.id }).released, false);
});

Deno.test("recoverRing() of a sequence handle that detached leaves the handle count, the futex epochs and the ring open", () => {
  const sab = createRing({ slots: 4, item: "int32", ...MANY });
  // Handle 1 detaches while handle 2 stays: the producers' count is 1, the
  // detached handle's id.
  const gone = new Producer<number>(sab);
  const live = new Producer<number>(sab);
  gone.detach();
  const consumer = new Consumer<number>(sab);
  assert.equal(recoverRing(sab, { handle: gone.id }).released, false);
  assert.equal(inspectRing(sab).sequence?.producerHandles, 1);
  // The futex words are still odd epochs: none reads as a close's mark, so
  // a later recovery (which finishes a close it finds begun) leaves the ring
  // open.
  const words = new Int32Array(sab);
  assert.equal(Atomics.load(words, W_PRODUCER_WAITING) & 1, 1);
  assert.equal(Atomics.load(words, W_CONSUMER_WAITING) & 1, 1);
  recoverRing(sab, { handle: gone.id });
  assert.equal(inspectRing(sab).closed, false);
  live.push(7);
  assert.equal(consumer.pop(), 7);
});

Deno.test("recoverRing() of a handle that was alive after all: its detach leaves the replacement's lock", () => {
  for (const scheme of ["textbook", "sequence"] as const) {
    const sab = createRing({ slots: 4, item: "int32", scheme });
    const stale = new Producer<number>(sab);
    recoverRing(sab, { handle: stale.id });
    const replacement = new Producer<number>(sab);
    stale.detach();
    assertThrowsWith(() => new Producer(sab), AlreadyAttachedError);
    assert.equal(inspectRing(sab).producerAttached, true);
    replacement.detach();
    assert.equal(inspectRing(sab).producerAttached, false);
  }
});

Deno.test("Producer.id and Consumer.id are distinct positive integers per ring", () => {
  const sab = createRing({ slots: 4, ...MANY });
  const ids = new Set<number>();
  for (let i = 0; i < 200; i++) {
    const handle = i % 2 ? new Producer(sab) : new Consumer(sab);
    assert.ok(Number.isInteger(handle.id) && handle.id > 0);
    ids.add(handle.id);
    handle.detach(); // frees its record for the next
  }
  assert.equal(ids.size, 200);
});

Deno.test("Producer refuses to attach past the 64 handle records of a sequence ring", () => {
  const sab = createRing({ slots: 4, ...MANY });
  const handles = [];
  for (let i = 0; i < 64; i++) handles.push(new Producer(sab));
  assertThrowsWith(() => new Consumer(sab), RangeError, [
    "Cannot attach consumer: the ring already has 64 live handles",
  ]);
  assert.equal(inspectRing(sab).sequence?.consumerHandles, 0);
  handles.pop()!.detach();
  new Consumer(sab);
});

Deno.test("recoverRing() refuses what is not a ring or not a handle id", () => {
  const sab = createRing({ slots: 4 });
  assertThrowsWith(
    () => recoverRing(new ArrayBuffer(8) as never, { handle: 1 }),
    TypeError,
    ["Cannot recover ring: buffer must be a SharedArrayBuffer"],
  );
  assertThrowsWith(
    () => recoverRing(sab, { handle: "1" as never }),
    TypeError,
    [
      'Cannot recover ring: handle must be a number (a handle\'s id), received "1"',
    ],
  );
  assertThrowsWith(() => recoverRing(sab, null as never), TypeError, [
    "Cannot recover ring: options must be an object",
  ]);
  for (const handle of [0, -1, 1.5, 2 ** 31]) {
    assertThrowsWith(() => recoverRing(sab, { handle }), RangeError, [
      `Cannot recover ring: handle must be an integer in [1, 2^31 - 1], received ${handle}`,
    ]);
  }
  assertThrowsWith(
    () => recoverUnbounded(sab, { handle: 1 }),
    TypeError,
    ["Cannot recover unbounded buffer"],
  );
});

Deno.test("recoverRing() twice on a sequence ring leaves the other handles' count alone", () => {
  // Ids and counts are both small integers: a second recovery (a supervisor
  // resuming one that died) used to compare the id with the side's count
  // and zero it when they happened to be equal.
  const sab = createRing({ slots: 4, scheme: "sequence", ...MANY });
  new Consumer<number>(sab);
  const dead = new Producer<number>(sab);
  new Producer<number>(sab);
  new Producer<number>(sab);
  assert.equal(dead.id, 2);
  assert.equal(recoverRing(sab, { handle: dead.id }).released, true);
  assert.equal(inspectRing(sab).sequence!.producerHandles, 2);
  assert.deepEqual(recoverRing(sab, { handle: dead.id }), {
    released: false,
    role: undefined,
    skipped: 0,
    freed: 0,
    reclaimed: 0,
  });
  assert.equal(inspectRing(sab).sequence!.producerHandles, 2);
});

Deno.test("recoverRing() and recoverUnbounded() by role release a side of one handle whose id never came", () => {
  for (const scheme of SCHEMES) {
    const sab = createRing({ slots: 4, scheme });
    // Nobody holds the lock: nothing to release.
    assert.equal(recoverRing(sab, { role: "producer" }).released, false);
    new Producer<number>(sab); // its Worker died before sending the id
    new Consumer<number>(sab); // likewise
    assert.equal(recoverRing(sab, { role: "producer" }).role, "producer");
    assert.equal(recoverRing(sab, { role: "consumer" }).role, "consumer");
    new Producer<number>(sab).tryPush(1);
    assert.equal(new Consumer<number>(sab).tryPop(), 1);
  }
  const one = createRing({ slots: 4, scheme: "sequence", consumers: "many" });
  new Producer<number>(one);
  assert.equal(recoverRing(one, { role: "producer" }).role, "producer");
  new Producer<number>(one);
  // A side of many: its lock word counts handles and names none.
  assertThrowsWith(() => recoverRing(one, { role: "consumer" }), RangeError, [
    "Cannot recover ring: the consumers side accepts many handles, so its lock names none: give the dead handle's id",
  ]);
  assertThrowsWith(
    () => recoverRing(one, { role: "producer", handle: 1 }),
    TypeError,
    ["Cannot recover ring: give handle or role, not both"],
  );
  assertThrowsWith(
    () => recoverRing(one, { role: "both" as never }),
    TypeError,
    ['Cannot recover ring: role must be "producer" or "consumer", received "both"'],
  );
  const buffer = createUnbounded({ item: "int32" });
  new UnboundedConsumer<number>(buffer);
  assert.equal(recoverUnbounded(buffer, { role: "consumer" }).released, true);
  new UnboundedConsumer<number>(buffer);
});

Deno.test("recoverUnbounded() releases a dead producer's or consumer's lock; the stream goes on", () => {
  const sab = createUnbounded({ item: "int32", segmentSlots: 4 });
  const consumer = new UnboundedConsumer<number>(sab);
  const dead = new UnboundedProducer<number>(sab);
  for (let v = 0; v < 10; v++) assert.ok(dead.tryPush(v)); // grows
  assertThrowsWith(() => new UnboundedProducer(sab), AlreadyAttachedError);
  assert.equal(recoverUnbounded(sab, { handle: dead.id }).role, "producer");
  const producer = new UnboundedProducer<number>(sab);
  for (let v = 10; v < 20; v++) assert.ok(producer.tryPush(v));
  const popped = [consumer.tryPop(), consumer.tryPop()];
  assert.equal(consumer.peek()?.[0], 2); // then the consumer dies
  assert.equal(recoverUnbounded(sab, { handle: consumer.id }).role, "consumer");
  const rest = drain(new UnboundedConsumer<number>(sab));
  assert.deepEqual(
    [...popped, ...rest],
    Array.from({ length: 20 }, (_, i) => i),
  );
});

/** Asserts `error` is a StalledError at `position` naming `handle`. */
function assertStalled(error: unknown, position: number, handle: number) {
  assert.ok(error instanceof StalledError, String(error));
  assert.equal(error.position, position);
  assert.equal(error.handle, handle);
  assert.match(
    error.message,
    new RegExp(
      `^Cannot pop item: position ${position} was claimed by producer ${handle} and not published for 5 ms$`,
    ),
  );
}

Deno.test("Consumer.pop() with a stallTimeout throws StalledError naming the hole and its producer", () => {
  const sab = createRing({ slots: 4, item: "int32", ...MANY });
  const consumer = new Consumer<number>(sab);
  const live = new Producer<number>(sab);
  const dead = new Producer<number>(sab);
  assert.ok(live.tryPush(1));
  assert.notEqual(dead.reserve(), null); // position 1
  assert.ok(live.tryPush(2));
  assert.equal(consumer.pop({ stallTimeout: 5 }), 1);
  let caught: unknown;
  try {
    consumer.pop({ stallTimeout: 5 });
  } catch (error) {
    caught = error;
  }
  assertStalled(caught, 1, dead.id);
  recoverRing(sab, {
    handle: caught instanceof StalledError ? caught.handle : 0,
  });
  assert.equal(consumer.pop({ stallTimeout: 5 }), 2);
});

Deno.test("Consumer.popAsync() with a stallTimeout rejects with StalledError, also once the ring is closed", async () => {
  const sab = createRing({ slots: 4, item: "int32", ...MANY });
  const consumer = new Consumer<number>(sab);
  const dead = new Producer<number>(sab);
  assert.notEqual(dead.reserve(), null);
  new Producer<number>(sab).tryPush(9);
  closeRing(sab);
  const error = await consumer.popAsync({ stallTimeout: 5 }).catch((e) => e);
  assertStalled(error, 0, dead.id);
  recoverRing(sab, { handle: dead.id });
  assert.equal(await consumer.popAsync({ stallTimeout: 5 }), 9);
  await assert.rejects(consumer.popAsync(), ClosedError);
});

Deno.test("Consumer.pop() without a stallTimeout, or on an empty ring, waits out its timeout instead", () => {
  const sab = createRing({ slots: 4, item: "int32", ...MANY });
  const consumer = new Consumer<number>(sab);
  // Empty, not stuck: no hole, so the stall timeout never fires.
  assertThrowsWith(
    () => consumer.pop({ timeout: 20, stallTimeout: 0 }),
    TimeoutError,
  );
  new Producer<number>(sab).reserve();
  assertThrowsWith(() => consumer.pop({ timeout: 20 }), TimeoutError);
  const { consumer: plain } = {
    consumer: new Consumer<number>(createRing({ slots: 4, item: "int32" })),
  };
  assertThrowsWith(
    () => plain.pop({ timeout: 5, stallTimeout: 0 }),
    TimeoutError,
  );
});

Deno.test("Consumer.pop() refuses a stallTimeout that is not a number of milliseconds", () => {
  const consumer = new Consumer(createRing({ slots: 4, ...MANY }));
  assertThrowsWith(
    () => consumer.pop({ stallTimeout: "1" as never }),
    TypeError,
    [
      'Cannot pop item: stallTimeout must be a number of milliseconds, received "1"',
    ],
  );
  assertThrowsWith(() => consumer.pop({ stallTimeout: -1 }), RangeError, [
    "Cannot pop item: stallTimeout must be >= 0 milliseconds, received -1",
  ]);
});
