// Model-based runs of the production ring against the FORMAL model: random
// command sequences (the textbook loops' steps, and tryPush/tryPop) drive
// real Producer/Consumer handles while boundedBuffer()'s step function — not
// a plain array — says what each step must do. After every command the ring
// is compared with the model through the abstraction function and the
// model's invariants are checked on the ring's state (model/_lockstep/oracle.ts).
// Longer and wider than the exhaustive lockstep check: up to 31 items, up to
// 16 slots, counters starting anywhere.
import assert from "node:assert/strict";
import fc from "fast-check";
import { boundedBuffer, type BufferState } from "../model/mod.ts";
import { checkStep, Oracle } from "../model/_lockstep/oracle.ts";
import { Run } from "../model/_lockstep/run.ts";
import { productionRing, type RingStep } from "../model/conformance.ts";
import { assertProperty } from "./_helpers.ts";

interface ModelSide {
  state: BufferState;
  readonly oracle: Oracle;
}

interface RingSide {
  readonly run: Run;
}

class StepCommand implements fc.Command<ModelSide, RingSide> {
  constructor(readonly step: RingStep) {}

  /** Applicable when it is the process's next step (coarse steps: at the top of its loop). */
  check(m: Readonly<ModelSide>): boolean {
    const pc = this.step.process === "P0"
      ? m.state.producers[0]!.pc
      : m.state.consumers[0]!.pc;
    const coarse = this.step.op === "tryPush" || this.step.op === "tryPop";
    return coarse ? pc === "wait" : pc === this.step.op;
  }

  run(m: ModelSide, r: RingSide): void {
    const checked = checkStep(m.oracle, m.state, r.run, this.step);
    assert.equal(
      checked.failure,
      undefined,
      `${this}: ${checked.failure?.property}: ${checked.failure?.message}`,
    );
    m.state = checked.model;
  }

  toString(): string {
    return `${this.step.process} ${this.step.op}`;
  }
}

const STEPS: readonly RingStep[] = [
  { process: "P0", op: "wait" },
  { process: "P0", op: "write" },
  { process: "P0", op: "publish" },
  { process: "P0", op: "tryPush" },
  { process: "C0", op: "wait" },
  { process: "C0", op: "read" },
  { process: "C0", op: "release" },
  { process: "C0", op: "tryPop" },
];

const configArb = fc.oneof(
  fc.record({
    scheme: fc.constant("textbook" as const),
    slots: fc.integer({ min: 2, max: 16 }),
    items: fc.integer({ min: 1, max: 31 }),
    start: fc.constant(0),
  }),
  fc.record({
    scheme: fc.constant("counter" as const),
    slots: fc.integer({ min: 2, max: 16 }),
    items: fc.integer({ min: 1, max: 31 }),
    // Anywhere, and often just below the wrap at 2^32.
    start: fc.oneof(
      fc.nat({ max: 2 ** 32 - 1 }),
      fc.integer({ min: 2 ** 32 - 40, max: 2 ** 32 - 1 }),
    ),
  }),
);

Deno.test("Producer and Consumer agree with boundedBuffer()'s step function on random command sequences", () => {
  assertProperty(
    fc.property(
      configArb,
      fc.commands(STEPS.map((step) => fc.constant(new StepCommand(step))), {
        maxCommands: 400,
        size: "max",
      }),
      (config, commands) => {
        const model = boundedBuffer(config);
        const oracle = new Oracle(model);
        const run = new Run(productionRing, config, config.items);
        fc.modelRun(
          () => ({ model: { state: oracle.initial(), oracle }, real: { run } }),
          commands,
        );
      },
    ),
    { numRuns: 200 },
  );
});

Deno.test("StepCommand catches a ring that disagrees with the model", () => {
  // The same commands against a ring whose tryPush drops every item: the
  // first coarse push must fail the run.
  const config = { scheme: "textbook" as const, slots: 3, items: 2, start: 0 };
  const oracle = new Oracle(boundedBuffer(config));
  const run = new Run(
    (c) => ({ ...productionRing(c), tryPush: () => true }),
    config,
    config.items,
  );
  const side = { state: oracle.initial(), oracle };
  const push = new StepCommand({ process: "P0", op: "tryPush" });
  assert.ok(push.check(side));
  assert.throws(
    () => push.run(side, { run }),
    /P0 tryPush: in: after P0 tryPush in differs/,
  );
});
