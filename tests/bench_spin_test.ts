// Copyright 2025 the ringproof authors. MIT license.
// Cross-checks our explorer against an independent model checker: SPIN on
// the Promela twins in bench/promela/ must store exactly the explorer's
// number of states. Runs only where `spin` and `gcc` are installed.
import assert from "node:assert/strict";
import { boundedBuffer, type BufferOptions, explore } from "../model/mod.ts";
import { buildPan, hasTool, removeBuild, runPan } from "../bench/_spin.ts";

const tools = (await hasTool("spin")) && (await hasTool("gcc"));
const ignored = tools ? "" : " (ignored: spin or gcc is not installed)";

// Fast to compile; the state counts do not depend on optimisation.
const GCC_FLAGS = ["-O0", "-DSAFETY", "-DNOREDUCE"];

async function _spinCounts(
  model: string,
  defines: Readonly<Record<string, number>>,
): Promise<{ states: number; transitions: number; errors: number }> {
  const build = await buildPan(model, { defines, gccFlags: GCC_FLAGS });
  try {
    return await runPan(build, ["-w16"]);
  } finally {
    await removeBuild(build);
  }
}

function _ours(
  options: BufferOptions,
): { states: number; transitions: number } {
  const report = explore(boundedBuffer(options));
  assert.equal(report.verdict, "pass");
  return report;
}

Deno.test({
  name:
    `explore() stores exactly SPIN's states: textbook SPSC, slots 3/4 items 4/6${ignored}`,
  ignore: !tools,
  async fn() {
    const configs = [{ slots: 3, items: 4 }, { slots: 4, items: 6 }];
    const spin = await Promise.all(
      configs.map((c) =>
        _spinCounts("bounded_buffer_spsc.pml", {
          SLOTS: c.slots,
          ITEMS: c.items,
        })
      ),
    );
    configs.forEach((c, i) => {
      const ours = _ours(c);
      assert.equal(spin[i]!.errors, 0);
      assert.equal(spin[i]!.states, ours.states);
      // SPIN also counts the step into the initial state and the watchdog's
      // timeout self-loop in the one end state.
      assert.equal(spin[i]!.transitions, ours.transitions + 2);
    });
  },
});

Deno.test({
  name:
    `explore() stores exactly SPIN's states: 2x2 mutex, slots 3, 2 items${ignored}`,
  ignore: !tools,
  async fn() {
    const spin = await _spinCounts("bounded_buffer_mutex.pml", {
      PRODUCERS: 2,
      CONSUMERS: 2,
      SLOTS: 3,
      ITEMS: 2,
    });
    const ours = _ours({
      producers: 2,
      consumers: 2,
      slots: 3,
      items: 2,
      sync: "mutex",
    });
    assert.equal(spin.errors, 0);
    assert.equal(spin.states, ours.states);
  },
});
