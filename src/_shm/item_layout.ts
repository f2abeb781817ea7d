// Item specs: validate one (from a caller or from a header) and lay it out in
// a slot. `codec.ts` moves items in and out of the slots so laid out. A ring
// and an unbounded buffer alike record the spec after their header words, as
// the item descriptor: the canonical spec as UTF-8 JSON at DESCRIPTOR_OFFSET,
// followed on a fresh cache line by the slots (segments).
import type { ItemSpec, NumericKind, StructSchema } from "../item.ts";
import { alignUp, DESCRIPTOR_OFFSET, LINE } from "./layout.ts";

export type NumericArray =
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | Float32Array
  | Float64Array
  | BigInt64Array
  | BigUint64Array;

type NumericArrayConstructor = new (
  buffer: ArrayBufferLike,
  byteOffset: number,
  length: number,
) => NumericArray;

interface KindInfo {
  readonly size: number;
  readonly array: NumericArrayConstructor;
  /** Inclusive integer range, or null for floats and bigints. */
  readonly range: readonly [number, number] | null;
  readonly bigint: boolean;
}

export const KINDS: Readonly<Record<NumericKind, KindInfo>> = {
  int8: { size: 1, array: Int8Array, range: [-128, 127], bigint: false },
  uint8: { size: 1, array: Uint8Array, range: [0, 255], bigint: false },
  int16: { size: 2, array: Int16Array, range: [-32768, 32767], bigint: false },
  uint16: { size: 2, array: Uint16Array, range: [0, 65535], bigint: false },
  int32: {
    size: 4,
    array: Int32Array,
    range: [-2147483648, 2147483647],
    bigint: false,
  },
  uint32: {
    size: 4,
    array: Uint32Array,
    range: [0, 4294967295],
    bigint: false,
  },
  float32: { size: 4, array: Float32Array, range: null, bigint: false },
  float64: { size: 8, array: Float64Array, range: null, bigint: false },
  bigint64: { size: 8, array: BigInt64Array, range: null, bigint: true },
  biguint64: { size: 8, array: BigUint64Array, range: null, bigint: true },
};

/** Largest byte record accepted. */
export const MAX_RECORD_BYTES = 65536;
/** Most fields a struct item may have. */
export const MAX_STRUCT_FIELDS = 64;

interface FieldLayout {
  readonly name: string;
  readonly kind: NumericKind;
  readonly offset: number;
}

/** A validated item spec and its place in a slot. */
export interface ItemLayout {
  /** The spec in canonical form (what the header records). */
  readonly spec: ItemSpec;
  /** Bytes from one slot to the next (a multiple of `align`). */
  readonly stride: number;
  readonly align: number;
  readonly kind: "numeric" | "bytes" | "struct";
  readonly fields: readonly FieldLayout[];
}

/** A value as an error message names it: briefly, and never throwing. */
export function describeValue(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "bigint") return `${value}n`;
  // Not its source text, which String() would give.
  if (typeof value === "function") return "a function";
  if (value === null || typeof value !== "object") return String(value);
  if (Array.isArray(value)) return "an array";
  const name = (value as { constructor?: { name?: string } }).constructor?.name;
  if (name && name !== "Object") {
    // "a Uint8Array": its U sounds like "you".
    return `${/^(?:[AEIO]|U(?!int))/.test(name) ? "an" : "a"} ${name}`;
  }
  try {
    return JSON.stringify(value);
  } catch {
    // A bigint field or a cycle: the message must still say what failed.
    return "an object";
  }
}

function isNumericKind(value: unknown): value is NumericKind {
  return typeof value === "string" && Object.hasOwn(KINDS, value);
}

const KIND_LIST = Object.keys(KINDS).join(", ");

/**
 * Validates an item spec (from a caller or from a ring's header) and lays it
 * out. `what` prefixes error messages, e.g. "Cannot create ring".
 */
