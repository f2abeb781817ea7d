// Copyright 2025 the ringproof authors. MIT license.
// The shared memory of a partitioned parallel search: the control words (the
// level barrier, each Worker's figures at the barrier, the queues' lengths)
// and the queues that carry states from the Worker that finds them to the
// Worker that owns them.
//
// Each Worker owns the states whose hash picks it (`ownerOf`) and keeps them
// in its own private visited set, so no lookup touches another core's cache
// lines. A successor owned by another Worker goes into the queue from this
// Worker to that one; the owner stores it after the level's barrier. Two
// queues per ordered pair, one per level parity: while the owner drains level
// L's queue, the sender already fills level L + 1's, and it cannot come back
// to level L's before the owner has passed the next barrier.

/** Control words (indices of the control Int32Array). */
export const GEN = 0; // barrier generation
export const ARRIVED = 1; // Workers at the barrier
export const STOP = 2; // NONE, FOUND, INCOMPLETE or FAILED
export const FINISHED = 3;
export const LEVEL = 4; // the BFS level being expanded
export const STATES = 5; // states stored, as of the last barrier
export const FRONTIER = 6; // states found for the next level, same time
/** When the last Worker released a barrier: microseconds since the plan's origin. */
export const RELEASED = 7;
const HEADER = 8;
/** Per Worker, at the barrier: states stored, states found or sent this level, found a violation or deadlock. */
const SLOT = 3;

/** STOP values. */
export const NONE = 0;
export const FOUND = 1;
export const INCOMPLETE = 2;
export const FAILED = 3;

/** How long a Worker spins at a barrier before it sleeps (milliseconds). */
const SPIN_MS = 0.02;

/** Bytes a queue starts with; it doubles as needed. */
const QUEUE_BYTES = 1 << 14;
/**
 * The most a queue can grow to: 256 MiB, less when there are many queues
 * (their reservations of address space stay within 64 GiB in all).
 */
function queueMaxBytes(queues: number): number {
  return Math.max(1 << 20, Math.min(1 << 28, 2 ** 36 / queues)) & ~3;
}

/**
 * Int32 words per Worker in {@linkcode SharedBuffers.ranges} (64 bytes: each
 * Worker's range words on a cache line of their own); their meaning is in
 * `parallel_steal.ts`.
 */
export const RANGE_WORDS = 16;

/** The shared buffers of one parallel search, as posted to each Worker. */
export interface SharedBuffers {
  readonly control: SharedArrayBuffer;
  /** Growable; see {@linkcode queueIndex}. */
  readonly queues: readonly SharedArrayBuffer[];
  /** Each Worker's range of the level for work stealing, {@linkcode RANGE_WORDS} words each. */
  readonly ranges: SharedArrayBuffer;
  /** Each Worker's level buffer (growable): the states of its range. */
  readonly levels: readonly SharedArrayBuffer[];
}

/** Allocates the control words, the queues and the level buffers for `workers` Workers. */
export function allocate(workers: number): SharedBuffers {
  const control = new SharedArrayBuffer(
    4 * (HEADER + SLOT * workers + 2 * workers * (workers - 1)),
  );
  const count = 2 * workers * (workers - 1);
  const maxByteLength = queueMaxBytes(count);
  const queues = Array.from(
    { length: count },
    () => new SharedArrayBuffer(QUEUE_BYTES, { maxByteLength }),
  );
  // A level buffer holds one level of one Worker's states: at most 256 MiB,
  // their reserved address space within 16 GiB in all.
  const levelMax = Math.max(1 << 20, Math.min(1 << 28, 2 ** 34 / workers)) &
    ~3;
  const levels = Array.from(
    { length: workers },
    () => new SharedArrayBuffer(QUEUE_BYTES, { maxByteLength: levelMax }),
  );
  const ranges = new SharedArrayBuffer(4 * RANGE_WORDS * workers);
  return { control, queues, ranges, levels };
}

/** The queue from Worker `from` to Worker `to` (not the same) for levels of `parity`. */
export function queueIndex(
  from: number,
  to: number,
  parity: number,
  workers: number,
): number {
  return 2 * (from * (workers - 1) + (to > from ? to - 1 : to)) + parity;
}

/** The control word holding the number of entries in queue `queue`. */
export function queueLength(queue: number, workers: number): number {
  return HEADER + SLOT * workers + queue;
}

/**
 * The Worker that owns a state, from its hash. The hash is mixed again first,
 * so the owner does not follow the low bits that pick the state's slot in
 * its owner's table (each table would use only some of its slots).
 */
export function ownerOf(hash: number, workers: number): number {
  return ((Math.imul(hash ^ (hash >>> 16), 0x45d9f3b) >>> 16) * workers) >>>
    16;
}

