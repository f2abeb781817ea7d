// The control channel between the controller (main thread) and one checked
// Worker: a small SharedArrayBuffer per Worker. The Worker writes the
// operation it is about to perform and blocks (with the real Atomics.wait)
// until the controller grants it; the controller waits for the next report.

/** Int32 words of the control buffer. */
export const C_STATE = 0;
export const C_KIND = 1;
/** Byte offset in the ring's buffer of the word operated on (-1: elsewhere). */
export const C_ADDR = 2;
export const C_VALUE = 3;
export const C_VALUE2 = 4;
/** Controller → Worker: the result of a wait, waitAsync or notify. */
export const C_RESULT = 5;
/** Bytes of text (location, or JSON on done) in the text area. */
export const C_TEXT = 6;
/** 1 when the wait's timeout is finite (the ms are at F_TIMEOUT). */
export const C_FINITE = 7;
/** Loads folded into the step just ended (a spin re-reading one word). */
export const C_FOLDED = 8;
/** Controller → Worker: which async waiter resumes. */
export const C_WAITER = 9;
/** Controller → Worker: bumped to resume an idle Worker. */
export const C_WAKE = 10;
/** Element size in bytes of the array operated on. */
export const C_WIDTH = 11;
/** Worker → controller: the waiter id of a granted async waitAsync. */
export const C_ASYNC_ID = 12;
/** Plain accesses recorded since the last report (see F_ACCESS). */
export const C_ACCESSES = 13;
/**
 * Controller → Worker, with a grant: another thread wrote a word this
 * thread has loaded since its last other operation, so a re-read of it is
 * no longer a spin (see the fold in shim.ts).
 */
export const C_RESET = 14;
/** The location id of the operation (its text was sent once, in newLocs). */
export const C_LOC = 15;

/**
 * How many re-reads fold into one step before the Worker reports again (more
 * than any bounded spin of the ring, e.g. SPIN_CHECKS = 64). A report with
 * this many folded loads is a busy-wait: the controller does not schedule
 * the thread again until another thread writes a word it reads.
 */
export const FOLD_CAP = 1024;

/** Words (of the ring's buffer) the quiet map covers. */
export const QUIET_WORDS = 1 << 16;

/** Float64 index of a wait's timeout in ms. */
export const F_TIMEOUT = 8;
/** Byte offset of the text area. */
export const TEXT_OFFSET = 128;
/** Byte offset of the plain-access records: [kind, start, end, loc] int32s. */
export const ACCESS_OFFSET = 64 * 1024;
/** Most plain-access records per step. */
export const MAX_ACCESSES = 4096;
/** Bytes of a control buffer. */
export const CONTROL_BYTES = ACCESS_OFFSET + MAX_ACCESSES * 16;

/** C_STATE values. */
export const S_RUNNING = 0;
export const S_REQUEST = 1;
export const S_DONE = 2;
export const S_IDLE = 3;
/** Controller → Worker: unwind this execution (it is abandoned). */
export const S_ABORT = 4;

/** Operation kinds. */
export const K_LOAD = 1;
export const K_STORE = 2;
export const K_RMW = 3;
export const K_CAS = 4;
export const K_WAIT = 5;
export const K_NOTIFY = 6;
export const K_WAIT_ASYNC = 7;
/**
 * A scenario's barrier (not a ring operation): the thread waits until every
 * thread has reached it or finished. Scenarios attach their handles before
 * it, so the handles' setup is not interleaved with the calls under test.
 */
export const K_BARRIER = 8;

/** Names of the kinds, for output. */
export const KIND_NAMES: Record<number, string> = {
  [K_LOAD]: "load",
  [K_STORE]: "store",
  [K_RMW]: "rmw",
  [K_CAS]: "compareExchange",
  [K_WAIT]: "wait",
  [K_NOTIFY]: "notify",
  [K_WAIT_ASYNC]: "waitAsync",
  [K_BARRIER]: "barrier",
};

/** Wait results, in C_RESULT. */
export const R_OK = 1;
export const R_NOT_EQUAL = 2;
export const R_TIMED_OUT = 3;
/** waitAsync granted as a pending promise (id in C_ASYNC_ID). */
export const R_ASYNC = 4;

/** Plain-access kinds in the access records. */
export const A_READ = 1;
export const A_WRITE = 2;
