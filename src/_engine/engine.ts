// The interface every engine implements. A public handle (Producer,
// Consumer, UnboundedProducer, UnboundedConsumer) chooses one engine when it
// is constructed, keeps it in a field assigned once, and forwards each call
// to it: the one-producer ring (`spsc.ts` and `spsc_consumer.ts`, the
// textbook and counter schemes), the sequence ring (`sequence.ts`, many producers and consumers)
// or the unbounded segments (`segment.ts`).
//
// Each engine does its own checks, in this order: the handle's state
// (closed, detached, a reservation or peek pending), then the arguments;
// the shared ones and their errors are below. The batch calls are the
// exception: the handle checks the array and its range (`batchStart`)
// before it calls the engine, and passes the range as two numbers, so the
// engine's hot path neither re-checks them nor reads an options object.
import { RingStateError } from "../errors.ts";
import type { SlotView } from "../item.ts";
import type {
  BatchOptions,
  PopAsyncOptions,
  PushAsyncOptions,
} from "../options.ts";
import { describeValue } from "../_shm/item_layout.ts";

/** The producer calls every engine has. */
export interface ProducerEngine<T> {
  tryPush(item: T): boolean;
  /** Pushes from `items[start]` up to `items[end - 1]` (checked by the handle). */
  pushMany(items: ArrayLike<T>, start: number, end: number): number;
  reserve(): SlotView<T> | null;
  commit(): void;
  /** Marks the buffer closed and wakes every sleeper (if still attached). */
  close(): void;
  /** Lets go: drops a reservation, then the side's lock. */
  detach(): void;
}

/** The producer calls of the engines that wait for room (the rings). */
export interface WaitingProducerEngine<T> extends ProducerEngine<T> {
  push(item: T, options: PushAsyncOptions): void;
  pushAsync(item: T, options: PushAsyncOptions): Promise<void>;
}

/** The consumer calls every engine has. */
export interface ConsumerEngine<T> {
  tryPop(): T | undefined;
  pop(options: PopAsyncOptions): T;
  popAsync(options: PopAsyncOptions): Promise<T>;
  /** Pops into `target[start]` up to `target[end - 1]` (checked by the handle). */
  popMany(
    target: { [index: number]: T; readonly length: number },
    start: number,
    end: number,
  ): number;
  peek(): SlotView<T> | null;
  release(): void;
  /** Lets go: a peeked item stays (or, claimed, is released), then the lock. */
  detach(): void;
}

/**
 * Throws unless the argument of a batch call is an array-like: `items` of a
 * `pushMany` ("an array-like"), `target` of a `popMany` ("an array or typed
 * array").
 */
export function checkBatch(
  value: { readonly length: number },
  name: "items" | "target",
  what: string,
): void {
  if (
    value === null || typeof value !== "object" ||
    typeof value.length !== "number"
  ) {
    const kind = name === "items" ? "an array-like" : "an array or typed array";
    throw new TypeError(
      `${what}: ${name} must be ${kind}, received ${describeValue(value)}`,
    );
  }
}

/**
 * Throws unless `value` is the array-like of a batch call (see
 * {@linkcode checkBatch}), `options` an object or undefined, and its
 * `start` an integer in `[0, value.length]`; returns the start (default 0).
 * Each bound is read once, so a getter cannot change it after the check.
 */
export function batchStart(
  value: { readonly length: number },
  options: BatchOptions | undefined,
  name: "items" | "target",
  what: string,
): number {
  checkBatch(value, name, what);
  if (options === undefined) return 0;
  if (options === null || typeof options !== "object") {
    throw new TypeError(
      `${what}: options must be an object, received ${describeValue(options)}`,
    );
  }
  const given = options.start;
  const start = given === undefined ? 0 : given;
  checkBound(start, "start", 0, value.length, what);
  return start;
}

/**
 * Throws unless the `end` of `options` (checked by {@linkcode batchStart})
 * is an integer in `[start, value.length]`; returns it (default
 * `value.length`).
 */
export function batchEnd(
  value: { readonly length: number },
  options: BatchOptions | undefined,
  start: number,
  what: string,
): number {
  if (options === undefined) return value.length;
  const given = options.end;
  const end = given === undefined ? value.length : given;
  checkBound(end, "end", start, value.length, what);
  return end;
}

function checkBound(
  value: unknown,
  name: "start" | "end",
  min: number,
  max: number,
  what: string,
): asserts value is number {
  if (
    typeof value === "number" && Number.isInteger(value) && value >= min &&
    value <= max
  ) return;
  const Kind = typeof value === "number" ? RangeError : TypeError;
  throw new Kind(
    `${what}: ${name} must be an integer in [${min}, ${max}], received ${
      describeValue(value)
    }`,
  );
}

/** The zero-copy calls made out of order, worded alike for every engine. */
const STATES = {
  notCommitted: "a reserved slot is not committed yet (call commit() first)",
  noneReserved: "no slot is reserved (call reserve() first)",
  notReleased: "a peeked item is not released yet (call release() first)",
  nonePeeked: "no item is peeked (call peek() first)",
} as const;

/** The error of a call made out of order; `what` names the call. */
export function stateError(
  what: string,
  state: keyof typeof STATES,
): RingStateError {
  return new RingStateError(`${what}: ${STATES[state]}`);
}
