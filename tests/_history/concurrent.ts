// Copyright 2025 the ringproof authors. MIT license.
// The rules for several producers or consumers (check.ts picks them): a
// history of several producers and several consumers of a bounded
// FIFO queue, recorded under real concurrency (Workers, no controlled
// schedule), in the spirit of Henzinger, Sezgin and Vafeiadis's queue
// "aspects" (CONCUR 2013): necessary conditions, each checked in
// O(n log n), rather than a search for one joint linearization.
//
// Operations carry logical timestamps as in `sequential.ts`: one shared
// counter, read when a call was invoked and when it returned. A call takes
// effect somewhere in between; "a before b" means a returned before b was
// invoked. The conditions:
//
// - no-unproduced (fresh): no pop of an item never pushed, or whose push was
//   invoked after the pop returned;
// - no-duplicate (repeat): no item popped twice;
// - fifo (order): if push(a) returned before push(b) was invoked — by the
//   same producer (program order) or by two — then pop(b) did not return
//   before pop(a) was invoked, and in a complete history b is not popped
//   while a never is;
// - no-loss: in a complete history every pushed item was popped;
// - bound and size: sizes within capacity, and within what the queue can
//   have held at some instant of the call;
// - full-answer / empty-answer (witness): a refusal the queue cannot have
//   given (below).
//
// The witness must stay sound for the sequence ring, which is not strictly
// linearizable on refusals: a consumer that finds the position at `out`
// claimed by a producer still writing answers "empty" even if a later item
// is already published. So an empty answer is refuted only by an item that
// was in the queue throughout the call when no push begun before that item's
// push returned was still under way during the call (such a push may hold
// the position the consumer looked at). Likewise a full answer is refuted
// only when the queue held fewer than capacity items throughout and no pop
// under way can have claimed the item `capacity` places before the
// producer's position (a consumer still reading holds its slot).
//
// Sound for a queue whose every successful call claims its position inside
// the call and in order (the sequence ring without given-up positions), and
// whose sizes were read inside the call.

import {
  countBelow,
  Fault,
  formatOperation,
  type HistoryReport,
  type ManyHistory,
  type Operation,
} from "./operations.ts";

/** An operation and where it stands: its process (`P0`, `C1`) and index. */
interface Call {
  readonly op: Operation;
  readonly process: string;
  readonly index: number;
}

function fail(property: string, message: string, calls: Call[]): never {
  const listed = calls.map((c) =>
    `${c.process} ${formatOperation(c.op, c.index)}`
  );
  throw new Fault({
    property,
    message: `${message}: ${listed.join("; ")}`,
    operations: calls.map((c) => c.op),
  });
}

/** Every process's calls, checked to follow one another in time. */
function callsOf(history: ManyHistory): Call[] {
  const calls: Call[] = [];
  const sides = [
    [history.producers, "push", "P"],
    [history.consumers, "pop", "C"],
  ] as const;
  for (const [processes, kind, letter] of sides) {
    processes.forEach((ops, p) => {
      let last = -Infinity;
      ops.forEach((op, index) => {
        const call = { op, process: `${letter}${p}`, index };
        if (op.kind !== kind) {
          fail("well-formed", `a ${op.kind} in a ${kind} process`, [call]);
        }
        if (!(op.invoked < op.returned) || !(last < op.invoked)) {
          fail(
            "well-formed",
            "a process's calls must follow one another in time",
            [call],
          );
        }
        last = op.returned;
        calls.push(call);
      });
    });
  }
  return calls.sort((a, b) => a.op.returned - b.op.returned);
}

/** Successful calls of one kind, by return, with their times sorted. */
interface Done {
  readonly calls: Call[];
  readonly returned: Float64Array;
  readonly invoked: Float64Array;
}

function doneOf(calls: readonly Call[], kind: "push" | "pop"): Done {
  const done = calls.filter((c) => c.op.ok && c.op.kind === kind);
  return {
    calls: done,
    returned: Float64Array.from(done, (c) => c.op.returned),
    invoked: Float64Array.from(done, (c) => c.op.invoked).sort(),
  };
}

