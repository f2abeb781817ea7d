// A consumer Worker that dies: attaches a Consumer (or UnboundedConsumer),
// posts its handle id, pops items with pop() and posts each one, and after
// `dieAfter` items throws out of its job in one of two ways:
// - "between": holding nothing;
// - "peek": with the next item peeked (claimed) and never released; it emits
//   { peeked } first, so the supervisor knows which item the dead Worker saw.
// Protocol: `serve` from `protocol.ts` (posts "ready", takes one
// CrashConsumerJob); emits { id } once attached and { item } per pop, then
// fails with the throw, and its supervisor terminates it, never detached (or
// reports "done" once the ring is closed and drained). Events arrive before
// the failure, so the supervisor has every { item } when it recovers.
import { ClosedError, Consumer, UnboundedConsumer } from "../../mod.ts";
import { serve } from "./protocol.ts";

export interface CrashConsumerJob {
  readonly sab: SharedArrayBuffer;
  readonly kind: "ring" | "unbounded";
  readonly dieAfter: number;
  readonly death: "between" | "peek";
}

serve<CrashConsumerJob>((job, emit) => {
  const consumer = job.kind === "ring"
    ? new Consumer<number>(job.sab)
    : new UnboundedConsumer<number>(job.sab);
  emit({ id: consumer.id });
  try {
    for (let i = 0; i < job.dieAfter; i++) {
      emit({ item: consumer.pop() });
    }
    if (job.death === "peek") {
      let view = consumer.peek();
      // Waits for an item without holding one (the ring may be empty).
      while (view === null) {
        if (consumer.closed && consumer.size === 0) throw new ClosedError();
        view = consumer.peek();
      }
      emit({ peeked: view[0] });
    }
  } catch (error) {
    if (!(error instanceof ClosedError)) throw error;
    consumer.detach();
    return "done";
  }
  throw new Error(`consumer ${consumer.id} dies after ${job.dieAfter} items`);
});
