// The report of one benchmark invocation: its JSON shape, its Markdown and
// its chart's bars.
import type { ChartGroup } from "./_chart.ts";
import type { ExplorerOutcome } from "./_explorer.ts";
import { micros, rateText, ratioText, si } from "./_format.ts";
import { type Machine, machineLine } from "./_machine.ts";
import { type MpmcBenchReport, mpmcMarkdown } from "./mpmc.ts";
import type { CaseResult } from "./_runner.ts";
import type { TargetResult } from "./_targets.ts";

/** Names the JSON layout; bump it when the layout changes. */
export const SCHEMA = "ringproof-bench/2";

/** Everything one invocation measured (written as results.json). */
export interface Report {
  readonly schema: typeof SCHEMA;
  readonly generated: string;
  readonly quick: boolean;
  readonly rounds: number;
  readonly warmups: number;
  /** A warm-up run's share of a timed run's count. */
  readonly warmupFraction: number;
  readonly machine: Machine;
  /** 1-minute load average before and after the cases (null: unreadable). */
  readonly load: { readonly start: number | null; readonly end: number | null };
  readonly cases: readonly CaseResult[];
  readonly targets: readonly TargetResult[];
  /** Many producers and consumers (`bench/mpmc.ts`); null when not run. */
  readonly mpmc: MpmcBenchReport | null;
  readonly explorer: ExplorerOutcome;
  /** Runs in all (cases and MPMC), and how many passed their check. */
  readonly runs: number;
  readonly verifiedRuns: number;
  /** True when every run verified. */
  readonly verified: boolean;
}

/** The report as JSON (NaN and infinities become null). */
export function toJson(report: Report): string {
  return JSON.stringify(
    report,
    (_key, value) =>
      typeof value === "number" && !Number.isFinite(value) ? null : value,
    2,
  );
}

function percent(ratio: number): string {
  const value = ratio * 100;
  if (!Number.isFinite(value)) return "–";
  return `${value >= 1 ? value.toFixed(1) : value.toPrecision(2)}%`;
}

function casesTable(cases: readonly CaseResult[]): string[] {
  const lines = [
    "| Case | This ring | Median | Peer | Peer median | This ring ÷ peer |",
    "|---|---|---:|---|---:|---:|",
  ];
  for (const result of cases) {
    const [ring, ...peers] = result.contenders;
    peers.forEach((peer, i) => {
      const ratio = result.ratios[i]?.ratio ?? NaN;
      const ratioCell = peer.side === "copy ceiling"
        ? `${ratioText(ratio)} (${percent(ratio)} of ceiling)`
        : `**${ratioText(ratio)}**`;
      lines.push(
        `| ${i === 0 ? result.title : ""} | ${i === 0 ? ring!.label : ""} | ${
          i === 0 ? rateText(ring!.median, result.unit) : ""
        } | ${peer.side}: ${peer.label} | ${
          rateText(peer.median, result.unit)
        } | ${ratioCell} |`,
      );
    });
  }
  return lines;
}

function targetsTable(targets: readonly TargetResult[]): string[] {
  const lines = [
    "| Target | Case | Measured | Met |",
    "|---|---|---:|:---:|",
  ];
  for (const t of targets) {
    lines.push(
      `| ${t.target} | ${t.caseId} | ${
        t.versus === "copy ceiling" && t.ratio !== null
          ? percent(t.ratio)
          : ratioText(t.ratio)
      } | ${t.met ? "yes" : "**no**"} |`,
    );
  }
  return lines;
}

function explorerLines(outcome: ExplorerOutcome): string[] {
  if (outcome.figures === null) return [`Model checker: ${outcome.note}.`];
  const f = outcome.figures;
  const cpu = f.statesPerCpuSecond === null
    ? "–"
    : `${si(f.statesPerCpuSecond)} states per CPU second`;
  return [
    `Explorer on ${f.model}, single thread and on Workers in rotating rounds, medians of ${f.runs} warm rounds (bench/explorer.ts; CPU: all threads of the process).`,
    "",
    "| Exploration | States | Transitions | Seconds | States/s | CPU | Bytes/state |",
    "|---|---:|---:|---:|---:|---:|---:|",
    `| full | ${f.states} | ${f.transitions} | ${f.seconds.toFixed(3)} | ${
      si(f.statesPerSecond)
    } | ${cpu} | ${f.bytesPerState.toFixed(1)} |`,
    `| symmetry-reduced | ${f.symmetry.states} | – | ${
      f.symmetry.seconds.toFixed(3)
    } | ${si(f.symmetry.statesPerSecond)} | – | – |`,
    `| explore() in a Worker (the Workers' kind of thread) | ${f.states} | – | ${
      f.inWorker.seconds.toFixed(3)
    } | ${si(f.inWorker.statesPerSecond)} | ${
      si(f.states / f.inWorker.cpuSeconds)
    } states per CPU second of its thread | – |`,
    ...[f.parallel, f.oneWorker].map((p) =>
      `| on ${p.workers} Worker${p.workers === 1 ? "" : "s"} (${
        p.speedup.toFixed(2)
      }× the single thread's speed, ${
        p.speedupOverWorker.toFixed(2)
      }× explore() in a Worker${
        p === f.parallel ? `, ${f.scaling.toFixed(2)}× one Worker` : ""
      }; single CPU ÷ this CPU ${
        p.cpuRatio === null ? "–" : `${p.cpuRatio.toFixed(2)}×`
      }) | ${p.states} | – | ${p.seconds.toFixed(3)} | ${
        si(p.statesPerSecond)
      } | ${
        p.cpuSeconds === null
          ? "–"
          : `${si(p.states / p.cpuSeconds)} states per CPU second`
      } | ${p.bytesPerState.toFixed(1)} |`
    ),
    ...f.approximate.map((a) =>
      `| ${a.mode} (hash factor ${a.hashFactor.toPrecision(3)}, P(omission) ${
        a.omissionProbability.toPrecision(2)
      }) | ${a.states} | – | ${a.seconds.toFixed(3)} | ${
        si(a.statesPerSecond)
      } | – | ${a.bytesPerState.toFixed(1)} |`
    ),
  ];
}

