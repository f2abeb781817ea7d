// The checked Worker's side of the controller: an Atomics object that asks
// the controller before every operation on the ring's buffer, instrumented
// typed-array views that record plain reads and writes of that buffer, and
// virtual time. Installed as globals BEFORE the ring module is imported: the
// production code looks `Atomics`, `performance` and the typed-array
// constructors up as globals, so it runs unmodified against them.
import {
  A_READ,
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
  K_CAS,
  K_LOAD,
  K_NOTIFY,
  K_RMW,
  K_STORE,
  K_WAIT,
  K_WAIT_ASYNC,
  MAX_ACCESSES,
  R_ASYNC,
  R_NOT_EQUAL,
  R_OK,
  R_TIMED_OUT,
  S_ABORT,
  S_DONE,
  S_IDLE,
  S_REQUEST,
  S_RUNNING,
  TEXT_OFFSET,
} from "./protocol.ts";

/** Thrown inside a checked thread to unwind an abandoned execution. */
export class AbortExecution extends Error {
  override name = "AbortExecution";
}

/** Codes of the read-modify-write methods, in C_VALUE2. */
export const RMW_NAMES = ["add", "sub", "and", "or", "xor", "exchange"];

// deno-lint-ignore no-explicit-any
type AnyArray = any;

const real = globalThis.Atomics;
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
    const frames = stack.split("\n").slice(1).filter((f) =>
      !this.#shimFiles.some((file) => f.includes(file))
    );
    const first = frames[0] ?? "";
    const match = /(?:\(|at )([^()\s]+):(\d+):\d+\)?$/.exec(first.trim());
    let loc = "?";
    if (match !== null) {
      const file = match[1]!.startsWith(this.#root)
        ? match[1]!.slice(this.#root.length)
        : match[1]!.replace(/^.*\//, "");
      loc = `${file}:${match[2]}`;
    }
    return { loc, stack: frames.join("\n") };
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
    const loc = this.races ? this.#locId(this.#where().loc) : 0;
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
    ctl[C_LOC] = this.#locId(this.#where().loc);
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

/** The Atomics object of a checked Worker. */
export function atomicsShim(channel: Channel): typeof Atomics {
  const unwrap = (a: AnyArray): AnyArray => channel.targets.get(a) ?? a;
  const shim: Record<string, unknown> = {};
  for (const key of Reflect.ownKeys(real)) {
    // deno-lint-ignore no-explicit-any
    shim[key as string] = (real as any)[key];
  }
  const width = (a: AnyArray) => a.BYTES_PER_ELEMENT as number;
  const num = (v: unknown) => Number(v) | 0;
  shim.load = (ta: AnyArray, i: number) => {
    const a = unwrap(ta);
    const addr = channel.addr(a, i);
    if (addr >= 0) channel.request(K_LOAD, addr, { width: width(a) });
    return real.load(a, i);
  };
  shim.store = (ta: AnyArray, i: number, v: AnyArray) => {
    const a = unwrap(ta);
    const addr = channel.addr(a, i);
    if (addr >= 0) {
      channel.request(K_STORE, addr, { value: num(v), width: width(a) });
    }
    return real.store(a, i, v);
  };
  RMW_NAMES.forEach((name, code) => {
    shim[name] = (ta: AnyArray, i: number, v: AnyArray) => {
      const a = unwrap(ta);
      const addr = channel.addr(a, i);
      if (addr >= 0) {
        channel.request(K_RMW, addr, {
          value: num(v),
          value2: code,
          width: width(a),
        });
      }
      // deno-lint-ignore no-explicit-any
      return (real as any)[name](a, i, v);
    };
  });
  shim.compareExchange = (
    ta: AnyArray,
    i: number,
    expected: AnyArray,
    replacement: AnyArray,
  ) => {
    const a = unwrap(ta);
    const addr = channel.addr(a, i);
    if (addr >= 0) {
      channel.request(K_CAS, addr, {
        value: num(expected),
        value2: num(replacement),
        width: width(a),
      });
    }
    return real.compareExchange(a, i, expected, replacement);
  };
  const waitResult = () => {
    const r = channel.ctl[C_RESULT];
    return r === R_OK ? "ok" : r === R_NOT_EQUAL ? "not-equal" : "timed-out";
  };
  shim.wait = (ta: AnyArray, i: number, v: AnyArray, timeout?: number) => {
    const a = unwrap(ta);
    const addr = channel.addr(a, i);
    if (addr < 0) return real.wait(a, i, v, timeout);
    channel.request(K_WAIT, addr, {
      value: num(v),
      width: width(a),
      timeout: timeout === undefined ? Infinity : Number(timeout),
    });
    return waitResult();
  };
  shim.waitAsync = (ta: AnyArray, i: number, v: AnyArray, timeout?: number) => {
    const a = unwrap(ta);
    const addr = channel.addr(a, i);
    // deno-lint-ignore no-explicit-any
    if (addr < 0) return (real as any).waitAsync(a, i, v, timeout);
    channel.request(K_WAIT_ASYNC, addr, {
      value: num(v),
      width: width(a),
      timeout: timeout === undefined ? Infinity : Number(timeout),
    });
    if (channel.ctl[C_RESULT] !== R_ASYNC) {
      return { async: false, value: waitResult() };
    }
    const value = channel.asyncWaiter();
    // Once the thread's synchronous work and microtasks are done, it is idle.
    const gen = channel.gen;
    setTimeout(() => channel.idle(gen), 0);
    return { async: true, value };
  };
  shim.notify = (ta: AnyArray, i: number, count?: number) => {
    const a = unwrap(ta);
    const addr = channel.addr(a, i);
    if (addr < 0) return real.notify(a, i, count);
    channel.request(K_NOTIFY, addr, {
      value: count === undefined || count === Infinity ? -1 : num(count),
      width: width(a),
    });
    return channel.ctl[C_RESULT];
  };
  return shim as unknown as typeof Atomics;
}

const VIEW_NAMES = [
  "Int8Array",
  "Uint8Array",
  "Uint8ClampedArray",
  "Int16Array",
  "Uint16Array",
  "Int32Array",
  "Uint32Array",
  "Float32Array",
  "Float64Array",
  "BigInt64Array",
  "BigUint64Array",
] as const;

/**
 * Replaces the typed-array constructors so that views over the ring's
 * buffer record their plain element reads and writes (for the data-race
 * check). Other views are the real ones.
 */
export function instrumentViews(channel: Channel): void {
  const g = globalThis as unknown as Record<string, unknown>;
  for (const name of VIEW_NAMES) {
    const Real = g[name] as AnyArray;
    const wrap = (view: AnyArray): AnyArray => {
      const size = view.BYTES_PER_ELEMENT as number;
      const proxy = new Proxy(view, {
        get(target, key) {
          if (typeof key === "string" && /^\d+$/.test(key)) {
            const i = Number(key);
            if (i < target.length && target.buffer === channel.ring) {
              const at = target.byteOffset + i * size;
              channel.plain(A_READ, at, at + size);
            }
            return target[i];
          }
          if (key === "set") {
            return (source: AnyArray, offset = 0) => {
              const from = channel.targets.get(source) ?? source;
              if (target.buffer === channel.ring) {
                const at = target.byteOffset + offset * size;
                channel.plain(A_WRITE, at, at + from.length * size);
              }
              return target.set(from, offset);
            };
          }
          if (key === "subarray") {
            return (begin?: number, end?: number) =>
              wrap(target.subarray(begin, end));
          }
          const value = Reflect.get(target, key, target);
          return typeof value === "function" ? value.bind(target) : value;
        },
        set(target, key, value) {
          if (typeof key === "string" && /^\d+$/.test(key)) {
            const i = Number(key);
            if (i < target.length && target.buffer === channel.ring) {
              const at = target.byteOffset + i * size;
              channel.plain(A_WRITE, at, at + size);
            }
            target[i] = value;
            return true;
          }
          return Reflect.set(target, key, value, target);
        },
      });
      channel.targets.set(proxy, view);
      return proxy;
    };
    g[name] = new Proxy(Real, {
      construct(target, args, newTarget) {
        const view = Reflect.construct(
          target,
          args,
          newTarget === g[name] ? target : newTarget,
        );
        return args[0] instanceof SharedArrayBuffer && args[0] !== null &&
            channel.ring !== null && args[0] === channel.ring
          ? wrap(view)
          : view;
      },
    });
  }
}

/** Virtual time: `performance.now()` and `Date.now()` read the controller's clock. */
export function virtualTime(clock: SharedArrayBuffer): void {
  const now = new Float64Array(clock);
  const base = Date.now();
  Object.defineProperty(performance, "now", {
    value: () => now[0]!,
    configurable: true,
  });
  Date.now = () => base + now[0]!;
}

export { S_ABORT, S_RUNNING };
