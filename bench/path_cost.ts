/**
 * The single-item path on one thread: nanoseconds per item (one `tryPush`
 * and one `tryPop`) for this ring, ringbuf.js, and this ring's protocol
 * written bare (the add sketch of `bench/spin_floor.ts`: one `Atomics.add` a
 * side, the peer's waiting bit in the index word, a cached peer index, and no
 * checks at all). No second core takes part, so a change to the engines'
 * fast path shows as the nanoseconds it costs, which the cross-core spin
 * cases hide under their round-to-round noise (±30% on the bench host).
 *
 * Two shapes: bursts of 512 (the producer runs ahead: each side re-reads the
 * other's index about once a burst) and bursts of 1 (the consumer keeps up:
 * it re-reads `in` for every item, as in a spin case whose consumer is the
 * faster side). Each contender runs in a Worker of its own (both sides on
 * that one thread), so its call sites see only its calls; rounds alternate
 * the contenders; figures are medians.
 *
 * `deno run --allow-read bench/path_cost.ts [--rounds=9] [--slots=1024] [--scheme=textbook|counter]`
 *
 * @module
 */
import { CONTENDERS, ITEMS, type PathRequest } from "./_path_cost.ts";
import { nextMessage } from "./_message.ts";
import { median } from "./_stats.ts";

const BURSTS = [512, 1] as const;

/** Parsed flags. */
interface PathFlags {
  readonly rounds: number;
  readonly slots: number;
  readonly scheme: "textbook" | "counter";
}

function parse(args: readonly string[]): PathFlags {
  let rounds = 9;
  let slots = 1024;
  let scheme: PathFlags["scheme"] = "textbook";
  for (const arg of args) {
    const [name, value = ""] = arg.split("=", 2) as [string, string?];
    if (name === "--rounds") rounds = Number(value);
    else if (name === "--slots") slots = Number(value);
    else if (
      name === "--scheme" && (value === "textbook" || value === "counter")
    ) {
      scheme = value;
    } else throw new TypeError(`unknown flag ${arg} (see bench/path_cost.ts)`);
  }
  if (!Number.isInteger(rounds) || rounds < 1) {
    throw new RangeError(`--rounds must be a positive integer: ${rounds}`);
  }
  // Bursts of 512 must fit the textbook's BUFFER_SIZE - 1.
  if (!Number.isInteger(slots) || slots < 1024) {
    throw new RangeError(`--slots must be an integer >= 1024: ${slots}`);
  }
  return { rounds, slots, scheme };
}

/** Starts one contender's Worker and waits for its "ready". */
async function start(name: string): Promise<Worker> {
  const worker = new Worker(
    new URL("./_path_cost_worker.ts", import.meta.url),
    { type: "module", name },
  );
  await nextMessage(worker);
  return worker;
}

if (import.meta.main) {
  const { rounds, slots, scheme } = parse(Deno.args);
  const names = Object.keys(CONTENDERS);
  const workers = await Promise.all(names.map(start));
  const expected = new Map<number, number>();
  const times = new Map<string, number[]>();
  for (let round = -1; round < rounds; round++) { // round -1: the warm-up
    for (const burst of BURSTS) {
      for (const [k, name] of names.entries()) {
        const worker = workers[k]!;
        const answer = nextMessage<[number, number]>(worker);
        worker.postMessage({ slots, scheme, burst } satisfies PathRequest);
        const [ns, sum] = await answer;
        // Every contender moves the same items: the sums must agree.
        const key = `${burst} ${name}`;
        if (!expected.has(burst)) expected.set(burst, sum);
        if (expected.get(burst) !== sum) {
          throw new Error(
            `${key}: checksum ${sum}, expected ${expected.get(burst)}`,
          );
        }
        if (round >= 0) times.set(key, [...(times.get(key) ?? []), ns]);
      }
    }
  }
  for (const worker of workers) worker.terminate();
  console.log(
    `One thread, ${slots} slots, ${scheme} scheme (the sketch: textbook), ${ITEMS} items a run, medians of ${rounds} alternating rounds.\n`,
  );
  console.log("| Burst | Contender | ns per item (push + pop) | ÷ sketch |");
  console.log("|---:|---|---:|---:|");
  for (const burst of BURSTS) {
    const sketch = median(times.get(`${burst} ${names[2]}`)!);
    for (const name of names) {
      const ns = median(times.get(`${burst} ${name}`)!);
      console.log(
        `| ${burst} | ${name} | ${ns.toFixed(1)} | ${
          (ns / sketch).toFixed(2)
        }× |`,
      );
    }
  }
}
