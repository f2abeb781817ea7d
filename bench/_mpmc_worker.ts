// A Worker of the MPMC benchmark (`bench/mpmc.ts`): one producer or one
// consumer of one contender — the sequence ring, the mutex ring, or
// postMessage. It speaks the benchmark Workers' protocol (`_protocol.ts`,
// served by `_worker_loop.ts`).
import { ClosedError, closeRing, Consumer, Producer } from "../mod.ts";
import { MutexRing } from "./_mpmc_mutex.ts";
import {
  itemOf,
  type MpmcResult,
  type MpmcTask,
  PRODUCERS_DONE,
  SPAN,
  TIMELINE_STEP,
} from "./_mpmc_protocol.ts";
import { serveTasks } from "./_worker_loop.ts";

/** Sums and order checks of what one consumer received. */
class Tally {
  count = 0;
  sum = 0;
  disorder = 0;
  #last: Int32Array;

  constructor(producers: number) {
    this.#last = new Int32Array(producers).fill(-1);
  }

  add(value: number): void {
    const id = Math.floor(value / SPAN);
    const seq = value - id * SPAN;
    if (seq <= this.#last[id]!) this.disorder++;
    this.#last[id] = seq;
    this.count++;
    this.sum += value;
  }

  result(): MpmcResult {
    return { count: this.count, sum: this.sum, disorder: this.disorder };
  }
}

/**
 * A Tally that also notes the time of every TIMELINE_STEP-th item (a
 * subclass, so a timed run's `add` stays the plain one).
 */
class TimelineTally extends Tally {
  readonly #start = performance.now();
  readonly #marks: number[] = [];

  override add(value: number): void {
    super.add(value);
    if (this.count % TIMELINE_STEP === 0) {
      this.#marks.push(performance.now() - this.#start);
    }
  }

  override result(): MpmcResult {
    return { ...super.result(), marks: this.#marks };
  }
}

/**
 * `Atomics` calls by method while counting (`wait` by outcome): the ring
 * code looks `Atomics` up at call time, so wrapping the global's methods
 * counts every call it makes. Installed only once a task asks (`count`), so
 * timed runs call the plain methods.
 */
const calls = new Map<string, number>();
let counting = false;
let installed = false;

function installCounter(): void {
  if (installed) return;
  installed = true;
  const table = Atomics as unknown as Record<
    string,
    (...a: never[]) => unknown
  >;
  const names = ["load", "store", "compareExchange", "add", "sub", "or"];
  for (const name of [...names, "exchange", "notify", "wait"]) {
    const original = table[name]!.bind(Atomics);
    table[name] = (...args: never[]) => {
      const result = original(...args);
      if (counting) {
        const key = name === "wait" ? `wait:${result}` : name;
        calls.set(key, (calls.get(key) ?? 0) + 1);
      }
      return result;
    };
  }
}

/** Runs `role` counting its calls when the task asks. */
function counted(
  task: MpmcTask,
  role: () => MpmcResult | Promise<MpmcResult>,
): () => MpmcResult | Promise<MpmcResult> {
  if (!task.count) return role;
  installCounter();
  return () => {
    calls.clear();
    counting = true;
    const result = role() as MpmcResult;
    counting = false;
    return { ...result, calls: Object.fromEntries(calls) };
  };
}

/** Sets the role up; returns its timed part. */
function setUp(task: MpmcTask): () => MpmcResult | Promise<MpmcResult> {
  if (task.kind === "post") return postRole(task);
  return counted(task, ringRole(task));
}

/** A ring's role (sequence or mutex). */
function ringRole(task: MpmcTask): () => MpmcResult {
  const control = new Int32Array(task.control);
  const { id, items, producers } = task;
  const tally = () =>
    task.timeline ? new TimelineTally(producers) : new Tally(producers);
  const lastProducer = () =>
    Atomics.add(control, PRODUCERS_DONE, 1) === producers - 1;
  if (task.kind === "sequence") {
    const ring = task.ring!;
    if (task.role === "producer") {
      const producer = new Producer<number>(ring);
      return () => {
        for (let s = 0; s < items; s++) producer.push(itemOf(id, s));
        if (lastProducer()) closeRing(ring);
        return { count: items, sum: 0, disorder: 0 };
      };
    }
    const consumer = new Consumer<number>(ring);
    return () => {
      const t = tally();
      try {
        while (true) t.add(consumer.pop());
      } catch (error) {
        if (!(error instanceof ClosedError)) throw error;
      }
      return t.result();
    };
  }
  const ring = new MutexRing(task.ring!);
  if (task.role === "producer") {
    return () => {
      for (let s = 0; s < items; s++) ring.push(itemOf(id, s));
      if (lastProducer()) ring.close();
      return { count: items, sum: 0, disorder: 0 };
    };
  }
  return () => {
    const t = tally();
    for (let v = ring.pop(); v !== undefined; v = ring.pop()) t.add(v);
    return t.result();
  };
}

/**
 * postMessage: producer p posts its item s to consumer s mod C, one number
 * per message, on its own port to that consumer; a consumer knows how many
 * items each producer sends it.
 */
function postRole(task: MpmcTask): () => MpmcResult | Promise<MpmcResult> {
  const ports = task.ports!;
  const { id, items, producers, consumers } = task;
  if (task.role === "producer") {
    return () => {
      for (let s = 0; s < items; s++) {
        ports[s % consumers]!.postMessage(itemOf(id, s));
      }
      return { count: items, sum: 0, disorder: 0 };
    };
  }
  // Items s with s mod C == id, from each producer.
  const expected = producers * (Math.floor((items - 1 - id) / consumers) + 1);
  const tally = new Tally(producers);
  const done = Promise.withResolvers<MpmcResult>();
  for (const port of ports) {
    port.onmessage = (event: MessageEvent<number>) => {
      tally.add(event.data);
      if (tally.count === expected) done.resolve(tally.result());
    };
  }
  return () => done.promise;
}

serveTasks<MpmcTask, MpmcResult>(setUp, {
  after: (task) => {
    for (const port of task.ports ?? []) port.close();
  },
});