/** Grows `buffer` to hold at least `bytes`; false when it cannot. */
export function growQueue(buffer: SharedArrayBuffer, bytes: number): boolean {
  if (bytes > buffer.maxByteLength) return false;
  buffer.grow(
    Math.min(buffer.maxByteLength, Math.max(bytes, 2 * buffer.byteLength)),
  );
  return true;
}

/** What a Worker tells the others at the barrier. */
export function publish(
  ctl: Int32Array,
  worker: number,
  figures: { states: number; active: number; found: boolean },
): void {
  const at = HEADER + SLOT * worker;
  Atomics.store(ctl, at, figures.states);
  Atomics.store(ctl, at + 1, figures.active);
  Atomics.store(ctl, at + 2, figures.found ? 1 : 0);
}

/**
 * Decides, at the barrier, whether the search goes on to the next level (run
 * by the last Worker to arrive, while the others wait): it stops when a
 * Worker found a violation or a deadlock, at the state limit, when the next
 * level is empty, or when a Worker failed.
 */
export function decide(
  ctl: Int32Array,
  workers: number,
  maxStates: number,
): void {
  let states = 0;
  let active = 0;
  let found = false;
  for (let w = 0; w < workers; w++) {
    const at = HEADER + SLOT * w;
    states += Atomics.load(ctl, at);
    active += Atomics.load(ctl, at + 1);
    found ||= Atomics.load(ctl, at + 2) === 1;
  }
  Atomics.store(ctl, STATES, states);
  Atomics.store(ctl, FRONTIER, active);
  if (Atomics.load(ctl, STOP) === FAILED) {
    Atomics.store(ctl, FINISHED, 1);
  } else if (found) {
    Atomics.store(ctl, STOP, FOUND);
    Atomics.store(ctl, FINISHED, 1);
  } else if (states >= maxStates) {
    Atomics.store(ctl, STOP, INCOMPLETE);
    Atomics.store(ctl, FINISHED, 1);
  } else if (active === 0) {
    Atomics.store(ctl, FINISHED, 1);
  } else {
    Atomics.add(ctl, LEVEL, 1);
  }
}

/**
 * Waits for every Worker; the last one runs `last` before releasing the
 * others. A Worker that waits first runs `idle` while it returns true (work
 * it can do before the release), then spins, then sleeps. Returns false when
 * another Worker failed.
 */
export function barrier(
  ctl: Int32Array,
  workers: number,
  last: () => void,
  options: {
    idle?: () => boolean;
    stats?: { sleeps: number; wake: number; origin: number };
  } = {},
): boolean {
  const { idle, stats } = options;
  const gen = Atomics.load(ctl, GEN);
  if (Atomics.add(ctl, ARRIVED, 1) === workers - 1) {
    try {
      last();
    } finally {
      if (stats !== undefined) {
        Atomics.store(ctl, RELEASED, since(stats.origin));
      }
      Atomics.store(ctl, ARRIVED, 0);
      Atomics.add(ctl, GEN, 1);
      Atomics.notify(ctl, GEN);
    }
    return Atomics.load(ctl, STOP) !== FAILED;
  }
  // Spin first, for up to SPIN_MS: a futex sleep and wake-up costs tens of
  // microseconds, and a virtual CPU that halts while its thread sleeps takes
  // longer to wake. The peer is running meanwhile (on another core), so the
  // spin only uses a core that would idle.
  while (idle !== undefined && Atomics.load(ctl, GEN) === gen) {
    if (!idle()) break;
  }
  const until = performance.now() + SPIN_MS;
  do {
    for (let i = 0; i < 256; i++) {
      if (Atomics.load(ctl, GEN) !== gen) return woken(ctl, stats);
    }
  } while (performance.now() < until);
  if (stats !== undefined) stats.sleeps++;
  while (Atomics.load(ctl, GEN) === gen) {
    // A Worker that failed never arrives: give up rather than wait forever.
    if (Atomics.load(ctl, STOP) === FAILED) return false;
    Atomics.wait(ctl, GEN, gen, 100);
  }
  woken(ctl, stats);
  return Atomics.load(ctl, STOP) !== FAILED;
}

/** Microseconds since `origin` (a `performance.timeOrigin`-based clock). */
function since(origin: number): number {
  return Math.round(
    (performance.timeOrigin + performance.now() - origin) * 1000,
  ) | 0;
}

/** Adds the time since the barrier's release to `stats.wake`; returns true. */
function woken(
  ctl: Int32Array,
  stats: { wake: number; origin: number } | undefined,
): true {
  if (stats !== undefined) {
    stats.wake += (since(stats.origin) - Atomics.load(ctl, RELEASED)) / 1000;
  }
  return true;
}
