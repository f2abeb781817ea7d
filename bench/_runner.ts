// Runs one case: warm-up, then rounds that alternate this ring and its peers,
// each run timed from GO (once every Worker is armed) to the last DONE, and
// checked against its expected checksum before it may count.
import type { BenchCase, Contender, Side } from "./_cases.ts";
import {
  type BenchWorker,
  collect,
  describe,
  startPool,
  timeRun,
} from "./_pool.ts";
import { CONTROL_WORDS, type Task } from "./_protocol.ts";
import { median, spread } from "./_stats.ts";

/** One timed run. */
export interface RunRecord {
  /**
   * When the run was sent, in seconds since the process started: runs of
   * different contenders that are slow at the same time point to outside load.
   */
  readonly at?: number;
  readonly seconds: number;
  /** Items (or round trips) per second. */
  readonly rate: number;
  /** Whether every checked role reported the expected count and checksum. */
  readonly verified: boolean;
  /** Why the run does not count, when it does not. */
  readonly problem?: string;
}

/** One contender's rounds and their summary. */
export interface ContenderResult {
  readonly side: Side;
  readonly label: string;
  readonly count: number;
  readonly runs: readonly RunRecord[];
  /** Median rate over the verified runs (NaN if none verified). */
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly verifiedRuns: number;
}

/** A case's outcome: this ring first, then the peers. */
export interface CaseResult {
  readonly id: string;
  readonly title: string;
  readonly unit: BenchCase["unit"];
  readonly slots: number;
  readonly batch: number;
  readonly contenders: readonly ContenderResult[];
  /**
   * This ring against each peer: the median over the rounds of this ring's
   * rate ÷ the peer's rate in the same round (rounds where both verified).
   * Paired by round, so a disturbance that slows both sides for a few
   * seconds cancels out instead of moving one median and not the other.
   */
  readonly ratios: readonly { readonly side: Side; readonly ratio: number }[];
  /** Whole-count warm-up runs, when the case sets its own (`BenchCase.warmups`). */
  readonly warmups?: number;
}

/** How a case is run. */
export interface RunOptions {
  readonly rounds: number;
  /** Untimed runs in each run's fresh Workers before the timed one. */
  readonly warmups: number;
  /** Fraction of the count used by a warm-up run. */
  readonly warmupFraction: number;
  readonly timeoutMs: number;
  readonly log: (line: string) => void;
}

interface Outcome {
  readonly record: RunRecord;
  /** False when the Workers are stuck and must be replaced. */
  readonly healthy: boolean;
}

function failed(problem: string, healthy: boolean): Outcome {
  return {
    record: { seconds: NaN, rate: NaN, verified: false, problem },
    healthy,
  };
}

async function runOnce(
  pool: readonly BenchWorker[],
  shape: Pick<BenchCase, "slots" | "batch" | "majorGc">,
  contender: Contender,
  count: number,
  timeoutMs: number,
): Promise<Outcome> {
  const control = new SharedArrayBuffer(CONTROL_WORDS * 4);
  const buffers = contender.buffers();
  const channel = contender.channel ? new MessageChannel() : undefined;
  const ports = channel ? [channel.port1, channel.port2] : [];
  const { roles } = contender;
  roles.forEach(({ role }, k) => {
    const port = ports[k];
    const task: Task = {
      role,
      count,
      batch: shape.batch,
      slots: shape.slots,
      buffers,
      control,
      ...(port ? { port } : {}),
      ...(shape.majorGc ? { majorGc: true } : {}),
    };
    pool[k]!.send(task);
  });
  const workers = pool.slice(0, roles.length);
  const seconds = await timeRun(workers, { control, timeoutMs });
  if (typeof seconds === "string") return failed(seconds, false);
  const messages = await collect(workers, timeoutMs);
  if (typeof messages === "string") return failed(messages, false);
  const expected = contender.expected(count);
  const problems: string[] = [];
  for (const [k, message] of messages.entries()) {
    const { role, checked } = roles[k]!;
    if (message.type !== "result") {
      problems.push(`${role}: ${describe(message)}`);
      continue;
    }
    const { result } = message;
    if (result.count !== count) {
      problems.push(`${role}: moved ${result.count} of ${count}`);
    }
    if (checked && result.checksum !== expected) {
      problems.push(
        `${role}: checksum ${result.checksum}, expected ${expected}`,
      );
    }
  }
  if (problems.length > 0) return failed(problems.join("; "), true);
  return {
    record: { seconds, rate: count / seconds, verified: true },
    healthy: true,
  };
}

