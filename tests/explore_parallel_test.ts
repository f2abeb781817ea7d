// Copyright 2025 the ringproof authors. MIT license.
import assert from "node:assert/strict";
import {
  boundedBuffer,
  type BufferAction,
  bufferSource,
  type BufferState,
  explore,
  exploreParallel,
  ExplorerPool,
  type Model,
  type Report,
  type Step,
} from "../model/mod.ts";
import { configurations } from "./_configurations.ts";
import { main } from "../model/cli.ts";

/** Throws unless `steps` is a path of `model` from an initial state. */
function assertPath<S, A>(model: Model<S, A>, steps: Step<S, A>[]): void {
  const key = (state: S) => String(model.encode(state));
  const roots = [...model.initial()].map(key);
  assert.ok(roots.includes(key(steps[0]!.state)), "starts at an initial state");
  for (let k = 1; k < steps.length; k++) {
    const from = steps[k - 1]!.state;
    const next = [...model.actions(from)].map((a) => key(model.step(from, a)));
    assert.ok(next.includes(key(steps[k]!.state)), `step ${k} is a step`);
  }
}

/** States the Workers expanded for other Workers (work stealing). */
function stolen(report: { workerPhases: { stolen: number }[] }): number {
  return report.workerPhases.reduce((n, p) => n + p.stolen, 0);
}

function assertSameOutcome<S, A>(
  model: Model<S, A>,
  parallel: Report<S, A>,
  single: Report<S, A>,
  label: string,
): void {
  assert.equal(parallel.verdict, single.verdict, `${label}: verdict`);
  assert.equal(
    parallel.counterexample?.length,
    single.counterexample?.length,
    `${label}: counterexample length`,
  );
  if (parallel.verdict === "pass") {
    assert.equal(parallel.states, single.states, `${label}: states`);
    assert.equal(
      parallel.transitions,
      single.transitions,
      `${label}: transitions`,
    );
    assert.equal(parallel.depth, single.depth, `${label}: depth`);
  }
  assert.deepEqual(
    parallel.facts.map((f) => [f.name, f.witnessed, f.witness?.length]),
    single.facts.map((f) => [f.name, f.witnessed, f.witness?.length]),
    `${label}: facts and shortest witness lengths`,
  );
  if (parallel.counterexample !== undefined) {
    assertPath(model, parallel.counterexample);
    const last = parallel.counterexample.at(-1)!.state;
    if (parallel.verdict === "violation") {
      for (const name of parallel.violated!) {
        assert.equal(model.invariants[name]!(last), false, `${label}: ${name}`);
      }
    } else {
      assert.equal([...model.actions(last)].length, 0, `${label}: deadlock`);
    }
  }
}

