// The entry of a checked Worker. It installs the shims (Atomics, typed-array
// views, virtual time) as globals, then imports the ring module under test and
// the scenario module, and runs one thread of a scenario per "run" message,
// reporting to the controller through its control buffer.
import { AbortExecution, Channel } from "./channel.ts";
import { atomicsShim } from "./shim.ts";
import { instrumentViews, virtualTime } from "./views.ts";
import type { CodeScenario, ThreadContext } from "./scenario_types.ts";

interface Init {
  readonly ringUrl: string;
  readonly scenarioUrl: string;
  readonly control: SharedArrayBuffer;
  readonly clock: SharedArrayBuffer;
  readonly races: boolean;
  readonly quiet: SharedArrayBuffer;
}

interface Run {
  readonly gen: number;
  readonly ring: SharedArrayBuffer;
  readonly scenario: string;
  readonly thread: number;
  readonly params: Record<string, unknown>;
}

interface Scope {
  onmessage: ((event: MessageEvent<Init | Run>) => void) | null;
  postMessage(message: unknown): void;
}
const scope = globalThis as unknown as Scope;

let channel: Channel;
let ringRoot = "";
// deno-lint-ignore no-explicit-any
let ring: any;
let scenarios: Record<string, CodeScenario>;

async function init(message: Init): Promise<void> {
  const root = message.ringUrl.replace(/[^/]*$/, "");
  ringRoot = root;
  const checker = ["channel.ts", "shim.ts", "views.ts", "worker.ts"].map((f) =>
    new URL(`./${f}`, import.meta.url).href
  );
  channel = new Channel(message.control, root, checker);
  channel.quiet = new Uint8Array(message.quiet);
  channel.races = message.races;
  virtualTime(message.clock);
  instrumentViews(channel);
  (globalThis as { Atomics: typeof Atomics }).Atomics = atomicsShim(channel);
  ring = await import(message.ringUrl);
  scenarios = (await import(message.scenarioUrl)).codeScenarios;
}

function describe(error: unknown): { name: string; message: string } {
  if (!(error instanceof Error)) {
    return { name: "Error", message: String(error) };
  }
  // Where it was thrown: the first frame in the ring's sources.
  const root = ringRoot;
  const frame = (error.stack ?? "").split("\n").find((f) => f.includes(root));
  const at = frame === undefined
    ? ""
    : ` (thrown at ${
      frame.trim().replace(/^.*?\(?(?=file:)/, "").replace(root, "").replace(
        /:\d+\)?$/,
        "",
      )
    })`;
  return { name: error.name, message: `${error.message}${at}` };
}

async function run(message: Run): Promise<void> {
  channel.begin(message.ring, message.gen);
  const events: unknown[] = [];
  const scenario = scenarios[message.scenario]!;
  const context: ThreadContext = {
    ring,
    sab: message.ring,
    thread: message.thread,
    params: message.params,
    log(event) {
      if (channel.aborting) throw new AbortExecution("execution abandoned");
      events.push(event);
    },
    barrier: () => channel.barrier(),
  };
  let error: { name: string; message: string } | undefined;
  try {
    await scenario.threads[message.thread]!(context);
  } catch (e) {
    if (!(e instanceof AbortExecution) && !channel.aborting) {
      error = describe(e);
    }
  }
  channel.finish({ events, error, aborted: channel.aborting });
}

scope.onmessage = (event) => {
  const data = event.data;
  if ("ringUrl" in data) {
    init(data).then(
      () => scope.postMessage("ready"),
      (e) => scope.postMessage({ failed: describe(e) }),
    );
  } else {
    run(data);
  }
};
