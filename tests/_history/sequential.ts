// Copyright 2025 the ringproof authors. MIT license.
// The rules for one producer and one consumer (check.ts picks them): a
// history recorded under real concurrency (Workers, no controlled schedule)
// against the bounded FIFO queue the model specifies, a linearizability
// check specialised to one producer and one consumer.
//
// Each operation carries two logical timestamps from one shared counter:
// taken when it was invoked and when it returned. An operation takes effect
// at some instant between the two (its linearization point). Both sides are
// sequential, so pushes are ordered by the producer's program order and pops
// by the consumer's, and a FIFO queue must hand out the j-th pushed item at
// the j-th pop. Every other check asks whether some instant inside the
// operation's interval makes its answer right, given how many operations of
// the other side may have taken effect by then: at least those that had
// returned before it was invoked, at most those invoked before it returned.
// These are necessary conditions, checked operation by operation; together
// with FIFO they catch every fault the stress tests aim at, but they do not
// search for one joint set of linearization points.

import {
  countBelow,
  Fault,
  formatOperation,
  type History,
  type HistoryReport,
  type Operation,
} from "./operations.ts";

function fail(
  property: string,
  message: string,
  operations: [Operation, number][],
): never {
  const listed = operations.map(([op, i]) => formatOperation(op, i));
  throw new Fault({
    property,
    message: `${message}: ${listed.join("; ")}`,
    operations: operations.map(([op]) => op),
  });
}

function wellFormed(ops: readonly Operation[], kind: "push" | "pop"): void {
  let last = -Infinity;
  ops.forEach((op, i) => {
    if (op.kind !== kind) {
      fail("well-formed", `a ${op.kind} in the ${kind} side's history`, [[
        op,
        i,
      ]]);
    }
    if (!(op.invoked < op.returned) || !(last < op.invoked)) {
      fail(
        "well-formed",
        `the ${kind} side's calls must follow one another in time`,
        [[op, i]],
      );
    }
    last = op.returned;
  });
}

/** The successful operations of one side, with their times. */
interface Side {
  readonly done: [Operation, number][];
  readonly invoked: Float64Array;
  readonly returned: Float64Array;
}

function sideOf(ops: readonly Operation[]): Side {
  const done: [Operation, number][] = [];
  ops.forEach((op, i) => {
    if (op.ok) done.push([op, i]);
  });
  return {
    done,
    invoked: Float64Array.from(done, ([op]) => op.invoked),
    returned: Float64Array.from(done, ([op]) => op.returned),
  };
}

/** The queue's order: the j-th pop takes the j-th push. */
function checkOrder(pushes: Side, pops: Side, complete: boolean): void {
  const where = new Map<number, number>();
  pushes.done.forEach(([op, i], j) => {
    const before = where.get(op.value);
    if (before !== undefined) {
      fail("well-formed", `item ${op.value} was pushed twice`, [
        pushes.done[before]!,
        [op, i],
      ]);
    }
    where.set(op.value, j);
  });
  const taken = new Map<number, [Operation, number]>();
  pops.done.forEach((entry, j) => {
    const [op] = entry;
    const at = where.get(op.value);
    if (at === undefined) {
      fail("no-unproduced", `item ${op.value} was popped but never pushed`, [
        entry,
      ]);
    }
    const twice = taken.get(op.value);
    if (twice !== undefined) {
      fail("no-duplicate", `item ${op.value} was popped twice`, [
        twice,
        entry,
      ]);
    }
    taken.set(op.value, entry);
    const push = pushes.done[at]!;
    if (op.returned < push[0].invoked) {
      fail(
        "no-unproduced",
        `item ${op.value} was popped before its push had begun`,
        [push, entry],
      );
    }
    if (at !== j) {
      const due = pushes.done[j]!;
      fail(
        "fifo",
        `pop ${j} took item ${op.value}, but the ${j}th item pushed was ${
          due[0].value
        }`,
        [due, push, entry],
      );
    }
  });
  if (complete && pops.done.length < pushes.done.length) {
    fail(
      "no-loss",
      `${
        pushes.done.length - pops.done.length
      } items were pushed but never popped, the first`,
      [pushes.done[pops.done.length]!],
    );
  }
}

/**
 * Sizes and full/empty answers: is there an instant within the call at
 * which the queue held what the call reported?
 */
function checkAnswers(
  ops: readonly Operation[],
  other: Side,
  capacity: number,
  counts: { full: number; empty: number },
): void {
  let own = 0;
  ops.forEach((op, i) => {
    if (op.ok) own++;
    const push = op.kind === "push";
    // Operations of the other side that may have taken effect by then.
    const least = countBelow(other.returned, op.invoked);
    const most = countBelow(other.invoked, op.returned);
    const [low, high] = push
      ? [own - most, own - least]
      : [least - own, most - own];
    if (op.size < 0 || op.size > capacity) {
      fail("bound", `a size of ${op.size} was observed, capacity ${capacity}`, [
        [op, i],
      ]);
    }
    if (op.size < low || op.size > high) {
      fail(
        "size",
        `size ${op.size} was observed, but during the call the ring held ${low} to ${high} items`,
        [[op, i]],
      );
    }
    if (op.ok) return;
    if (push) {
      counts.full++;
      if (high < capacity) {
        fail(
          "full-answer",
          `the ring answered full, but during the call it held at most ${high} of ${capacity} items`,
          [[op, i]],
        );
      }
    } else {
      counts.empty++;
      if (low > 0) {
        fail(
          "empty-answer",
          `the ring answered empty, but during the call it held at least ${low} items`,
          [[op, i]],
        );
      }
    }
  });
}

/**
 * Checks a history of one producer and one consumer against a bounded FIFO
 * queue of `capacity` items.
 */
export function checkSequential(
  history: History,
  options: { capacity: number },
): HistoryReport {
  const pushes = sideOf(history.pushes);
  const pops = sideOf(history.pops);
  const counts = { full: 0, empty: 0 };
  const tally = () => ({
    pushes: pushes.done.length,
    pops: pops.done.length,
    ...counts,
  });
  try {
    wellFormed(history.pushes, "push");
    wellFormed(history.pops, "pop");
    checkOrder(pushes, pops, history.complete);
    checkAnswers(history.pushes, pops, options.capacity, counts);
    checkAnswers(history.pops, pushes, options.capacity, counts);
  } catch (error) {
    if (error instanceof Fault) {
      return { ok: false, violation: error.violation, counts: tally() };
    }
    throw error;
  }
  return { ok: true, counts: tally() };
}
