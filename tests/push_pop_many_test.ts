// Batches over every engine: pushMany/popMany across the wrap, into typed
// and plain arrays, through many laps, parts of arrays (start/end), and
// what they refuse.
import assert from "node:assert/strict";
import {
  type BatchOptions,
  Consumer,
  createRing,
  createUnbounded,
  inspectUnbounded,
  type ItemSpec,
  Producer,
  UnboundedConsumer,
  UnboundedProducer,
} from "../mod.ts";
import {
  assertThrowsWith,
  assertUnchanged,
  drain,
  type Image,
  imageOf,
  openRing,
} from "./_helpers.ts";
import { eachEngine, openEngine, RINGS, SEQUENCE } from "./_engines.ts";
import { openMany } from "./_sequence_helpers.ts";
import {
  bytesFor,
  openUnbounded,
  range,
  unboundedImage,
} from "./_unbounded_helpers.ts";

/**
 * A 5-slot ring of `engine` whose `in` and `out` were moved on to `offset`
 * together, so a batch from there wraps past the last slot.
 */
function openAt(
  engine: Parameters<typeof openEngine>[0],
  offset: number,
): ReturnType<typeof openEngine> {
  const handles = openEngine(engine, { slots: 5 });
  for (let i = 0; i < offset; i++) {
    handles.producer.tryPush(-1);
    handles.consumer.tryPop();
  }
  return handles;
}

Deno.test("Producer.pushMany() pushes a prefix and returns how many fit", async (t) => {
  await eachEngine(t, RINGS, (engine) => {
    const { producer, consumer } = openEngine(engine, { slots: 4 });
    const capacity = producer.capacity;
    assert.equal(producer.pushMany([]), 0);
    assert.equal(producer.pushMany([1, 2]), 2);
    assert.equal(producer.pushMany([3, 4, 5, 6, 7]), capacity - 2);
    assert.equal(producer.pushMany([8]), 0);
    assert.deepEqual(drain(consumer), [1, 2, 3, 4, 5, 6].slice(0, capacity));
  });
  // The unbounded buffer has no prefix: a batch fits whole or not at all.
  await t.step("unbounded: all or nothing", async (t) => {
    const maxBytes = bytesFor(3, 4);
    const { sab, producer, consumer } = openUnbounded({
      segmentSlots: 4,
      maxBytes,
    });
    await t.step("too many for maxBytes: RangeError, nothing written", () => {
      producer.push(-1);
      const image = unboundedImage(sab);
      assertThrowsWith(() => producer.pushMany(range(0, 12)), RangeError, [
        `Cannot push items: the unbounded buffer would exceed maxBytes ${maxBytes}`,
      ]);
      assertUnchanged(sab, image);
    });
    await t.step("a bad item: nothing written", () => {
      const image = unboundedImage(sab);
      const items = [...range(0, 9), 0.5];
      assertThrowsWith(() => producer.pushMany(items), RangeError, [
        "items[9] must be an integer",
      ]);
      assertThrowsWith(
        () => producer.pushMany(["x"] as unknown as number[]),
        TypeError,
        ["items[0] must be a number"],
      );
      assertUnchanged(sab, image);
    });
    await t.step("exactly what fits: every item, one publication", () => {
      assert.equal(producer.pushMany(range(0, 11)), 11);
      assert.equal(producer.segments, 3);
      assert.deepEqual(drain(consumer), [-1, ...range(0, 11)]);
    });
    await t.step("not an array-like: TypeError", () => {
      assertThrowsWith(
        () => producer.pushMany(7 as unknown as number[]),
        TypeError,
        ["Cannot push items: items must be an array-like"],
      );
      assert.equal(producer.pushMany([]), 0);
    });
  });
});

Deno.test("Producer.pushMany() copies a typed array of the ring's kind across the wrap", async (t) => {
  await eachEngine(t, RINGS, (engine) => {
    for (let offset = 0; offset < 5; offset++) {
      const { producer, consumer } = openAt(engine, offset);
      const batch = Int32Array.from({ length: 6 }, (_, i) => 10 + i);
      const n = producer.pushMany(batch);
      assert.equal(n, producer.capacity);
      assert.deepEqual(
        drain(consumer),
        [...batch.subarray(0, n)],
        `@${offset}`,
      );
    }
  });
});

