// One step of a thread, as the controller performs it: the operation is
// granted (a load, store, read-modify-write or compareExchange runs in the
// Worker), or simulated here — Atomics.wait puts the thread to sleep until a
// notify or its timeout (virtual time jumps to the deadline), waitAsync
// registers a waiter, notify wakes sleepers in the order they slept — and
// the Worker runs on to its next operation.
import {
  C_ASYNC_ID,
  C_FOLDED,
  C_RESULT,
  C_STATE,
  C_WAITER,
  C_WAKE,
  FOLD_CAP,
  K_BARRIER,
  K_CAS,
  K_LOAD,
  K_NOTIFY,
  K_RMW,
  K_STORE,
  K_WAIT,
  K_WAIT_ASYNC,
  R_ASYNC,
  R_NOT_EQUAL,
  R_OK,
  R_TIMED_OUT,
  S_RUNNING,
} from "./protocol.ts";
import type { RaceDetector } from "./races.ts";
import type { PendingOp, Step } from "./step_types.ts";
import type { ThreadView } from "./controller_types.ts";
import { calm, SPIN_STEPS, type ThreadState } from "./thread_state.ts";

/** What a step needs of the controller. */
export interface StepHost {
  /** Thread `t`'s control words. */
  ctl(t: number): Int32Array;
  /** Virtual time (ms), in element 0. */
  readonly clock: Float64Array;
  /** Lets thread `t` run to its next operation. */
  grant(t: number): void;
  /** Reads thread `t`'s report; returns its plain writes to the ring. */
  absorb(
    t: number,
    state: ThreadState,
    races: RaceDetector | null,
    step: number,
  ): number;
  /** Notes a write of the word at byte `addr` (quiet words). */
  wrote(addr: number): void;
  /** Notes a load of word `w` (quiet words). */
  loaded(w: number): void;
}

