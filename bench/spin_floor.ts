/**
 * How far fewer `Atomics` calls could take single items: spin cases with
 * this ring, ringbuf.js and two sketches (`bench/_roles_floor.ts`) — this
 * ring's calls per item with nothing around them (`Atomics.store` of the
 * index and `Atomics.load` of the peer's waiting flag, a side), and the flag
 * kept inside the index word (one `Atomics.exchange` a side). Rounds
 * alternate; each figure is a median of rates, each ratio the median of the
 * per-round ratios against ringbuf.js (see `pairedRatio`).
 *
 * With `--sketches=layouts`, this ring, ringbuf.js and the store sketch's
 * loop over five placements of `in`, `out` and the
 * slots instead (`bench/_roles_layout.ts`: packed as this ring, a cache
 * line per slot, ringbuf.js's one shared line, `in` and `out` on one line
 * with the slots packed or a line each); each ring and sketch is also
 * compared with its packed twin (docs/small_rings.md).
 *
 * With `--sketches=add-layouts`, this ring, ringbuf.js and this ring's own
 * protocol (one `Atomics.add` a side, the peer's waiting bit in the index
 * word) over four placements: packed as this ring, ringbuf.js's shared
 * line, `in` on the first slots' line, a line per slot; with
 * `--sketches=add-ping`, the same as a round trip through two rings of 16
 * slots (`--slots` unused), beside this ring's and ringbuf.js's. Each is
 * also compared with this ring and with the packed add sketch.
 *
 * `deno run --v8-flags=--expose-gc --allow-read --allow-sys=loadavg bench/spin_floor.ts [--rounds=N] [--slots=16,1024,4096] [--sketches=calls|layouts|add-layouts|add-ping] [--scale=1]`
 *
 * @module
 */
import {
  addLayoutCase,
  addPingCase,
  type BenchCase,
  floorCase,
  layoutCase,
  type Sizes,
} from "./_cases.ts";
import { rateText } from "./_format.ts";
import { loadAverage } from "./_machine.ts";
import { type ContenderResult, pairedRatio, runCase } from "./_runner.ts";

/** Which sketches run beside this ring and ringbuf.js. */
type Sketches = "calls" | "layouts" | "add-layouts" | "add-ping";

const SKETCHES: readonly Sketches[] = [
  "calls",
  "layouts",
  "add-layouts",
  "add-ping",
];

/** Each mode's case at `slots` (the round trip has 16 slots, always). */
const CASES: Record<Sketches, (slots: number, sizes: Sizes) => BenchCase> = {
  calls: floorCase,
  layouts: layoutCase,
  "add-layouts": addLayoutCase,
  "add-ping": (_slots, sizes) => addPingCase(sizes),
};

/** Parsed flags: rounds per contender and the ring sizes. */
interface FloorFlags {
  readonly rounds: number;
  readonly slots: readonly number[];
  readonly sketches: Sketches;
  /** Multiplies the item count of every run (2 M at 1). */
  readonly scale: number;
}

function parse(args: readonly string[]): FloorFlags {
  let rounds = 9;
  let slots = [16, 1024, 4096];
  let sketches: FloorFlags["sketches"] = "calls";
  let scale = 1;
  for (const arg of args) {
    const [name, value = ""] = arg.split("=", 2) as [string, string?];
    if (name === "--rounds") rounds = Number(value);
    else if (name === "--slots") slots = value.split(",").map(Number);
    else if (name === "--scale") scale = Number(value);
    else if (
      name === "--sketches" && (SKETCHES as readonly string[]).includes(value)
    ) {
      sketches = value as Sketches;
    } else throw new TypeError(`unknown flag ${arg} (see bench/spin_floor.ts)`);
  }
  if (!Number.isInteger(rounds) || rounds < 1) {
    throw new RangeError(`--rounds must be a positive integer: ${rounds}`);
  }
  if (!(scale > 0)) throw new RangeError(`--scale must be positive: ${scale}`);
  return { rounds, slots, sketches, scale };
}

if (import.meta.main) {
  const flags = parse(Deno.args);
  const start = loadAverage();
  // With --sketches=layouts, each ring is also compared with the packed
  // ring and each sketch with the packed sketch (the same loop): the
  // layout's own effect, paired by round. The add modes compare every
  // contender with this ring, and each add sketch with the packed one.
  const layouts = flags.sketches === "layouts";
  const add = flags.sketches === "add-layouts" || flags.sketches === "add-ping";
  const lines = [
    `| Slots | Contender | Median | ÷ ringbuf.js (paired) |${
      layouts ? " ÷ packed (paired) |" : ""
    }${add ? " ÷ this ring (paired) | ÷ add packed (paired) |" : ""}`,
    `|---:|---|---:|---:|${layouts ? "---:|" : ""}${add ? "---:|---:|" : ""}`,
  ];
  const sizes = { scale: flags.scale };
  const cases = flags.sketches === "add-ping"
    ? [CASES["add-ping"](16, sizes)]
    : flags.slots.map((slots) => CASES[flags.sketches](slots, sizes));
  for (const benchCase of cases) {
    const { slots } = benchCase;
    console.error(`${benchCase.id} …`);
    const result = await runCase(benchCase, {
      rounds: flags.rounds,
      warmups: 1,
      warmupFraction: 0.25,
      timeoutMs: 120_000,
      log: (line) => console.error(line),
    });
    const [ring, peer] = result.contenders as [
      ContenderResult,
      ContenderResult,
    ];
    // Rings against the packed ring, sketches against the packed sketch.
    const packedOf = (side: string) =>
      result.contenders.find((k) =>
        k.side === side && k.label.includes("packed")
      ) ?? peer;
    const against = (k: ContenderResult, other: ContenderResult) =>
      `${(k === other ? 1 : pairedRatio(k.runs, other.runs)).toFixed(2)}×`;
    // Each round's rate (millions a second), to see a disturbed round.
    for (const k of result.contenders) {
      console.error(
        `${slots} ${k.side}: ${k.label}: ${
          k.runs.map((r) => (r.rate / 1e6).toFixed(2)).join(" ")
        }`,
      );
    }
    for (const k of result.contenders) {
      const name = k.side === "ring"
        ? `this ring: ${k.label}`
        : `${k.side}: ${k.label}`;
      const packed = packedOf(k.side);
      const extra = layouts
        ? ` ${against(k, packed)} |`
        : add
        ? ` ${against(k, ring)} | ${
          k.side === "sketch" ? against(k, packed) : "—"
        } |`
        : "";
      lines.push(
        `| ${slots} | ${name} | ${rateText(k.median, result.unit)} | ${
          against(k, peer)
        } |${extra}`,
      );
    }
  }
  const end = loadAverage();
  console.log(
    `Load average ${start?.toFixed(2)} before, ${
      end?.toFixed(2)
    } after; ${flags.rounds} alternating rounds.\n`,
  );
  console.log(lines.join("\n"));
}
