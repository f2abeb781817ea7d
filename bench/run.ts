/**
 * `deno task bench`: this ring against ringbuf.js and postMessage, side by
 * side in one run (issue 5), then many producers and consumers through the
 * sequence ring against a mutex ring and postMessage (`bench/mpmc.ts`, issue
 * 7). Prints a Markdown table of medians and ratios and writes
 * `bench/results/results.md`, `results.json` and `chart.svg`.
 *
 * Flags:
 * - `--json`: print the JSON report instead of Markdown.
 * - `--quick`: a smoke run (3 rounds, counts ÷ 2000, 3,000 MPMC items per
 *   producer); writes nothing unless `--out` is given.
 * - `--rounds=N`: timed rounds per contender (default 9; at least 1).
 * - `--only=ID,ID`: run only these cases, in this order (e.g.
 *   `spin-1024,spin-4096`; `mpmc` names the MPMC benchmark, `explorer` the
 *   model checker's).
 * - `--out=DIR`: where to write the results (default `bench/results`).
 * - `--no-write`: write nothing.
 *
 * @module
 */
import { buildCases } from "./_cases.ts";
import { renderChart } from "./_chart.ts";
import { runExplorer } from "./_explorer.ts";
import { rateText, ratioText } from "./_format.ts";
import { describeMachine, loadAverage } from "./_machine.ts";
import {
  chartGroups,
  chartSubtitle,
  mpmcRuns,
  type Report,
  SCHEMA,
  toJson,
  toMarkdown,
} from "./_report.ts";
import { type CaseResult, runCase } from "./_runner.ts";
import { checkTargets } from "./_targets.ts";
import { runMpmcBench } from "./mpmc.ts";

/** The `--only` id of the MPMC benchmark. */
const MPMC = "mpmc";
/** The `--only` id of the model checker's benchmark. */
const EXPLORER = "explorer";

/** Parsed command-line flags. */
export interface BenchFlags {
  readonly json: boolean;
  readonly quick: boolean;
  readonly rounds: number;
  readonly only: readonly string[] | null;
  readonly out: string | null;
}

/** Parses the flags above; throws on an unknown one. */
export function parseFlags(args: readonly string[]): BenchFlags {
  let json = false;
  let quick = false;
  let rounds: number | null = null;
  let only: string[] | null = null;
  let out: string | null | undefined;
  for (const arg of args) {
    // `deno task bench -- --quick` passes the "--" through.
    if (arg === "--") continue;
    const [name, value] = arg.split("=", 2) as [string, string | undefined];
    if (name === "--json") json = true;
    else if (name === "--quick") quick = true;
    else if (name === "--no-write") out = null;
    else if (name === "--rounds" && value !== undefined) {
      rounds = Number(value);
      if (!Number.isInteger(rounds) || rounds < 1) {
        throw new RangeError(`--rounds must be a positive integer: ${value}`);
      }
    } else if (name === "--only" && value) only = value.split(",");
    else if (name === "--out" && value) out = value;
    else throw new TypeError(`unknown flag ${arg} (see bench/run.ts)`);
  }
  const defaultOut = quick
    ? null
    : new URL("./results/", import.meta.url).pathname;
  return {
    json,
    quick,
    rounds: rounds ?? (quick ? 3 : 9),
    only,
    out: out === undefined ? defaultOut : out,
  };
}

function progress(result: CaseResult): string {
  const [ring, ...peers] = result.contenders;
  const versus = peers.map((peer, i) =>
    `${peer.side} ${rateText(peer.median, result.unit)} (${
      ratioText(result.ratios[i]?.ratio ?? null)
    })`
  );
  return `${result.id}: this ring ${rateText(ring!.median, result.unit)}; ${
    versus.join("; ")
  }`;
}

async function writeResults(dir: string, report: Report): Promise<void> {
  await Deno.mkdir(dir, { recursive: true });
  const path = (name: string) => `${dir.replace(/\/$/, "")}/${name}`;
  await Deno.writeTextFile(path("results.md"), toMarkdown(report));
  await Deno.writeTextFile(path("results.json"), toJson(report) + "\n");
  await Deno.writeTextFile(
    path("chart.svg"),
    renderChart(chartGroups(report), {
      title:
        `@ringproof/ring vs ringbuf.js, postMessage and a mutex ring: median rate (log scale)`,
      subtitle: chartSubtitle(report),
    }),
  );
}

/** Runs the benchmark with `flags` and returns its report. */
export async function runBench(flags: BenchFlags): Promise<Report> {
  const log = (line: string) => console.error(line);
  const machine = describeMachine();
  const start = loadAverage();
  const all = buildCases({ scale: flags.quick ? 1 / 2000 : 1 });
  // With --only, in the order given: whether a case's place in the run
  // matters (the first case of a process, say) is then easy to test.
  const cases = flags.only === null ? all : flags.only.flatMap((id) => {
    const found = all.find((c) => c.id === id);
    return found === undefined ? [] : [found];
  });
  const results: CaseResult[] = [];
  // Two warm-ups: after one, the timed run's first ~250,000 items still ran
  // 1.5-2.5x slower than the rest, for this ring and ringbuf.js alike (the
  // JIT still compiling); after two, the timed run is as fast from its first
  // item as at its end (session 10, per-chunk timings).
  const warmups = 2;
  const warmupFraction = flags.quick ? 1 : 0.25;
  for (const benchCase of cases) {
    log(`${benchCase.id} …`);
    const result = await runCase(benchCase, {
      rounds: flags.rounds,
      warmups,
      warmupFraction,
      timeoutMs: flags.quick ? 20_000 : 120_000,
      log,
    });
    log(progress(result));
    results.push(result);
  }
  const mpmc = flags.only === null || flags.only.includes(MPMC)
    ? await runMpmcBench({
      items: flags.quick ? 3_000 : 200_000,
      rounds: flags.rounds,
      log: (line) => log(`mpmc ${line}`),
    })
    : null;
  const end = loadAverage();
  const explore = !flags.quick &&
    (flags.only === null || flags.only.includes(EXPLORER));
  if (explore) log("explorer …");
  const explorer = explore ? await runExplorer(flags.rounds) : {
    figures: null,
    note: flags.quick ? "skipped in --quick" : "not in --only",
  };
  const runs = results.flatMap((r) => r.contenders.flatMap((c) => c.runs));
  const extra = mpmcRuns(mpmc);
  const total = runs.length + extra.runs;
  const verifiedRuns = runs.filter((r) => r.verified).length + extra.verified;
  return {
    schema: SCHEMA,
    generated: new Date().toISOString(),
    quick: flags.quick,
    rounds: flags.rounds,
    warmups,
    warmupFraction,
    machine,
    load: { start, end },
    cases: results,
    targets: checkTargets(results),
    mpmc,
    explorer,
    runs: total,
    verifiedRuns,
    verified: verifiedRuns === total,
  };
}

if (import.meta.main) {
  const flags = parseFlags(Deno.args);
  const report = await runBench(flags);
  console.log(flags.json ? toJson(report) : toMarkdown(report));
  if (flags.out !== null) await writeResults(flags.out, report);
  if (!report.verified) Deno.exit(1);
}
