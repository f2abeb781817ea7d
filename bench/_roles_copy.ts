// The physical ceilings of the batch cases: one thread copying the same
// bytes (batches of int32s) with `TypedArray.set`, with no second thread and
// no indices — round a shared array of the ring's size (batch-4096), or from
// the bulk source into the bulk sink (the bulk cases).
import { arrayChecksum } from "./_checksum.ts";
import type { Task } from "./_protocol.ts";
import { bulkResult, bulkSink, bulkSource, type Run } from "./_drivers.ts";

/** Copies `count` int32s, `batch` at a time, round a `slots`-element target. */
export function copyCeiling(task: Task): Run {
  const { count: n, batch, slots } = task;
  const target = new Int32Array(new SharedArrayBuffer(slots * 4));
  const source = new Int32Array(batch);
  for (let j = 0; j < batch; j++) source[j] = j;
  return () => {
    let at = 0;
    for (let copied = 0; copied < n; copied += batch) {
      target.set(source, at);
      at += batch;
      if (at === slots) at = 0;
    }
    // Checked once, after the copies: the target holds whole batches.
    return { count: n, checksum: arrayChecksum(target) };
  };
}

/**
 * The ceiling of the bulk cases: one thread copying the bulk source into the
 * bulk sink, `batch` items at a time with `TypedArray.set` — what moving
 * these bytes costs with no ring, no second thread and no indices; checked,
 * like the ring's sink, after the clock stops.
 */
export function copyBulk(task: Task): Run {
  const { count, batch } = task;
  const source = bulkSource(count);
  const sink = bulkSink(count);
  return () => {
    for (let at = 0; at < count; at += batch) {
      sink.set(source.subarray(at, Math.min(at + batch, count)), at);
    }
    return bulkResult(sink, count);
  };
}
