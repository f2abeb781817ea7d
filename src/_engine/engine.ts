// The interface every engine implements. A public handle (Producer,
// Consumer, UnboundedProducer, UnboundedConsumer) chooses one engine when it
// is constructed, keeps it in a field assigned once, and forwards each call
// to it: the one-producer ring (`spsc.ts`, the textbook and counter
// schemes), the sequence ring (`sequence.ts`, many producers and consumers)
// or the unbounded segments (`segment.ts`).
//
// Each engine does its own checks, in this order: the handle's state
// (closed, detached, a reservation or peek pending), then the arguments;
// the shared ones and their errors are below.
import { RingStateError } from "../errors.ts";
import type { SlotView } from "../item.ts";
import type { PopAsyncOptions, PushAsyncOptions } from "../options.ts";

/** The producer calls every engine has. */
export interface ProducerEngine<T> {
  tryPush(item: T): boolean;
  pushMany(items: ArrayLike<T>): number;
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
  popMany(target: { [index: number]: T; readonly length: number }): number;
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
      `${what}: ${name} must be ${kind}, received ${String(value)}`,
    );
  }
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