Deno.test("Consumer.popMany() fills a typed array or plain array across the wrap", async (t) => {
  await eachEngine(t, RINGS, (engine) => {
    for (let offset = 0; offset < 5; offset++) {
      for (const typed of [true, false]) {
        const { producer, consumer } = openAt(engine, offset);
        const items = [21, 22, 23, 24, 25].slice(0, producer.capacity);
        producer.pushMany(items);
        const target = typed ? new Int32Array(7) : new Array<number>(7).fill(0);
        const n = consumer.popMany(target);
        assert.equal(n, items.length);
        assert.deepEqual(
          [...target],
          [...items, 0, 0, 0, 0, 0, 0, 0].slice(0, 7),
        );
        assert.equal(consumer.size, 0);
      }
    }
  });
  await t.step("sequence, two handles a side", () => {
    const { producers, consumers } = openMany({ slots: 5 });
    assert.equal(producers[0]!.pushMany([1, 2, 3]), 3);
    assert.equal(consumers[0]!.popMany(new Int32Array(2)), 2);
    // Positions 3..7: slots 3, 4, 0, 1, 2.
    assert.equal(producers[1]!.pushMany(new Int32Array([4, 5, 6, 7, 8])), 4);
    const target = new Int32Array(8);
    assert.equal(consumers[1]!.popMany(target), 5);
    assert.deepEqual([...target.subarray(0, 5)], [3, 4, 5, 6, 7]);
    const plain: number[] = [];
    assert.equal(consumers[1]!.popMany(plain), 0);
  });
});

Deno.test("Consumer.popMany() pops at most target.length items and returns 0 when empty", async (t) => {
  await t.step("counter", () => {
    const { producer, consumer } = openRing({ slots: 8, scheme: "counter" });
    const target = new Int32Array(3);
    assert.equal(consumer.popMany(target), 0);
    assert.equal(consumer.popMany(new Int32Array(0)), 0);
    producer.pushMany([1, 2, 3, 4, 5]);
    assert.equal(consumer.popMany(target), 3);
    assert.deepEqual([...target], [1, 2, 3]);
    assert.equal(consumer.size, 2);
    assert.equal(consumer.popMany(target), 2);
    assert.deepEqual([...target.subarray(0, 2)], [4, 5]);
  });
  await t.step("unbounded: into any array-like", () => {
    const { producer, consumer } = openUnbounded({ segmentSlots: 3 });
    producer.pushMany(range(0, 7));
    const plain: number[] = [];
    plain.length = 4;
    assert.equal(consumer.popMany(plain), 4);
    assert.deepEqual(plain, range(0, 4));
    const typed = new Int32Array(8);
    assert.equal(consumer.popMany(typed), 3);
    assert.deepEqual([...typed.subarray(0, 3)], range(4, 7));
    assertThrowsWith(
      () => consumer.popMany(null as unknown as number[]),
      TypeError,
      ["Cannot pop items: target must be an array or typed array"],
    );
  });
});

Deno.test("Consumer.popMany() converts into a typed array of another kind", () => {
  const { producer, consumer } = openRing({ slots: 4 });
  producer.pushMany([1, -2, 3]);
  const target = new Float64Array(3);
  assert.equal(consumer.popMany(target), 3);
  assert.deepEqual([...target], [1, -2, 3]);
});

Deno.test("Producer.pushMany() and Consumer.popMany() refuse arguments that are not array-like", () => {
  const { sab, producer, consumer } = openRing({ slots: 4 });
  producer.tryPush(1);
  const before = imageOf(sab);
  const calls: [(bad: number[]) => number, string][] = [
    [(bad) => producer.pushMany(bad), "Cannot push items: items"],
    [(bad) => consumer.popMany(bad), "Cannot pop items: target"],
  ];
  for (const [call, fragment] of calls) {
    for (const bad of [null, 3, "abc", undefined, {}]) {
      assertThrowsWith(() => call(bad as unknown as number[]), TypeError, [
        fragment,
      ]);
    }
  }
  assertUnchanged(sab, before);
});

Deno.test("Producer.pushMany() and Consumer.popMany() describe a value that is not array-like as other errors do", () => {
  const { producer, consumer } = openRing({ slots: 4 });
  const cases: [unknown, string][] = [
    [{}, "received {}"],
    ["12", 'received "12"'],
    [{ length: "2" }, 'received {"length":"2"}'],
    [7, "received 7"],
  ];
  for (const [bad, received] of cases) {
    assertThrowsWith(
      () => producer.pushMany(bad as number[]),
      TypeError,
      [`Cannot push items: items must be an array-like, ${received}`],
    );
    assertThrowsWith(
      () => consumer.popMany(bad as number[]),
      TypeError,
      [`Cannot pop items: target must be an array or typed array, ${received}`],
    );
  }
});

