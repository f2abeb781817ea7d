/**
 * Item formats a ring can carry: numbers, fixed-size byte records and
 * structs — the textbook's `typedef struct { … } item`.
 *
 * @module
 */

/** Numeric item kinds carried as JavaScript numbers. */
export type NumberKind =
  | "int8"
  | "uint8"
  | "int16"
  | "uint16"
  | "int32"
  | "uint32"
  | "float32"
  | "float64";

/** Numeric item kinds carried as JavaScript bigints. */
export type BigIntKind = "bigint64" | "biguint64";

/** Every numeric kind, usable as a whole item or as a struct field. */
export type NumericKind = NumberKind | BigIntKind;

/** A struct item's fields, in layout order, each with its numeric kind. */
export type StructSchema = Readonly<Record<string, NumericKind>>;

/** A fixed-size byte record, pushed and popped as a `Uint8Array`. */
export interface BytesSpec {
  /** The record's length in bytes, from 1 to 65536. */
  readonly bytes: number;
}

/** A struct record described by its field schema. */
export interface StructSpec {
  /** The fields, in layout order. */
  readonly struct: StructSchema;
}

/** What one slot of a ring holds. */
export type ItemSpec = NumericKind | BytesSpec | StructSpec;

/** The JavaScript value of a struct item with schema `F`. */
export type StructOf<F extends StructSchema> = {
  -readonly [K in keyof F]: F[K] extends BigIntKind ? bigint : number;
};

/** The JavaScript value pushed and popped for an item spec `S`. */
export type ItemOf<S extends ItemSpec> = S extends NumberKind ? number
  : S extends BigIntKind ? bigint
  : S extends BytesSpec ? Uint8Array
  : S extends { readonly struct: infer F extends StructSchema } ? StructOf<F>
  : never;

/** Any item value a ring can carry. */
export type Item =
  | number
  | bigint
  | Uint8Array
  | Record<string, number | bigint>;

/**
 * A zero-copy view of one slot: a one-element typed array for numeric items
 * (`view[0]`), the slot's bytes for byte records, and an object with one
 * accessor per field for structs.
 */
export type SlotView<T> = T extends number | bigint
  ? { [index: number]: T; readonly length: number }
  : T;
