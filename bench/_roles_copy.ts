// The physical ceiling of the batch case: one thread copying the same bytes
// (batches of int32s) into a shared array of the ring's size with
// `TypedArray.set`, with no second thread, no indices and no checksum loop.
import { arrayChecksum } from "./_checksum.ts";
import type { Task } from "./_protocol.ts";
import type { Run } from "./_drivers.ts";

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