Deno.test("Consumer.popMany() refuses a target that cannot hold the items and pops nothing", async (t) => {
  const bad: [ItemSpec, unknown, unknown, string][] = [
    [
      "int32",
      1,
      new BigInt64Array(2),
      "target must be an array or a typed array of numbers for int32, received a BigInt64Array",
    ],
    [
      "bigint64",
      1n,
      new Int32Array(2),
      "target must be an array or a typed array of bigints for bigint64, received an Int32Array",
    ],
    [
      { bytes: 2 },
      new Uint8Array([1, 2]),
      new Uint8Array(2),
      "target must be an array for byte records, received a Uint8Array",
    ],
    [
      { struct: { a: "float64" } },
      { a: 1 },
      new Float64Array(2),
      "target must be an array for structs, received a Float64Array",
    ],
    [
      "int32",
      1,
      Object.freeze([0, 0]),
      "target must be a writable array, received a frozen array",
    ],
  ];
  const opens: [
    string,
    (
      item: ItemSpec,
    ) => [
      unknown,
      { tryPush(x: unknown): boolean },
      { popMany(t: unknown, o?: BatchOptions): number; size: number },
    ],
  ][] = [
    ["textbook", (item) => ring({ slots: 4, item })],
    ["counter", (item) => ring({ slots: 4, item, scheme: "counter" })],
    ["sequence", (item) => ring({ slots: 4, item, consumers: "many" })],
    ["unbounded", (item) => {
      const sab = createUnbounded({ item, segmentSlots: 2 });
      return [
        sab,
        new UnboundedProducer<unknown>(sab),
        new UnboundedConsumer<unknown>(sab),
      ];
    }],
  ];
  function ring(options: Parameters<typeof createRing>[0]) {
    const sab = createRing(options);
    return [sab, new Producer<unknown>(sab), new Consumer<unknown>(sab)] as [
      unknown,
      Producer<unknown>,
      Consumer<unknown>,
    ];
  }
  for (const [name, open] of opens) {
    await t.step(name, () => {
      for (const [item, value, target, fragment] of bad) {
        const [, producer, consumer] = open(item);
        producer.tryPush(value);
        producer.tryPush(value);
        producer.tryPush(value);
        assertThrowsWith(() => consumer.popMany(target), TypeError, [
          `Cannot pop items: ${fragment}`,
        ]);
        assert.equal(
          consumer.size,
          3,
          `${JSON.stringify(item)}: nothing popped`,
        );
        // An empty range writes nothing, so nothing is refused.
        assert.equal(consumer.popMany(target, { start: 0, end: 0 }), 0);
        assert.equal(consumer.popMany(Object.freeze([])), 0);
        assert.equal(consumer.popMany(new Array(3)), 3);
      }
    });
  }
});

/** An array of `length` zeros whose element `readOnly` throws when written. */
function trapAt(length: number, readOnly: number): number[] {
  const target = new Array<number>(length).fill(0);
  Object.defineProperty(target, readOnly, { value: 0, writable: false });
  return target;
}

Deno.test("Consumer.popMany() leaves a sequence ring running when the target throws midway", () => {
  const { producer, consumer } = openEngine(SEQUENCE, { slots: 4 });
  producer.pushMany([1, 2, 3]);
  assertThrowsWith(() => consumer.popMany(trapAt(3, 1)), TypeError, [
    "read only",
  ]);
  // The claimed positions were released: every slot takes items again.
  for (let lap = 0; lap < 3; lap++) {
    assert.equal(producer.pushMany([4, 5, 6, 7]), 4);
    assert.deepEqual(drain(consumer), [4, 5, 6, 7]);
  }
});

Deno.test("UnboundedConsumer.popMany() keeps out and the head together when the target throws after a segment", () => {
  const { sab, producer, consumer } = openUnbounded({ segmentSlots: 2 });
  producer.pushMany([1, 2, 3, 4]);
  // Items 1 and 2 fill target[0..1] and their segment is left; 3 goes to
  // target[2]; target[3] throws.
  assertThrowsWith(() => consumer.popMany(trapAt(4, 3)), TypeError, [
    "read only",
  ]);
  assert.equal(consumer.size, 2);
  assert.deepEqual(drain(consumer), [3, 4]);
  producer.pushMany([5, 6, 7]);
  assert.deepEqual(drain(consumer), [5, 6, 7]);
  assert.equal(inspectUnbounded(sab).size, 0);
});

