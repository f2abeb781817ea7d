// Planted bugs for the code check: each copies src/ and mod.ts into a
// temporary directory, replaces one short snippet (which must occur exactly
// once in src/, so a planted bug cannot silently vanish when src/ changes)
// and runs checkCode() on the copy. Run as a subprocess by
// tests/code_check_planted_test.ts (it needs --allow-write for the copy).
// Prints one JSON line per bug.
import assert from "node:assert/strict";
import {
  checkCode,
  type CodeCheckEntry,
  type CodeEntryReport,
} from "../model/mod.ts";

/** A planted bug: where, what, and the scenario that should catch it. */
export interface PlantedBug {
  readonly name: string;
  /** The bug class (from issue 11). */
  readonly kind: string;
  readonly find: string;
  readonly replace: string;
  readonly entry: CodeCheckEntry;
  /** The file the snippet is in. */
  readonly file: string;
  /** The failure must name a source line whose text contains this. */
  readonly line: string;
  readonly property: string;
}

/** The planted bugs. */
export const PLANTED: readonly PlantedBug[] = [
  {
    name: "publish-before-write",
    kind: "publishing an index before writing the slot",
    find:
      "    if (data !== null) data[this.#inSlot] = item as never;\n    else this.#codec.write(this.#inSlot, item);\n    this.#publish(1, PUSH);",
    replace:
      "    const slot = this.#inSlot;\n    this.#publish(1, PUSH);\n    if (data !== null) data[slot] = item as never;\n    else this.#codec.write(slot, item);",
    entry: { scenario: "try", params: { slots: 2, items: 1 } },
    file: "src/_engine/spsc.ts",
    // The publishing add is the push's last atomic call, so the plain write
    // after it runs in the same step (with a store then a flag load, the
    // invariant saw the unwritten slot first): caught as the race of that
    // write with the consumer's read.
    line: "data[slot] = item",
    property: "data-race",
  },
  {
    name: "sleep-without-recheck",
    kind: "a sleeper that raises its flag without re-checking",
    find: "        if (this.poll() || this.#end()) return;",
    replace: "        if (this.#end()) return;",
    entry: { scenario: "blocking", params: { slots: 2, items: 1 } },
    file: "src/_wait/wait.ts",
    line: "Atomics.wait(",
    property: "deadlock",
  },
  {
    name: "close-without-wake",
    kind: "a close that forgets to wake",
    find: "  for (const flag of marks.flags) Atomics.notify(words, flag);\n}",
    replace: "}",
    entry: { scenario: "close", params: { slots: 2, items: 1 } },
    file: "src/_wait/signal.ts",
    line: "Atomics.wait(",
    property: "deadlock",
  },
  {
    // Found once the sequence scenarios ended by a close (issue 11's
    // leftover): a real lost wake-up on main, fixed in `markClosed`.
    name: "close-epoch-unmoved",
    kind:
      "a sequence-ring close that leaves its mark as the epoch: a sleeper that read the mark before the close set closed sleeps through the close's wake",
    find: "    else Atomics.add(words, flag, 2);\n",
    replace: "",
    entry: { scenario: "sequence-2x1", params: { slots: 2, items: 1 } },
    file: "src/_wait/signal.ts",
    line: "Atomics.wait(",
    property: "deadlock",
  },
  {
    name: "close-index-unmoved",
    kind:
      "a one-producer ring's close that leaves its marked index words as they are after setting closed: a sleeper that armed on the mark before the close set closed sleeps through the close's wake",
    find:
      "    if (mark !== undefined) Atomics.and(words, flag, ~mark.waiting);\n    else Atomics.add(words, flag, 2);\n",
    replace: "    if (mark === undefined) Atomics.add(words, flag, 2);\n",
    entry: { scenario: "close-ring", params: { slots: 2, items: 1 } },
    file: "src/_wait/signal.ts",
    line: "Atomics.wait(",
    property: "deadlock",
  },
  {
    name: "sleep-unarmed",
    kind:
      "a sequence-ring sleeper that does not arm the futex word (no waker notifies it)",
    // (The one Gate of every buffer: the bug is planted for all of them.)
    find: "    return Atomics.or(this.words, this.futex, this.bit) | this.bit;",
    replace: "    return Atomics.load(this.words, this.futex);",
    entry: { scenario: "sequence-blocking", params: { slots: 2, items: 1 } },
    file: "src/_wait/wait.ts",
    line: "Atomics.wait(",
    property: "deadlock",
  },
  {
    name: "stale-out",
    kind: "a stale cached index on one path",
    // The blocked producer's re-check uses its cached `out` and never
    // re-reads it; the fast path still does.
    find: "  poll(): boolean {\n    return !this.#isFull();\n  }",
    replace:
      "  poll(): boolean {\n    return used(this.#in, this.#out, this.#limit) !== this.#capacity;\n  }",
    entry: { scenario: "blocking", params: { slots: 2, items: 1, prefill: 1 } },
    file: "src/_engine/spsc.ts",
    line: "Atomics.wait(",
    property: "deadlock",
  },
  {
    name: "claim-load-store",
    kind: "a claim done with load+store instead of compareExchange",
    find:
      "    if (Atomics.compareExchange(this.words, side.position, p, to) !== p) {\n      return false;\n    }",
    replace:
      "    if (Atomics.load(this.words, side.position) !== p) return false;\n    Atomics.store(this.words, side.position, to);",
    // Within one preemption: P1 claims between P0's load and store. (DPOR
    // reaches it late since the scenario ends by a close: its last steps
    // are reordered first.)
    entry: {
      scenario: "sequence-2x1",
      params: { slots: 2, items: 1 },
      search: "preemption",
      bound: 1,
    },
    file: "src/_engine/sequence_steps.ts",
    line: "data[slot] = item",
    property: "data-race",
  },
  {
    name: "sequence-before-data",
    kind: "a sequence number published before the data",
    find:
      "    if (data !== null) data[slot] = item as never;\n    else this.#codec.write(slot, item);\n    // A close that raced the push: the item may be popped, or not.\n    if (this.#core.publish(p)) throw this.#ring.closedError(PUSH);",
    replace:
      "    const closed = this.#core.publish(p);\n    if (data !== null) data[slot] = item as never;\n    else this.#codec.write(slot, item);\n    if (closed) throw this.#ring.closedError(PUSH);",
    entry: { scenario: "sequence-1x2", params: { slots: 2, items: 1 } },
    file: "src/_engine/sequence.ts",
    // Refinement sees the publish make an unwritten slot visible, at the
    // publishing store (without it: the data race of the producer's write
    // and the consumer's read of the slot).
    line: "Atomics.store(this.seqs",
    property: "refinement",
  },
  {
    name: "link-after-publish",
    kind: "an unbounded segment linked after in is published",
    find: "    this.#segments.link(this.#tail, next);",
    replace:
      "    const from = this.#tail;\n    queueMicrotask(() => this.#segments.link(from, next));",
    entry: { scenario: "unbounded", params: { slots: 1, items: 2 } },
    file: "src/_engine/segment.ts",
    // Refinement sees `in` count an item past a segment that links nowhere
    // at the publishing store (without it: the consumer's
    // CorruptedRingError at the end).
    line: "Atomics.store(words, W_IN",
    property: "refinement",
  },
  {
    name: "full-off-by-one",
    kind:
      "a full test off by one on the path that re-reads out (refinement only: no invariant breaks)",
    // After re-reading `out`, "full" only when over capacity: the producer
    // writes the textbook's spare slot and publishes `in` onto `out`, so
    // the ring looks empty and both items vanish. bound, no-unproduced and
    // fifo hold on every state; the model's producer cannot publish there.
    find:
      "    const room = this.#capacity - used(this.#in, this.#out, this.#limit);\n    if (room === 0) return true;",
    replace:
      "    const room = this.#capacity - used(this.#in, this.#out, this.#limit);\n    if (room < 0) return true;",
    entry: { scenario: "try", params: { slots: 2, items: 2 } },
    file: "src/_engine/spsc.ts",
    line: "Atomics.add(words, W_IN",
    property: "refinement",
  },
  {
    name: "peer-base-read",
    kind:
      "a data race: an attaching handle reads the live peer's plainly written wrap base (the counter-scheme race found by checkCode on the slot words, fixed, put back on the word the peer still writes plainly)",
    // The attach check reads both sides' bases: the live consumer stores its
    // base plainly at the wrap of its second pop (the slot words are stored
    // only at detach now, so reading the peer's is no race any more).
    find:
      "      checkCount(\n        Atomics.load(words, shm.W_IN),\n        Atomics.load(words, shm.W_OUT),\n        slots,\n        what,\n      );",
    replace:
      "      checkCount(\n        Atomics.load(words, shm.W_IN),\n        Atomics.load(words, shm.W_OUT),\n        slots,\n        what,\n      );\n      for (const base of [shm.W_IN_BASE, shm.W_OUT_BASE]) {\n        if (Atomics.load(words, base) >>> 0 >= shm.COUNTER_LIMIT) {\n          throw new CorruptedRingError(`${what}: ring is corrupted: a base is out of range`);\n        }\n      }",
    entry: {
      scenario: "reattach",
      params: { scheme: "counter", slots: 2, items: 2, prefill: 1 },
      search: "pct",
      executions: 40,
    },
    file: "src/_shm/header.ts",
    line: "Atomics.load(words, base)",
    property: "data-race",
  },
  {
    name: "close-race",
    kind:
      "a push racing closeRing() that ignores the close mark it reads after publishing",
    // Reverts the producer's half of the close fix (issue 11): the push
    // returns true although the consumer may already have concluded
    // "closed and drained".
    find:
      "    if ((was & ~INDEX_MASK) !== 0 && wakeFrom(words, W_IN, was, INDEX_BITS)) {\n      throw this.#ring.closedError(what);\n    }",
    replace:
      "    if ((was & ~INDEX_MASK) !== 0) wakeFrom(words, W_IN, was, INDEX_BITS);",
    entry: { scenario: "close-ring", params: { slots: 2, items: 1 } },
    file: "src/_engine/spsc.ts",
    line: "Atomics.add(words, W_IN",
    property: "no-loss",
  },
  {
    name: "release-ignores-waiting",
    kind:
      "a consumer whose releasing add ignores the producer's WAITING bit in out (the waiting flag inside the index word: nobody wakes the sleeper)",
    find:
      "    if ((was & WAITING) !== 0) wakeFrom(words, W_OUT, was, INDEX_BITS);",
    replace: "",
    entry: { scenario: "blocking", params: { slots: 2, items: 1, prefill: 1 } },
    file: "src/_engine/spsc_consumer.ts",
    line: "Atomics.wait(",
    property: "deadlock",
  },
];

