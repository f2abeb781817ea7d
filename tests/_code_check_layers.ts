// Measures which verification layer catches each planted bug of
// tests/_code_check_planted.ts, and how long it takes: the bug is planted in
// a temporary copy of the repository (src/, mod.ts, model/, tests/), and one
// layer's tests run there as a subprocess with a time limit. Not a test: run
// by hand, e.g.
//   deno run -A tests/_code_check_layers.ts lockstep,unit [bug names…]
// Prints one JSON line per (bug, layer). A layer "catches" a bug when its
// tests fail (exit code not 0) within the limit; "timeout" means it ran out
// of time (a hang, or just slow).
import { PLANTED } from "./_code_check_planted.ts";

/** The test files of each layer (checkCode has its own runner). */
const LAYERS: Record<string, readonly string[]> = {
  lockstep: [
    "tests/conformance_lockstep_test.ts",
    "tests/conformance_rings_test.ts",
  ],
  unit: [
    "tests/attach_test.ts",
    "tests/attach_refuse_test.ts",
    "tests/close_test.ts",
    "tests/corruption_test.ts",
    "tests/wrap_test.ts",
    "tests/items_test.ts",
    "tests/push_pop_test.ts",
    "tests/push_pop_async_test.ts",
    "tests/push_pop_many_test.ts",
    "tests/zero_copy_test.ts",
    "tests/close_race_test.ts",
  ],
  stress: [
    "tests/stress_paths_test.ts",
    "tests/stress_close_test.ts",
    "tests/stress_handover_test.ts",
    "tests/history_stress_test.ts",
    "tests/stress_many_test.ts",
  ],
};

async function copyTree(from: string, to: string): Promise<void> {
  await Deno.mkdir(to, { recursive: true });
  for await (const entry of Deno.readDir(from)) {
    const source = `${from}/${entry.name}`;
    const target = `${to}/${entry.name}`;
    if (entry.isDirectory) await copyTree(source, target);
    else await Deno.copyFile(source, target);
  }
}

async function plantCopy(root: string, find: string, replace: string) {
  const dir = await Deno.makeTempDir({ prefix: "ringproof_layers_" });
  for (const name of ["src", "model", "tests"]) {
    await copyTree(`${root}/${name}`, `${dir}/${name}`);
  }
  for (const name of ["mod.ts", "deno.json", "deno.lock"]) {
    await Deno.copyFile(`${root}/${name}`, `${dir}/${name}`);
  }
  let matches = 0;
  const walk = async (d: string) => {
    for await (const entry of Deno.readDir(d)) {
      const path = `${d}/${entry.name}`;
      if (entry.isDirectory) await walk(path);
      else if (entry.name.endsWith(".ts")) {
        const text = await Deno.readTextFile(path);
        const count = text.split(find).length - 1;
        if (count === 0) continue;
        matches += count;
        await Deno.writeTextFile(path, text.replace(find, replace));
      }
    }
  };
  await walk(`${dir}/src`);
  return { dir, matches };
}

if (import.meta.main) {
  const root = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
  const layers = (Deno.args[0] ?? "lockstep,unit").split(",");
  const names = Deno.args.length > 1
    ? Deno.args.slice(1)
    : PLANTED.map((b) => b.name);
  const limit = Number(Deno.env.get("RINGPROOF_LAYER_SECONDS") ?? 300);
  for (const name of names) {
    // "none": the unpatched code, the baseline every layer must pass.
    const bug = PLANTED.find((b) => b.name === name) ??
      { find: "\u0000", replace: "" };
    const { dir, matches } = await plantCopy(root, bug.find, bug.replace);
    for (const layer of layers) {
      const started = performance.now();
      const child = new Deno.Command(Deno.execPath(), {
        args: [
          "test",
          "--allow-read",
          "--allow-run",
          "--allow-env",
          "--allow-write",
          "--no-check",
          ...LAYERS[layer]!,
        ],
        cwd: dir,
        env: { NO_COLOR: "1" },
        stdout: "piped",
        stderr: "piped",
      }).spawn();
      const timer = setTimeout(() => child.kill("SIGKILL"), limit * 1000);
      const output = await child.output();
      clearTimeout(timer);
      const seconds = (performance.now() - started) / 1000;
      const text = new TextDecoder().decode(output.stdout);
      const failed = [...text.matchAll(/^(.*) \.\.\. .*FAILED/gm)].map((m) =>
        m[1]!.trim()
      );
      console.log(JSON.stringify({
        name,
        layer,
        matches,
        verdict: output.signal !== null
          ? "timeout"
          : output.code === 0
          ? "passed"
          : "caught",
        seconds: Math.round(seconds),
        failed: failed.slice(0, 3),
      }));
    }
    await Deno.remove(dir, { recursive: true });
  }
}