Deno.test("UnboundedProducer.pushMany() publishes nothing of a batch across segments whose item throws when read again", () => {
  const sab = createUnbounded({
    item: { struct: { v: "int32" } },
    segmentSlots: 2,
  });
  const producer = new UnboundedProducer<{ v: number }>(sab);
  const consumer = new UnboundedConsumer<{ v: number }>(sab);
  producer.push({ v: 0 });
  // Read once by the check, then again by the copy, in the third segment.
  let reads = 0;
  const fragile = {
    get v() {
      if (++reads > 1) throw new Error("Getter threw on the second read");
      return 99;
    },
  };
  const batch = [{ v: 1 }, { v: 2 }, { v: 3 }, fragile];
  assertThrowsWith(() => producer.pushMany(batch), Error, ["second read"]);
  producer.push({ v: 5 });
  assert.deepEqual(drain(consumer), [{ v: 0 }, { v: 5 }]);
  // Every segment is in the chain or on the free list, once.
  const { segments, chain, free } = inspectUnbounded(sab);
  assert.deepEqual(
    [...chain, ...free].sort((a, b) => a - b),
    range(0, segments),
  );
  assert.equal(producer.pushMany(range(10, 17).map((v) => ({ v }))), 7);
  assert.deepEqual(drain(consumer).map((item) => item.v), range(10, 17));
});

Deno.test("Producer.pushMany() and Consumer.popMany() run a stream through many laps", async (t) => {
  await eachEngine(t, RINGS, (engine) => {
    const { producer, consumer } = openEngine(engine, { slots: 7 });
    let next = 0;
    const received: number[] = [];
    const target = new Int32Array(4);
    for (let round = 0; round < 50; round++) {
      const batch = Int32Array.from({ length: (round % 5) + 1 }, () => next++);
      const n = producer.pushMany(round % 2 === 0 ? batch : [...batch]);
      next -= batch.length - n;
      const m = consumer.popMany(target);
      received.push(...target.subarray(0, m));
    }
    received.push(...drain(consumer));
    assert.deepEqual(
      received,
      Array.from({ length: next }, (_, i) => i),
    );
  });
});

/** The batch calls of a producer and a consumer, bounded or not. */
interface Batches {
  sab: SharedArrayBuffer;
  producer: {
    pushMany(items: ArrayLike<number>, options?: BatchOptions): number;
    readonly size: number;
  };
  consumer: {
    popMany(target: number[] | Int32Array, options?: BatchOptions): number;
    tryPop(): number | undefined;
  };
  /** Captures the whole shared state, for `assertUnchanged()`. */
  image(): Image<unknown>;
}

/**
 * Runs `body` over every engine, the unbounded buffer (segments of `slots`
 * slots) included, one step each; `open` makes a fresh one.
 */
async function eachBatchEngine(
  t: Deno.TestContext,
  slots: number,
  body: (open: () => Batches) => void,
): Promise<void> {
  await eachEngine(t, RINGS, (engine) =>
    body(() => {
      const opened = openEngine(engine, { slots });
      return { ...opened, image: () => imageOf<unknown>(opened.sab) };
    }));
  await t.step("unbounded", () =>
    body(() => {
      const opened = openUnbounded({ segmentSlots: slots });
      return {
        ...opened,
        image: () => unboundedImage(opened.sab) as Image<unknown>,
      };
    }));
}

Deno.test("Producer.pushMany() pushes only items[start] to items[end - 1]", async (t) => {
  await eachBatchEngine(t, 8, (open) => {
    for (const typed of [true, false]) {
      const { producer, consumer } = open();
      const items = typed ? Int32Array.from(range(0, 10)) : range(0, 10);
      assert.equal(producer.pushMany(items, { start: 2, end: 5 }), 3);
      assert.equal(producer.pushMany(items, { start: 8 }), 2);
      assert.equal(producer.pushMany(items, { end: 1 }), 1);
      assert.equal(producer.pushMany(items, { start: 4, end: 4 }), 0);
      assert.equal(producer.pushMany(items, { start: 10 }), 0);
      assert.equal(producer.pushMany(items.slice(0, 1), {}), 1);
      assert.deepEqual(
        drain(consumer),
        [2, 3, 4, 8, 9, 0, 0],
        `typed ${typed}`,
      );
    }
  });
});

