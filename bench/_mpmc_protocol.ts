// What the MPMC benchmark (`bench/mpmc.ts`) and its Workers say to each other:
// the benchmark Workers' protocol (`_protocol.ts`: ready, armed, GO, DONE,
// result) with these tasks and results, and one more control word.
import { CONTROL_WORDS as BASE_WORDS } from "./_protocol.ts";

/** Control word each producer increments after its last item; the last one closes the ring. */
export const PRODUCERS_DONE: number = BASE_WORDS;
/** Int32 words in a run's control buffer: GO, DONE, PRODUCERS_DONE. */
export const CONTROL_WORDS: number = BASE_WORDS + 1;

/** Room for each producer's sequence numbers in an int32 item. */
export const SPAN = 2 ** 24;

/** Item `seq` of producer `id`. */
export function itemOf(id: number, seq: number): number {
  return id * SPAN + seq;
}

/** Who moves the items. */
export type MpmcKind = "sequence" | "mutex" | "post";

/** One Worker's share of one timed run. */
export interface MpmcTask {
  readonly kind: MpmcKind;
  readonly role: "producer" | "consumer";
  /** The producer's or consumer's index. */
  readonly id: number;
  readonly producers: number;
  readonly consumers: number;
  /** Items per producer. */
  readonly items: number;
  /** The ring (sequence and mutex kinds). */
  readonly ring?: SharedArrayBuffer;
  /** postMessage: a producer's ports to each consumer, or a consumer's from each producer. */
  readonly ports?: MessagePort[];
  readonly control: SharedArrayBuffer;
  /** Count this role's `Atomics` calls (slows it down: not a timed figure). */
  readonly count?: boolean;
  /** Consumers: note the time every {@linkcode TIMELINE_STEP} items. */
  readonly timeline?: boolean;
}

/** Items between a consumer's time marks with `timeline`. */
export const TIMELINE_STEP = 65_536;

/** What a role reports: consumers their count, sum and order faults. */
export interface MpmcResult {
  readonly count: number;
  readonly sum: number;
  /** Items that came before an earlier item of the same producer. */
  readonly disorder: number;
  /** With `count`: the role's `Atomics` calls by method (`wait` by outcome). */
  readonly calls?: Readonly<Record<string, number>>;
  /**
   * With `timeline`, consumers: milliseconds from the role's start to its
   * every {@linkcode TIMELINE_STEP}th item.
   */
  readonly marks?: readonly number[];
}
