// A consumer Worker that dies: attaches a Consumer (or UnboundedConsumer),
// posts its handle id, pops items with pop() and posts each one, and after
// `dieAfter` items throws out of the Worker (uncaught) in one of two ways:
// - "between": holding nothing;
// - "peek": with the next item peeked (claimed) and never released; it posts
//   { peeked } first, so the supervisor knows which item the dead Worker saw.
// Protocol: posts "ready" once its handler is set; takes one CrashConsumerJob;
// posts { id } once attached, { item } per pop, then "dying" and dies (or
// posts "done" once the ring is closed and drained).
import { ClosedError, Consumer, UnboundedConsumer } from "../../mod.ts";

export interface CrashConsumerJob {
  readonly sab: SharedArrayBuffer;
  readonly kind: "ring" | "unbounded";
  readonly dieAfter: number;
  readonly death: "between" | "peek";
}

interface Scope {
  onmessage: ((event: MessageEvent<CrashConsumerJob>) => void) | null;
  postMessage(message: unknown): void;
}

const scope = self as unknown as Scope;

scope.onmessage = ({ data: job }) => {
  const consumer = job.kind === "ring"
    ? new Consumer<number>(job.sab)
    : new UnboundedConsumer<number>(job.sab);
  scope.postMessage({ id: consumer.id });
  try {
    for (let i = 0; i < job.dieAfter; i++) {
      scope.postMessage({ item: consumer.pop() });
    }
    if (job.death === "peek") {
      let view = consumer.peek();
      // Waits for an item without holding one (the ring may be empty).
      while (view === null) {
        if (consumer.closed && consumer.size === 0) throw new ClosedError();
        view = consumer.peek();
      }
      scope.postMessage({ peeked: view[0] });
    }
  } catch (error) {
    if (!(error instanceof ClosedError)) throw error;
    consumer.detach();
    scope.postMessage("done");
    return;
  }
  // Messages stay in order, so this last one tells the supervisor every
  // { item } has arrived (the error event may overtake them).
  scope.postMessage("dying");
  throw new Error(`consumer ${consumer.id} dies after ${job.dieAfter} items`);
};
scope.postMessage("ready");
