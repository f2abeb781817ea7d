// What the benchmark's parent and its Workers say to each other.
//
// 1. A Worker posts `{ type: "ready" }` once its `onmessage` is set.
// 2. The parent posts a Task; the Worker sets the role up (attaches to the
//    ring, opens its port) and posts `{ type: "armed" }`, then sleeps on the
//    control word GO.
// 3. Once every Worker is armed the parent starts the clock and sets GO.
// 4. Each Worker runs its role, bumps DONE (the parent stops the clock when
//    DONE reaches the number of Workers) and posts its RoleResult, which the
//    parent checks against the expected checksum after the clock stopped.

/** Control word the Workers sleep on until the clock starts. */
export const GO = 0;
/** Control word each Worker increments once its role is done. */
export const DONE = 1;
/** Int32 words in a run's control buffer. */
export const CONTROL_WORDS = 2;

/** One Worker's share of one timed run. */
export interface Task {
  /** The role to play, a key of the role registry. */
  readonly role: string;
  /** Items (or round trips) to move. */
  readonly count: number;
  /** Items per batch, for batched roles. */
  readonly batch: number;
  /** Slots of the ring (or of the copy target, for the copy ceiling). */
  readonly slots: number;
  /** The shared buffers of the run: rings, in the order the roles expect. */
  readonly buffers: readonly SharedArrayBuffer[];
  /** Holds the GO and DONE words. */
  readonly control: SharedArrayBuffer;
  /** This Worker's end of a MessageChannel, for postMessage roles. */
  readonly port?: MessagePort;
}

/** What a role reports after its run. */
export interface RoleResult {
  /** Items (or round trips) the role moved. */
  readonly count: number;
  /** Checksum of what the role received (see `_checksum.ts`), or null. */
  readonly checksum: string | null;
}

/**
 * A message from a Worker to the parent; `R` is what a role reports (the MPMC
 * benchmark's Workers speak the same protocol with their own results).
 */
export type WorkerMessage<R = RoleResult> =
  | { readonly type: "ready" }
  | { readonly type: "armed" }
  | { readonly type: "result"; readonly result: R }
  | { readonly type: "error"; readonly message: string };
