// The interface every engine implements. A public handle (Producer,
// Consumer, UnboundedProducer, UnboundedConsumer) chooses one engine when it
// is constructed, keeps it in a field assigned once, and forwards each call
// to it: the one-producer ring (`spsc_*.ts`, the textbook and counter
// schemes), the sequence ring (`sequence_*.ts`, many producers and
// consumers) or the unbounded segments (`segment_*.ts`).
//
// Each engine does its own checks, in this order: the handle's state
// (closed, detached, a reservation or peek pending), then the arguments.
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
