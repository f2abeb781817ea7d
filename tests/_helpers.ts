// Shared pieces of the ring's (and the unbounded buffer's) unit and
// model-based tests: error assertions that also check the message style,
// images of a buffer for "unchanged" checks, raw header access for
// scribbling, seeds for property tests, and draining.
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  Consumer,
  createRing,
  type CreateRingOptions,
  inspectRing,
  Producer,
  type RingSnapshot,
  type Scheme,
} from "../mod.ts";
import type { RingJob, RingJobResult } from "./_workers/ring_worker.ts";
import { spawnWorker } from "./_workers/harness.ts";

/** Any error constructor. */
export type ErrorClass = new (...args: never[]) => Error;

/**
 * Checks that `error` is exactly an instance of `Class` (not a subclass or a
 * parent) and that its message follows the house style and contains every
 * fragment.
 */
export function assertError(
  error: unknown,
  Class: ErrorClass,
  fragments: readonly string[] = [],
): void {
  assert.ok(
    error instanceof Class && error.constructor === Class,
    `expected a ${Class.name}, got ${
      error instanceof Error ? `${error.name}: ${error.message}` : error
    }`,
  );
  const { message } = error as Error;
  assert.match(message, /^[A-Z]/, `message starts lower-case: ${message}`);
  assert.doesNotMatch(message, /\.$/, `message ends with a period: ${message}`);
  for (const fragment of fragments) {
    assert.ok(
      message.includes(fragment),
      `message ${JSON.stringify(message)} lacks ${JSON.stringify(fragment)}`,
    );
  }
}

/** Runs `fn`, expecting it to throw `Class` with every fragment in the message. */
export function assertThrowsWith(
  fn: () => unknown,
  Class: ErrorClass,
  fragments: readonly string[] = [],
): void {
  let thrown = false;
  try {
    fn();
  } catch (error) {
    thrown = true;
    assertError(error, Class, fragments);
  }
  assert.ok(thrown, `expected a ${Class.name}, but nothing was thrown`);
}

/** Awaits `promise`, expecting it to reject with `Class`. */
export async function assertRejectsWith(
  promise: Promise<unknown>,
  Class: ErrorClass,
  fragments: readonly string[] = [],
): Promise<void> {
  let thrown = false;
  try {
    await promise;
  } catch (error) {
    thrown = true;
    assertError(error, Class, fragments);
  }
  assert.ok(thrown, `expected a ${Class.name}, but the promise resolved`);
}

/** A buffer's whole state: what its inspect function sees, and every byte. */
export interface Image<S> {
  readonly snapshot: S;
  readonly bytes: Uint8Array;
  /** How the snapshot was taken (inspectRing, inspectUnbounded). */
  readonly inspect: (sab: SharedArrayBuffer) => S;
}

/** A ring's header as inspectRing sees it, plus a copy of every byte. */
export type RingImage = Image<RingSnapshot>;

/** Captures a buffer's whole state, by `inspect` (default inspectRing). */
export function imageOf<S = RingSnapshot>(
  sab: SharedArrayBuffer,
  inspect: (sab: SharedArrayBuffer) => S = inspectRing as (
    sab: SharedArrayBuffer,
  ) => S,
): Image<S> {
  return {
    snapshot: inspect(sab),
    bytes: new Uint8Array(sab).slice(),
    inspect,
  };
}

/** Checks that `sab` is byte for byte what `image` captured. */
export function assertUnchanged<S>(
  sab: SharedArrayBuffer,
  image: Image<S>,
): void {
  const now = imageOf(sab, image.inspect);
  assert.deepEqual(now.snapshot, image.snapshot);
  assert.deepEqual(now.bytes, image.bytes);
}

/** Reads the 32-bit header word at `byteOffset`. */
export function readWord(sab: SharedArrayBuffer, byteOffset: number): number {
  return Atomics.load(new Int32Array(sab), byteOffset / 4);
}

/** Overwrites the 32-bit header word at `byteOffset`, as a hostile Worker could. */
export function scribble(
  sab: SharedArrayBuffer,
  byteOffset: number,
  value: number,
): void {
  Atomics.store(new Int32Array(sab), byteOffset / 4, value | 0);
}

/** A copy of `sab` in a fresh SharedArrayBuffer of `byteLength` bytes. */
export function copyRing(
  sab: SharedArrayBuffer,
  byteLength: number = sab.byteLength,
): SharedArrayBuffer {
  const copy = new SharedArrayBuffer(byteLength);
  const n = Math.min(byteLength, sab.byteLength);
  new Uint8Array(copy).set(new Uint8Array(sab, 0, n));
  return copy;
}

/** Resolves after `ms` milliseconds. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Polls `condition` every millisecond until it holds; fails after `limitMs`
 * (a hang guard, not a speed goal: generous, since a Worker type-checks its
 * module before it starts, which takes seconds on a loaded machine).
 */
