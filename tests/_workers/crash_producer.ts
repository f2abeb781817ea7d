// A producer Worker that dies: attaches a Producer (or UnboundedProducer),
// posts its handle id, pushes items `from`, `from + 1`, … and, before item
// `dieAt`, throws out of its job in one of three ways:
// - "between": after item dieAt - 1 was pushed, holding nothing else;
// - "reserve": with item dieAt reserved and written, never committed;
// - "batch": inside a pushMany of items dieAt … dieAt + batch - 1 whose
//   item getter throws while they are copied (after the claim).
// Protocol: `serve` from `protocol.ts` (posts "ready", takes one CrashJob);
// emits { id } once attached; then fails with the throw, and its supervisor
// terminates it, never detached (or reports "done" if dieAt is past `to`).
import { Producer, UnboundedProducer } from "../../mod.ts";
import { serve } from "./protocol.ts";

export type Death = "between" | "reserve" | "batch";

export interface CrashJob {
  readonly sab: SharedArrayBuffer;
  readonly kind: "ring" | "unbounded";
  readonly from: number;
  readonly to: number;
  readonly dieAt: number;
  readonly death: Death;
  readonly batch: number;
}

/**
 * Items `first` … `first + n - 1` whose reads throw once any item is read a
 * second time: the checks read each once, the copy after the claim again.
 */
function dying(first: number, n: number): number[] {
  const reads = new Map<number, number>();
  return new Proxy(Array.from({ length: n }, (_, i) => first + i), {
    get(target, key, receiver) {
      if (typeof key === "string" && /^\d+$/.test(key)) {
        const i = Number(key);
        const seen = (reads.get(i) ?? 0) + 1;
        reads.set(i, seen);
        if (seen > 1) throw new Error("died in pushMany");
      }
      return Reflect.get(target, key, receiver);
    },
  });
}

serve<CrashJob>((job, emit) => {
  const ring = job.kind === "ring";
  const producer = ring
    ? new Producer<number>(job.sab)
    : new UnboundedProducer<number>(job.sab);
  emit({ id: producer.id });
  const end = Math.min(job.dieAt, job.to);
  for (let v = job.from; v < end; v++) {
    if (ring) (producer as Producer<number>).push(v);
    else producer.tryPush(v);
  }
  if (job.dieAt >= job.to) {
    producer.detach();
    return "done";
  }
  if (job.death === "reserve") {
    let view = producer.reserve();
    while (view === null) view = producer.reserve();
    view[0] = job.dieAt;
  } else if (job.death === "batch") {
    // A plain array is checked item by item before the claim: the throw
    // comes on the second read, in the copy (or, if the ring was full, in
    // the next try's checks: then nothing was claimed).
    const items = dying(job.dieAt, job.batch);
    while (producer.pushMany(items) === 0);
  }
  throw new Error(`producer ${producer.id} dies before item ${job.dieAt}`);
});