function failures(report: Report): string[] {
  const lines: string[] = [];
  for (const result of report.cases) {
    for (const c of result.contenders) {
      c.runs.forEach((run, round) => {
        if (!run.verified) {
          lines.push(
            `- ${result.id} / ${c.side}, round ${round + 1}: ${run.problem}`,
          );
        }
      });
    }
  }
  for (const row of report.mpmc?.rows ?? []) {
    row.rates.forEach((rate, round) => {
      if (Number.isNaN(rate)) {
        lines.push(
          `- mpmc ${row.shape} / ${row.contender}, round ${
            round + 1
          }: ${row.problem}`,
        );
      }
    });
  }
  return lines;
}

/** The MPMC rows' timed runs: how many, and how many verified. */
export function mpmcRuns(
  mpmc: MpmcBenchReport | null,
): { readonly runs: number; readonly verified: number } {
  const rates = mpmc?.rows.flatMap((row) => row.rates) ?? [];
  return {
    runs: rates.length,
    verified: rates.filter((rate) => !Number.isNaN(rate)).length,
  };
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

/** An MPMC shape in words: "2x2" is "2 producers × 2 consumers". */
function shapeText(shape: string): string {
  const [producers, consumers] = shape.split("x").map(Number);
  return `${plural(producers!, "producer")} × ${
    plural(consumers!, "consumer")
  }`;
}

/** The chart's groups: each case, then each MPMC shape. */
export function chartGroups(report: Report): ChartGroup[] {
  const groups: ChartGroup[] = report.cases.map((result) => ({
    title: result.title,
    unit: result.unit,
    bars: result.contenders,
  }));
  const mpmc = report.mpmc;
  for (const shape of new Set(mpmc?.rows.map((row) => row.shape))) {
    groups.push({
      title: `${shapeText(shape)}, blocking, ${mpmc!.slots} slots`,
      unit: "items",
      bars: mpmc!.rows.filter((row) => row.shape === shape).map((row) => ({
        side: row.contender === "sequence ring" ? "ring" : row.contender,
        label: row.contender,
        median: row.median,
      })),
    });
  }
  return groups;
}

function mpmcLines(mpmc: MpmcBenchReport | null): string[] {
  if (mpmc === null) return ["Not run (--only)."];
  return [
    'Blocking `push`/`pop` through the sequence ring (`producers: "many", consumers: "many"`), a futex-mutex ring and postMessage, one Worker per producer and consumer (bench/mpmc.ts); every run checks counts, sums and per-producer order.',
    "",
    mpmcMarkdown(mpmc),
  ];
}

/** One line under the chart's title: machine, rounds, load. */
export function chartSubtitle(report: Report): string {
  const { machine, load } = report;
  const avg = (value: number | null) => value === null ? "?" : value.toFixed(1);
  return `${
    machine.cpu ?? machine.arch
  }, ${machine.cores} cores, Deno ${machine.deno}; median of ${report.rounds} rounds; load average ${
    avg(load.start)
  } → ${avg(load.end)}${report.quick ? "; --quick" : ""}`;
}

/** The report as Markdown: machine, table of medians and ratios, targets. */
export function toMarkdown(report: Report): string {
  const load = (value: number | null) =>
    value === null ? "?" : value.toFixed(2);
  const ping = report.cases.find((c) => c.unit === "round trips");
  const ownWarmups = report.cases.flatMap((c) =>
    c.warmups === undefined
      ? []
      : [`${c.id}: ${c.warmups} runs of the whole count`]
  );
  const lines = [
    `Machine: ${machineLine(report.machine)}.`,
    `Load average ${load(report.load.start)} before and ${
      load(report.load.end)
    } after the run.`,
    "",
    `${report.rounds} timed round${
      report.rounds === 1 ? "" : "s"
    } per contender${
      report.quick ? " (--quick: small counts, not for quoting)" : ""
    }, each run in Workers started for it alone, after ${report.warmups} untimed warm-up run${
      report.warmups === 1 ? "" : "s"
    } in them (${report.warmupFraction * 100}% of the count${
      ownWarmups.length === 0 ? "" : `; ${ownWarmups.join(", ")}`
    }), a minor garbage collection in every Worker before the clock starts (a full one for the bulk cases, whose arrays outlive a minor one; with --v8-flags=--expose-gc, as deno task bench runs); this ring and its peers alternate round by round; figures are medians; a ratio is the median over the rounds of this ring's rate ÷ the peer's in the same round (above 1: this ring is faster), so a burst of outside load that slows a few consecutive runs cancels out.${
      ping
        ? ` Round trips: one item there and back; the time per round trip is in brackets (e.g. ${
          micros(1 / (ping.contenders[0]?.median ?? NaN))
        } for this ring).`
        : ""
    }`,
    "",
    ...casesTable(report.cases),
    "",
    report.verified
      ? `Every one of the ${report.runs} timed runs verified.`
      : `**${
        report.runs - report.verifiedRuns
      } of ${report.runs} runs failed verification and do not count:**`,
    ...failures(report),
    "",
    "### Many producers, many consumers",
    "",
    ...mpmcLines(report.mpmc),
    "",
    "### Targets",
    "",
    ...targetsTable(report.targets),
    "",
    "### Model checker",
    "",
    ...explorerLines(report.explorer),
    "",
  ];
  return lines.join("\n");
}
