// Item codecs: validate an item spec, lay it out in a slot, and move items
// between JavaScript values and the shared slots without tearing (every field
// is written through a typed array of its own kind, at its natural alignment).
import type { ItemSpec, NumericKind, SlotView, StructSchema } from "./item.ts";

type NumericArray =
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

const KINDS: Readonly<Record<NumericKind, KindInfo>> = {
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

function describe(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "bigint") return `${value}n`;
  if (value === null || typeof value !== "object") return String(value);
  if (Array.isArray(value)) return "an array";
  const name = (value as { constructor?: { name?: string } }).constructor?.name;
  if (!name || name === "Object") return JSON.stringify(value);
  return `${/^[AEIOU]/.test(name) ? "an" : "a"} ${name}`;
}

export { describe as describeValue };

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
        describe(spec)
      }`,
    );
  }
  if (spec === null || typeof spec !== "object" || Array.isArray(spec)) {
    throw new TypeError(
      `${what}: item must be a numeric kind, { bytes: n } or { struct: {...} }, received ${
        describe(spec)
      }`,
    );
  }
  const keys = Object.keys(spec);
  if (keys.length === 1 && keys[0] === "bytes") {
    const n = (spec as { bytes: unknown }).bytes;
    if (typeof n !== "number") {
      throw new TypeError(
        `${what}: item.bytes must be an integer, received ${describe(n)}`,
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
      describe(spec)
    }`,
  );
}

