// The messages between the unbounded buffer's stress tests and their
// producer/consumer Workers. Items are the int32 sequence numbers 0, 1, 2, …

/** How the producer Worker pushes. */
export type UnboundedProducerPath = "push" | "batch" | "reserve";
/** How the consumer Worker pops. */
export type UnboundedConsumerPath = "pop" | "batch" | "async" | "peek";

export interface UnboundedProducerJob {
  readonly role: "producer";
  readonly buffer: SharedArrayBuffer;
  readonly path: UnboundedProducerPath;
  readonly items: number;
  readonly seed: number;
  /**
   * 0: push as fast as possible (retrying after each RangeError at
   * maxBytes); n: wait while the buffer holds more than n items, a consumer
   * kept up with.
   */
  readonly keepUp: number;
}

export interface UnboundedConsumerJob {
  readonly role: "consumer";
  readonly buffer: SharedArrayBuffer;
  readonly path: UnboundedConsumerPath;
  readonly seed: number;
}

export type UnboundedJob = UnboundedProducerJob | UnboundedConsumerJob;

export interface UnboundedProducerResult {
  readonly pushed: number;
  /** Pushes refused with a RangeError at maxBytes (and retried). */
  readonly refusals: number;
  /** The most segments seen. */
  readonly maxSegments: number;
}

export interface UnboundedConsumerResult {
  /** Items popped before the buffer was closed and drained. */
  readonly received: number;
  /** The first item out of sequence (lost, duplicated or reordered), if any. */
  readonly firstBad: { readonly at: number; readonly got: number } | null;
  /** The most segments seen. */
  readonly maxSegments: number;
}