Deno.test("Consumer.popMany() fills only target[start] to target[end - 1]", async (t) => {
  await eachBatchEngine(t, 8, (open) => {
    for (const typed of [true, false]) {
      const { producer, consumer } = open();
      producer.pushMany(range(1, 7));
      const target = typed ? new Int32Array(10) : new Array<number>(10).fill(0);
      assert.equal(consumer.popMany(target, { start: 7, end: 9 }), 2);
      assert.equal(consumer.popMany(target, { start: 3, end: 3 }), 0);
      assert.equal(consumer.popMany(target, { end: 1 }), 1);
      assert.equal(consumer.popMany(target, { start: 10 }), 0);
      // Fewer items than room: a prefix of the range.
      assert.equal(consumer.popMany(target, { start: 2 }), 3);
      assert.equal(consumer.popMany(target, { start: 1 }), 0);
      assert.deepEqual(
        [...target],
        [3, 0, 4, 5, 6, 0, 0, 1, 2, 0],
        `typed ${typed}`,
      );
    }
  });
});

Deno.test("Producer.pushMany() with a range pushes what fits when the ring has less room", async (t) => {
  await eachEngine(t, RINGS, (engine) => {
    for (let offset = 0; offset < 5; offset++) {
      for (const typed of [true, false]) {
        const { producer, consumer } = openAt(engine, offset);
        producer.tryPush(100);
        const room = producer.capacity - 1;
        const items = typed ? Int32Array.from(range(0, 12)) : range(0, 12);
        assert.equal(producer.pushMany(items, { start: 3, end: 11 }), room);
        assert.equal(producer.pushMany(items, { start: 3 + room }), 0);
        const target = new Int32Array(12);
        assert.equal(consumer.popMany(target, { start: 2, end: 4 }), 2);
        assert.equal(producer.pushMany(items, { start: 3 + room }), 2);
        // The rest of the first push and the second: a full ring.
        assert.equal(consumer.popMany(target, { start: 4 }), room + 1);
        assert.deepEqual(
          [...target.subarray(2, 5 + room)],
          [100, ...range(3, 3 + room + 2)],
          `@${offset}, typed ${typed}`,
        );
      }
    }
  });
});

Deno.test("Producer.pushMany() and Consumer.popMany() refuse a bad range and change nothing", async (t) => {
  await eachBatchEngine(t, 4, (open) => {
    const { sab, producer, consumer, image } = open();
    producer.pushMany([1, 2]);
    const before = image();
    const items = new Int32Array(10);
    const target = new Int32Array(10);
    const cases: [BatchOptions, ErrorConstructor, string][] = [
      [
        { start: 11 },
        RangeError,
        "start must be an integer in [0, 10], received 11",
      ],
      [
        { start: -1 },
        RangeError,
        "start must be an integer in [0, 10], received -1",
      ],
      [
        { start: 1.5 },
        RangeError,
        "start must be an integer in [0, 10], received 1.5",
      ],
      [
        { start: NaN },
        RangeError,
        "start must be an integer in [0, 10], received NaN",
      ],
      [
        { end: 11 },
        RangeError,
        "end must be an integer in [0, 10], received 11",
      ],
      [
        { start: 4, end: 3 },
        RangeError,
        "end must be an integer in [4, 10], received 3",
      ],
      [
        { end: Infinity },
        RangeError,
        "end must be an integer in [0, 10], received Infinity",
      ],
      [
        { start: "1" } as unknown as BatchOptions,
        TypeError,
        'start must be an integer in [0, 10], received "1"',
      ],
      [
        { end: null } as unknown as BatchOptions,
        TypeError,
        "end must be an integer in [0, 10], received null",
      ],
      [
        3 as unknown as BatchOptions,
        TypeError,
        "options must be an object, received 3",
      ],
      [
        null as unknown as BatchOptions,
        TypeError,
        "options must be an object, received null",
      ],
    ];
    for (const [options, Class, message] of cases) {
      assertThrowsWith(() => producer.pushMany(items, options), Class, [
        `Cannot push items: ${message}`,
      ]);
      assertThrowsWith(() => consumer.popMany(target, options), Class, [
        `Cannot pop items: ${message}`,
      ]);
    }
    assertThrowsWith(
      () => producer.pushMany(7 as unknown as number[], { start: 0 }),
      TypeError,
      ["Cannot push items: items must be an array-like, received 7"],
    );
    assertUnchanged(sab, before);
    assert.deepEqual([...target], new Array(10).fill(0));
  });
});