export function parseItemSpec(spec: unknown, what: string): ItemLayout {
  if (isNumericKind(spec)) {
    const { size } = KINDS[spec];
    return { spec, stride: size, align: size, kind: "numeric", fields: [] };
  }
  if (typeof spec === "string") {
    throw new TypeError(
      `${what}: item must be one of ${KIND_LIST}, { bytes: n } or { struct: {...} }, received ${
        describeValue(spec)
      }`,
    );
  }
  if (spec === null || typeof spec !== "object" || Array.isArray(spec)) {
    throw new TypeError(
      `${what}: item must be a numeric kind, { bytes: n } or { struct: {...} }, received ${
        describeValue(spec)
      }`,
    );
  }
  const keys = Object.keys(spec);
  if (keys.length === 1 && keys[0] === "bytes") {
    const n = (spec as { bytes: unknown }).bytes;
    if (typeof n !== "number") {
      throw new TypeError(
        `${what}: item.bytes must be an integer, received ${describeValue(n)}`,
      );
    }
    if (!Number.isInteger(n) || n < 1 || n > MAX_RECORD_BYTES) {
      throw new RangeError(
        `${what}: item.bytes must be an integer in [1, ${MAX_RECORD_BYTES}], received ${n}`,
      );
    }
    // Round up to 8 so every slot starts 8-byte aligned, as for structs.
    return {
      spec: { bytes: n },
      stride: Math.ceil(n / 8) * 8,
      align: 8,
      kind: "bytes",
      fields: [],
    };
  }
  if (keys.length === 1 && keys[0] === "struct") {
    return parseStruct((spec as { struct: unknown }).struct, what);
  }
  throw new TypeError(
    `${what}: item must be a numeric kind, { bytes: n } or { struct: {...} }, received ${
      describeValue(spec)
    }`,
  );
}

function parseStruct(schema: unknown, what: string): ItemLayout {
  if (schema === null || typeof schema !== "object" || Array.isArray(schema)) {
    throw new TypeError(
      `${what}: item.struct must be an object of field kinds, received ${
        describeValue(schema)
      }`,
    );
  }
  const names = Object.keys(schema);
  if (names.length < 1 || names.length > MAX_STRUCT_FIELDS) {
    throw new RangeError(
      `${what}: item.struct must have 1 to ${MAX_STRUCT_FIELDS} fields, received ${names.length}`,
    );
  }
  const fields: FieldLayout[] = [];
  const canonical: Record<string, NumericKind> = {};
  let offset = 0;
  let align = 1;
  for (const name of names) {
    const kind = (schema as Record<string, unknown>)[name];
    if (!isNumericKind(kind)) {
      throw new TypeError(
        `${what}: item.struct.${name} must be one of ${KIND_LIST}, received ${
          describeValue(kind)
        }`,
      );
    }
    const { size } = KINDS[kind];
    // Natural alignment keeps every field a whole element of its typed array.
    offset = Math.ceil(offset / size) * size;
    fields.push({ name, kind, offset });
    canonical[name] = kind;
    offset += size;
    align = Math.max(align, size);
  }
  return {
    spec: { struct: canonical },
    stride: Math.ceil(offset / align) * align,
    align,
    kind: "struct",
    fields,
  };
}

export interface Checker {
  /** The fast test, run on every push. */
  ok(value: unknown): boolean;
  /** The error for a value that failed `ok`, naming it `label`. */
  error(value: unknown, label: string): Error;
}

// Checkers (and codecs, `codec.ts`) are class instances with their methods
// on the prototype, not objects of closures made per ring: the JIT inlines
// a call by its target, and a closure of one ring's handle, inlined into the
// push path, tied the optimized code to that ring — the next ring's first
// push deoptimized it ("wrong call target") and it was compiled again.
// Rings made after a warm-up ring ran 1.12-1.21x as fast (session 10).

/** The checker of one numeric kind; `ok` is overridden per kind. */
class NumberChecker implements Checker {
  readonly kind: NumericKind;
  readonly what: string;

  constructor(kind: NumericKind, what: string) {
    this.kind = kind;
    this.what = what;
  }

  ok(value: unknown): boolean {
    return typeof value === "number";
  }