/** Performs thread `t`'s step (its `view`'s action) and returns it. */
export function stepThread(
  host: StepHost,
  t: number,
  threads: ThreadState[],
  view: ThreadView,
  ring: SharedArrayBuffer,
  index: number,
  races: RaceDetector | null,
): Step {
  const s = threads[t]!;
  const ctl = host.ctl(t);
  const op = view.op!;
  const before = wordAt(ring, op);
  let result: string | undefined;
  let cause: number | undefined;
  let writes = -1;
  if (s.status === "idle") {
    // Resume (or time out) one async waiter.
    let id = -1;
    for (const [key, w] of s.waiters) {
      if (view.action === "resume" ? w.woken >= 0 : w.op === op) {
        id = key;
        cause = w.woken >= 0 ? w.woken : undefined;
        if (view.action === "timeout") {
          host.clock[0] = Math.max(host.clock[0]!, w.since + w.op.timeout);
        }
        break;
      }
    }
    s.waiters.delete(id);
    calm(s);
    result = view.action === "resume" ? "ok" : "timed-out";
    ctl[C_WAITER] = id;
    ctl[C_RESULT] = view.action === "resume" ? R_OK : R_TIMED_OUT;
    Atomics.store(ctl, C_STATE, S_RUNNING);
    Atomics.add(ctl, C_WAKE, 1);
    Atomics.notify(ctl, C_WAKE);
    if (cause !== undefined) races?.acquireWake(t, cause);
    writes = host.absorb(t, s, races, index);
  } else if (view.action === "resume" || view.action === "timeout") {
    calm(s);
    result = view.action === "resume" ? "ok" : "timed-out";
    if (view.action === "timeout") {
      host.clock[0] = Math.max(host.clock[0]!, s.since + op.timeout);
    } else {
      cause = s.cause;
      races?.acquireWake(t, cause);
    }
    ctl[C_RESULT] = view.action === "resume" ? R_OK : R_TIMED_OUT;
    host.grant(t);
    writes = host.absorb(t, s, races, index);
  } else if (op.kind === K_BARRIER) {
    if (!threads.some((o) => o.passed)) races?.barrier();
    s.passed = true;
    calm(s);
    host.grant(t);
    writes = host.absorb(t, s, races, index);
  } else {
    // A failed compareExchange, and a wait on a value that changed, only
    // read their word.
    const failedCas = op.kind === K_CAS && before !== op.value;
    const readOnly = op.kind === K_LOAD || failedCas ||
      ((op.kind === K_WAIT || op.kind === K_WAIT_ASYNC) &&
        before !== op.value);
    if (readOnly) {
      const key = `${op.addr}@${op.loc}`;
      if (s.reads.has(key)) s.rereads++;
      s.reads.add(key);
      s.window.add(op.addr);
      if (op.kind === K_LOAD) host.loaded(op.addr >> 2);
    } else calm(s);
    if (op.kind === K_STORE || op.kind === K_RMW || op.kind === K_CAS) {
      host.wrote(op.addr);
      for (const other of threads) {
        if (!failedCas && other !== s && other.window.has(op.addr)) {
          calm(other);
          other.reset = true;
          other.spinning = false;
        }
      }
    }
    races?.atomic(t, op, index);
    if (op.kind === K_WAIT || op.kind === K_WAIT_ASYNC) {
      if (before !== op.value) {
        result = "not-equal";
        ctl[C_RESULT] = R_NOT_EQUAL;
      } else if (op.timeout <= 0) {
        result = "timed-out";
        ctl[C_RESULT] = R_TIMED_OUT;
      } else if (op.kind === K_WAIT) {
        // Asleep: not granted until a notify or its timeout.
        s.status = "blocked";
        s.since = host.clock[0]!;
        return {
          thread: t,
          action: "op",
          op,
          before,
          after: before,
          result: "sleeps",
          folded: 0,
          writes: 0,
        };
      } else {
        const id = s.nextWaiter++;
        s.waiters.set(id, { op, since: host.clock[0]!, woken: -1 });
        ctl[C_ASYNC_ID] = id;
        ctl[C_RESULT] = R_ASYNC;
        result = "async";
      }
    } else if (op.kind === K_NOTIFY) {
      let left = op.value < 0 ? Infinity : op.value;
      let woken = 0;
      // Waiters in the order they slept (threads by index, then waiter id).
      for (const other of threads) {
        if (left === 0) break;
        if (other.status === "blocked" && other.op!.addr === op.addr) {
          other.status = "woken";
          other.cause = index;
          woken++;
          left--;
        }
        for (const w of other.waiters.values()) {
          if (left > 0 && w.woken < 0 && w.op.addr === op.addr) {
            w.woken = index;
            woken++;
            left--;
          }
        }
      }
      races?.release(t, index);
      result = String(woken);
      ctl[C_RESULT] = woken;
    }
    host.grant(t);
    writes = host.absorb(t, s, races, index);
  }
  const after = wordAt(ring, op);
  const folded = ctl[C_FOLDED]!;
  if (writes > 0) s.rereads = 0;
  if (
    (folded >= FOLD_CAP || s.rereads >= SPIN_STEPS) && s.status === "pending"
  ) s.spinning = true;
  const step: Step = {
    thread: t,
    action: view.action!,
    op,
    before,
    after,
    folded,
    writes,
    ...(result === undefined ? {} : { result }),
    ...(cause === undefined ? {} : { cause }),
  };
  return step;
}

/** The value of `op`'s word in `ring` now. */
function wordAt(ring: SharedArrayBuffer, op: PendingOp): number {
  if (op.addr < 0 || op.addr + op.width > ring.byteLength) return 0;
  if (op.width === 8) {
    return Number(Atomics.load(new BigInt64Array(ring, op.addr, 1), 0));
  }
  if (op.width === 4) {
    return Atomics.load(new Int32Array(ring, op.addr, 1), 0);
  }
  if (op.width === 2) {
    return Atomics.load(new Int16Array(ring, op.addr, 1), 0);
  }
  return Atomics.load(new Int8Array(ring, op.addr, 1), 0);
}