Deno.test("Producer.pushMany() with a range checks only the items in it, naming their index", async (t) => {
  await eachBatchEngine(t, 8, (open) => {
    const { sab, producer, consumer, image } = open();
    const items = [0.5, 1, 2, "x", 4] as unknown as number[];
    const before = image();
    assertThrowsWith(
      () => producer.pushMany(items, { start: 1 }),
      TypeError,
      ["Cannot push item", "items[3] must be a number"],
    );
    assertUnchanged(sab, before);
    assert.equal(producer.pushMany(items, { start: 1, end: 3 }), 2);
    assert.deepEqual(drain(consumer), [1, 2]);
  });
});

Deno.test("Producer.pushMany() and Consumer.popMany() with ranges move one array into another through many laps", async (t) => {
  await eachBatchEngine(t, 7, (open) => {
    for (const typed of [true, false]) {
      const { producer, consumer } = open();
      const count = 200;
      const source = typed ? Int32Array.from(range(0, count)) : range(0, count);
      const sink = typed ? new Int32Array(count) : new Array<number>(count);
      let sent = 0;
      let received = 0;
      for (let round = 0; received < count; round++) {
        const batch = (round % 5) + 1;
        sent += producer.pushMany(source, {
          start: sent,
          end: Math.min(sent + batch, count),
        });
        received += consumer.popMany(sink, {
          start: received,
          end: Math.min(received + (round % 3) + 2, count),
        });
      }
      assert.equal(sent, count);
      assert.deepEqual([...sink], range(0, count), `typed ${typed}`);
    }
  });
});

Deno.test("Producer.pushMany() and Consumer.popMany() copy long ranges of typed arrays across the wrap", async (t) => {
  // 50 items: copied in by a loop, out by TypedArray.set of two views;
  // 100: both ways by TypedArray.set of two views (copyIn's COPY_SET_MIN).
  await eachBatchEngine(t, 128, (open) => {
    for (const length of [50, 100]) {
      for (const offset of [0, 40, 127]) {
        const { producer, consumer } = open();
        const filler = new Int32Array(offset);
        producer.pushMany(filler);
        consumer.popMany(filler);
        const source = Int32Array.from(range(0, 200));
        assert.equal(
          producer.pushMany(source, { start: 7, end: 7 + length }),
          length,
        );
        const target = new Int32Array(200);
        assert.equal(
          consumer.popMany(target, { start: 60, end: 60 + length + 5 }),
          length,
        );
        assert.deepEqual(
          [...target.subarray(59, 61 + length)],
          [0, ...range(7, 7 + length), 0],
          `${length} @${offset}`,
        );
      }
    }
  });
});

Deno.test("Producer.pushMany() and Consumer.popMany() read each bound once", async (t) => {
  await eachBatchEngine(t, 8, (open) => {
    const { producer, consumer } = open();
    // A getter that would widen the range after it was checked.
    const shifty = (first: number, later: number) => {
      let reads = 0;
      return {
        get start() {
          return 0;
        },
        get end() {
          return reads++ === 0 ? first : later;
        },
      };
    };
    assert.equal(producer.pushMany([1, 2, 3, 4], shifty(2, 4)), 2);
    const target = [0, 0, 0, 0];
    assert.equal(consumer.popMany(target, shifty(1, 4)), 1);
    assert.deepEqual(target, [1, 0, 0, 0]);
    assert.equal(producer.size, 1);
  });
});

Deno.test("Consumer.popMany() reads the right slots when earlier batches covered other ranges", async (t) => {
  // copyOut keeps views of slot ranges: ranges that share a cache entry
  // (same length, other start; other length, same start) must not be
  // served the wrong view.
  await eachBatchEngine(t, 256, (open) => {
    const { producer, consumer } = open();
    const target = new Int32Array(256);
    let next = 0;
    for (const count of [64, 64, 64, 128, 40, 64, 64, 100, 64, 33]) {
      const source = Int32Array.from(range(next, next + count));
      assert.equal(producer.pushMany(source), count);
      assert.equal(consumer.popMany(target, { end: count }), count);
      assert.deepEqual([...target.subarray(0, count)], [...source]);
      next += count;
    }
  });
});
