// The checked Worker's end of the control channel: it reports each pending
// operation on the ring's buffer (kind, address, value, and the caller's
// source line from a stack trace) to the controller and blocks until it is
// granted; it also records plain accesses for the race check. The shims
// (shim.ts, views.ts) call it.
import {
  A_WRITE,
  ACCESS_OFFSET,
  C_ACCESSES,
  C_ADDR,
  C_ASYNC_ID,
  C_FINITE,
  C_FOLDED,
  C_KIND,
  C_LOC,
  C_RESET,
  C_RESULT,
  C_STATE,
  C_TEXT,
  C_VALUE,
  C_VALUE2,
  C_WAITER,
  C_WAKE,
  C_WIDTH,
  F_TIMEOUT,
  FOLD_CAP,
  K_BARRIER,
  K_LOAD,
  MAX_ACCESSES,
  R_TIMED_OUT,
  S_ABORT,
  S_DONE,
  S_IDLE,
  S_REQUEST,
  TEXT_OFFSET,
} from "./protocol.ts";

/** Thrown inside a checked thread to unwind an abandoned execution. */
export class AbortExecution extends Error {
  override name = "AbortExecution";
}

/** Any typed array. */
// deno-lint-ignore no-explicit-any
export type AnyArray = any;

const real = globalThis.Atomics;
/** Frames a location-only stack trace takes: the checker's own and a few more. */
const LOC_FRAMES = 6;
const encoder = new TextEncoder();

/** The Worker's end of the control channel, and the shims it installs. */
export class Channel {
  readonly ctl: Int32Array;
  readonly f64: Float64Array;
  readonly bytes: Uint8Array;
  readonly access: Int32Array;
  /** The ring's buffer in the current execution. */
  ring: SharedArrayBuffer | null = null;
  aborting = false;
  done = false;
  gen = 0;
  /** Source directory of the ring module, to shorten locations. */
  #root: string;
  #shimFiles: string[];
  /** Loads (word and call stack) since this thread's last other operation. */
  #window = new Set<string>();
  #folded = 0;
  #accesses = 0;
  #locIds = new Map<string, number>();
  #newLocs: string[] = [];
  #waiters = new Map<number, (value: string) => void>();
  /**
   * Words no thread has written in any execution so far: a load of one
   * commutes with everything, so it is no scheduling point (the controller
   * keeps this map and restarts the search if such a word is ever written).
   */
  quiet: Uint8Array | null = null;
  /** Record plain reads and the locations of plain accesses (race check). */
  races = true;
  /** Real views behind instrumented ones. */
  readonly targets: WeakMap<object, AnyArray> = new WeakMap();

  constructor(control: SharedArrayBuffer, root: string, shimFiles: string[]) {
    this.ctl = new Int32Array(control);
    this.f64 = new Float64Array(control, 0, TEXT_OFFSET / 8);
    this.bytes = new Uint8Array(
      control,
      TEXT_OFFSET,
      ACCESS_OFFSET - TEXT_OFFSET,
    );
    this.access = new Int32Array(control, ACCESS_OFFSET, MAX_ACCESSES * 4);
    this.#root = root;
    this.#shimFiles = shimFiles;
  }

  /** Starts an execution on `ring`. */
  begin(ring: SharedArrayBuffer, gen: number): void {
    this.ring = ring;
    this.gen = gen;
    this.aborting = false;
    this.done = false;
    this.#window.clear();
    this.#folded = 0;
    this.#accesses = 0;
    this.#waiters.clear();
  }

  /** Location id of the first frame outside the checker, e.g. "src/producer.ts:412". */
  #where(): { loc: string; stack: string } {
    const stack = new Error().stack ?? "";
    const frames = this.#outside(stack);
    return { loc: this.#locOf(frames[0] ?? ""), stack: frames.join("\n") };
  }

