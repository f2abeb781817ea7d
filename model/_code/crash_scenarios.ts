// The scenarios of the crash exploration (`crash.ts`): the same engines as
// `scenarios.ts`, plus a supervisor thread S. The explorer stops one thread
// (the victim) forever at a chosen step; S is held until then, recovers the
// victim's handle with the public supervisor API and takes its place (a
// replacement handle finishing the victim's work).
//
// The threads talk to S through a mailbox (`crash_mailbox.ts`).
import type {
  CodeScenario,
  RingModule,
  ThreadBody,
  ThreadContext,
} from "./scenario_types.ts";
import {
  type Mailbox,
  MAILBOX_EVENTS,
  mailboxOf,
  mailboxWords,
  MB_CLOSE_BEGUN,
} from "./crash_mailbox.ts";

/** The items producer `p` pushes (as in `scenarios.ts`). */
export function crashItemsOf(
  p: number,
  params: Record<string, unknown>,
): number[] {
  const n = Number(params.items ?? 2);
  return Array.from({ length: n }, (_, i) => p * 10 + i + 1);
}

/**
 * The items a replacement of producer `p` pushes: new numbers after the
 * victim's (the victim's unfinished push may or may not have been
 * published, so the replacement does not push that item again).
 */
export function replacementItemsOf(
  p: number,
  count: number,
  params: Record<string, unknown>,
): number[] {
  const n = Number(params.items ?? 2);
  return Array.from({ length: count }, (_, i) => p * 10 + n + i + 1);
}

type Engine = CodeScenario["engine"];

interface Shape {
  readonly engine: Engine;
  readonly producers: number;
  readonly consumers: number;
}

function isError(ctx: ThreadContext, error: unknown, name: string): boolean {
  return error instanceof Error &&
    error instanceof (ctx.ring[name] as ErrorConstructor);
}

function producerClass(ctx: ThreadContext, engine: Engine) {
  return engine === "unbounded"
    ? ctx.ring.UnboundedProducer
    : ctx.ring.Producer;
}

function consumerClass(ctx: ThreadContext, engine: Engine) {
  return engine === "unbounded"
    ? ctx.ring.UnboundedConsumer
    : ctx.ring.Consumer;
}

// deno-lint-ignore no-explicit-any
type Handle = any;

/**
 * push() each item, recording each push before and after. With `consumer`
 * (a supervisor that replaces a dead consumer too): tryPush, popping one
 * item whenever the ring is full, so the supervisor alone keeps it moving.
 */
