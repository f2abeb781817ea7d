// The Worker's side of the protocol in `_protocol.ts`, shared by the
// benchmark Workers (`_worker.ts`, `_mpmc_worker.ts`): post "ready"; for each
// Task, set the role up, post "armed", sleep on GO, run, bump DONE, post the
// result (or the error).
import { DONE, GO, type WorkerMessage } from "./_protocol.ts";

/** What every Task carries: the buffer holding the GO and DONE words. */
export interface ControlledTask {
  readonly control: SharedArrayBuffer;
  /** A full collection before the clock starts (see `collectGarbage`). */
  readonly majorGc?: boolean;
}

/**
 * A run's result that is worked out after the Worker bumped DONE, so outside
 * the timed region (e.g. the checksum of everything received).
 */
export class Untimed<R> {
  readonly finish: () => R;
  constructor(finish: () => R) {
    this.finish = finish;
  }
}

/** Sets a role up for one Task and returns its timed part. */
export type SetUp<T, R> = (
  task: T,
) => () => R | Untimed<R> | Promise<R | Untimed<R>>;

/** Options for {@linkcode serveTasks}. */
export interface ServeOptions<T> {
  /** Called after each run, once DONE is bumped (e.g. to close ports). */
  readonly after?: (task: T) => void;
}

const scope = self as unknown as {
  onmessage: ((event: MessageEvent) => void) | null;
  postMessage(message: unknown): void;
};

/**
 * A collection before the clock starts, when the bench runs with
 * `--v8-flags=--expose-gc` (deno task bench does), so that what an earlier
 * run or the set-up left behind is not freed by a collection that falls into
 * the timed run (which pauses that thread and with it a peer spinning on
 * the other core, for milliseconds). Every contender's Workers get the same;
 * what a contender allocates while it runs is still its own cost.
 *
 * A minor collection (the young generation) unless the task asks for a full
 * one (`majorGc`: the bulk cases, whose 64 MiB arrays live in the old
 * generation). A full collection also frees the maps and closures of the
 * warm-up's dead ring and handles, and V8 then throws away the optimized
 * code that embedded them: every timed run began by compiling its hot path
 * again, 10-40 ms of slower items — most of a many-producer run of 200,000
 * items (session 10, docs/mpmc.md).
 */
function collectGarbage(major: boolean): void {
  const gc = (globalThis as { gc?: (options?: { type: string }) => void })
    .gc;
  // gc() with no argument: gc(undefined) is a minor collection.
  if (gc === undefined) return;
  if (major) gc();
  else gc({ type: "minor" });
}

function errorText(error: unknown): string {
  return error instanceof Error
    ? `${error.name}: ${error.message}`
    : String(error);
}

async function play<T extends ControlledTask, R>(
  task: T,
  setUp: SetUp<T, R>,
  after: ((task: T) => void) | undefined,
): Promise<void> {
  const post = (message: WorkerMessage<R>) => scope.postMessage(message);
  const control = new Int32Array(task.control);
  let result: { value: R | Untimed<R> } | undefined;
  let failure: unknown;
  let armed = false;
  try {
    const run = setUp(task);
    collectGarbage(task.majorGc === true);
    post({ type: "armed" });
    armed = true;
    // Sleep until the parent has started the clock.
    while (Atomics.load(control, GO) === 0) Atomics.wait(control, GO, 0);
    result = { value: await run() };
  } catch (error) {
    failure = error;
    // The parent must not wait for a run that cannot start.
    if (!armed) post({ type: "armed" });
  } finally {
    Atomics.add(control, DONE, 1);
    Atomics.notify(control, DONE);
    after?.(task);
  }
  if (result !== undefined && result.value instanceof Untimed) {
    // The clock has stopped once every Worker bumped DONE.
    try {
      result = { value: result.value.finish() };
    } catch (error) {
      result = undefined;
      failure = error;
    }
  }
  post(
    result !== undefined
      ? { type: "result", result: result.value as R }
      : { type: "error", message: errorText(failure) },
  );
}

/** Makes this Worker play one role per Task it is sent, with `setUp`. */
export function serveTasks<T extends ControlledTask, R>(
  setUp: SetUp<T, R>,
  options: ServeOptions<T> = {},
): void {
  scope.onmessage = (event: MessageEvent<T>) => {
    void play(event.data, setUp, options.after);
  };
  scope.postMessage({ type: "ready" } satisfies WorkerMessage);
}