async function copyTree(from: string, to: string): Promise<void> {
  await Deno.mkdir(to, { recursive: true });
  for await (const entry of Deno.readDir(from)) {
    const source = `${from}/${entry.name}`;
    const target = `${to}/${entry.name}`;
    if (entry.isDirectory) await copyTree(source, target);
    else if (entry.name.endsWith(".ts")) await Deno.copyFile(source, target);
  }
}

async function filesUnder(dir: string): Promise<string[]> {
  const files: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory) files.push(...await filesUnder(path));
    else if (entry.name.endsWith(".ts")) files.push(path);
  }
  return files;
}

/** Copies the ring with `bug` planted; returns the copy's mod.ts and the patched file. */
export async function plant(
  bug: PlantedBug,
  root: string,
): Promise<{ mod: string; file: string; matches: number }> {
  const dir = await Deno.makeTempDir({ prefix: "ringproof_planted_" });
  await copyTree(`${root}/src`, `${dir}/src`);
  await Deno.copyFile(`${root}/mod.ts`, `${dir}/mod.ts`);
  let matches = 0;
  let patched = "";
  for (const file of await filesUnder(`${dir}/src`)) {
    const text = await Deno.readTextFile(file);
    const count = text.split(bug.find).length - 1;
    if (count === 0) continue;
    matches += count;
    patched = file;
    await Deno.writeTextFile(file, text.replace(bug.find, bug.replace));
  }
  return { mod: `${dir}/mod.ts`, file: patched, matches };
}