  /**
   * The location alone (plain accesses, barriers): from a short stack first,
   * since Deno formats each frame of a stack trace at ~5 µs, and a checked
   * run records thousands of plain accesses. Falls back to the whole stack
   * when the short one holds only the checker's own frames.
   */
  #loc(): string {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = LOC_FRAMES;
    const stack = new Error().stack ?? "";
    Error.stackTraceLimit = limit;
    const first = this.#outside(stack)[0];
    return first === undefined ? this.#where().loc : this.#locOf(first);
  }

  /** The frames of `stack` outside the checker's shims. */
  #outside(stack: string): string[] {
    return stack.split("\n").slice(1).filter((f) =>
      !this.#shimFiles.some((file) => f.includes(file))
    );
  }

  /** A frame's "file:line", the file relative to the ring's source root. */
  #locOf(frame: string): string {
    const match = /(?:\(|at )([^()\s]+):(\d+):\d+\)?$/.exec(frame.trim());
    if (match === null) return "?";
    const file = match[1]!.startsWith(this.#root)
      ? match[1]!.slice(this.#root.length)
      : match[1]!.replace(/^.*\//, "");
    return `${file}:${match[2]}`;
  }

  #locId(loc: string): number {
    let id = this.#locIds.get(loc);
    if (id === undefined) {
      id = this.#locIds.size;
      this.#locIds.set(loc, id);
      this.#newLocs.push(loc);
    }
    return id;
  }

  /** Records a plain access of bytes [start, end) of the ring's buffer. */
  plain(kind: number, start: number, end: number): void {
    if (this.aborting || this.#accesses >= MAX_ACCESSES) return;
    if (!this.races && kind !== A_WRITE) return;
    const loc = this.races ? this.#locId(this.#loc()) : 0;
    const at = this.#accesses++ * 4;
    this.access[at] = kind;
    this.access[at + 1] = start;
    this.access[at + 2] = end;
    this.access[at + 3] = loc;
  }

  /** Writes text (a JSON object) to the text area. */
  #text(value: unknown): void {
    if (value === null) {
      this.ctl[C_TEXT] = 0;
      return;
    }
    const data = encoder.encode(JSON.stringify(value));
    const n = Math.min(data.length, this.bytes.length);
    this.bytes.set(data.subarray(0, n));
    this.ctl[C_TEXT] = n;
  }

  /** Reports `state` and blocks until the controller answers. */
  #report(state: number): void {
    const ctl = this.ctl;
    ctl[C_FOLDED] = this.#folded;
    ctl[C_ACCESSES] = this.#accesses;
    this.#folded = 0;
    this.#accesses = 0;
    real.store(ctl, C_STATE, state);
    real.notify(ctl, C_STATE);
    if (state !== S_REQUEST) return;
    while (real.load(ctl, C_STATE) === S_REQUEST) {
      real.wait(ctl, C_STATE, S_REQUEST);
    }
    if (real.load(ctl, C_STATE) === S_ABORT) {
      this.aborting = true;
      throw new AbortExecution("execution abandoned by the controller");
    }
    if (ctl[C_RESET] === 1) this.#window.clear();
  }

  /** Asks to perform an operation; returns once granted. */
  request(
    kind: number,
    addr: number,
    options: {
      value?: number;
      value2?: number;
      width: number;
      timeout?: number;
    },
  ): void {
    if (this.aborting) throw new AbortExecution("execution abandoned");
    if (kind === K_LOAD && this.quiet !== null && this.quiet[addr >> 2] === 1) {
      return;
    }
    const { loc, stack } = this.#where();
    const key = `${addr}@${stack}`;
    if (kind === K_LOAD) {
      // A thread that only loads, and loads again a word from the same call
      // stack that nobody else wrote since (the controller says so with
      // C_RESET), reads the same values as the first time: it spins. Its
      // iterations differ only in loop counters, so the re-read is part of
      // the current step, not a scheduling point of its own.
      if (this.#window.has(key) && this.#folded < FOLD_CAP) {
        this.#folded++;
        return;
      }
      this.#window.add(key);
    } else this.#window.clear();
    const ctl = this.ctl;
    ctl[C_KIND] = kind;
    ctl[C_ADDR] = addr;
    ctl[C_VALUE] = options.value ?? 0;
    ctl[C_VALUE2] = options.value2 ?? 0;
    ctl[C_WIDTH] = options.width;
    const timeout = options.timeout ?? Infinity;
    ctl[C_FINITE] = Number.isFinite(timeout) ? 1 : 0;
    this.f64[F_TIMEOUT] = Number.isFinite(timeout) ? Math.max(0, timeout) : 0;
    ctl[C_LOC] = this.#locId(loc);
    this.#text(
      this.#newLocs.length === 0 ? null : { newLocs: this.#newLocs.splice(0) },
    );
    this.#report(S_REQUEST);
  }

  /** Waits at the scenario's barrier (see K_BARRIER). */
  barrier(): void {
    if (this.aborting) throw new AbortExecution("execution abandoned");
    this.#window.clear();
    const ctl = this.ctl;
    ctl[C_KIND] = K_BARRIER;
    ctl[C_ADDR] = -2;
    ctl[C_WIDTH] = 0;
    ctl[C_FINITE] = 0;
    ctl[C_LOC] = this.#locId(this.#loc());
    this.#text({ newLocs: this.#newLocs.splice(0) });
    this.#report(S_REQUEST);
  }

  /** Reports the thread's end, with its result. */
  finish(result: unknown): void {
    if (this.done) return;
    this.done = true;
    this.#text({ result, newLocs: this.#newLocs.splice(0) });
    this.#report(S_DONE);
  }

  /** Reports that the thread is waiting for an async waiter to resolve. */
  idle(gen: number): void {
    if (this.done || this.aborting || gen !== this.gen) return;
    this.#text({ newLocs: this.#newLocs.splice(0) });
    const wake = real.load(this.ctl, C_WAKE);
    this.#report(S_IDLE);
    const pending = real.waitAsync(this.ctl, C_WAKE, wake);
    const resume = () => {
      if (this.gen !== gen || this.done) return;
      const state = real.load(this.ctl, C_STATE);
      if (state === S_ABORT) return;
      const id = real.load(this.ctl, C_WAITER);
      const result = real.load(this.ctl, C_RESULT);
      const resolve = this.#waiters.get(id);
      this.#waiters.delete(id);
      this.#window.clear();
      resolve?.(result === R_TIMED_OUT ? "timed-out" : "ok");
      setTimeout(() => this.idle(gen), 0);
    };
    if (pending.async) pending.value.then(resume);
    else resume();
  }

  /** Registers a granted async waiter; its promise resolves on resume. */
  asyncWaiter(): Promise<string> {
    const id = this.ctl[C_ASYNC_ID]!;
    return new Promise((resolve) => this.#waiters.set(id, resolve));
  }

  /** The byte address of `array[index]` in the ring's buffer, or -1. */
  addr(array: AnyArray, index: number): number {
    if (this.ring === null || array.buffer !== this.ring) return -1;
    return array.byteOffset + index * array.BYTES_PER_ELEMENT;
  }
}