function parseStruct(schema: unknown, what: string): ItemLayout {
  if (schema === null || typeof schema !== "object" || Array.isArray(schema)) {
    throw new TypeError(
      `${what}: item.struct must be an object of field kinds, received ${
        describe(schema)
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
          describe(kind)
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

interface Checker {
  /** The fast test, run on every push. */
  ok(value: unknown): boolean;
  /** The error for a value that failed `ok`, naming it `label`. */
  error(value: unknown, label: string): Error;
}

function numberChecker(kind: NumericKind, what: string): Checker {
  const { range, bigint } = KINDS[kind];
  const typeError = (value: unknown, label: string) =>
    new TypeError(
      `${what}: ${label} must be a ${
        bigint ? "bigint" : "number"
      } for ${kind}, received ${describe(value)}`,
    );
  if (bigint) {
    const fit = kind === "bigint64"
      ? (v: bigint) => BigInt.asIntN(64, v) === v
      : (v: bigint) => BigInt.asUintN(64, v) === v;
    return {
      ok: (value) => typeof value === "bigint" && fit(value),
      error: (value, label) =>
        typeof value !== "bigint" ? typeError(value, label) : new RangeError(
          `${what}: ${label} is out of range for ${kind}, received ${value}n`,
        ),
    };
  }
  if (range === null) {
    return {
      ok: (value) => typeof value === "number",
      error: typeError,
    };
  }
  const [min, max] = range;
  return {
    ok: kind === "int32"
      // `typeof` first: `value as number | 0` would parse as a type assertion
      // to `number | 0`, and `|` or `>>>` on a bigint or symbol throws.
      ? (value) => typeof value === "number" && (value | 0) === value
      : kind === "uint32"
      ? (value) => typeof value === "number" && (value >>> 0) === value
      : (value) =>
        typeof value === "number" && Number.isInteger(value) && value >= min &&
        value <= max,
    error: (value, label) =>
      typeof value !== "number" ? typeError(value, label) : new RangeError(
        `${what}: ${label} must be an integer in [${min}, ${max}] for ${kind}, received ${value}`,
      ),
  };
}

function labelOf(label: string | number): string {
  return typeof label === "number" ? `items[${label}]` : label;
}

/** Moves items between JavaScript values and a ring's slots. */
export interface Codec<T> {
  readonly layout: ItemLayout;
  /** For numeric items: the slots as one typed array (slot i is element i). */
  readonly array: NumericArray | null;
  /**
   * Throws a TypeError or RangeError for a bad item, naming it `label` (a
   * number n names `items[n]`, formatted only when the item is bad).
   */
  check(item: unknown, label: string | number): void;
  write(slot: number, item: T): void;
  read(slot: number): T;
  view(slot: number, writable: boolean): SlotView<T>;
}

/**
 * Builds the codec of one handle over the slots at `dataOffset` in `buffer`.
 * `what` prefixes item errors, e.g. "Cannot push item".
 */
export function makeCodec<T>(
  layout: ItemLayout,
  buffer: SharedArrayBuffer,
  dataOffset: number,
  slots: number,
  what: string,
): Codec<T> {
  const views: (SlotView<T> | undefined)[] = [];
  const readOnlyViews: (SlotView<T> | undefined)[] = [];
  const cached = (
    slot: number,
    writable: boolean,
    make: () => SlotView<T>,
  ): SlotView<T> => {
    const cache = writable ? views : readOnlyViews;
    return cache[slot] ??= make();
  };

  if (layout.kind === "numeric") {
    const kind = layout.spec as NumericKind;
    const { array: View } = KINDS[kind];
    const array = new View(buffer, dataOffset, slots);
    const checker = numberChecker(kind, what);
    return {
      layout,
      array,
      check(item, label) {
        if (!checker.ok(item)) throw checker.error(item, labelOf(label));
      },
      write(slot, item) {
        array[slot] = item as never;
      },
      read(slot) {
        return array[slot] as T;
      },
      view(slot, writable) {
        return cached(
          slot,
          writable,
          () =>
            new View(buffer, dataOffset + slot * layout.stride, 1) as SlotView<
              T
            >,
        );
      },
    };
  }

  if (layout.kind === "bytes") {
    const n = (layout.spec as { bytes: number }).bytes;
    const bytes = new Uint8Array(buffer, dataOffset, slots * layout.stride);
    return {
      layout,
      array: null,
      check(item, index) {
        const label = labelOf(index);
        if (!(item instanceof Uint8Array)) {
          throw new TypeError(
            `${what}: ${label} must be a Uint8Array of ${n} bytes, received ${
              describe(item)
            }`,
          );
        }
        if (item.length !== n) {
          throw new RangeError(
            `${what}: ${label} must be exactly ${n} bytes long, received ${item.length}`,
          );
        }
      },
      write(slot, item) {
        bytes.set(item as Uint8Array, slot * layout.stride);
      },
      read(slot) {
        const start = slot * layout.stride;
        return bytes.slice(start, start + n) as T;
      },
      view(slot, writable) {
        return cached(
          slot,
          writable,
          () =>
            new Uint8Array(
              buffer,
              dataOffset + slot * layout.stride,
              n,
            ) as SlotView<T>,
        );
      },
    };
  }

  // Struct: one typed array per field over the whole slot region; a field of
  // size s at offset o in slot i is element (i * stride + o) / s.
  const fields = layout.fields.map((field) => {
    const info = KINDS[field.kind];
    return {
      name: field.name,
      array: new info.array(
        buffer,
        dataOffset,
        (slots * layout.stride) / info.size,
      ),
      perSlot: layout.stride / info.size,
      index: field.offset / info.size,
      checker: numberChecker(field.kind, what),
    };
  });
  const checkField = (
    field: typeof fields[number],
    value: unknown,
    label: string,
  ) => {
    if (!field.checker.ok(value)) {
      throw field.checker.error(value, `${label}.${field.name}`);
    }
  };
  return {
    layout,
    array: null,
    check(item, index) {
      const label = labelOf(index);
      if (item === null || typeof item !== "object") {
        throw new TypeError(
          `${what}: ${label} must be an object with fields ${
            fields.map((f) => f.name).join(", ")
          }, received ${describe(item)}`,
        );
      }
      for (const field of fields) {
        checkField(field, (item as Record<string, unknown>)[field.name], label);
      }
    },
    write(slot, item) {
      const record = item as Record<string, number | bigint>;
      for (const field of fields) {
        field.array[slot * field.perSlot + field.index] =
          record[field.name] as never;
      }
    },
    read(slot) {
      const record: Record<string, number | bigint> = {};
      for (const field of fields) {
        record[field.name] = field.array[slot * field.perSlot + field.index] as
          | number
          | bigint;
      }
      return record as T;
    },
    view(slot, writable) {
      return cached(slot, writable, () => {
        const view = {};
        for (const field of fields) {
          const at = slot * field.perSlot + field.index;
          Object.defineProperty(view, field.name, {
            enumerable: true,
            get: () => field.array[at],
            ...(writable
              ? {
                set: (value: unknown) => {
                  checkField(field, value, "view");
                  field.array[at] = value as never;
                },
              }
              : {}),
          });
        }
        return (writable ? view : Object.freeze(view)) as SlotView<T>;
      });
    },
  };
}

export type { NumericArray, StructSchema };
