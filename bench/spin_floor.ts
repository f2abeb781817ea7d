/**
 * How far fewer `Atomics` calls could take single items: spin cases with
 * this ring, ringbuf.js and two sketches (`bench/_roles_floor.ts`) — this
 * ring's calls per item with nothing around them (`Atomics.store` of the
 * index and `Atomics.load` of the peer's waiting flag, a side), and the flag
 * kept inside the index word (one `Atomics.exchange` a side). Rounds
 * alternate; each figure is a median of rates, each ratio the median of the
 * per-round ratios against ringbuf.js (see `pairedRatio`).
 *
 * `deno run --allow-read --allow-sys=loadavg bench/spin_floor.ts [--rounds=N] [--slots=16,1024,4096]`
 *
 * @module
 */
import { floorCase } from "./_cases.ts";
import { rateText } from "./_format.ts";
import { loadAverage } from "./_machine.ts";
import { pairedRatio, runCase } from "./_runner.ts";

/** Parsed flags: rounds per contender and the ring sizes. */
interface FloorFlags {
  readonly rounds: number;
  readonly slots: readonly number[];
}

function parse(args: readonly string[]): FloorFlags {
  let rounds = 9;
  let slots = [16, 1024, 4096];
  for (const arg of args) {
    const [name, value = ""] = arg.split("=", 2) as [string, string?];
    if (name === "--rounds") rounds = Number(value);
    else if (name === "--slots") slots = value.split(",").map(Number);
    else throw new TypeError(`unknown flag ${arg} (see bench/spin_floor.ts)`);
  }
  if (!Number.isInteger(rounds) || rounds < 1) {
    throw new RangeError(`--rounds must be a positive integer: ${rounds}`);
  }
  return { rounds, slots };
}

if (import.meta.main) {
  const flags = parse(Deno.args);
  const start = loadAverage();
  const lines = [
    "| Slots | Contender | Median | ÷ ringbuf.js (paired) |",
    "|---:|---|---:|---:|",
  ];
  for (const slots of flags.slots) {
    const benchCase = floorCase(slots, { scale: 1 });
    console.error(`${benchCase.id} …`);
    const result = await runCase(benchCase, {
      rounds: flags.rounds,
      warmups: 1,
      warmupFraction: 0.25,
      timeoutMs: 120_000,
      log: (line) => console.error(line),
    });
    const peer = result.contenders[1]!;
    for (const k of result.contenders) {
      const ratio = k === peer ? 1 : pairedRatio(k.runs, peer.runs);
      const name = k.side === "ring" ? "this ring" : `${k.side}: ${k.label}`;
      lines.push(
        `| ${slots} | ${name} | ${rateText(k.median, "items")} | ${
          ratio.toFixed(2)
        }× |`,
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
