// Planted recovery bugs for the crash exploration: each copies src/ and
// mod.ts into a temporary directory with one snippet of the recovery
// replaced (see `_code_check_planted.ts`, whose `plant` does the copy) and
// runs checkCode({ crash: true }) on the copy. Run as a subprocess by
// tests/code_check_crash_test.ts (the copy needs --allow-write). Prints one
// JSON line per bug.
import { checkCode } from "../model/mod.ts";
import { runCodeCli } from "../model/_code/cli.ts";
import {
  plant,
  type PlantedBug,
  plantedOutcome,
} from "./_code_check_planted.ts";

/** A recovery that does not finish a close the dead thread began. */
const UNFINISHED_CLOSE = {
  find: "  finishClose(words, marks);\n}",
  replace: "}",
  entry: {
    scenario: "crash-ring",
    params: { scheme: "textbook", slots: 2, items: 1 },
    search: "pct",
    executions: 1,
  },
  file: "src/_engine/recover.ts",
  line: "Atomics.wait(",
  property: "hang",
} as const;

/** The planted recovery bugs. */
export const PLANTED_RECOVERY: readonly PlantedBug[] = [
  {
    name: "recover-sequence-without-notify",
    kind:
      "a sequence-ring recovery that notifies only an armed side (the dead producer may have cleared the armed bit and died before its notify)",
    find: '  core.wake(role === "producer" ? CONSUMERS : PRODUCERS, true);',
    replace: '  core.wake(role === "producer" ? CONSUMERS : PRODUCERS);',
    entry: {
      scenario: "crash-sequence-2x2",
      params: { slots: 2, items: 1 },
      search: "pct",
      executions: 20,
      victims: [0],
    },
    file: "src/_engine/recover.ts",
    line: "Atomics.wait(",
    property: "hang",
  },
  {
    name: "recover-without-wake",
    kind:
      "a recovery that does not wake the dead producer's consumer (it may have published and died before its notify)",
    find:
      "    wakeIfWaiting(words, peer, bits);\n    // It may have cleared the bit and died before its notify.\n    Atomics.notify(words, peer);\n",
    replace: "",
    entry: {
      scenario: "crash-ring",
      params: { scheme: "textbook", slots: 2, items: 2 },
      search: "pct",
      // With one publishing add a push has fewer steps, and the first
      // schedules of layout 4 stop the producer elsewhere: 20 per crash
      // point find it (29 executions, measured).
      executions: 20,
      victims: [0],
    },
    file: "src/_engine/recover.ts",
    line: "Atomics.wait(",
    property: "hang",
  },
  {
    name: "recover-without-finishing-close",
    kind:
      "a recovery that leaves a close the dead producer began unfinished (flags marked, closed not set)",
    ...UNFINISHED_CLOSE,
    entry: { ...UNFINISHED_CLOSE.entry, victims: [0] },
  },
  {
    // The same bug with two threads stopped per execution: the producer
    // inside its close and the consumer anywhere; the supervisor's
    // replacement consumer then waits for a close nobody finishes.
    name: "recover-without-finishing-close-two-deaths",
    kind:
      "a recovery that leaves a begun close unfinished, found with the producer and the consumer both stopped",
    ...UNFINISHED_CLOSE,
    entry: { ...UNFINISHED_CLOSE.entry, deaths: "two" },
  },
  {
    // Deaths while attaching: the consumer dies inside its constructor
    // (holding its lock, its id never sent); the supervisor recovers the
    // consumer side by role, but this recovery reads the producer's lock.
    name: "recover-role-wrong-lock",
    kind:
      "a recovery by role that reads the producer's lock for either side (a consumer that died while attaching keeps its lock)",
    find:
      '      role === "producer" ? W_PRODUCER_ATTACHED : W_CONSUMER_ATTACHED,\n',
    replace: "      W_PRODUCER_ATTACHED,\n",
    entry: {
      scenario: "crash-ring",
      params: { scheme: "textbook", slots: 2, items: 2 },
      search: "pct",
      executions: 1,
      victims: [1],
      deaths: "attach",
    },
    file: "src/recover.ts",
    line: "throw new AlreadyAttachedError(",
    property: "exception",
  },
  {
    // A supervisor that dies mid-recovery: S released the dead producer's
    // lock and died before waking and finishing its close; S2's recovery
    // finds the lock free and, in this planted version, stops there.
    name: "recover-not-resumable",
    kind:
      "a recovery that wakes the peer and finishes a begun close only when it released the lock itself (not resumable after a supervisor's death)",
    find:
      "  const role = releaseLock(words, id);\n  wakeAndFinish(words, marks, role);\n",
    replace:
      "  const role = releaseLock(words, id);\n  if (role !== undefined) wakeAndFinish(words, marks, role);\n",
    entry: {
      scenario: "crash-ring-2s",
      params: { scheme: "textbook", slots: 2, items: 1 },
      search: "pct",
      executions: 1,
      victims: [0],
      deaths: "supervisor",
    },
    file: "src/_engine/recover.ts",
    line: "Atomics.wait(",
    property: "hang",
  },
  {
    name: "recover-without-slot-repair",
    kind:
      "a recovery that leaves a dead counter-scheme producer's slot word stale (a handle stores it only when it detaches; the replacement checks it against the counter and its base)",
    find: '  if (header.scheme === "counter") repairCounterSlot(header, id);\n',
    replace: "",
    entry: {
      scenario: "crash-ring",
      params: { scheme: "counter", slots: 2, items: 2 },
      search: "pct",
      executions: 1,
      victims: [0],
    },
    file: "src/recover.ts",
    // The replacement refuses the pair on attach (`checkOwnSlot`).
    line: "throw new CorruptedRingError(",
    property: "exception",
  },
  {
    name: "recover-without-reclaim",
    kind:
      "a recovery that gives no segment back (a producer dead after growing the buffer, before putting the new segment on the free list, leaks it)",
    find: "  const reclaimed = rolledBack + reclaimSegments(header, id);\n",
    replace: "  const reclaimed = rolledBack;\n",
    entry: {
      scenario: "crash-unbounded",
      params: { slots: 1, items: 2 },
      search: "pct",
      executions: 1,
      victims: [0],
    },
    file: "src/recover.ts",
    // The segment check names where the producer stopped: with the growth
    // recorded, before the new segment is pushed.
    line: "W_GROWN",
    property: "segments",
  },
];

