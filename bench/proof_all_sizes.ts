// Copyright 2025 the ringproof authors. MIT license.
// Solver time per obligation of proveAllSizes(), as CPU seconds of the
// process (all threads: Z3 checks on a pthread), medians over fresh
// processes (each proves the lemmas anew). CPU time is what a loaded machine
// distorts least; the wall time is printed beside it with the load.
//
//   deno run --allow-read --allow-run --allow-sys=loadavg bench/proof_all_sizes.ts [rounds]
import process from "node:process";
import { proveAllSizes } from "../model/mod.ts";
import { setSolveClock } from "../model/_symbolic/z3.ts";

/** CPU seconds of this process, all threads (getrusage). */
function cpu(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

interface Run {
  scheme: string;
  obligations: { name: string; seconds: number }[];
  cpu: number;
  wall: number;
}

async function child(scheme: "textbook" | "counter"): Promise<void> {
  setSolveClock(cpu);
  const cpu0 = cpu();
  const wall0 = performance.now();
  const report = await proveAllSizes({ scheme });
  if (report.verdict !== "proved") throw new Error(`Not proved: ${scheme}`);
  const run: Run = {
    scheme,
    obligations: report.obligations.filter((o) => o.status === "proved")
      .map((o) => ({ name: o.name, seconds: o.seconds })),
    cpu: cpu() - cpu0,
    wall: (performance.now() - wall0) / 1000,
  };
  console.log(JSON.stringify(run));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2
    ? sorted[mid]!
    : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

async function main(rounds: number): Promise<void> {
  const load = () => Deno.loadavg()[0]!.toFixed(1);
  const runs: Run[] = [];
  const loads: string[] = [load()];
  for (let round = 0; round < rounds; round++) {
    for (const scheme of ["textbook", "counter"]) {
      const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
        args: ["run", "--allow-read", import.meta.filename!, "--child", scheme],
        stdout: "piped",
        stderr: "piped",
      }).output();
      if (code !== 0) throw new Error(new TextDecoder().decode(stderr));
      const text = new TextDecoder().decode(stdout).trim().split("\n").at(-1)!;
      runs.push(JSON.parse(text));
      loads.push(load());
    }
  }
  const of = (scheme: string) => runs.filter((r) => r.scheme === scheme);
  const names = of("textbook")[0]!.obligations.map((o) => o.name);
  for (const o of of("counter")[0]!.obligations) {
    if (!names.includes(o.name)) names.push(o.name);
  }
  const cell = (scheme: string, name: string) => {
    const values = of(scheme).flatMap((r) =>
      r.obligations.filter((o) => o.name === name).map((o) => o.seconds)
    );
    return values.length === 0 ? "—" : median(values).toFixed(2);
  };
  console.log(`${rounds} rounds; load average ${loads.join(", ")}`);
  console.log("| obligation | textbook CPU s | counter CPU s |");
  console.log("| --- | ---: | ---: |");
  for (const name of names) {
    console.log(
      `| ${name} | ${cell("textbook", name)} | ${cell("counter", name)} |`,
    );
  }
  const total = (scheme: string, key: "cpu" | "wall") =>
    median(of(scheme).map((r) => r[key])).toFixed(2);
  const solver = (scheme: string) =>
    median(
      of(scheme).map((r) =>
        r.obligations.reduce((sum, o) => sum + o.seconds, 0)
      ),
    ).toFixed(2);
  console.log(
    `| all obligations | ${solver("textbook")} | ${solver("counter")} |`,
  );
  console.log(
    `| proveAllSizes(), loading Z3 included | ${total("textbook", "cpu")} | ${
      total("counter", "cpu")
    } |`,
  );
  console.log(
    `| (wall seconds, same runs) | ${total("textbook", "wall")} | ${
      total("counter", "wall")
    } |`,
  );
}

if (Deno.args[0] === "--child") {
  await child(Deno.args[1] as "textbook" | "counter");
} else {
  await main(Number(Deno.args[0] ?? 3));
}