/** Running maxima of `values` (index of the first maximum so far). */
function prefixMax(values: Float64Array): Int32Array {
  const at = new Int32Array(values.length);
  values.forEach((v, j) => {
    at[j] = j > 0 && values[at[j - 1]!]! >= v ? at[j - 1]! : j;
  });
  return at;
}

/** Fresh and repeat: every pop takes an item pushed, and no other pop took. */
function checkPops(pops: Done, pushOf: Map<number, Call>): Map<number, Call> {
  const popOf = new Map<number, Call>();
  for (const pop of pops.calls) {
    const { value } = pop.op;
    const push = pushOf.get(value);
    if (push === undefined) {
      fail("no-unproduced", `item ${value} was popped but never pushed`, [pop]);
    }
    if (pop.op.returned < push.op.invoked) {
      fail(
        "no-unproduced",
        `item ${value} was popped before its push had begun`,
        [push, pop],
      );
    }
    const twice = popOf.get(value);
    if (twice !== undefined) {
      fail("no-duplicate", `item ${value} was popped twice`, [twice, pop]);
    }
    popOf.set(value, pop);
  }
  return popOf;
}

/** Pushed items by return: when their pops began, and the latest so far. */
interface Order {
  readonly popOf: Map<number, Call>;
  readonly popInvoked: Float64Array;
  readonly latest: Int32Array;
}

/** Order: an item pushed after another does not come out before it. */
function checkOrder(
  pushes: Done,
  pops: Done,
  popOf: Map<number, Call>,
  pushOf: Map<number, Call>,
  complete: boolean,
): Order {
  // When each pushed item's pop began: never, in a complete history, is
  // after everything; otherwise a call not recorded might have taken it.
  const popInvoked = Float64Array.from(
    pushes.calls,
    (c) =>
      popOf.get(c.op.value)?.op.invoked ?? (complete ? Infinity : -Infinity),
  );
  const latest = prefixMax(popInvoked);
  for (const pop of pops.calls) {
    const b = pushOf.get(pop.op.value)!;
    const k = countBelow(pushes.returned, b.op.invoked);
    if (k === 0) continue;
    const j = latest[k - 1]!;
    if (popInvoked[j]! < pop.op.returned) continue;
    const a = pushes.calls[j]!;
    const popA = popOf.get(a.op.value);
    const [x, y] = [a.op.value, b.op.value];
    if (popA === undefined) {
      fail(
        "fifo",
        `item ${y} was popped, but item ${x}, whose push returned before item ${y}'s began, never was`,
        [a, b, pop],
      );
    }
    fail(
      "fifo",
      `item ${y}'s pop returned before item ${x}'s began, but item ${x}'s push returned before item ${y}'s began`,
      [a, b, pop, popA],
    );
  }
  return { popOf, popInvoked, latest };
}

/**
 * For the calls by return, from each index on: the earliest invocation
 * (so among the calls that returned after `t`, the first one begun).
 */
function earliestFrom(done: Done): Float64Array {
  const earliest = new Float64Array(done.calls.length + 1).fill(Infinity);
  for (let j = done.calls.length - 1; j >= 0; j--) {
    earliest[j] = Math.min(earliest[j + 1]!, done.calls[j]!.op.invoked);
  }
  return earliest;
}

/**
 * Sizes, and full and empty answers: is there an instant in the call at
 * which the queue can have held what the call reported?
 */
