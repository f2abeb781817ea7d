// `deno task check -- --against production`: the figures per
// configuration (the one-producer ring and, with `--sync sequence` or by
// default, the many-producer ring), the JSON form, and the exit codes of the
// CLI's convention (0 every configuration agrees, 1 one disagrees, 2 bad
// arguments).
import assert from "node:assert/strict";
import { main } from "../model/cli.ts";
import { againstProduction } from "../model/_cli/against_production.ts";
import { plainRing, plainSequenceRing } from "./_broken_rings.ts";

function capture(): {
  io: { out(t: string): void; err(t: string): void; errIsTerminal: boolean };
  out(): string;
  err(): string;
} {
  let out = "";
  let err = "";
  return {
    io: {
      out: (t) => void (out += t),
      err: (t) => void (err += t),
      errIsTerminal: false,
    },
    out: () => out,
    err: () => err,
  };
}

Deno.test("check --against production prints the figures of every configuration of the default grid", () => {
  const c = capture();
  assert.equal(main(["--", "--against", "production"], c.io), 0);
  const rows = c.out().split("\n").filter((line) =>
    /^(PASS|FAIL)\s/.test(line)
  );
  // One producer: both schemes, slots 2 to 4, the counters also from 2^32 - 3.
  const spsc = rows.filter((row) => /^\w+\s+(textbook|counter)\s/.test(row));
  assert.equal(spsc.length, 9);
  assert.ok(spsc.some((row) => /counter\s+4294967293\s+4\s+6\s/.test(row)));
  // Two producers, two consumers: slots 2 and 3, from 0 and near the wrap.
  const sequence = rows.filter((row) => /^\w+\s+2\s+2\s/.test(row));
  assert.equal(sequence.length, 4);
  assert.ok(sequence.some((row) => /\s2147483646\s+2\s+1\s/.test(row)));
  assert.ok(rows.every((row) => row.startsWith("PASS")));
  assert.match(c.out(), /model states\s+model steps\s+coarse\s+ring states/);
  assert.match(c.out(), /producers\s+consumers\s+start\s+slots\s+items/);
  assert.match(c.out(), /all that explore\(\) visits/);
  assert.match(c.out(), /verdict: PASS: .* all 13 configurations/);
  assert.equal(c.err(), "");
});

Deno.test("check --against production --sync sequence reports the many-producer ring's figures as JSON", () => {
  const c = capture();
  const args = ["--against", "production", "--sync", "sequence"];
  const shape = ["--producers", "1", "--consumers", "2", "--items", "2"];
  assert.equal(main([...args, ...shape, "--slots", "2", "--json"], c.io), 0);
  const json = JSON.parse(c.out());
  assert.equal(json.passed, true);
  assert.deepEqual(json.runs, []);
  assert.equal(json.sequence.length, 2); // from 0 and from 2 below the wrap
  for (const run of json.sequence) {
    assert.equal(run.verdict, "pass");
    assert.deepEqual(
      [run.config.producers, run.config.consumers, run.config.slots],
      [1, 2, 2],
    );
    assert.equal(run.model.states, run.explored.states);
    assert.equal(run.model.transitions, run.explored.transitions);
    assert.ok(run.production.steps > run.production.blocked);
    assert.equal(run.failure, null);
  }
});

Deno.test("check --against production --sync sequence exits 1 with the side-by-side trace when the ring disagrees", () => {
  const c = capture();
  const values = new Map([["sync", "sequence"], ["slots", "2"], [
    "start",
    "0",
  ]]);
  const code = againstProduction({ values, switches: new Set() }, {
    io: c.io,
    sequenceRing: plainSequenceRing("publish-without-increment"),
  });
  assert.equal(code, 1);
  assert.match(c.out(), /^FAIL\s+2\s+2\s+0\s+2\s+1\s/m);
  assert.match(c.out(), /2×2 from 0, slots 2, 1 item: the ring disagrees/);
  assert.match(c.out(), /step\s+process\s+model/);
  assert.match(c.out(), /seq\[0\]/);
  assert.match(c.out(), /verdict: FAIL: 1 of 1 configurations disagree/);
});