function pushAll(
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

/** Counts this producer done; the last one closes the ring. */
function finishProducer(
  ctx: ThreadContext,
  mb: Mailbox,
  producer: Handle,
  shape: Shape,
): void {
  mb.record(ctx.thread, MAILBOX_EVENTS.done);
  if (mb.producerDone() === shape.producers) {
    mb.record(ctx.thread, MAILBOX_EVENTS.closing);
    producer.close();
    ctx.log({ op: "close" });
  } else producer.detach();
}

/**
 * pop() one item, recording the pop before and after; returns false when
 * the ring is closed and drained.
 */
function popOne(ctx: ThreadContext, mb: Mailbox, consumer: Handle): boolean {
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
function popAll(ctx: ThreadContext, mb: Mailbox, consumer: Handle): void {
  while (popOne(ctx, mb, consumer));
}

function threadsOf(shape: Shape): number {
  return shape.producers + shape.consumers + 1;
}

function producer(p: number, shape: Shape): ThreadBody {
  return (ctx) => {
    const mb = mailboxOf(ctx.params, threadsOf(shape));
    const handle = new (producerClass(ctx, shape.engine))(ctx.sab);
    mb.setId(ctx.thread, handle.id);
    ctx.barrier();
    pushAll(ctx, mb, handle, crashItemsOf(p, ctx.params));
    finishProducer(ctx, mb, handle, shape);
    mb.finish(ctx.thread);
  };
}

function consumer(shape: Shape): ThreadBody {
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

/**
 * The supervisor: held by the explorer until every victim
 * (`params.victims`) stopped or finished; then recovers their handles and
 * takes their places: a replacement producer per dead producer, one
 * replacement consumer for the dead consumers (popping alongside its pushes
 * when it replaces both sides).
 */
function supervisor(shape: Shape): ThreadBody {
  return (ctx) => {
    const mb = mailboxOf(ctx.params, threadsOf(shape));
    ctx.barrier();
    const dead = (ctx.params.victims as number[]).filter((v) =>
      !mb.finished(v)
    );
    const recover = shape.engine === "unbounded"
      ? ctx.ring.recoverUnbounded
      : ctx.ring.recoverRing;
    for (const v of dead) {
      const id = mb.id(v);
      const role = v < shape.producers ? "producer" : "consumer";
      if (id !== 0) recover(ctx.sab, { handle: id });
      // It died while attaching, before it sent its id: a side of one
      // handle may be locked by it. (A side of many it blocks not.)
      else if (sideOf(shape, role) === 1) recover(ctx.sab, { role });
    }
    const consumer = dead.some((v) => v >= shape.producers)
      ? new (consumerClass(ctx, shape.engine))(ctx.sab)
      : null;
    for (const v of dead) {
      if (v < shape.producers) replaceProducer(ctx, mb, shape, v, consumer);
    }
    if (consumer === null) return;
    popAll(ctx, mb, consumer);
    consumer.detach();
  };
}

/** How many handles a side of the scenario has (one: its lock names it). */
function sideOf(shape: Shape, role: "producer" | "consumer"): number {
  return role === "producer" ? shape.producers : shape.consumers;
}

/** Finishes dead producer `v`'s work (see {@linkcode supervisor}). */
function replaceProducer(
  ctx: ThreadContext,
  mb: Mailbox,
  shape: Shape,
  v: number,
  consumer: Handle,
): void {
  const events = mb.events(v);
  const pushed = events.filter((e) => e.kind === MAILBOX_EVENTS.pushed);
  const n = crashItemsOf(v, ctx.params).length;
  if (!mb.has(v, MAILBOX_EVENTS.done)) {
    const handle = new (producerClass(ctx, shape.engine))(ctx.sab);
    pushAll(
      ctx,
      mb,
      handle,
      replacementItemsOf(v, n - pushed.length, ctx.params),
      consumer,
    );
    finishProducer(ctx, mb, handle, shape);
  } else if (
    mb.has(v, MAILBOX_EVENTS.closing) && mb.flag(MB_CLOSE_BEGUN) === 0
  ) {
    // The victim was about to close and had not begun: the supervisor
    // does it. A close that had begun is the recovery's to finish.
    (shape.engine === "unbounded" ? ctx.ring.closeUnbounded : ctx.ring
      .closeRing)(ctx.sab);
    ctx.log({ op: "close" });
  }
}

function crashScenario(shape: Shape, setup: CodeScenario["setup"]) {
  const { producers, consumers, engine } = shape;
  const threads = threadsOf(shape);
  return {
    description:
      `${engine}: ${producers} producer(s) x ${consumers} consumer(s); one stops forever, a supervisor recovers it and a replacement finishes its work`,
    engine,
    setup: (ring: RingModule, params: Record<string, unknown>) => {
      params.mailbox = new SharedArrayBuffer(mailboxWords(threads) * 4);
      return setup(ring, params);
    },
    threads: [
      ...Array.from({ length: producers }, (_, p) => producer(p, shape)),
      ...Array.from({ length: consumers }, () => consumer(shape)),
      supervisor(shape),
    ],
    names: [
      ...Array.from({ length: producers }, (_, p) => `P${p}`),
      ...Array.from({ length: consumers }, (_, c) => `C${c}`),
      "S",
    ],
  } satisfies CodeScenario;
}

/** The crash scenarios, by name. */
export const codeScenarios: Record<string, CodeScenario> = {
  "crash-ring": crashScenario(
    { engine: "ring", producers: 1, consumers: 1 },
    (ring, params) =>
      ring.createRing({
        slots: Number(params.slots ?? 2),
        item: "int32",
        scheme: String(params.scheme ?? "textbook"),
        start: Number(params.start ?? 0),
      }),
  ),
  "crash-sequence-2x2": crashScenario(
    { engine: "sequence", producers: 2, consumers: 2 },
    (ring, params) =>
      ring.createRing({
        slots: Number(params.slots ?? 2),
        item: "int32",
        producers: "many",
        consumers: "many",
        scheme: "sequence",
      }),
  ),
  "crash-sequence-1x2": crashScenario(
    { engine: "sequence", producers: 1, consumers: 2 },
    (ring, params) =>
      ring.createRing({
        slots: Number(params.slots ?? 2),
        item: "int32",
        producers: "one",
        consumers: "many",
        scheme: "sequence",
      }),
  ),
  "crash-unbounded": crashScenario(
    { engine: "unbounded", producers: 1, consumers: 1 },
    (ring, params) =>
      ring.createUnbounded({
        item: "int32",
        segmentSlots: Number(params.slots ?? 1),
      }),
  ),
};

/** How many producers a crash scenario has (the threads before them are producers). */
export function producersOf(scenario: CodeScenario): number {
  return scenario.names.filter((n) => n.startsWith("P")).length;
}