Deno.test("exploreParallel() agrees with explore() on every small configuration", async (t) => {
  const pool = new ExplorerPool(2);
  try {
    const configs = configurations({ twoSlots: {} });
    await t.step(`${configs.length} configurations on 2 Workers`, async () => {
      for (const config of configs) {
        const model = boundedBuffer(config);
        const single = explore(model);
        const parallel = await exploreParallel<BufferState, BufferAction>(
          bufferSource(config),
          { pool },
        );
        assertSameOutcome(model, parallel, single, JSON.stringify(config));
        assert.equal(parallel.workers, 2);
      }
    });
    await t.step(
      "the same when every Worker expands the next level early at every barrier",
      async () => {
        for (const config of configs) {
          const model = boundedBuffer(config);
          const parallel = await exploreParallel<BufferState, BufferAction>(
            bufferSource(config),
            { pool, earlyExpansion: "always" },
          );
          assertSameOutcome(
            model,
            parallel,
            explore(model),
            JSON.stringify(config),
          );
        }
      },
    );
    await t.step(
      "the same when every state is expanded by a Worker that does not own it (stealing always)",
      async () => {
        for (const config of configs) {
          const model = boundedBuffer(config);
          const single = explore(model);
          const parallel = await exploreParallel<BufferState, BufferAction>(
            bufferSource(config),
            { pool, stealing: "always", earlyExpansion: "never" },
          );
          const label = JSON.stringify(config);
          assertSameOutcome(model, parallel, single, label);
          // A full search expands every state once (the last level finds
          // nothing new), here each one on the Worker that does not own it:
          // a state stolen twice, or lost, changes the count.
          if (parallel.verdict === "pass") {
            assert.equal(stolen(parallel), parallel.states, `${label}: stolen`);
          }
        }
      },
    );
    await t.step(
      "the same when stealing always and expanding early always",
      async () => {
        for (const config of configs) {
          const model = boundedBuffer(config);
          const parallel = await exploreParallel<BufferState, BufferAction>(
            bufferSource(config),
            { pool, stealing: "always", earlyExpansion: "always" },
          );
          assertSameOutcome(
            model,
            parallel,
            explore(model),
            JSON.stringify(config),
          );
        }
      },
    );
    await t.step(
      "the same on 3 Workers (states cross 6 queues), stealing as needed and always",
      async () => {
        const three = new ExplorerPool(3);
        try {
          for (const config of configs) {
            const model = boundedBuffer(config);
            const single = explore(model);
            const label = JSON.stringify(config);
            for (const stealing of ["idle", "always"] as const) {
              const parallel = await exploreParallel<BufferState, BufferAction>(
                bufferSource(config),
                {
                  pool: three,
                  stealing,
                  // The defaults, or every expansion a stolen one.
                  earlyExpansion: stealing === "always" ? "never" : "idle",
                },
              );
              assertSameOutcome(
                model,
                parallel,
                single,
                `${label} ${stealing}`,
              );
              assert.equal(parallel.workerCpuSeconds.length, 3);
              if (stealing === "always" && parallel.verdict === "pass") {
                // Each Worker takes chunks of both others' ranges.
                assert.equal(stolen(parallel), parallel.states, label);
              }
            }
          }
        } finally {
          three.close();
        }
      },
    );
    await t.step("symmetry reduction: the same state count", async () => {
      const config = {
        producers: 2,
        consumers: 2,
        items: 2,
        sync: "mutex",
      } as const;
      const single = explore(boundedBuffer(config), { symmetry: true });
      const parallel = await exploreParallel(bufferSource(config), {
        pool,
        symmetry: true,
      });
      assert.equal(parallel.verdict, "pass");
      assert.equal(parallel.symmetry, true);
      assert.equal(parallel.states, single.states);
    });
    await t.step("ignore: the next invariant a mutant breaks", async () => {
      const config = { mutant: "publish-before-write", items: 3 } as const;
      const options = { ignore: ["no-unproduced"] };
      const model = boundedBuffer(config);
      const single = explore(model, options);
      const parallel = await exploreParallel<BufferState, BufferAction>(
        bufferSource(config),
        { pool, ...options },
      );
      assertSameOutcome(model, parallel, single, "ignore");
      assert.notEqual(parallel.invariant, "no-unproduced");
    });
    await t.step(
      "maxStates: stops incomplete, only when the space is larger",
      async () => {
        const config = {
          producers: 2,
          consumers: 2,
          items: 2,
          sync: "mutex",
        } as const;
        const states = explore(boundedBuffer(config)).states;
        const cut = await exploreParallel(bufferSource(config), {
          pool,
          maxStates: 100,
        });
        assert.equal(cut.verdict, "incomplete");
        assert.ok(cut.states >= 100 && cut.states < states);
        const whole = await exploreParallel(bufferSource(config), {
          pool,
          maxStates: states,
        });
        assert.equal(whole.verdict, "incomplete"); // explore() too: count >= maxStates
        const roomy = await exploreParallel(bufferSource(config), {
          pool,
          maxStates: states + 1,
        });
        assert.equal(roomy.verdict, "pass");
      },
    );
  } finally {
    pool.close();
  }
});

