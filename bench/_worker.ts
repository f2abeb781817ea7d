// The benchmark Worker: plays one role per Task (see `_protocol.ts`).
import type { RoleResult, Task } from "./_protocol.ts";
import { isRoleName, ROLES } from "./_roles.ts";
import { serveTasks } from "./_worker_loop.ts";

serveTasks<Task, RoleResult>((task) => {
  if (!isRoleName(task.role)) throw new Error(`unknown role ${task.role}`);
  return ROLES[task.role](task);
});
