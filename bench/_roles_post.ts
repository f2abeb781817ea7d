// postMessage's roles: the same items posted one per message through a
// MessageChannel whose two ports the parent handed to the two Workers.
import { Fletcher } from "./_checksum.ts";
import type { RoleResult, Task } from "./_protocol.ts";
import type { Run } from "./_drivers.ts";

function portOf(task: Task): MessagePort {
  if (task.port === undefined) throw new Error(`${task.role} needs a port`);
  return task.port;
}

/** Receives `count` messages on the port; `onValue` maps each to an int32. */
function receive(
  task: Task,
  onValue: (data: unknown, port: MessagePort) => number,
): Run {
  const port = portOf(task);
  const n = task.count;
  let finish: (result: RoleResult) => void = () => {};
  const finished = new Promise<RoleResult>((resolve) => finish = resolve);
  const sum = new Fletcher();
  let got = 0;
  port.onmessage = (event: MessageEvent) => {
    sum.add(onValue(event.data, port));
    if (++got === n) {
      port.close();
      finish({ count: got, checksum: sum.text() });
    }
  };
  return () => finished;
}

/** Posts 0…count-1, one number per message. */
export function postProducer(task: Task): Run {
  const port = portOf(task);
  const n = task.count;
  return () => {
    for (let i = 0; i < n; i++) port.postMessage(i);
    return { count: n, checksum: null };
  };
}

/** Receives `count` numbers. */
export function postConsumer(task: Task): Run {
  return receive(task, (data) => data as number);
}

/** Posts `{ id: i, value: i / 2 }` objects, one per message. */
export function postStructProducer(task: Task): Run {
  const port = portOf(task);
  const n = task.count;
  return () => {
    for (let i = 0; i < n; i++) port.postMessage({ id: i, value: i * 0.5 });
    return { count: n, checksum: null };
  };
}

/** Receives `count` struct objects, checking each value. */
export function postStructConsumer(task: Task): Run {
  return receive(task, (data) => {
    const { id, value } = data as { id: number; value: number };
    return value === id * 0.5 ? id : ~id;
  });
}

/** Posts i and waits for its echo before posting i + 1, `count` times. */
export function postPingInitiator(task: Task): Run {
  const port = portOf(task);
  const n = task.count;
  let next = 1;
  const run = receive(task, (data, channel) => {
    if (next < n) channel.postMessage(next++);
    return data as number;
  });
  return () => {
    const finished = run();
    port.postMessage(0);
    return finished;
  };
}

/** Echoes `count` messages. */
export function postPingResponder(task: Task): Run {
  return receive(task, (data, port) => {
    port.postMessage(data);
    return data as number;
  });
}
