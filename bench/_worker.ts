// The benchmark Worker: plays one role per Task (see `_protocol.ts`).
import {
  DONE,
  GO,
  type RoleResult,
  type Task,
  type WorkerMessage,
} from "./_protocol.ts";
import { isRoleName, ROLES } from "./_roles.ts";

const scope = self as unknown as {
  onmessage: ((event: MessageEvent<Task>) => void) | null;
  postMessage(message: WorkerMessage): void;
};

function reportError(error: unknown): void {
  scope.postMessage({
    type: "error",
    message: error instanceof Error
      ? `${error.name}: ${error.message}`
      : String(error),
  });
}

async function play(task: Task): Promise<void> {
  const control = new Int32Array(task.control);
  let result: RoleResult | undefined;
  let failure: unknown;
  let armed = false;
  try {
    if (!isRoleName(task.role)) throw new Error(`unknown role ${task.role}`);
    const run = ROLES[task.role](task);
    scope.postMessage({ type: "armed" });
    armed = true;
    // Sleep until the parent has started the clock.
    while (Atomics.load(control, GO) === 0) Atomics.wait(control, GO, 0);
    result = await run();
  } catch (error) {
    failure = error;
    // The parent must not wait for a run that cannot start.
    if (!armed) scope.postMessage({ type: "armed" });
  } finally {
    Atomics.add(control, DONE, 1);
    Atomics.notify(control, DONE);
  }
  if (result !== undefined) scope.postMessage({ type: "result", result });
  else reportError(failure);
}

scope.onmessage = (event) => {
  void play(event.data);
};
scope.postMessage({ type: "ready" });
