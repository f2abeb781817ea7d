// One stage of the pipeline, run in its own Worker. Each stage pops from the
// ring before it, does its (optionally slowed-down) work, and pushes into the
// ring after it; `push` sleeps while the next ring is full — that wait is
// the backpressure — and `pop` sleeps while the previous ring is empty.
import { ClosedError, Consumer, Producer } from "@ringproof/ring";
import {
  assemble,
  compile,
  type Instruction,
  MemoryChecksum,
  type ObjectWord,
} from "./_pipeline_program.ts";
import { serveJob } from "./_worker.ts";

export type Stage = "compiler" | "assembler" | "loader";

export interface StageJob {
  readonly stage: Stage;
  /** The ring this stage pops from (not for the compiler). */
  readonly input?: SharedArrayBuffer;
  /** The ring this stage pushes into (not for the loader). */
  readonly output?: SharedArrayBuffer;
  /** Source lines to compile (the compiler only). */
  readonly lines: number;
  /** Milliseconds of simulated work per item; 0 for full speed. */
  readonly delayMs: number;
  /** Items done per stage, published for the parent's watchdog. */
  readonly progress: SharedArrayBuffer;
}

export interface StageReport {
  readonly items: number;
  /** The loader's memory checksum. */
  readonly checksum?: string;
  /** The loader's first out-of-order address, described. */
  readonly firstDisorder?: string | null;
}

const STAGE_INDEX: Record<Stage, number> = {
  compiler: 0,
  assembler: 1,
  loader: 2,
};

/** Pops the next item, or `undefined` once the ring is closed and drained. */
function next<T>(input: Consumer<T>): T | undefined {
  try {
    return input.pop();
  } catch (error) {
    if (error instanceof ClosedError) return undefined;
    throw error;
  }
}

serveJob((job: StageJob): StageReport => {
  const pause = new Int32Array(new SharedArrayBuffer(4));
  const progress = new Int32Array(job.progress);
  const index = STAGE_INDEX[job.stage];
  let items = 0;
  const done = () => {
    items++;
    Atomics.store(progress, index, items);
    // Simulated work: sleep, so this stage is the slow one.
    if (job.delayMs > 0) Atomics.wait(pause, 0, 0, job.delayMs);
  };
  switch (job.stage) {
    case "compiler": {
      const output = new Producer<Instruction>(job.output!);
      for (let line = 0; line < job.lines; line++) {
        output.push(compile(line));
        done();
      }
      output.close();
      return { items };
    }
    case "assembler": {
      const input = new Consumer<Instruction>(job.input!);
      const output = new Producer<ObjectWord>(job.output!);
      for (let ins = next(input); ins !== undefined; ins = next(input)) {
        output.push(assemble(ins));
        done();
      }
      output.close();
      return { items };
    }
    case "loader": {
      const input = new Consumer<ObjectWord>(job.input!);
      const checksum = new MemoryChecksum();
      let firstDisorder: string | null = null;
      for (let word = next(input); word !== undefined; word = next(input)) {
        if (word.address !== items * 4 && firstDisorder === null) {
          firstDisorder =
            `word #${items} is at address ${word.address}, expected ${
              items * 4
            }`;
        }
        checksum.add(word);
        done();
      }
      return { items, checksum: checksum.hex, firstDisorder };
    }
  }
});
