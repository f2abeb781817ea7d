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
 * `deno run --v8-flags=--expose-gc --allow-read --allow-sys=loadavg bench/spin_floor.ts [--rounds=N] [--slots=16,1024,4096] [--sketches=calls|layouts] [--scale=1]`
 *
 * @module
 */
import { floorCase, layoutCase } from "./_cases.ts";
import { rateText } from "./_format.ts";
import { loadAverage } from "./_machine.ts";
import { pairedRatio, runCase } from "./_runner.ts";

/** Parsed flags: rounds per contender and the ring sizes. */
interface FloorFlags {
  readonly rounds: number;
  readonly slots: readonly number[];
  readonly sketches: "calls" | "layouts";
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
      name === "--sketches" && (value === "calls" || value === "layouts")
    ) {
      sketches = value;
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
  // layout's own effect, paired by round.
  const layouts = flags.sketches === "layouts";
  const lines = [
    `| Slots | Contender | Median | ÷ ringbuf.js (paired) |${
      layouts ? " ÷ packed (paired) |" : ""
    }`,
    `|---:|---|---:|---:|${layouts ? "---:|" : ""}`,
  ];
  for (const slots of flags.slots) {
    const sizes = { scale: flags.scale };
    const benchCase = flags.sketches === "calls"
      ? floorCase(slots, sizes)
      : layoutCase(slots, sizes);
    console.error(`${benchCase.id} …`);
    const result = await runCase(benchCase, {
      rounds: flags.rounds,
      warmups: 1,
      warmupFraction: 0.25,
      timeoutMs: 120_000,
      log: (line) => console.error(line),
    });
    const peer = result.contenders[1]!;
    // Rings against the packed ring, sketches against the packed sketch.
    const packedOf = (side: string) =>
      result.contenders.find((k) =>
        k.side === side && k.label.includes("packed")
      ) ?? peer;
    for (const k of result.contenders) {
      const ratio = k === peer ? 1 : pairedRatio(k.runs, peer.runs);
      const name = k.side === "ring"
        ? `this ring: ${k.label}`
        : `${k.side}: ${k.label}`;
      const packed = packedOf(k.side);
      const own = k === packed ? 1 : pairedRatio(k.runs, packed.runs);
      lines.push(
        `| ${slots} | ${name} | ${rateText(k.median, "items")} | ${
          ratio.toFixed(2)
        }× |${layouts ? ` ${own.toFixed(2)}× |` : ""}`,
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
