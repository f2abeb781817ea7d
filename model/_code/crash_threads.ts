// The threads of the crash scenarios (`crash_scenarios.ts`): producers that
// push and record each push in the mailbox, the last one closing; consumers
// that pop until closed and drained; and what a supervisor's replacement
// does the same way.
import type {
  CodeScenario,
  ThreadBody,
  ThreadContext,
} from "./scenario_types.ts";
import { type Mailbox, MAILBOX_EVENTS, mailboxOf } from "./crash_mailbox.ts";
import { itemsOf } from "./scenario_items.ts";
import { isError } from "./ring_threads.ts";

/**
 * The items a replacement of producer `p` pushes: new numbers after the
 * victim's (the victim's unfinished push may or may not have been
 * published, so the replacement does not push that item again); `skip`
 * numbers an earlier replacement used.
 */
export function replacementItemsOf(
  p: number,
  count: number,
  params: Record<string, unknown>,
  skip = 0,
): number[] {
  const n = Number(params.items ?? 2);
  return Array.from({ length: count }, (_, i) => p * 10 + n + skip + i + 1);
}

/** Whether `item` is one of producer `p`'s or its replacements' numbers. */
export function itemOf(p: number, item: number): boolean {
  return Math.floor((item - 1) / 10) === p;
}

export type Engine = CodeScenario["engine"];

export interface Shape {
  readonly engine: Engine;
  readonly producers: number;
  readonly consumers: number;
  /** Supervisor threads: S, and S2 that takes over when S dies. */
  readonly supervisors?: number;
}

export function producerClass(ctx: ThreadContext, engine: Engine) {
  return engine === "unbounded"
    ? ctx.ring.UnboundedProducer
    : ctx.ring.Producer;
}

export function consumerClass(ctx: ThreadContext, engine: Engine) {
  return engine === "unbounded"
    ? ctx.ring.UnboundedConsumer
    : ctx.ring.Consumer;
}

// deno-lint-ignore no-explicit-any
export type Handle = any;

/**
 * push() each item, recording each push before and after. With `consumer`
 * (a supervisor that replaces a dead consumer too): tryPush, popping one
 * item whenever the ring is full, so the supervisor alone keeps it moving.
 */
export function pushAll(
  ctx: ThreadContext,
  mb: Mailbox,
  producer: Handle,
  items: readonly number[],
  consumer: Handle = null,
): void {
  for (const item of items) {
    mb.record(ctx.thread, MAILBOX_EVENTS.pushing, item);
    if (consumer === null) producer.push(item);
    else while (!producer.tryPush(item)) popOne(ctx, mb, consumer);
    ctx.log({ op: "push", item, ok: true });
    mb.record(ctx.thread, MAILBOX_EVENTS.pushed, item);
  }
}

/** Counts producer `p` done (its own thread, or a replacement); the last one closes the ring. */
export function finishProducer(
  ctx: ThreadContext,
  mb: Mailbox,
  producer: Handle,
  shape: Shape,
  p: number,
): void {
  mb.record(ctx.thread, MAILBOX_EVENTS.done, p);
  if (mb.producerDone() === shape.producers) {
    mb.record(ctx.thread, MAILBOX_EVENTS.closing, p);
    producer.close();
    ctx.log({ op: "close" });
  } else producer.detach();
}

/**
 * pop() one item, recording the pop before and after; returns false when
 * the ring is closed and drained.
 */
export function popOne(
  ctx: ThreadContext,
  mb: Mailbox,
  consumer: Handle,
): boolean {
  mb.record(ctx.thread, MAILBOX_EVENTS.popping);
  let item: number;
  try {
    item = consumer.pop();
  } catch (error) {
    if (!isError(ctx, error, "ClosedError")) throw error;
    ctx.log({ op: "drained" });
    return false;
  }
  ctx.log({ op: "pop", item });
  mb.record(ctx.thread, MAILBOX_EVENTS.popped, item);
  return true;
}

/** pop() until closed and drained. */
export function popAll(
  ctx: ThreadContext,
  mb: Mailbox,
  consumer: Handle,
): void {
  while (popOne(ctx, mb, consumer));
}

export function threadsOf(shape: Shape): number {
  return shape.producers + shape.consumers + (shape.supervisors ?? 1);
}

export function producer(p: number, shape: Shape): ThreadBody {
  return (ctx) => {
    const mb = mailboxOf(ctx.params, threadsOf(shape));
    const handle = new (producerClass(ctx, shape.engine))(ctx.sab);
    mb.setId(ctx.thread, handle.id);
    ctx.barrier();
    pushAll(ctx, mb, handle, itemsOf(p, ctx.params));
    finishProducer(ctx, mb, handle, shape, p);
    mb.finish(ctx.thread);
  };
}

export function consumer(shape: Shape): ThreadBody {
  return (ctx) => {
    const mb = mailboxOf(ctx.params, threadsOf(shape));
    const handle = new (consumerClass(ctx, shape.engine))(ctx.sab);
    mb.setId(ctx.thread, handle.id);
    ctx.barrier();
    popAll(ctx, mb, handle);
    handle.detach();
    mb.finish(ctx.thread);
  };
}
