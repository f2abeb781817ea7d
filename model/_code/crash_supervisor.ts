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
  finishProducer,
  type Handle,
  itemOf,
  popAll,
  producerClass,
  pushAll,
  replacementItemsOf,
  type Shape,
  threadsOf,
} from "./crash_threads.ts";
import { itemsOf } from "./scenario_items.ts";

/** The index of the first supervisor thread (S). */
function firstSupervisor(shape: Shape): number {
  return shape.producers + shape.consumers;
}

/** How many handles a side of the scenario has (one: its lock names it). */
function sideOf(shape: Shape, role: "producer" | "consumer"): number {
  return role === "producer" ? shape.producers : shape.consumers;
}

/** Attaches a replacement, recording it so a later supervisor can recover it. */
function attach(
  ctx: ThreadContext,
  mb: Mailbox,
  shape: Shape,
  role: "producer" | "consumer",
): Handle {
  mb.record(ctx.thread, MAILBOX_EVENTS.attaching, role === "producer" ? 1 : 2);
  const handle =
    new (role === "producer"
      ? producerClass(ctx, shape.engine)
      : consumerClass(ctx, shape.engine))(ctx.sab);
  mb.record(ctx.thread, MAILBOX_EVENTS.attached, handle.id);
  return handle;
}

/**
 * Recovers what dead thread `v` held: a worker's handle (by its id, or by
 * its side where it died attaching before it sent the id); an earlier
 * supervisor's replacements (by the ids it recorded, or by side where it
 * died attaching one). Recovering twice is harmless.
 */
function recoverDead(
  ctx: ThreadContext,
  mb: Mailbox,
  shape: Shape,
  v: number,
): void {
  const recover = shape.engine === "unbounded"
    ? ctx.ring.recoverUnbounded
    : ctx.ring.recoverRing;
  const byRole = (role: "producer" | "consumer") => {
    // A side of many it blocks not.
    if (sideOf(shape, role) === 1) recover(ctx.sab, { role });
  };
  if (v < firstSupervisor(shape)) {
    const id = mb.id(v);
    if (id !== 0) recover(ctx.sab, { handle: id });
    else byRole(v < shape.producers ? "producer" : "consumer");
    return;
  }
  let attaching = 0;
  for (const e of mb.events(v)) {
    if (e.kind === MAILBOX_EVENTS.attaching) attaching = e.item;
    if (e.kind !== MAILBOX_EVENTS.attached) continue;
    recover(ctx.sab, { handle: e.item });
    attaching = 0;
  }
  if (attaching !== 0) byRole(attaching === 1 ? "producer" : "consumer");
}

/**
 * A supervisor (S, or S2 after S): held by the explorer until every victim
 * (`params.victims`) before it stopped or finished, and every supervisor
 * before it finished or stopped; then recovers what the dead held and takes
 * their places: a replacement producer per dead producer, one replacement
 * consumer for the dead consumers (popping alongside its pushes when it
 * replaces both sides). A later supervisor continues an earlier one's work.
 */
export function supervisor(shape: Shape): ThreadBody {
  return (ctx) => {
    const mb = mailboxOf(ctx.params, threadsOf(shape));
    ctx.barrier();
    const self = ctx.thread;
    const dead = (ctx.params.victims as number[]).filter((v) =>
      v < self && !mb.finished(v)
    );
    if (self > firstSupervisor(shape) && !dead.includes(self - 1)) {
      // The supervisor before this one finished the work.
      mb.finish(self);
      return;
    }
    for (const v of dead) recoverDead(ctx, mb, shape, v);
    const helpers = dead.filter((v) => v >= firstSupervisor(shape));
    const workers = dead.filter((v) => v < firstSupervisor(shape));
    const consumer = workers.some((v) => v >= shape.producers)
      ? attach(ctx, mb, shape, "consumer")
      : null;
    for (const v of workers) {
      if (v < shape.producers) {
        replaceProducer(ctx, mb, shape, { v, helpers, consumer });
      }
    }
    if (consumer !== null) {
      popAll(ctx, mb, consumer);
      consumer.detach();
    }
    mb.finish(self);
  };
}

/**
 * Finishes dead producer `v`'s work (see {@linkcode supervisor}): what `v`
 * and the dead supervisors before (`helpers`) did for it is in the mailbox.
 */
function replaceProducer(
  ctx: ThreadContext,
  mb: Mailbox,
  shape: Shape,
  work: { v: number; helpers: readonly number[]; consumer: Handle },
): void {
  const { v, helpers, consumer } = work;
  const events = [v, ...helpers].map((t) => mb.events(t));
  // Pushes that returned: v's own, and its replacements' (by number).
  const pushed =
    events.flat().filter((e) =>
      e.kind === MAILBOX_EVENTS.pushed && itemOf(v, e.item)
    ).length;
  // Replacement numbers an earlier supervisor used, published or not.
  const used =
    events.slice(1).flat().filter((e) =>
      e.kind === MAILBOX_EVENTS.pushing && itemOf(v, e.item)
    ).length;
  const marked = (kind: number) =>
    events.flat().some((e) => e.kind === kind && e.item === v);
  const n = itemsOf(v, ctx.params).length;
  const done = marked(MAILBOX_EVENTS.done);
  const closing = marked(MAILBOX_EVENTS.closing);
  if (!done) {
    const handle = attach(ctx, mb, shape, "producer");
    pushAll(
      ctx,
      mb,
      handle,
      replacementItemsOf(v, n - pushed, ctx.params, used),
      consumer,
    );
    finishProducer(ctx, mb, handle, shape, v);
  } else if (closing && mb.flag(MB_CLOSE_BEGUN) === 0) {
    // The producer (or a replacement) was about to close and had not
    // begun: the supervisor does it. A close that had begun is the
    // recovery's to finish.
    (shape.engine === "unbounded" ? ctx.ring.closeUnbounded : ctx.ring
      .closeRing)(ctx.sab);
    ctx.log({ op: "close" });
  }
}
