// The teaching page's logic without a browser: the exploration session, the
// ring's cell view, and reading, replaying and exporting trace files.
import assert from "node:assert/strict";
import {
  boundedBuffer,
  explore,
  type ReportJson,
  traceToJson,
} from "../model/mod.ts";
import { cliJson } from "./_e2e_page.ts";
import { Session } from "../web/page/session.ts";
import { bufferRingView } from "../web/page/state_view.ts";
import { replayPath } from "../web/page/url_state.ts";
import {
  exportPath,
  parseTraceFile,
  replayTrace,
} from "../web/page/trace_file.ts";

Deno.test("Session offers exactly the model's enabled steps and undoes them", () => {
  const options = { slots: 3, items: 2, producers: 2, sync: "mutex" } as const;
  const model = boundedBuffer(options);
  const session = new Session(options);
  let [state] = model.initial();
  for (let i = 0; i < 8; i++) {
    const actions = [...model.actions(state!)];
    assert.deepEqual(session.choices().map((c) => c.action), actions);
    const pick = actions[i % actions.length]!;
    session.take(pick);
    state = model.step(state!, pick);
    assert.deepEqual(session.state, state);
  }
  assert.equal(session.path.length, 9);
  session.seek(3);
  assert.equal(session.cursor, 3);
  assert.equal(session.undo(), true);
  assert.equal(session.path.length, 8);
  assert.equal(session.cursor, 3);
  // Taking another step than the path's next one starts a new branch.
  const branch = session.path.findIndex((_, k) => {
    session.seek(k);
    return k < session.path.length - 1 && session.choices().length > 1;
  });
  assert.ok(branch >= 0);
  session.seek(branch);
  const taken = session.path[branch + 1]!.action!;
  const other =
    session.choices().find((c) => c.action.process !== taken.process)!.action;
  session.take(other);
  assert.equal(session.path.length, branch + 2);
  assert.deepEqual(session.path[branch + 1]!.action, other);
  // Taking the path's own next step just moves along it.
  session.seek(0);
  session.take(session.path[1]!.action!);
  assert.equal(session.cursor, 1);
  assert.equal(session.path.length, branch + 2);
  while (session.undo());
  assert.equal(session.path.length, 1);
  assert.equal(session.undo(), false);
});

Deno.test("Session marks the step at which an invariant breaks and a deadlock", () => {
  const options = {
    slots: 3,
    items: 2,
    mutant: "publish-before-write",
  } as const;
  const report = explore(boundedBuffer(options));
  const session = new Session(options, report.counterexample);
  const last = session.path.length - 1;
  session.seek(last);
  const broken = session.checks().filter((c) => !c.holds);
  assert.deepEqual(broken.map((c) => c.name), report.violated);
  assert.equal(broken[0]!.brokenAt, last);
  assert.deepEqual(session.breaks().at(-1), report.violated);
  assert.ok(session.breaks().slice(0, -1).every((names) => names.length === 0));
  session.seek(last - 1);
  assert.ok(session.checks().every((c) => c.holds));

  const stuck = { slots: 3, items: 1, mutant: "full-when-equal" } as const;
  const deadlock = new Session(stuck);
  assert.equal(explore(boundedBuffer(stuck)).verdict, "deadlock");
  assert.deepEqual(deadlock.choices(), []);
  assert.equal(
    deadlock.checks().find((c) => c.name === "deadlock-free")?.holds,
    false,
  );
});

Deno.test("bufferRingView tells items, stale cells and empty cells apart", () => {
  const model = boundedBuffer({ slots: 3, items: 2 });
  const session = new Session({ slots: 3, items: 2 });
  const take = (process: string) => {
    const choice = session.choices().find((c) => c.action.process === process);
    session.take(choice!.action);
  };
  // P0 produces a0; C0 consumes it; P0 writes a1 (not yet published).
  for (const p of ["P0", "P0", "P0", "C0", "C0", "C0", "P0", "P0"]) take(p);
  const view = bufferRingView(session.state, {
    before: session.before,
    capacity: model.capacity,
  });
  assert.deepEqual(view.cells.map((c) => [c.kind, c.text]), [
    ["stale", "a0"],
    ["unpublished", "a1"],
    ["empty", "·"],
  ]);
  assert.deepEqual(view.cells.map((c) => c.changed), [false, true, false]);
  assert.equal(view.inSlot, session.state.inSlot);
  assert.equal(view.outSlot, session.state.outSlot);
  // Which count is which: held (written, not read) and published (in − out).
  assert.deepEqual(view.centre, [`held 1 of ${model.capacity}`, "published 0"]);
  take("P0"); // publish: now it is an item between out and in
  const published = bufferRingView(session.state, {
    before: session.before,
    capacity: model.capacity,
  });
  assert.equal(published.cells[1]!.kind, "item");
  assert.equal(published.published, 1);
});

Deno.test("bufferRingView marks the cell a read step read, even an empty one", () => {
  const options = {
    slots: 3,
    items: 2,
    mutant: "publish-before-write",
  } as const;
  const session = replayPath(options, ["P0", "P0", "C0", "C0"], 4);
  assert.equal(session.path[4]!.action!.op, "read");
  const view = bufferRingView(session.state, {
    before: session.before,
    action: session.path[4]!.action,
    capacity: session.model.capacity,
  });
  assert.deepEqual(view.cells.map((c) => c.read ?? false), [
    true,
    false,
    false,
  ]);
  assert.equal(view.cells[0]!.kind, "empty");
});

