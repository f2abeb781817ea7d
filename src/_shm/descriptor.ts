// The item descriptor that a ring and an unbounded buffer alike keep after
// their header words: the canonical item spec as UTF-8 JSON at
// DESCRIPTOR_OFFSET, followed on a fresh cache line by the slots (segments).
import { type ItemLayout, parseItemSpec } from "./item_layout.ts";
import { alignUp, DESCRIPTOR_OFFSET, LINE } from "./layout.ts";

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
