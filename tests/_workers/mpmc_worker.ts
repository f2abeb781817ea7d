/// <reference lib="deno.worker" />
// A Worker of the many-producer/many-consumer stress tests: one producer
// (pushes its own sequence-numbered items, then detaches) or one consumer
// (pops until the ring is closed and drained, checking per-producer order
// and counting every item it gets in a shared tally).
import { ClosedError, Consumer, Producer } from "../../mod.ts";
import {
  ITEM_SPAN,
  itemOf,
  type MpmcJob,
  type MpmcResult,
} from "./mpmc_protocol.ts";
import { makeBackoff, P_CONSUMED, P_PRODUCED, serve } from "./protocol.ts";

const BATCH = 64;

async function produce(job: MpmcJob): Promise<MpmcResult> {
  const producer = new Producer<number>(job.ring);
  const progress = new Int32Array(job.progress);
  const backoff = makeBackoff(64);
  const { id, items } = job;
  let seq = 0;
  while (seq < items) {
    switch (job.path) {
      case "blocking":
        producer.push(itemOf(id, seq++));
        break;
      case "async":
        await producer.pushAsync(itemOf(id, seq++));
        break;
      case "spinning":
        if (producer.tryPush(itemOf(id, seq))) seq++;
        else backoff();
        break;
      case "batch": {
        const n = Math.min(BATCH, items - seq);
        const batch = Int32Array.from(
          { length: n },
          (_, i) => itemOf(id, seq + i),
        );
        const pushed = producer.pushMany(batch);
        if (pushed === 0) backoff();
        seq += pushed;
        break;
      }
      case "zerocopy": {
        const slot = producer.reserve();
        if (slot === null) {
          backoff();
          break;
        }
        slot[0] = itemOf(id, seq++);
        producer.commit();
        break;
      }
    }
    if ((seq & 1023) === 0) Atomics.add(progress, P_PRODUCED, 1);
  }
  // Others may still push: let go without closing; the test closes.
  producer.detach();
  return { count: items, disorder: null };
}

async function consume(job: MpmcJob): Promise<MpmcResult> {
  const consumer = new Consumer<number>(job.ring);
  const progress = new Int32Array(job.progress);
  const tally = new Uint8Array(job.tally);
  const last = new Int32Array(job.producers).fill(-1);
  const backoff = makeBackoff(64);
  const batch = new Int32Array(BATCH);
  let count = 0;
  let disorder: string | null = null;
  const take = (value: number) => {
    const id = Math.floor(value / ITEM_SPAN);
    const seq = value - id * ITEM_SPAN;
    if (id < 0 || id >= job.producers || seq >= job.items) {
      disorder ??= `item ${value} was never pushed`;
      return;
    }
    if (seq <= last[id]!) {
      disorder ??= `P${id}'s item ${seq} came after its item ${last[id]}`;
    }
    last[id] = seq;
    Atomics.add(tally, id * job.items + seq, 1);
    if ((++count & 1023) === 0) Atomics.add(progress, P_CONSUMED, 1);
  };
  try {
    while (true) {
      switch (job.path) {
        case "blocking":
          take(consumer.pop());
          break;
        case "async":
          take(await consumer.popAsync());
          break;
        case "spinning": {
          const value = consumer.tryPop();
          if (value !== undefined) take(value);
          else if (drained(consumer)) throw new ClosedError();
          else backoff();
          break;
        }
        case "batch": {
          const n = consumer.popMany(batch);
          for (let i = 0; i < n; i++) take(batch[i]!);
          if (n === 0 && drained(consumer)) throw new ClosedError();
          if (n === 0) backoff();
          break;
        }
        case "zerocopy": {
          const view = consumer.peek();
          if (view === null) {
            if (drained(consumer)) throw new ClosedError();
            backoff();
            break;
          }
          const value = view[0]!;
          consumer.release();
          take(value);
          break;
        }
      }
    }
  } catch (error) {
    if (!(error instanceof ClosedError)) throw error;
  }
  return { count, disorder };
}

/** Whether a non-waiting consumer may stop: closed, and nothing left to claim. */
function drained(consumer: Consumer<number>): boolean {
  return consumer.closed && consumer.size === 0;
}

serve<MpmcJob>((job) => job.role === "producer" ? produce(job) : consume(job));