/**
 * The source lines a failure message names (`src/…/x.ts:123`), read from the
 * patched copy whose `mod.ts` is at `mod`.
 */
export async function namedLines(
  message: string,
  mod: string,
): Promise<string[]> {
  const lines: string[] = [];
  for (const match of message.matchAll(/src\/([\w/]+\.ts):(\d+)/g)) {
    const text = await Deno.readTextFile(
      `${mod.replace(/mod\.ts$/, "")}src/${match[1]}`,
    );
    lines.push(text.split("\n")[Number(match[2]) - 1]!.trim());
  }
  return lines;
}

/** What a planted-bug script prints for one bug (one JSON line). */
export interface PlantedOutcome {
  readonly name: string;
  /** How often the snippet occurred in src/ (1: the bug is really planted). */
  readonly matches: number;
  readonly file: string;
  readonly verdict: string;
  readonly property: string | null;
  readonly message: string | null;
  /** The source lines the failure names. */
  readonly lines: readonly string[];
  readonly executions: number;
  readonly seconds: number;
}

/** The outcome of one check of a planted copy (`plant`'s result). */
export async function plantedOutcome(
  bug: PlantedBug,
  planted: { mod: string; file: string; matches: number },
  entry: CodeEntryReport,
  started: number,
): Promise<PlantedOutcome> {
  const failure = entry.failure;
  return {
    name: bug.name,
    matches: planted.matches,
    file: planted.file.replace(/^.*\/src\//, "src/"),
    verdict: entry.verdict,
    property: failure?.property ?? null,
    message: failure?.message ?? null,
    lines: await namedLines(failure?.message ?? "", planted.mod),
    executions: entry.executions,
    seconds: (performance.now() - started) / 1000,
  };
}

/**
 * Runs a planted-bug script as a subprocess (the copy needs --allow-write);
 * returns what it printed, one outcome per bug.
 */
export async function runPlantedScript<T extends PlantedOutcome>(
  script: URL,
): Promise<T[]> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", "--allow-write", script.pathname],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(output.stderr);
  assert.equal(output.code, 0, stderr);
  return new TextDecoder().decode(output.stdout).trim().split("\n")
    .map((line) => JSON.parse(line) as T);
}