function summarize(
  contender: Contender,
  runs: readonly RunRecord[],
): ContenderResult {
  const rates = runs.filter((run) => run.verified).map((run) => run.rate);
  const [min, max] = spread(rates);
  return {
    side: contender.side,
    label: contender.label,
    count: contender.count,
    runs,
    median: median(rates),
    min,
    max,
    verifiedRuns: rates.length,
  };
}

/**
 * Runs every contender of `benchCase`, alternating them round by round. Each
 * run plays in Workers started for it alone, warmed up untimed first and
 * terminated after: Workers kept across rounds settle into one speed (their
 * JIT's choices, their threads' placement) and keep it, so their rounds were
 * not independent samples (the same code against itself in kept Workers gave
 * paired medians from 0.42× to 5.0× under load, in fresh Workers 0.7–1.3×).
 */
export async function runCase(
  benchCase: BenchCase,
  options: RunOptions,
): Promise<CaseResult> {
  const { contenders } = benchCase;
  const runs: RunRecord[][] = contenders.map(() => []);
  const play = async (index: number, round: number): Promise<RunRecord> => {
    const contender = contenders[index]!;
    // Each contender plays in Workers of its own, so the JIT feedback of one
    // never shapes another's code.
    let pool = await startPool(contender.roles.length, options);
    try {
      const unit = benchCase.batch;
      const whole = benchCase.warmups !== undefined;
      const warmCount = whole ? contender.count : unit *
        Math.max(
          1,
          Math.round(contender.count * options.warmupFraction / unit),
        );
      const warmups = benchCase.warmups ?? options.warmups;
      for (let w = 0; w < warmups; w++) {
        const warm = await runOnce(
          pool,
          benchCase,
          contender,
          warmCount,
          options.timeoutMs,
        );
        if (!warm.record.verified) {
          options.log(
            `  round ${
              round + 1
            } warm-up ${contender.side}: ${warm.record.problem}`,
          );
        }
        if (!warm.healthy) {
          for (const worker of pool) worker.terminate();
          pool = await startPool(contender.roles.length, options);
        }
      }
      const at = Math.round(performance.now()) / 1000;
      const outcome = await runOnce(
        pool,
        benchCase,
        contender,
        contender.count,
        options.timeoutMs,
      );
      return { at, ...outcome.record };
    } finally {
      for (const worker of pool) worker.terminate();
    }
  };
  for (let round = 0; round < options.rounds; round++) {
    // Rotate who goes first, so no contender always runs after another.
    for (let j = 0; j < contenders.length; j++) {
      const i = (round + j) % contenders.length;
      const record = await play(i, round);
      runs[i]!.push(record);
      if (!record.verified) {
        options.log(
          `  round ${round + 1} ${contenders[i]!.side}: ${record.problem}`,
        );
      }
    }
  }
  const results = contenders.map((c, i) => summarize(c, runs[i]!));
  const peers = results.slice(1);
  return {
    id: benchCase.id,
    title: benchCase.title,
    unit: benchCase.unit,
    slots: benchCase.slots,
    batch: benchCase.batch,
    contenders: results,
    ratios: peers.map((peer, k) => ({
      side: peer.side,
      ratio: pairedRatio(runs[0]!, runs[k + 1]!),
    })),
    ...(benchCase.warmups === undefined ? {} : { warmups: benchCase.warmups }),
  };
}

/**
 * The median of `mine[r].rate ÷ theirs[r].rate` over the rounds `r` in which
 * both runs verified (NaN if none). Each round runs the contenders back to
 * back, so the two runs of a pair saw nearly the same machine. A ratio of
 * medians is fragile instead: a burst of outside load over five of nine
 * rounds once took this ring's median from the slow rounds and the peer's
 * from the fast ones (spin-4096: 0.63× as a ratio of medians, 1.41× paired).
 */
export function pairedRatio(
  mine: readonly RunRecord[],
  theirs: readonly RunRecord[],
): number {
  const ratios: number[] = [];
  for (let r = 0; r < Math.min(mine.length, theirs.length); r++) {
    const a = mine[r]!;
    const b = theirs[r]!;
    if (a.verified && b.verified) ratios.push(a.rate / b.rate);
  }
  return median(ratios);
}
