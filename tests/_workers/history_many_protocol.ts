// The job of a Worker in the many-producer/many-consumer history test: the
// single-producer history job (`history_protocol.ts`) plus the Worker's
// index and the stress run's progress words.
import type { HistoryJob, HistoryResult } from "./history_protocol.ts";

/** One Worker's job: one producer or one consumer of a sequence ring, logged. */
export interface ManyHistoryJob extends HistoryJob {
  /** The stress run's progress words, for its watchdog (`protocol.ts`). */
  readonly progress: SharedArrayBuffer;
  /** A producer's index: it pushes `itemOf(id, 0)` … `itemOf(id, items - 1)`. */
  readonly id: number;
}

/** What a Worker reports: how many operations it logged, as a one-producer side does. */
export type ManyHistoryResult = HistoryResult;
