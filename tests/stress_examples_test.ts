// The examples run end to end as their users run them: `deno run` in a
// subprocess, with small item counts, checked by exit code and key lines.
import assert from "node:assert/strict";

/** More than enough for a few thousand items; a hang fails, never blocks CI. */
const LIMIT_MS = 60_000;

interface Outcome {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function runExample(name: string, args: string[]): Promise<Outcome> {
  const path = new URL(`../examples/${name}`, import.meta.url).pathname;
  const command = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", path, ...args],
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(LIMIT_MS),
  });
  const { code, stdout, stderr } = await command.output();
  const decoder = new TextDecoder();
  return {
    code,
    stdout: decoder.decode(stdout),
    stderr: decoder.decode(stderr),
  };
}

function explain(outcome: Outcome): string {
  return `exit ${outcome.code}\n--- stdout\n${outcome.stdout}\n--- stderr\n${outcome.stderr}`;
}

Deno.test("examples/producer_consumer.ts verifies order, checksum and fill, and passes", async (t) => {
  for (
    const args of [
      ["--slots", "2", "--items", "20000"],
      ["--slots", "3", "--items", "20000", "--scheme", "counter"],
    ]
  ) {
    await t.step(args.join(" "), async () => {
      const outcome = await runExample("producer_consumer.ts", args);
      const capacity = args.includes("counter") ? 3 : 1;
      assert.equal(outcome.code, 0, explain(outcome));
      const out = outcome.stdout;
      assert.match(out, /order +ok .*19,999: nothing lost/, explain(outcome));
      assert.match(out, /checksum +ok +producer (\w{8}), consumer \1/);
      assert.match(out, new RegExp(`max fill +ok +\\d+ of ${capacity}:`));
      assert.match(out, /speed +[\d,]+ items\/s/);
      assert.match(out, /^PASS$/m);
    });
  }
});

Deno.test("examples/producer_consumer.ts rejects a bad flag with exit code 2 and the usage", async () => {
  const outcome = await runExample("producer_consumer.ts", ["--slots", "1"]);
  assert.equal(outcome.code, 2, explain(outcome));
  assert.match(
    outcome.stderr,
    /Cannot run demo: --slots must be an integer from 2 to \d+, received 1/,
  );
  assert.match(outcome.stderr, /Usage: /);
});

Deno.test("examples/pipeline.ts shows the rings in front of a slow loader full, and passes", async () => {
  const outcome = await runExample("pipeline.ts", [
    "--slots",
    "4",
    "--lines",
    "80",
    "--delay",
    "4",
    "--every",
    "50",
  ]);
  assert.equal(outcome.code, 0, explain(outcome));
  const out = outcome.stdout;
  // A printed sample with both rings at capacity: the backpressure itself.
  assert.match(out, /\] 3\/3 full .*\] 3\/3 full /, explain(outcome));
  assert.match(out, /assembler waits for room/);
  assert.match(out, /loaded +ok +80 of 80 words, every address in order/);
  assert.match(out, /memory +ok +checksum (\w{8}), expected \1/);
  assert.match(out, /ring 1 +ok +max fill 3 of 3 \(full\)/);
  assert.match(out, /ring 2 +ok +max fill 3 of 3 \(full\)/);
  assert.match(out, /^PASS$/m);
});

Deno.test("examples/pipeline.ts --slow assembler fills ring 1 and makes the compiler wait", async () => {
  const outcome = await runExample("pipeline.ts", [
    "--slow",
    "assembler",
    "--slots",
    "4",
    "--lines",
    "60",
    "--delay",
    "4",
    "--every",
    "50",
  ]);
  assert.equal(outcome.code, 0, explain(outcome));
  assert.match(outcome.stdout, /ring 1 +ok +max fill 3 of 3 \(full\)/);
  assert.match(outcome.stdout, /compiler waits for room/);
  assert.match(outcome.stdout, /^PASS$/m);
});