  error(value: unknown, label: string): Error {
    const { kind, what } = this;
    const { range, bigint } = KINDS[kind];
    const type = typeof value;
    if (bigint ? type !== "bigint" : type !== "number") {
      return new TypeError(
        `${what}: ${label} must be a ${
          bigint ? "bigint" : "number"
        } for ${kind}, received ${describeValue(value)}`,
      );
    }
    if (bigint) {
      return new RangeError(
        `${what}: ${label} is out of range for ${kind}, received ${value}n`,
      );
    }
    const [min, max] = range!;
    return new RangeError(
      `${what}: ${label} must be an integer in [${min}, ${max}] for ${kind}, received ${value}`,
    );
  }
}

class Int32Checker extends NumberChecker {
  override ok(value: unknown): boolean {
    // `typeof` first: `value as number | 0` would parse as a type assertion
    // to `number | 0`, and `|` or `>>>` on a bigint or symbol throws.
    return typeof value === "number" && (value | 0) === value;
  }
}

class Uint32Checker extends NumberChecker {
  override ok(value: unknown): boolean {
    return typeof value === "number" && (value >>> 0) === value;
  }
}

/** int8 … uint16: an integer within the kind's range. */
class SmallIntChecker extends NumberChecker {
  readonly #min: number;
  readonly #max: number;

  constructor(kind: NumericKind, what: string) {
    super(kind, what);
    [this.#min, this.#max] = KINDS[kind].range!;
  }

  override ok(value: unknown): boolean {
    return typeof value === "number" && Number.isInteger(value) &&
      value >= this.#min && value <= this.#max;
  }
}

class BigInt64Checker extends NumberChecker {
  override ok(value: unknown): boolean {
    return typeof value === "bigint" && BigInt.asIntN(64, value) === value;
  }
}

class BigUint64Checker extends NumberChecker {
  override ok(value: unknown): boolean {
    return typeof value === "bigint" && BigInt.asUintN(64, value) === value;
  }
}

export function numberChecker(kind: NumericKind, what: string): Checker {
  switch (kind) {
    case "int32":
      return new Int32Checker(kind, what);
    case "uint32":
      return new Uint32Checker(kind, what);
    case "int8":
    case "uint8":
    case "int16":
    case "uint16":
      return new SmallIntChecker(kind, what);
    case "bigint64":
      return new BigInt64Checker(kind, what);
    case "biguint64":
      return new BigUint64Checker(kind, what);
    default:
      return new NumberChecker(kind, what); // float32, float64
  }
}

export function labelOf(label: string | number): string {
  return typeof label === "number" ? `items[${label}]` : label;
}

/** The descriptor of `layout`, as a buffer records it. */
export function encodeDescriptor(layout: ItemLayout): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(layout.spec));
}

/** Writes `descriptor` into a new buffer, at DESCRIPTOR_OFFSET. */
export function writeDescriptor(
  buffer: SharedArrayBuffer,
  descriptor: Uint8Array,
): void {
  new Uint8Array(buffer, DESCRIPTOR_OFFSET, descriptor.length).set(descriptor);
}

/** Bytes from the start of the buffer to slot 0 (segment 0). */
export function dataOffsetOf(descriptorBytes: number): number {
  return alignUp(DESCRIPTOR_OFFSET + descriptorBytes, LINE);
}

/** How to read a descriptor of `bytes` bytes, and how to refuse it. */
export interface ReadDescriptorOptions {
  readonly bytes: number;
  /** Prefixes the item spec's errors ("Cannot attach producer"). */
  readonly what: string;
  /** The error for a damaged descriptor, saying why. */
  readonly corrupt: (why: string) => Error;
}

/** Reads and parses a buffer's descriptor, refusing a damaged one. */
export function readDescriptor(
  buffer: SharedArrayBuffer,
  options: ReadDescriptorOptions,
): ItemLayout {
  const { bytes, what, corrupt } = options;
  if (bytes < 1 || DESCRIPTOR_OFFSET + bytes > buffer.byteLength) {
    throw corrupt(`item descriptor length is ${bytes}`);
  }
  try {
    // Copy first: TextDecoder refuses views of shared memory.
    const copy = new Uint8Array(buffer, DESCRIPTOR_OFFSET, bytes).slice();
    return parseItemSpec(JSON.parse(new TextDecoder().decode(copy)), what);
  } catch (error) {
    throw corrupt(
      `item descriptor is unreadable (${(error as Error).message})`,
    );
  }
}

export type { StructSchema };