Deno.test("exploreParallel() matches explore() on the benchmark model on 2 Workers, and with 1 and 3", async () => {
  const config = {
    producers: 2,
    consumers: 2,
    slots: 4,
    items: 6,
    sync: "mutex",
  } as const;
  const single = explore(boundedBuffer(config));
  assert.equal(single.states, 584_823);
  const parallel = await exploreParallel(bufferSource(config), { workers: 2 });
  assert.equal(parallel.verdict, "pass");
  assert.equal(parallel.states, single.states);
  assert.equal(parallel.transitions, single.transitions);
  assert.equal(parallel.depth, single.depth);
  // Where each Worker's time went: every Worker met each level's barrier
  // (levels 0 to depth; the last finds nothing new), and both sent states.
  assert.equal(parallel.workerPhases.length, 2);
  for (const phases of parallel.workerPhases) {
    assert.equal(phases.levels, single.depth + 1);
    assert.ok(phases.sleeps <= phases.levels);
    assert.ok(phases.sent > 0);
    for (const seconds of [phases.expanding, phases.waiting, phases.draining]) {
      assert.ok(seconds >= 0 && seconds < parallel.seconds);
    }
  }
  const smaller = { ...config, items: 3 };
  const expected = explore(boundedBuffer(smaller));
  for (const workers of [1, 3]) {
    const report = await exploreParallel(bufferSource(smaller), { workers });
    assert.deepEqual(
      [report.verdict, report.states, report.transitions, report.depth],
      [expected.verdict, expected.states, expected.transitions, expected.depth],
    );
  }
  // Early expansion on or off: the same search; "always" expands early at
  // every barrier, "never" at none.
  for (const earlyExpansion of ["always", "never"] as const) {
    const report = await exploreParallel(bufferSource(smaller), {
      workers: 2,
      earlyExpansion,
    });
    assert.deepEqual(
      [report.verdict, report.states, report.transitions, report.depth],
      [expected.verdict, expected.states, expected.transitions, expected.depth],
    );
    const early = report.workerPhases.reduce((n, p) => n + p.earlyStates, 0);
    if (earlyExpansion === "never") assert.equal(early, 0);
    else assert.ok(early > 0, "states expanded early");
  }
  // Work stealing on or off, on 2 and 3 Workers: the same search; "always"
  // has every state expanded by a Worker that does not own it, "never" none.
  for (const workers of [2, 3]) {
    for (const stealing of ["always", "never"] as const) {
      const report = await exploreParallel(bufferSource(smaller), {
        workers,
        stealing,
        earlyExpansion: "never",
      });
      assert.deepEqual(
        [report.verdict, report.states, report.transitions, report.depth],
        [
          expected.verdict,
          expected.states,
          expected.transitions,
          expected.depth,
        ],
      );
      assert.equal(
        stolen(report),
        stealing === "always" ? expected.states : 0,
        `${workers} Workers, stealing ${stealing}: states stolen`,
      );
    }
  }
});

Deno.test("exploreParallel() rejects bad options and models without a packed path", async () => {
  await assert.rejects(
    () => exploreParallel(bufferSource(), { workers: 0 }),
    RangeError,
  );
  await assert.rejects(
    () => exploreParallel(bufferSource(), { maxStates: 1.5 }),
    RangeError,
  );
  await assert.rejects(
    () =>
      exploreParallel(bufferSource(), {
        earlyExpansion: "sometimes" as "idle",
      }),
    TypeError,
  );
  await assert.rejects(
    () => exploreParallel(bufferSource(), { stealing: "often" as "idle" }),
    TypeError,
  );
  await assert.rejects(
    () =>
      exploreParallel({
        module: new URL("../model/bounded_buffer.ts", import.meta.url).href,
        factory: "noSuchFactory",
      }),
    TypeError,
  );
  await assert.rejects(
    () => exploreParallel(bufferSource(), { ignore: ["no-such-invariant"] }),
    RangeError,
  );
});

Deno.test("exploreParallel() reports a Worker that fails mid-search, wherever the others wait", async () => {
  const pool = new ExplorerPool(2);
  try {
    const config = {
      producers: 2,
      consumers: 2,
      items: 3,
      sync: "mutex",
    } as const;
    const states = explore(boundedBuffer(config)).states;
    for (const stealing of ["idle", "always", "never"] as const) {
      // At the first expansion, and at about a quarter and a half of each
      // Worker's share of the search.
      for (const after of [0, states >> 3, states >> 2]) {
        const source = {
          module: new URL("./_failing_model.ts", import.meta.url).href,
          factory: "failingBuffer",
          args: [config, after, stealing],
        };
        await assert.rejects(
          () => exploreParallel(source, { pool, stealing }),
          /planted failure in successors/,
          `stealing ${stealing}, failing after ${after}`,
        );
      }
    }
    // The pool's Workers are still good for the next search.
    const report = await exploreParallel(bufferSource(config), { pool });
    assert.equal(report.verdict, "pass");
  } finally {
    pool.close();
  }
});

Deno.test("main() --workers N runs the check on Workers with the same verdict and counterexample length", async () => {
  const run = async (args: string[]) => {
    let out = "";
    let err = "";
    const code = await main(args, {
      out: (text) => {
        out += text;
      },
      err: (text) => {
        err += text;
      },
      errIsTerminal: false,
    });
    return { code, out, err };
  };
  const args = ["--producers", "2", "--items", "2"];
  const single = await run(args);
  const parallel = await run([...args, "--workers", "2"]);
  assert.equal(parallel.code, 1);
  assert.equal(parallel.code, single.code);
  const steps = (out: string) =>
    /counterexample: (\d+) steps \(shortest\)/.exec(out)?.[1];
  assert.ok(steps(single.out) !== undefined);
  assert.equal(steps(parallel.out), steps(single.out));
  const bad = await run([...args, "--workers", "2", "--dfs"]);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /--workers/);
});
