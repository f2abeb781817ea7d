// The controller's end of one checked Worker's control buffer: grant the
// thread its next operation, wait for its report, and read the report (the
// pending operation, the plain accesses it made, its result) into the
// thread's state.
import {
  A_WRITE,
  ACCESS_OFFSET,
  C_ACCESSES,
  C_ADDR,
  C_FINITE,
  C_KIND,
  C_LOC,
  C_RESET,
  C_STATE,
  C_TEXT,
  C_VALUE,
  C_VALUE2,
  C_WIDTH,
  F_TIMEOUT,
  S_DONE,
  S_IDLE,
  S_REQUEST,
  S_RUNNING,
  TEXT_OFFSET,
} from "./protocol.ts";
import type { RaceDetector } from "./races.ts";
import type { ThreadResult } from "./controller_types.ts";
import type { QuietWords } from "./quiet.ts";
import type { ThreadState } from "./thread_state.ts";

/** One checked Worker's control buffer, seen from the controller. */
export class WorkerPort {
  readonly ctl: Int32Array;
  readonly f64: Float64Array;
  readonly bytes: Uint8Array;
  readonly access: Int32Array;
  /** Source locations by id, as the Worker announced them. */
  readonly locs: string[] = [];
  #decoder = new TextDecoder();

  constructor(control: SharedArrayBuffer) {
    this.ctl = new Int32Array(control);
    this.f64 = new Float64Array(control, 0, TEXT_OFFSET / 8);
    this.bytes = new Uint8Array(control, TEXT_OFFSET);
    this.access = new Int32Array(control, ACCESS_OFFSET);
  }

  /** Reads the text area (a JSON object), keeping the new source locations. */
  text(): Record<string, unknown> {
    const n = this.ctl[C_TEXT]!;
    if (n === 0) return {};
    const data = JSON.parse(
      this.#decoder.decode(this.bytes.slice(0, n)),
    ) as Record<string, unknown>;
    for (const loc of (data.newLocs as string[] | undefined) ?? []) {
      this.locs.push(loc);
    }
    return data;
  }

  /** Waits until thread `t` reports (after a grant or a start). */
  await(t: number, stall: number): number {
    const ctl = this.ctl;
    const started = performance.now();
    while (Atomics.load(ctl, C_STATE) === S_RUNNING) {
      Atomics.wait(ctl, C_STATE, S_RUNNING, 1000);
      if (
        Atomics.load(ctl, C_STATE) === S_RUNNING &&
        performance.now() - started > stall
      ) {
        throw new Error(
          `Cannot check code: thread ${t} ran ${stall} ms without reaching a shared-memory operation`,
        );
      }
    }
    return Atomics.load(ctl, C_STATE);
  }

  /** Lets the thread run to its next operation; `reset`: its spin window is stale. */
  grant(reset: boolean): void {
    this.ctl[C_RESET] = reset ? 1 : 0;
    Atomics.store(this.ctl, C_STATE, S_RUNNING);
    Atomics.notify(this.ctl, C_STATE);
  }

  /**
   * Waits for thread `t`'s report and reads it into its state (records its
   * plain accesses); returns how many plain writes it made.
   */
  absorb(
    t: number,
    state: ThreadState,
    options: {
      races: RaceDetector | null;
      step: number;
      quiet: QuietWords;
      stallMs: number;
    },
  ): number {
    const { races, step, quiet } = options;
    const code = this.await(t, options.stallMs);
    const ctl = this.ctl;
    const text = this.text();
    let writes = 0;
    {
      const n = ctl[C_ACCESSES]!;
      const access = this.access;
      for (let i = 0; i < n; i++) {
        if (access[i * 4] === A_WRITE) {
          writes++;
          const last = (access[i * 4 + 2]! - 1) >> 2;
          for (let w = access[i * 4 + 1]! >> 2; w <= last; w++) {
            quiet.wrote(w * 4);
          }
        }
        if (races === null) continue;
        races.plain(t, {
          write: access[i * 4] === A_WRITE,
          start: access[i * 4 + 1]!,
          end: access[i * 4 + 2]!,
          loc: this.locs[access[i * 4 + 3]!] ?? "?",
          step,
        });
      }
    }
    if (code === S_REQUEST) {
      state.status = "pending";
      state.op = {
        kind: ctl[C_KIND]!,
        addr: ctl[C_ADDR]!,
        value: ctl[C_VALUE]!,
        value2: ctl[C_VALUE2]!,
        width: ctl[C_WIDTH]!,
        timeout: ctl[C_FINITE] ? this.f64[F_TIMEOUT]! : Infinity,
        loc: this.locs[ctl[C_LOC]!] ?? "?",
      };
    } else if (code === S_DONE) {
      state.status = "done";
      state.op = null;
      state.result = text.result as ThreadResult;
    } else if (code === S_IDLE) {
      state.status = "idle";
      state.op = null;
    }
    return writes;
  }
}