export async function waitUntil(
  condition: () => boolean,
  what: string,
  limitMs = 120_000,
): Promise<void> {
  const giveUp = performance.now() + limitMs;
  while (!condition()) {
    if (performance.now() > giveUp) {
      throw new Error(`Gave up waiting: ${what}`);
    }
    await delay(1);
  }
}

/**
 * Races `promise` against a hang guard of `limitMs`, so a lost wake-up fails
 * the test instead of hanging it.
 */
export async function withinLimit<T>(
  promise: Promise<T>,
  what: string,
  limitMs = 120_000,
): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`Gave up waiting: ${what}`)),
      limitMs,
    );
  });
  try {
    return await Promise.race([promise, guard]);
  } finally {
    clearTimeout(timer);
  }
}

/** The default seed of the property tests, when RINGPROOF_SEED is not set. */
export const DEFAULT_SEED = 20240601;

/** The seed for property tests: RINGPROOF_SEED, else {@linkcode DEFAULT_SEED}. */
export function propertySeed(): number {
  let raw: string | undefined;
  try {
    raw = Deno.env.get("RINGPROOF_SEED");
  } catch {
    raw = undefined; // no --allow-env: use the default
  }
  if (raw === undefined || raw === "") return DEFAULT_SEED;
  const seed = Number(raw);
  if (!Number.isInteger(seed)) {
    throw new TypeError(
      `Cannot seed property test: RINGPROOF_SEED must be an integer, received ${
        JSON.stringify(raw)
      }`,
    );
  }
  return seed | 0;
}

/** Options of {@linkcode assertProperty} and {@linkcode assertAsyncProperty}. */
export interface PropertyParams {
  readonly numRuns: number;
  /** Default: {@linkcode propertySeed}. */
  readonly seed?: number;
}

/** A failed property's error, naming the seed and how to replay it. */
function seeded(error: unknown, seed: number): Error {
  return new Error(
    `Property failed with seed ${seed} (replay with RINGPROOF_SEED=${seed}): ${
      error instanceof Error ? error.message : String(error)
    }`,
    { cause: error },
  );
}

/**
 * Runs a fast-check property with an explicit seed; a failure names the seed
 * and how to replay it.
 */
export function assertProperty(
  property: fc.IProperty<unknown>,
  params: PropertyParams,
): void {
  const seed = params.seed ?? propertySeed();
  try {
    fc.assert(property, { numRuns: params.numRuns, seed });
  } catch (error) {
    throw seeded(error, seed);
  }
}

/** As {@linkcode assertProperty}, for an async property. */
export async function assertAsyncProperty(
  property: fc.IAsyncProperty<unknown>,
  params: PropertyParams,
): Promise<void> {
  const seed = params.seed ?? propertySeed();
  try {
    await fc.assert(property, { numRuns: params.numRuns, seed });
  } catch (error) {
    throw seeded(error, seed);
  }
}

/** A started `_workers/ring_worker.ts` that has posted "ready". */
export interface RingWorker {
  /** Hands the Worker its job; the promise settles with its one result. */
  run(job: RingJob): Promise<RingJobResult>;
  terminate(): void;
}

const RING_WORKER = new URL("./_workers/ring_worker.ts", import.meta.url);

/** Starts a `_workers/ring_worker.ts` Worker and waits for its "ready". */
export async function startRingWorker(): Promise<RingWorker> {
  const worker = await spawnWorker(RING_WORKER, "ring worker");
  return {
    run(job) {
      worker.post(job);
      return withinLimit(
        worker.result as Promise<RingJobResult>,
        `the ring worker's ${job.op}`,
      );
    },
    terminate: () => worker.terminate(),
  };
}

/** Both index schemes, for tests that run once per scheme. */
export const SCHEMES: readonly Scheme[] = ["textbook", "counter"];

/** A fresh int32 ring with a producer and a consumer attached. */
export function openRing(
  options: CreateRingOptions<"int32">,
): {
  sab: SharedArrayBuffer;
  producer: Producer<number>;
  consumer: Consumer<number>;
} {
  const sab = createRing(options);
  return { sab, producer: new Producer(sab), consumer: new Consumer(sab) };
}

/** Pops with tryPop until the ring (or unbounded buffer) is empty; returns the items in order. */
export function drain<T>(consumer: { tryPop(): T | undefined }): T[] {
  const out: T[] = [];
  for (let item = consumer.tryPop(); item !== undefined;) {
    out.push(item);
    item = consumer.tryPop();
  }
  return out;
}

/**
 * Pushes `item` with tryPush until the ring refuses; returns how many went
 * in. Fails instead of spinning for ever when the ring takes more than its
 * capacity (a broken full test would otherwise hang the whole test file).
 */
export function fill<T>(
  producer: { tryPush(item: T): boolean; readonly capacity: number },
  item: T,
): number {
  let pushed = 0;
  while (producer.tryPush(item)) {
    if (++pushed > producer.capacity) {
      throw new Error(
        `tryPush took more than the capacity of ${producer.capacity} items`,
      );
    }
  }
  return pushed;
}
