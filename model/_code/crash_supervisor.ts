// The supervisor of the crash scenarios (`crash_scenarios.ts`): held by the
// explorer until the victims stopped, it recovers their handles with the
// public API and takes their places.
import type { ThreadBody, ThreadContext } from "./scenario_types.ts";
import {
  type Mailbox,
  MAILBOX_EVENTS,
  mailboxOf,
  MB_CLOSE_BEGUN,
} from "./crash_mailbox.ts";
import {
  consumerClass,
  crashItemsOf,
  finishProducer,
  type Handle,
  popAll,
  producerClass,
  pushAll,
  replacementItemsOf,
  type Shape,
  threadsOf,
} from "./crash_threads.ts";

/**
 * The supervisor: held by the explorer until every victim
 * (`params.victims`) stopped or finished; then recovers their handles and
 * takes their places: a replacement producer per dead producer, one
 * replacement consumer for the dead consumers (popping alongside its pushes
 * when it replaces both sides).
 */
export function supervisor(shape: Shape): ThreadBody {
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