Deno.test("check --against production --json reports each run with both sides' figures", () => {
  const c = capture();
  const args = ["--against", "production", "--scheme", "counter", "--slots"];
  assert.equal(main([...args, "3", "--items", "4", "--json"], c.io), 0);
  const json = JSON.parse(c.out());
  assert.equal(json.schema, "ringproof.against/1");
  assert.equal(json.passed, true);
  assert.equal(json.runs.length, 2); // from 0 and from 2^32 - 3
  assert.deepEqual(json.sequence, []); // a configuration flag: one producer
  for (const run of json.runs) {
    assert.equal(run.verdict, "pass");
    assert.equal(run.config.slots, 3);
    assert.equal(run.model.states, run.explored.states);
    assert.ok(run.production.transitions > 0);
    assert.equal(run.failure, null);
  }
});

Deno.test("check --against production exits 1 with the side-by-side trace when the ring disagrees", () => {
  const c = capture();
  const values = new Map([["slots", "3"], ["items", "3"], [
    "scheme",
    "textbook",
  ]]);
  const code = againstProduction({ values, switches: new Set() }, {
    io: c.io,
    ring: plainRing("publish-before-write"),
  });
  assert.equal(code, 1);
  assert.match(c.out(), /^FAIL\s+textbook/m);
  assert.match(c.out(), /in: after P0 wait in differs/);
  assert.match(c.out(), /the ring violates no-unproduced/);
  assert.match(c.out(), /verdict: FAIL: 1 of 1 configurations disagree/);
});

Deno.test("check --against production --start without --scheme checks the counter scheme from there", () => {
  const c = capture();
  assert.equal(
    main(["--against", "production", "--start", "5", "--slots", "2"], c.io),
    0,
  );
  assert.match(c.out(), /^PASS\s+counter\s+5\s+2\s+6\s/m);
  assert.doesNotMatch(c.out(), /textbook/);
  assert.match(
    c.out(),
    /verdict: PASS: the ring agrees with the model in the one configuration\n/,
  );
});

Deno.test("check --against production exits 2 on flags that do not apply or bad values", () => {
  const cases: [string[], RegExp][] = [
    [
      ["--producers", "2"],
      /Flag --producers does not apply to --against production/,
    ],
    [["--mutant", "wasted-two"], /Flag --mutant does not apply/],
    [["--sync", "mutex"], /Bad value for --sync: .* none .* and sequence/],
    [
      ["--sync", "sequence", "--scheme", "textbook"],
      /Bad value for --scheme: sync sequence needs scheme counter/,
    ],
    [
      ["--sync", "sequence", "--consumers", "9"],
      /Bad value for --consumers: must be an integer from 1 to 8/,
    ],
    [["--proof"], /Flag --proof does not apply/],
    [["--workers", "2"], /Flag --workers does not apply/],
    [
      ["--slots", "1"],
      /Bad value for --slots: must be an integer from 2 to 64/,
    ],
    [
      ["--scheme", "unbounded"],
      /Bad value for --scheme: .* textbook and counter/,
    ],
    [["--scheme", "textbook", "--start", "2"], /Bad value for --start/],
    [["--items", "x"], /Flag --items must be a non-negative integer/],
  ];
  for (const [extra, message] of cases) {
    const c = capture();
    assert.equal(
      main(["--against", "production", ...extra], c.io),
      2,
      extra.join(" "),
    );
    assert.match(c.err(), message);
    assert.equal(c.out(), "");
  }
  const c = capture();
  assert.equal(main(["--against", "ring"], c.io), 2);
  assert.match(
    c.err(),
    /Bad value for --against: must be model, production or code/,
  );
});
