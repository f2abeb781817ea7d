// What a many-producer/many-consumer stress test and its Workers share.

/** How a Worker moves items. */
export type MpmcPath = "blocking" | "spinning" | "async" | "batch" | "zerocopy";

export interface MpmcJob {
  readonly role: "producer" | "consumer";
  readonly ring: SharedArrayBuffer;
  /** The stress run's progress words (see `protocol.ts`). */
  readonly progress: SharedArrayBuffer;
  readonly path: MpmcPath;
  /** Producer: its index, the high bits of each of its items. */
  readonly id: number;
  readonly producers: number;
  /** Items per producer. */
  readonly items: number;
  /** One byte per item (`producer * items + seq`): how often it was popped. */
  readonly tally: SharedArrayBuffer;
}

export interface MpmcResult {
  readonly count: number;
  /** Consumer: the first item that broke its producer's order, if any. */
  readonly disorder: string | null;
}

/** Item `seq` of producer `id`, as an int32. */
export function itemOf(id: number, seq: number): number {
  return id * ITEM_SPAN + seq;
}

/** Room for each producer's sequence numbers. */
export const ITEM_SPAN = 2 ** 24;

/** One many-producer/many-consumer run: its shape and size. */
export interface MpmcPlan {
  readonly producers: number;
  readonly consumers: number;
  readonly slots: number;
  /** Items per producer. */
  readonly items: number;
  /** Positions start just below their wrap, crossed mid-run. */
  readonly nearWrap?: boolean;
}
