// The soak benchmark of issue 12 (not a test): N items (default 10^8)
// through each engine while Workers die. A producer and a consumer Worker
// each die by throwing at seeded random points; the supervisor (this thread)
// recovers the dead handle with recoverRing / recoverUnbounded and starts a
// replacement from the dead Worker's progress. The consumer checks that
// every item arrives once and in order; at the end the supervisor checks
// the count. Prints items/s, deaths and the resident set size before and
// after each engine.
//
//   deno run --allow-read --allow-sys bench/soak.ts [--items N] [--deaths D]
//     [--engines textbook,counter,sequence,unbounded] 2>/dev/null
//
// (Deno prints each Worker's uncaught InjectedDeath on stderr.)
//
// Deaths land between calls (after a batch and its progress store): deaths
// inside a call are the crash exploration's (`--against code --crash`).
import {
  createRing,
  createUnbounded,
  recoverRing,
  recoverUnbounded,
} from "../mod.ts";
import type { SoakJob } from "./_soak_worker.ts";

type Engine = SoakJob["engine"];
const ENGINES: readonly Engine[] = [
  "textbook",
  "counter",
  "sequence",
  "unbounded",
];

function flag(name: string, fallback: string): string {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 && Deno.args[i + 1] !== undefined
    ? Deno.args[i + 1]!
    : fallback;
}

const ITEMS = Number(flag("items", String(1e8)));
const DEATHS = Number(flag("deaths", "5"));
const engines = flag("engines", ENGINES.join(",")).split(",") as Engine[];

function create(engine: Engine): SharedArrayBuffer {
  if (engine === "unbounded") {
    return createUnbounded({ item: "int32", segmentSlots: 4096 });
  }
  return createRing({
    slots: 4096,
    item: "int32",
    ...(engine === "sequence"
      ? { scheme: "sequence", producers: "many", consumers: "many" }
      : { scheme: engine }),
  });
}

/** Seeded death points: `count` sorted positions in (0, items). */
function deathPoints(count: number, seed: number): number[] {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return Array.from(
    { length: count },
    () => 1 + Math.floor(next() * (ITEMS - 1)),
  )
    .sort((x, y) => x - y);
}

const WORKER = new URL("./_soak_worker.ts", import.meta.url);

/** Runs one side: a Worker, and a replacement after each death. */
function side(
  role: SoakJob["role"],
  engine: Engine,
  sab: SharedArrayBuffer,
  progress: SharedArrayBuffer,
  deaths: number[],
): Promise<{ deaths: number; recoverMs: number }> {
  const words = new Int32Array(progress);
  const recover = engine === "unbounded" ? recoverUnbounded : recoverRing;
  let died = 0;
  let recoverMs = 0;
  return new Promise((resolve, reject) => {
    const start = (from: number) => {
      const worker = new Worker(WORKER, { type: "module" });
      let id = 0;
      const dieAt = deaths[died] ?? -1;
      worker.onmessage = (event) => {
        if (event.data === "ready") {
          worker.postMessage(
            {
              role,
              engine,
              sab,
              progress,
              from,
              to: ITEMS,
              dieAt,
            } satisfies SoakJob,
          );
        } else if (event.data === "done") {
          worker.terminate();
          resolve({ deaths: died, recoverMs });
        } else id = event.data.id;
      };
      worker.onerror = (event) => {
        event.preventDefault();
        worker.terminate();
        if (!String(event.message).includes("InjectedDeath")) {
          reject(new Error(`${engine} ${role}: ${event.message}`));
          return;
        }
        died++;
        const t0 = performance.now();
        const recovery = recover(sab, { handle: id });
        recoverMs += performance.now() - t0;
        if (!recovery.released) {
          reject(new Error(`${engine} ${role}: nothing to recover`));
          return;
        }
        start(Atomics.load(words, role === "producer" ? 0 : 1));
      };
    };
    start(0);
  });
}

/** The load average, with --allow-sys. */
function loadavg(): string {
  try {
    return Deno.loadavg().map((x) => x.toFixed(1)).join(" ");
  } catch {
    return "unknown: run with --allow-sys";
  }
}

const mb = (n: number) => `${(n / 2 ** 20).toFixed(0)} MiB`;
console.log(
  `soak: ${
    ITEMS.toLocaleString("en")
  } items per engine, ${DEATHS} deaths per side (load ${loadavg()})`,
);
for (const engine of engines) {
  const rss0 = Deno.memoryUsage().rss;
  const sab = create(engine);
  const progress = new SharedArrayBuffer(8);
  const t0 = performance.now();
  const [p, c] = await Promise.all([
    side("producer", engine, sab, progress, deathPoints(DEATHS, 1)),
    side("consumer", engine, sab, progress, deathPoints(DEATHS, 2)),
  ]);
  const seconds = (performance.now() - t0) / 1000;
  const consumed = Atomics.load(new Int32Array(progress), 1);
  if (consumed !== ITEMS) {
    throw new Error(`${engine}: ${consumed} items consumed of ${ITEMS}`);
  }
  const rss1 = Deno.memoryUsage().rss;
  console.log(
    `${engine}: ${ITEMS.toLocaleString("en")} items in order, none lost, in ${
      seconds.toFixed(1)
    } s (${
      (ITEMS / seconds / 1e6).toFixed(2)
    } M items/s with Worker starts); deaths: producer ${p.deaths}, consumer ${c.deaths}; recoveries ${
      (p.recoverMs + c.recoverMs).toFixed(2)
    } ms in all; RSS ${mb(rss0)} -> ${mb(rss1)}; buffer ${mb(sab.byteLength)}`,
  );
}