function checkAnswers(
  calls: readonly Call[],
  pushes: Done,
  pops: Done,
  order: Order,
  capacity: number,
  counts: { full: number; empty: number },
): void {
  const pushStart = earliestFrom(pushes);
  const popStart = earliestFrom(pops);
  for (const call of calls) {
    const { op } = call;
    const push = op.kind === "push";
    const own = op.ok ? 1 : 0;
    const inLeast = countBelow(pushes.returned, op.invoked) + (push ? own : 0);
    const inMost = countBelow(pushes.invoked, op.returned);
    const outLeast = countBelow(pops.returned, op.invoked) + (push ? 0 : own);
    const outMost = countBelow(pops.invoked, op.returned);
    const low = Math.max(0, inLeast - outMost);
    const high = inMost - outLeast;
    if (op.size < 0 || op.size > capacity) {
      fail("bound", `a size of ${op.size} was observed, capacity ${capacity}`, [
        call,
      ]);
    }
    if (op.size < low || op.size > high) {
      fail(
        "size",
        `size ${op.size} was observed, but during the call the ring held ${low} to ${high} items`,
        [call],
      );
    }
    if (op.ok) continue;
    if (push) {
      counts.full++;
      if (high >= capacity) continue;
      // A pop under way may still hold the slot wanted: one that can have
      // claimed the item `capacity` places before the producer's position.
      const first = popStart[countBelow(pops.returned, op.invoked)]!;
      const held = countBelow(pops.returned, first) <= inMost - capacity;
      if (first < op.returned && held) continue;
      fail(
        "full-answer",
        `the ring answered full, but during the call it held at most ${high} of ${capacity} items, and no pop under way can have held the slot wanted`,
        [call],
      );
    }
    counts.empty++;
    // A witness: an item pushed before the call and popped after it (or,
    // in a complete history, never). It does not refute the answer when a
    // push begun before the witness's push returned was under way during
    // the call: that push may hold the position the consumer looked at.
    // `underWay`: the first begun of the pushes returning after the call
    // began (if it began after the call returned, `op.invoked` is smaller).
    const underWay = pushStart[countBelow(pushes.returned, op.invoked)]!;
    const k = countBelow(pushes.returned, Math.min(op.invoked, underWay));
    if (k === 0) continue;
    const j = order.latest[k - 1]!;
    if (order.popInvoked[j]! < op.returned) continue;
    const witness = pushes.calls[j]!;
    const { value } = witness.op;
    const taken = order.popOf.get(value);
    fail(
      "empty-answer",
      `the ring answered empty, but item ${value} was in it throughout the call (pushed before, ${
        taken === undefined ? "never popped" : "popped after"
      }) and no push begun before item ${value}'s returned was under way`,
      taken === undefined ? [witness, call] : [witness, call, taken],
    );
  }
}

/**
 * Checks a history of several producers and consumers against a bounded
 * FIFO queue of `capacity` items, by necessary conditions; reports the
 * first violation with the offending operations (`P1 push #3 …`).
 */
export function checkConcurrent(
  history: ManyHistory,
  options: { capacity: number },
): HistoryReport {
  const counts = { full: 0, empty: 0 };
  let pushes: Done | undefined;
  let pops: Done | undefined;
  const tally = () => ({
    pushes: pushes?.calls.length ?? 0,
    pops: pops?.calls.length ?? 0,
    ...counts,
  });
  try {
    const calls = callsOf(history);
    pushes = doneOf(calls, "push");
    pops = doneOf(calls, "pop");
    const pushOf = new Map<number, Call>();
    for (const push of pushes.calls) {
      const before = pushOf.get(push.op.value);
      if (before !== undefined) {
        fail("well-formed", `item ${push.op.value} was pushed twice`, [
          before,
          push,
        ]);
      }
      pushOf.set(push.op.value, push);
    }
    const popOf = checkPops(pops, pushOf);
    const order = checkOrder(pushes, pops, popOf, pushOf, history.complete);
    if (history.complete && popOf.size < pushOf.size) {
      const lost = pushes.calls.filter((c) => !popOf.has(c.op.value));
      fail(
        "no-loss",
        `${lost.length} items were pushed but never popped, the first`,
        [lost[0]!],
      );
    }
    checkAnswers(calls, pushes, pops, order, options.capacity, counts);
  } catch (error) {
    if (error instanceof Fault) {
      return { ok: false, violation: error.violation, counts: tally() };
    }
    throw error;
  }
  return { ok: true, counts: tally() };
}
