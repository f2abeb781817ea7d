// Item codecs: move items between JavaScript values and the shared slots
// without tearing (every field is written through a typed array of its own
// kind, at its natural alignment).
import type { NumericKind, SlotView } from "../item.ts";
import {
  type Checker,
  describeValue as describe,
  type ItemLayout,
  KINDS,
  labelOf,
  numberChecker,
  type NumericArray,
} from "./item_layout.ts";
import { SlotViews } from "./slot_views.ts";

/** Moves items between JavaScript values and a ring's slots. */
export interface Codec<T> {
  readonly layout: ItemLayout;
  /** For numeric items: the slots as one typed array (slot i is element i). */
  readonly array: NumericArray | null;
  /** For numeric items: views of ranges of `array`, reused by `copyOut`. */
  readonly views: SlotViews | null;
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
  const region = { buffer, dataOffset, slots, what };
  if (layout.kind === "numeric") return new NumericCodec<T>(layout, region);
  if (layout.kind === "bytes") return new BytesCodec<T>(layout, region);
  return new StructCodec<T>(layout, region);
}

/** Where a codec's slots are, and how its errors begin. */
interface Region {
  readonly buffer: SharedArrayBuffer;
  readonly dataOffset: number;
  readonly slots: number;
  readonly what: string;
}

// The codecs are classes with their methods on the prototype, as the
// checkers are (see `item_layout.ts`): the push and pop paths inline these
// methods, and optimized code must not be tied to one ring's objects.

/** Each slot's view, made on first use (one cache per kind of access). */
class ViewCache<T> {
  readonly #views: (SlotView<T> | undefined)[] = [];
  readonly #readOnlyViews: (SlotView<T> | undefined)[] = [];

  get(
    slot: number,
    writable: boolean,
    make: (slot: number, writable: boolean) => SlotView<T>,
  ): SlotView<T> {
    const cache = writable ? this.#views : this.#readOnlyViews;
    return cache[slot] ??= make(slot, writable);
  }
}

class NumericCodec<T> implements Codec<T> {
  readonly layout: ItemLayout;
  readonly array: NumericArray;
  readonly views: SlotViews;
  readonly #region: Region;
  readonly #checker: Checker;
  readonly #cache = new ViewCache<T>();

  constructor(layout: ItemLayout, region: Region) {
    const kind = layout.spec as NumericKind;
    this.layout = layout;
    this.array = new KINDS[kind].array(
      region.buffer,
      region.dataOffset,
      region.slots,
    );
    this.views = new SlotViews(this.array);
    this.#region = region;
    this.#checker = numberChecker(kind, region.what);
  }

  check(item: unknown, label: string | number): void {
    const checker = this.#checker;
    if (!checker.ok(item)) throw checker.error(item, labelOf(label));
  }

  write(slot: number, item: T): void {
    this.array[slot] = item as never;
  }

  read(slot: number): T {
    return this.array[slot] as T;
  }

  view(slot: number, writable: boolean): SlotView<T> {
    return this.#cache.get(slot, writable, (at) => {
      const { buffer, dataOffset } = this.#region;
      const View = KINDS[this.layout.spec as NumericKind].array;
      return new View(
        buffer,
        dataOffset + at * this.layout.stride,
        1,
      ) as SlotView<T>;
    });
  }
}

class BytesCodec<T> implements Codec<T> {
  readonly layout: ItemLayout;
  readonly array: null = null;
  readonly views: null = null;
  readonly #region: Region;
  readonly #bytes: Uint8Array;
  readonly #size: number;
  readonly #cache = new ViewCache<T>();

  constructor(layout: ItemLayout, region: Region) {
    this.layout = layout;
    this.#region = region;
    this.#size = (layout.spec as { bytes: number }).bytes;
    this.#bytes = new Uint8Array(
      region.buffer,
      region.dataOffset,
      region.slots * layout.stride,
    );
  }

  check(item: unknown, index: string | number): void {
    const label = labelOf(index);
    const n = this.#size;
    const what = this.#region.what;
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
  }

  write(slot: number, item: T): void {
    this.#bytes.set(item as Uint8Array, slot * this.layout.stride);
  }

  read(slot: number): T {
    const start = slot * this.layout.stride;
    return this.#bytes.slice(start, start + this.#size) as T;
  }

  view(slot: number, writable: boolean): SlotView<T> {
    return this.#cache.get(slot, writable, (at) => {
      const { buffer, dataOffset } = this.#region;
      return new Uint8Array(
        buffer,
        dataOffset + at * this.layout.stride,
        this.#size,
      ) as SlotView<T>;
    });
  }
}

/** One field of a struct: a typed array of its kind over the whole region. */
interface StructField {
  readonly name: string;
  readonly array: NumericArray;
  /** Elements of `array` per slot. */
  readonly perSlot: number;
  /** The field's element within its slot. */
  readonly index: number;
  readonly checker: Checker;
}

// Struct: one typed array per field over the whole slot region; a field of
// size s at offset o in slot i is element (i * stride + o) / s.
class StructCodec<T> implements Codec<T> {
  readonly layout: ItemLayout;
  readonly array: null = null;
  readonly views: null = null;
  readonly #what: string;
  readonly #fields: readonly StructField[];
  readonly #cache = new ViewCache<T>();

  constructor(layout: ItemLayout, region: Region) {
    const { buffer, dataOffset, slots, what } = region;
    this.layout = layout;
    this.#what = what;
    this.#fields = layout.fields.map((field) => {
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
  }

  check(item: unknown, index: string | number): void {
    const label = labelOf(index);
    const fields = this.#fields;
    if (item === null || typeof item !== "object") {
      throw new TypeError(
        `${this.#what}: ${label} must be an object with fields ${
          fields.map((f) => f.name).join(", ")
        }, received ${describe(item)}`,
      );
    }
    for (const field of fields) {
      checkField(field, (item as Record<string, unknown>)[field.name], label);
    }
  }

  write(slot: number, item: T): void {
    const record = item as Record<string, number | bigint>;
    for (const field of this.#fields) {
      field.array[slot * field.perSlot + field.index] =
        record[field.name] as never;
    }
  }

  read(slot: number): T {
    const record: Record<string, number | bigint> = {};
    for (const field of this.#fields) {
      record[field.name] = field.array[slot * field.perSlot + field.index] as
        | number
        | bigint;
    }
    return record as T;
  }

  view(slot: number, writable: boolean): SlotView<T> {
    return this.#cache.get(slot, writable, (at) => {
      const view = {};
      for (const field of this.#fields) {
        const element = at * field.perSlot + field.index;
        Object.defineProperty(view, field.name, {
          enumerable: true,
          get: () => field.array[element],
          ...(writable
            ? {
              set: (value: unknown) => {
                checkField(field, value, "view");
                field.array[element] = value as never;
              },
            }
            : {}),
        });
      }
      return (writable ? view : Object.freeze(view)) as SlotView<T>;
    });
  }
}

function checkField(field: StructField, value: unknown, label: string): void {
  if (!field.checker.ok(value)) {
    throw field.checker.error(value, `${label}.${field.name}`);
  }
}

export type { NumericArray };