/**
 * `--replay` of a crash failure's JSON on the command line (no --crash: the
 * file names its crash point); returns the exit status and what it printed.
 */
async function replayByCli(
  json: unknown,
  mod: string,
): Promise<{ code: number; out: string }> {
  let out = "";
  const code = await runCodeCli(
    ["--against", "code", "--replay", "failure.json", "--ring", mod],
    {
      out: (text) => out += text,
      err: () => {},
      readFile: () => Promise.resolve(JSON.stringify(json)),
      cwd: "/",
    },
  );
  return { code, out };
}

if (import.meta.main) {
  const root = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
  const names = Deno.args.length > 0
    ? Deno.args
    : PLANTED_RECOVERY.map((b) => b.name);
  for (const name of names) {
    const bug = PLANTED_RECOVERY.find((b) => b.name === name)!;
    const planted = await plant(bug, root);
    const started = performance.now();
    const report = await checkCode({
      crash: true,
      entries: [bug.entry],
      ring: new URL(`file://${planted.mod}`),
      seconds: 120,
    });
    const entry = report.entries[0]!;
    const failure = entry.failure;
    // The failing execution replayed from its schedule and crash point:
    // through the API, and through the command line's --replay.
    const replayed = failure?.crash === undefined ? undefined : {
      api: (await checkCode({
        crash: true,
        entries: [bug.entry],
        ring: new URL(`file://${planted.mod}`),
        schedule: failure.schedule,
        quiet: failure.quiet,
        crashPoint: failure.crash,
      })).entries[0]!.failure?.message ?? null,
      cli: await replayByCli(failure.json, planted.mod),
    };
    console.log(JSON.stringify({
      ...await plantedOutcome(bug, planted, entry, started),
      crashPoints: entry.crashPoints ?? 0,
      replayed: replayed ?? null,
    }));
    await Deno.remove(planted.mod.replace(/\/mod\.ts$/, ""), {
      recursive: true,
    });
  }
}
