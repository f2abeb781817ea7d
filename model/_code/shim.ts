// The checked Worker's Atomics: an object that asks the controller (through
// the Channel) before every operation on the ring's buffer. Installed as the
// global BEFORE the ring module is imported: the production code looks
// `Atomics` up as a global at call time, so it runs unmodified against it.
// The instrumented views and virtual time are in views.ts.
import {
  C_RESULT,
  K_CAS,
  K_LOAD,
  K_NOTIFY,
  K_RMW,
  K_STORE,
  K_WAIT,
  K_WAIT_ASYNC,
  R_ASYNC,
  R_NOT_EQUAL,
  R_OK,
  S_ABORT,
  S_RUNNING,
} from "./protocol.ts";
import type { AnyArray, Channel } from "./channel.ts";

export { AbortExecution, Channel } from "./channel.ts";
export { instrumentViews, virtualTime } from "./views.ts";

/** Codes of the read-modify-write methods, in C_VALUE2. */
export const RMW_NAMES = ["add", "sub", "and", "or", "xor", "exchange"];

const real = globalThis.Atomics;

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

export { S_ABORT, S_RUNNING };
