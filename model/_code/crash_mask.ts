// The crash exploration's view of one execution (`crash.ts`): which thread
// is stopped forever, after how many of its steps, and the supervisor held
// until then. The controller's `mask` hook applies it before each choice.
import {
  K_BARRIER,
  K_CAS,
  K_RMW,
  K_STORE,
  type Step,
  type ThreadView,
} from "./controller.ts";
import {
  MAILBOX_EVENTS,
  mailboxOf,
  MB_CLOSE_BEGUN,
} from "./crash_scenarios.ts";

/** The key under which the victim's clock is released at its death. */
export const DEATH = -1;

/** What the mask learned about the victim in one execution. */
export interface Death {
  died: boolean;
  /** Steps of the execution when the victim stopped. */
  at: number;
}

/**
 * The views rewrite of one execution: the victim shows as done once it has
 * made `k` steps past its barrier; S cannot move past its barrier until the
 * victim stopped or finished.
 */
export function crashMask(
  v: number,
  k: number,
  s: number,
  params: Record<string, unknown>,
  death: Death,
  onDeath: () => void,
): (views: ThreadView[], steps: readonly Step[]) => ThreadView[] {
  const threads = s + 1;
  let seen = 0;
  let count = 0;
  let passedAt = -1;
  let closingAt = -1;
  return (views, steps) => {
    for (; seen < steps.length; seen++) {
      const step = steps[seen]!;
      if (step.thread !== v) continue;
      count++;
      if (step.action === "op" && step.op.kind === K_BARRIER) passedAt = count;
    }
    const mb = mailboxOf(params, threads);
    if (closingAt < 0 && mb.has(v, MAILBOX_EVENTS.closing)) {
      closingAt = steps.length;
    }
    if (
      !death.died && passedAt >= 0 && count - passedAt >= k &&
      views[v]!.status !== "done"
    ) {
      death.died = true;
      death.at = steps.length;
      // Its close had begun when it changed memory after announcing it.
      if (closingAt >= 0 && wroteSince(steps, v, closingAt)) {
        mb.setFlag(MB_CLOSE_BEGUN, 1);
      }
      onDeath();
    }
    const out = views.slice();
    if (death.died) out[v] = { status: "done", op: null, action: null };
    else if (views[v]!.status !== "done" && views[s]!.op?.kind !== K_BARRIER) {
      out[s] = { ...views[s]!, action: null };
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