/** Asserts that `bug` was planted once and caught, naming its source line. */
export function assertCaught(bug: PlantedBug, outcome: PlantedOutcome): void {
  assert.equal(outcome.matches, 1, `${bug.name}: the snippet must match once`);
  assert.equal(outcome.file, bug.file);
  assert.equal(outcome.verdict, "fail", outcome.message ?? "");
  assert.equal(outcome.property, bug.property, outcome.message ?? "");
  assert.ok(
    outcome.lines.some((line) => line.includes(bug.line)),
    `${bug.name}: ${outcome.message} names ${outcome.lines.join(" | ")}`,
  );
}

if (import.meta.main) {
  const root = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
  const names = Deno.args.length > 0 ? Deno.args : PLANTED.map((b) => b.name);
  for (const name of names) {
    const bug = PLANTED.find((b) => b.name === name)!;
    const planted = await plant(bug, root);
    const ring = new URL(`file://${planted.mod}`);
    const started = performance.now();
    const report = await checkCode({
      entries: [bug.entry],
      ring,
      seconds: 60,
    });
    const outcome = await plantedOutcome(
      bug,
      planted,
      report.entries[0]!,
      started,
    );
    // A bug refinement catches: what the other checks make of it.
    const without = bug.property === "refinement"
      ? (await checkCode({
        entries: [bug.entry],
        ring,
        seconds: 60,
        refinement: false,
      })).entries[0]!
      : undefined;
    console.log(JSON.stringify({
      ...outcome,
      table: report.entries[0]!.failure?.table ?? null,
      without: without === undefined ? null : {
        property: without.failure?.property ?? null,
        message: without.failure?.message ?? null,
        executions: without.executions,
      },
    }));
    await Deno.remove(planted.mod.replace(/\/mod\.ts$/, ""), {
      recursive: true,
    });
  }
}
