// The textbook's lock-based answer to many producers and many consumers, for
// the MPMC benchmark: a bounded int32 ring whose every push and pop runs
// under one mutex (Drepper's futex mutex: 0 free, 1 locked, 2 contended),
// with "not full" / "not empty" condition waits on futex epochs.

const LOCK = 0;
const COUNT = 1;
const IN = 2;
const OUT = 3;
const CLOSED = 4;
const NOT_EMPTY = 5;
const NOT_FULL = 6;
const WAITING_NOT_EMPTY = 7;
const WAITING_NOT_FULL = 8;
const SLOTS = 9;
const WORDS = 16;

/** A fresh mutex ring of `slots` int32 slots. */
export function createMutexRing(slots: number): SharedArrayBuffer {
  const sab = new SharedArrayBuffer((WORDS + slots) * 4);
  new Int32Array(sab)[SLOTS] = slots;
  return sab;
}

/** One Worker's handle on a mutex ring. */
export class MutexRing {
  #words: Int32Array;
  #data: Int32Array;
  #slots: number;

  constructor(sab: SharedArrayBuffer) {
    this.#words = new Int32Array(sab, 0, WORDS);
    this.#slots = this.#words[SLOTS]!;
    this.#data = new Int32Array(sab, WORDS * 4, this.#slots);
  }

  /** Pushes `value`, waiting while full. */
  push(value: number): void {
    const w = this.#words;
    while (true) {
      this.#lock();
      if (w[COUNT]! < this.#slots) {
        const at = w[IN]!;
        this.#data[at] = value;
        w[IN] = at + 1 === this.#slots ? 0 : at + 1;
        w[COUNT]!++;
        this.#unlock();
        this.#wake(NOT_EMPTY, WAITING_NOT_EMPTY);
        return;
      }
      this.#await(NOT_FULL, WAITING_NOT_FULL);
    }
  }

  /** Pops the oldest value, waiting while empty; undefined once closed and empty. */
  pop(): number | undefined {
    const w = this.#words;
    while (true) {
      this.#lock();
      if (w[COUNT]! > 0) {
        const at = w[OUT]!;
        const value = this.#data[at]!;
        w[OUT] = at + 1 === this.#slots ? 0 : at + 1;
        w[COUNT]!--;
        this.#unlock();
        this.#wake(NOT_FULL, WAITING_NOT_FULL);
        return value;
      }
      if (w[CLOSED] !== 0) {
        this.#unlock();
        return undefined;
      }
      this.#await(NOT_EMPTY, WAITING_NOT_EMPTY);
    }
  }

  /** Closes the ring: poppers drain it, then get undefined. */
  close(): void {
    this.#lock();
    this.#words[CLOSED] = 1;
    this.#unlock();
    Atomics.add(this.#words, NOT_EMPTY, 1);
    Atomics.notify(this.#words, NOT_EMPTY);
  }

  /** Called with the lock held: counts itself, unlocks, sleeps on `epoch`. */
  #await(epoch: number, waiting: number): void {
    const w = this.#words;
    const seen = Atomics.load(w, epoch);
    Atomics.add(w, waiting, 1);
    this.#unlock();
    Atomics.wait(w, epoch, seen);
    Atomics.sub(w, waiting, 1);
  }

  #wake(epoch: number, waiting: number): void {
    const w = this.#words;
    if (Atomics.load(w, waiting) === 0) return;
    Atomics.add(w, epoch, 1);
    Atomics.notify(w, epoch);
  }

  #lock(): void {
    const w = this.#words;
    let c = Atomics.compareExchange(w, LOCK, 0, 1);
    for (let k = 0; c !== 0 && k < 64; k++) {
      c = Atomics.compareExchange(w, LOCK, 0, 1);
    }
    if (c === 0) return;
    if (c !== 2) c = Atomics.exchange(w, LOCK, 2);
    while (c !== 0) {
      Atomics.wait(w, LOCK, 2);
      c = Atomics.exchange(w, LOCK, 2);
    }
  }

  #unlock(): void {
    const w = this.#words;
    if (Atomics.sub(w, LOCK, 1) !== 1) {
      Atomics.store(w, LOCK, 0);
      Atomics.notify(w, LOCK, 1);
    }
  }
}
