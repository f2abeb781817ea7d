// The async iteration of every consumer: pop until closed and drained.
import { ClosedError } from "./errors.ts";

/**
 * Yields what `pop` resolves to, one call at a time, and ends when it
 * rejects with a {@linkcode ClosedError}; other errors propagate.
 */
export async function* untilClosed<T>(
  pop: () => Promise<T>,
): AsyncGenerator<T, void, undefined> {
  while (true) {
    let item: T;
    try {
      item = await pop();
    } catch (error) {
      if (error instanceof ClosedError) return;
      throw error;
    }
    yield item;
  }
}
