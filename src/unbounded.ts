/**
 * The textbook's unbounded buffer: "no practical limit on the size of the
 * buffer. The consumer may have to wait for new items, but the producer can
 * always produce new items." A growable SharedArrayBuffer holds `in`, `out`
 * and a chain of fixed-size segments; the producer grows it (up to
 * `maxBytes`) instead of waiting, and the consumer recycles the segments it
 * has read. See `docs/unbounded.md`.
 *
 * @module
 */
export * from "./unbounded_create.ts";
export * from "./unbounded_inspect.ts";
export * from "./unbounded_producer.ts";
export * from "./unbounded_consumer.ts";
export * from "./unbounded_handle.ts";