Deno.test("bufferRingView shows the sequence variant's numbers and claimed positions", () => {
  const options = {
    slots: 3,
    items: 1,
    producers: 2,
    sync: "sequence",
  } as const;
  const model = boundedBuffer(options);
  const session = new Session(options);
  const take = (process: string) => {
    const choice = session.choices().find((c) => c.action.process === process);
    session.take(choice!.action);
  };
  const view = () =>
    bufferRingView(session.state, {
      before: session.before,
      capacity: model.capacity,
    });
  assert.deepEqual(view().cells.map((c) => c.seq), [0, 1, 2]);
  assert.deepEqual(view().claims, []);
  // P0 loads in, waits, claims position 0; P1 loads, waits, claims 1.
  for (const p of ["P0", "P0", "P0", "P1", "P1", "P1"]) take(p);
  assert.deepEqual(view().claims, [
    { process: "P0", position: 0, slot: 0 },
    { process: "P1", position: 1, slot: 1 },
  ]);
  assert.match(view().centre.at(-1)!, /claimed: P0→0 P1→1/);
  // P1 writes b0 and publishes: seq[1] goes from 1 to 2; its claim ends.
  take("P1");
  take("P1");
  const published = view();
  assert.deepEqual(published.cells.map((c) => c.seq), session.state.sequences);
  assert.deepEqual(published.cells.map((c) => c.seq), [0, 2, 2]);
  assert.deepEqual(published.cells.map((c) => c.changed), [false, true, false]);
  assert.deepEqual(published.cells.map((c) => c.text), ["·", "b0", "·"]);
  assert.deepEqual(published.claims, [{ process: "P0", position: 0, slot: 0 }]);
  // Without sync "sequence" there are neither numbers nor claims.
  const plain = bufferRingView(new Session({ slots: 3 }).state, {
    capacity: 2,
  });
  assert.ok(plain.cells.every((c) => c.seq === undefined));
  assert.deepEqual(plain.claims, []);
});

Deno.test("replayTrace replays the CLI's --json counterexample and exportPath writes it back", () => {
  const text = cliJson(
    "--slots 3 --items 3 --mutant release-before-read".split(" "),
  );
  const cli = JSON.parse(text) as ReportJson;
  const file = parseTraceFile(text);
  assert.equal(file.actions.length, cli.counterexample!.length - 1);
  assert.match(file.title, /violation of bound/);
  const session = replayTrace(file);
  assert.equal(session.cursor, 0);
  const exported = exportPath(session);
  assert.deepEqual(exported.counterexample, cli.counterexample);
  assert.deepEqual(exported.config, cli.config);
  assert.equal(exported.verdict, "violation");
  assert.deepEqual(exported.violated, cli.violated);
  // The export reads back in.
  const again = replayTrace(parseTraceFile(JSON.stringify(exported)));
  assert.deepEqual(traceToJson([...again.path]), cli.counterexample);
});

Deno.test("replayTrace replays a sequence-variant counterexample with its sequence numbers", () => {
  const text = cliJson(
    "--sync sequence --producers 2 --consumers 2 --slots 2 --items 1 --mutant publish-before-write"
      .split(" "),
  );
  const cli = JSON.parse(text) as ReportJson;
  assert.equal(cli.verdict, "violation");
  const session = replayTrace(parseTraceFile(text));
  assert.equal(session.model.config.sync, "sequence");
  assert.equal(session.model.config.scheme, "counter");
  const last = session.path.at(-1)!.state;
  assert.deepEqual(last.sequences, cli.counterexample!.at(-1)!.state.sequences);
  assert.deepEqual(exportPath(session).counterexample, cli.counterexample);
});

Deno.test("parseTraceFile reads a passing run's witness and rejects other files", () => {
  const pass = parseTraceFile(cliJson("--slots 3 --items 2".split(" ")));
  assert.match(pass.title, /witness of bound-tight/);
  assert.ok(pass.actions.length > 0);
  for (
    const [text, fragment] of [
      ["{", "not JSON"],
      ['{"schema":"other"}', "ringproof.check/1"],
      [
        '{"schema":"ringproof.check/1","config":{},"counterexample":[]}',
        "non-empty",
      ],
      [
        '{"schema":"ringproof.check/1","config":{},"counterexample":null,"facts":[]}',
        "no counterexample",
      ],
    ]
  ) {
    assert.throws(() => parseTraceFile(text!), (e: Error) => {
      assert.ok(e instanceof TypeError);
      assert.ok(e.message.includes(fragment!), e.message);
      return true;
    });
  }
});

Deno.test("replayTrace rejects a step that is not enabled or a state that differs", () => {
  const text = cliJson(
    "--slots 3 --items 2 --mutant publish-before-write".split(" "),
  );
  const tampered = JSON.parse(text) as ReportJson;
  tampered.counterexample![2]!.state.in = 2;
  assert.throws(
    () => replayTrace(parseTraceFile(JSON.stringify(tampered))),
    /after step 2 .* differs/,
  );
  const reordered = JSON.parse(text) as ReportJson;
  reordered.counterexample![1]!.op = "publish";
  assert.throws(
    () => replayTrace(parseTraceFile(JSON.stringify(reordered))),
    /step 1 \(P0 publish\) is not enabled/,
  );
});

Deno.test("exportPath reports a path without a violation as incomplete", () => {
  const session = new Session({ slots: 2, items: 1 });
  session.take(session.choices()[0]!.action);
  const json = exportPath(session);
  assert.equal(json.verdict, "incomplete");
  assert.equal(json.invariant, null);
  assert.equal(json.counterexample?.length, 2);
  assert.equal(json.figures.transitions, 1);
});
