// The checked Worker's typed-array constructors and clock: views over the
// ring's buffer record their plain element reads and writes (for the
// data-race check; the production hot path is unchanged, only these
// constructors differ), and `performance.now()`/`Date.now()` read the
// controller's virtual clock.
import { A_READ, A_WRITE } from "./protocol.ts";
import type { AnyArray, Channel } from "./channel.ts";

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
