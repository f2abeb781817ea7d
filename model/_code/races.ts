// The data-race check: vector clocks over the atomics (every Atomics
// operation is sequentially consistent: a store or read-modify-write
// releases, a load or read-modify-write acquires, a notify releases to the
// thread it wakes) and a shadow of every byte of the ring's buffer. Two
// accesses to the same byte, at least one a plain write, that no chain of
// atomics orders, are a data race (as ThreadSanitizer and loom report them).
import {
  K_CAS,
  K_LOAD,
  K_NOTIFY,
  K_RMW,
  K_STORE,
  K_WAIT,
  K_WAIT_ASYNC,
} from "./protocol.ts";
import type { PendingOp, Step } from "./step_types.ts";

/** One side of a race. */
export interface RaceAccess {
  readonly thread: number;
  readonly write: boolean;
  readonly atomic: boolean;
  readonly loc: string;
  /** The step the access belongs to (-1: before the thread's first operation). */
  readonly step: number;
}

/** A data race found. */
export interface RaceReport {
  readonly byte: number;
  readonly first: RaceAccess;
  readonly second: RaceAccess;
  readonly message: string;
}

/** A plain access as a Worker records it. */
export interface PlainAccess {
  readonly write: boolean;
  readonly start: number;
  readonly end: number;
  readonly loc: string;
  readonly step: number;
}

interface Stamp extends RaceAccess {
  readonly epoch: number;
}

interface Shadow {
  write: Stamp | null;
  reads: Map<number, Stamp>;
}

/** Vector clocks and byte shadows for one execution. */
export class RaceDetector {
  #clocks: number[][] = [];
  #sync = new Map<number, number[]>();
  #released = new Map<number, number[]>();
  #shadow = new Map<number, Shadow>();
  #races: RaceReport[] = [];
  #names: readonly string[] = [];
  #benign = new Set<number>();

  /**
   * Bytes where a plain write may race with atomic accesses (a deliberate
   * mixed access, documented in the code); plain-plain races still count.
   */
  allowMixed(bytes: Iterable<number>): void {
    this.#benign = new Set(bytes);
  }

  /** Thread names for messages. */
  names(names: readonly string[]): void {
    this.#names = names;
  }

  /** Starts an execution of `n` threads. */
  reset(n: number): void {
    this.#clocks = Array.from(
      { length: n },
      (_, t) => Array.from({ length: n }, (_, u) => (u === t ? 1 : 0)),
    );
    this.#sync.clear();
    this.#released.clear();
    this.#shadow.clear();
    this.#races = [];
  }

  #acquire(t: number, clock: readonly number[] | undefined): void {
    if (clock === undefined) return;
    const mine = this.#clocks[t]!;
    for (let u = 0; u < mine.length; u++) {
      if (clock[u]! > mine[u]!) mine[u] = clock[u]!;
    }
  }

  #release(t: number, addr: number, join: boolean): void {
    const mine = this.#clocks[t]!;
    const old = this.#sync.get(addr);
    if (join && old !== undefined) {
      this.#sync.set(addr, mine.map((c, u) => Math.max(c, old[u] ?? 0)));
    } else this.#sync.set(addr, [...mine]);
    mine[t]!++;
  }

  /** Thread `t` performs the atomic `op` as step `index`. */
  atomic(t: number, op: PendingOp, index: number): void {
    const write = op.kind === K_STORE || op.kind === K_RMW ||
      op.kind === K_CAS;
    const read = op.kind === K_LOAD || op.kind === K_RMW || op.kind === K_CAS ||
      op.kind === K_WAIT || op.kind === K_WAIT_ASYNC;
    if (op.kind === K_NOTIFY) return;
    if (read) this.#acquire(t, this.#sync.get(op.addr));
    this.#access(t, {
      write,
      start: op.addr,
      end: op.addr + op.width,
      loc: op.loc,
      step: index,
    }, true);
    if (write) this.#release(t, op.addr, op.kind !== K_STORE);
  }

  /** Every thread has reached the barrier: each is ordered after all. */
  barrier(): void {
    const join = this.#clocks[0]!.map((_, u) =>
      Math.max(...this.#clocks.map((c) => c[u]!))
    );
    for (const [t, clock] of this.#clocks.entries()) {
      for (let u = 0; u < clock.length; u++) clock[u] = join[u]!;
      clock[t]!++;
    }
  }

  /** Thread `t` notifies at step `index`: the threads it wakes acquire this. */
  release(t: number, index: number): void {
    const mine = this.#clocks[t]!;
    this.#released.set(index, [...mine]);
    mine[t]!++;
  }

  /** Thread `t` returns from a wait that step `cause` woke. */
  acquireWake(t: number, cause: number): void {
    this.#acquire(t, this.#released.get(cause));
  }

  /** A plain access by thread `t`. */
  plain(t: number, access: PlainAccess): void {
    this.#access(t, access, false);
  }

  /** Nothing to do per step; here for symmetry with the controller. */
  step(_step: Step, _index: number): void {}

  #ordered(stamp: Stamp, t: number): boolean {
    return stamp.thread === t || stamp.epoch <= this.#clocks[t]![stamp.thread]!;
  }

  #access(t: number, access: PlainAccess, atomic: boolean): void {
    const epoch = this.#clocks[t]![t]!;
    const stamp: Stamp = {
      thread: t,
      write: access.write,
      atomic,
      loc: access.loc,
      step: access.step,
      epoch,
    };
    for (let byte = access.start; byte < access.end; byte++) {
      let shadow = this.#shadow.get(byte);
      if (shadow === undefined) {
        shadow = { write: null, reads: new Map() };
        this.#shadow.set(byte, shadow);
      }
      const w = shadow.write;
      // A race needs a plain write on one side.
      if (
        w !== null && !this.#ordered(w, t) && (!w.atomic || !atomic) &&
        (!w.atomic || (access.write && !atomic))
      ) {
        this.#report(byte, w, stamp);
      }
      if (access.write) {
        if (!atomic) {
          for (const r of shadow.reads.values()) {
            if (!this.#ordered(r, t)) this.#report(byte, r, stamp);
          }
        }
        shadow.write = stamp;
        shadow.reads = new Map();
      } else shadow.reads.set(t, stamp);
    }
  }

  #report(byte: number, first: Stamp, second: Stamp): void {
    if (this.#benign.has(byte) && (first.atomic || second.atomic)) return;
    if (this.#races.some((r) => r.byte === byte - 1 || r.byte === byte)) return;
    const name = (a: RaceAccess) =>
      `${this.#names[a.thread] ?? `T${a.thread}`} ${
        a.atomic ? "atomic " : "plain "
      }${a.write ? "write" : "read"} at ${a.loc}`;
    this.#races.push({
      byte,
      first,
      second,
      message: `data race on byte ${byte}: ${name(first)} and ${
        name(second)
      } are not ordered by the atomics`,
    });
  }

  /** The first race found, if any. */
  first(): RaceReport | undefined {
    return this.#races[0];
  }

  /** Every race found. */
  all(): RaceReport[] {
    return [...this.#races];
  }
}
