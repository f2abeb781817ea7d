// A push racing a close from another thread (issue 11): the push either is
// delivered or throws ClosedError, never returns true for an item nobody
// pops. Reproduced deterministically: the item's getter, read by the push
// after its closed check, closes the buffer and lets the consumer conclude
// "closed and drained" before the push publishes.
import assert from "node:assert/strict";
import {
  ClosedError,
  closeRing,
  closeUnbounded,
  Consumer,
  createRing,
  createUnbounded,
  Producer,
  UnboundedConsumer,
  UnboundedProducer,
} from "../mod.ts";
import { assertThrowsWith } from "./_helpers.ts";

const ITEM = { struct: { value: "int32" } } as const;

interface Kind {
  readonly name: string;
  readonly noun: string;
  open(): {
    producer: { tryPush(item: unknown): boolean; push(item: unknown): void };
    pushMany(items: unknown[]): number;
    pop(): unknown;
    close(): void;
  };
}

function ring(scheme: "textbook" | "counter" | "sequence"): Kind {
  return {
    name: scheme,
    noun: "ring",
    open() {
      const many = scheme === "sequence" ? "many" : "one";
      const sab = createRing({
        slots: 4,
        item: ITEM,
        scheme,
        producers: many,
        consumers: many,
      });
      const producer = new Producer(sab);
      const consumer = new Consumer(sab);
      return {
        producer: producer as never,
        pushMany: (items) => producer.pushMany(items as never),
        pop: () => consumer.pop({ timeout: 1_000 }),
        close: () => closeRing(sab),
      };
    },
  };
}

const KINDS: readonly Kind[] = [
  ring("textbook"),
  ring("counter"),
  ring("sequence"),
  {
    name: "unbounded",
    noun: "buffer",
    open() {
      const sab = createUnbounded({ item: ITEM, segmentSlots: 4 });
      const producer = new UnboundedProducer(sab);
      const consumer = new UnboundedConsumer(sab);
      return {
        producer: producer as never,
        pushMany: (items) => producer.pushMany(items as never),
        pop: () => consumer.pop({ timeout: 1_000 }),
        close: () => closeUnbounded(sab),
      };
    },
  },
];

/**
 * An item whose first read closes the buffer and has the consumer drain it:
 * the consumer sees "closed and drained" before the push publishes.
 */
function racingItem(open: ReturnType<Kind["open"]>): { value: number } {
  let raced = false;
  return {
    get value() {
      if (!raced) {
        raced = true;
        open.close();
        assertThrowsWith(() => open.pop(), ClosedError, ["closed and drained"]);
      }
      return 7;
    },
  };
}

for (const kind of KINDS) {
  Deno.test(`Producer.tryPush() racing a close throws ClosedError, never true for a lost item (${kind.name})`, () => {
    const open = kind.open();
    assertThrowsWith(
      () => open.producer.tryPush(racingItem(open)),
      ClosedError,
      [`Cannot push item: ${kind.noun} is closed`],
    );
  });

  Deno.test(`Producer.push() racing a close throws ClosedError (${kind.name})`, () => {
    const open = kind.open();
    assertThrowsWith(
      () => open.producer.push(racingItem(open)),
      ClosedError,
      [`Cannot push item: ${kind.noun} is closed`],
    );
  });

  Deno.test(`Producer.pushMany() racing a close throws ClosedError, never a count of lost items (${kind.name})`, () => {
    const open = kind.open();
    assertThrowsWith(
      () => open.pushMany([{ value: 1 }, racingItem(open)]),
      ClosedError,
      [`Cannot push items: ${kind.noun} is closed`],
    );
  });

  Deno.test(`Producer.tryPush() before a close is delivered (${kind.name})`, () => {
    const open = kind.open();
    assert.equal(open.producer.tryPush({ value: 5 }), true);
    open.close();
    assert.deepEqual(open.pop(), { value: 5 });
    assertThrowsWith(() => open.pop(), ClosedError, ["closed and drained"]);
  });
}
