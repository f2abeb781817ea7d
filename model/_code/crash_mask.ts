// The crash exploration's view of one execution (`crash.ts`): which threads
// are stopped forever, after how many of their steps, and the supervisors
// held until then. The controller's `mask` hook applies it before each
// choice.
import {
  K_BARRIER,
  K_CAS,
  K_RMW,
  K_STORE,
  type Step,
  type ThreadView,
} from "./controller.ts";
import { MAILBOX_EVENTS, mailboxOf, MB_CLOSE_BEGUN } from "./crash_mailbox.ts";

/** The key under which a victim's clock is released at its death. */
export const DEATH = -1;

/** One thread stopped forever in an execution. */
export interface CrashDeath {
  /** The thread (an index into the scenario's threads). */
  readonly thread: number;
  /**
   * Stopped after this many of its steps past its barrier; with `attach`,
   * of its steps from its first (while attaching, before its barrier).
   */
  readonly after: number;
  /** Whether it dies while attaching (a death past its barrier does not count). */
  readonly attach?: boolean;
}

/** The deaths of one execution: a crash point. */
export type CrashPoint = readonly CrashDeath[];

/** What the mask learned about one death in one execution. */
export interface Death {
  died: boolean;
  /**
   * Whether it stopped at its step; false when it could no longer move
   * before (it waited on a thread stopped earlier) and stopped there.
   */
  exact: boolean;
  /** Steps of the execution when the thread stopped. */
  at: number;
}

/** Per thread: its steps so far, and its count when it passed its barrier. */
interface Progress {
  count: number;
  passedAt: number;
  closingAt: number;
}

/** Whether a death's thread has made its steps (and not passed, when attaching). */
function due(death: CrashDeath, p: Progress): boolean {
  if (death.attach) return p.passedAt < 0 && p.count >= death.after;
  return p.passedAt >= 0 && p.count - p.passedAt >= death.after;
}

/**
 * The views rewrite of one execution: each victim shows as done once it
 * has made its steps; a supervisor (a thread named S, S2 …) cannot move past
 * its barrier while a death listed before its own index is pending (its
 * thread neither stopped nor finished). `deaths` gets one entry per death.
 */
export function crashMask(
  point: CrashPoint,
  names: readonly string[],
  params: Record<string, unknown>,
  deaths: Death[],
  onDeath: (thread: number) => void,
): (views: ThreadView[], steps: readonly Step[]) => ThreadView[] {
  const progress: Progress[] = names.map(() => ({
    count: 0,
    passedAt: -1,
    closingAt: -1,
  }));
  for (const _ of point) deaths.push({ died: false, exact: false, at: -1 });
  let seen = 0;
  const stop = (i: number, steps: readonly Step[]) => {
    const v = point[i]!.thread;
    const p = progress[v]!;
    deaths[i]!.died = true;
    deaths[i]!.at = steps.length;
    // Its close had begun when it changed memory after announcing it.
    if (p.closingAt >= 0 && wroteSince(steps, v, p.closingAt)) {
      mailboxOf(params, names.length).setFlag(MB_CLOSE_BEGUN, 1);
    }
    onDeath(v);
  };
  return (views, steps) => {
    for (; seen < steps.length; seen++) {
      const step = steps[seen]!;
      const p = progress[step.thread]!;
      p.count++;
      if (step.action === "op" && step.op.kind === K_BARRIER) {
        p.passedAt = p.count;
      }
    }
    const mb = mailboxOf(params, names.length);
    const out = views.slice();
    for (const [i, death] of point.entries()) {
      const v = death.thread;
      const p = progress[v]!;
      if (p.closingAt < 0 && mb.has(v, MAILBOX_EVENTS.closing)) {
        p.closingAt = steps.length;
      }
      const state = deaths[i]!;
      if (!state.died && due(death, p) && views[v]!.status !== "done") {
        state.exact = true;
        stop(i, steps);
      }
      if (state.died) out[v] = { status: "done", op: null, action: null };
    }
    // Nobody but a held supervisor can move, and a victim still to die
    // waits, after another victim died: it waits on that one, so it dies
    // where it waits. (With one victim nothing may wait forever: a hang.)
    const stuck = out.every((view, t) =>
      view.action === null || names[t]!.startsWith("S")
    );
    if (stuck && deaths.some((d) => d.died)) {
      for (const [i, death] of point.entries()) {
        const v = death.thread;
        if (deaths[i]!.died || out[v]!.status === "done") continue;
        stop(i, steps);
        out[v] = { status: "done", op: null, action: null };
      }
    }
    // A thread stopped while attaching never reaches its barrier: the
    // others' barrier opens without it.
    for (const [t, view] of out.entries()) {
      if (view.op?.kind !== K_BARRIER || view.action !== null) continue;
      if (view.status !== "pending") continue;
      const open = out.every((o, u) =>
        o.status === "done" || progress[u]!.passedAt >= 0 ||
        (o.status === "pending" && o.op?.kind === K_BARRIER)
      );
      if (open) out[t] = { ...view, action: "op" };
    }
    for (const [s, name] of names.entries()) {
      if (!name.startsWith("S") || views[s]!.op?.kind === K_BARRIER) continue;
      const pending = point.some((death, i) =>
        death.thread < s && !deaths[i]!.died &&
        views[death.thread]!.status !== "done"
      ) ||
        // A later supervisor waits for the earlier ones to finish or stop.
        names.some((other, e) =>
          e < s && other.startsWith("S") && out[e]!.status !== "done"
        );
      if (pending) {
        out[s] = { ...out[s]!, action: null };
      }
    }
    return out;
  };
}

/** Whether thread `t` changed a word of the ring in `steps[from…]`. */
function wroteSince(steps: readonly Step[], t: number, from: number): boolean {
  for (let i = from; i < steps.length; i++) {
    const step = steps[i]!;
    const kind = step.op.kind;
    if (
      step.thread === t && step.action === "op" &&
      (kind === K_STORE || kind === K_RMW || kind === K_CAS) &&
      step.before !== step.after
    ) return true;
  }
  return false;
}

/** A crash point in words, for failure messages. */
export function describePoint(
  point: CrashPoint,
  names: readonly string[],
): string {
  return point.map((d) =>
    `${names[d.thread]} stopped after ${d.after} step(s) ${
      d.attach ? "of attaching" : "past its barrier"
    }`
  ).join(", ");
}
