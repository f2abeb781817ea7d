// Copyright 2025 the ringproof authors. MIT license.
// Running the SPIN model checker on a Promela model: find `spin` and `gcc`,
// generate the verifier (`spin -a`), compile it, run `./pan`, parse its
// figures. Used by bench/spin.ts and tests/bench_spin_test.ts.

/** Where the Promela models live. */
export const PROMELA_DIR: URL = new URL("./promela/", import.meta.url);

/** One way to build and run SPIN's verifier. */
export interface SpinVariant {
  /** A short name for the table. */
  name: string;
  /** `-D` flags (and others) for gcc, after `-O2`. */
  gccFlags: readonly string[];
  /** Flags for `./pan`. */
  panFlags: readonly string[];
  /** Whether the search may miss states (bitstate hashing). */
  lossy: boolean;
}

/** A verifier built from a model: where it is and what building it took. */
export interface SpinBuild {
  /** The directory holding `pan.c` and `pan`. */
  dir: string;
  /** Wall seconds of `spin -a`. */
  generateSeconds: number;
  /** Wall seconds of `gcc`. */
  compileSeconds: number;
}

/** What one `./pan` run reported. */
export interface PanFigures {
  /** "states, stored". */
  states: number;
  /** "transitions (= stored+matched)". */
  transitions: number;
  /** "errors: N". */
  errors: number;
  /** "State-vector N byte". */
  stateVectorBytes: number;
  /** "total actual memory usage", in bytes (SPIN's MB are 2^20 bytes). */
  memoryBytes: number;
  /** "elapsed time": pan's own search time, seconds. */
  panSeconds: number;
  /** Wall seconds of the whole `./pan` process (start-up and hash table allocation too). */
  wallSeconds: number;
}

/** Whether `name` runs (`name -V` or `--version` exits). */
export async function hasTool(name: string): Promise<boolean> {
  try {
    const flag = name === "spin" ? "-V" : "--version";
    const { success } = await new Deno.Command(name, {
      args: [flag],
      stdout: "null",
      stderr: "null",
    }).output();
    return success;
  } catch {
    return false;
  }
}

/** A fresh temporary directory; through `mktemp` when Deno may not write (the test task). */
async function _tempDir(): Promise<string> {
  try {
    return await Deno.makeTempDir({ prefix: "ringproof_spin_" });
  } catch (error) {
    if (!(error instanceof Deno.errors.NotCapable)) throw error;
    const { text } = await _run(
      "mktemp",
      ["-d", "-t", "ringproof_spin_XXXXXX"],
      {
        cwd: ".",
      },
    );
    return text.trim();
  }
}

async function _run(
  command: string,
  args: readonly string[],
  options: { cwd: string },
): Promise<{ text: string; seconds: number }> {
  const t0 = performance.now();
  const out = await new Deno.Command(command, {
    args: [...args],
    cwd: options.cwd,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const seconds = (performance.now() - t0) / 1000;
  const text = new TextDecoder().decode(out.stdout) +
    new TextDecoder().decode(out.stderr);
  if (!out.success) {
    throw new Error(
      `${command} ${args.join(" ")} failed (exit ${out.code}):\n${text}`,
    );
  }
  return { text, seconds };
}

/**
 * Generates and compiles SPIN's verifier for `model` (a file in
 * `bench/promela/`) in a fresh temporary directory.
 *
 * @param model The Promela file's name, e.g. `"bounded_buffer_mutex.pml"`.
 * @param options `defines`: `-D` macros for the model (e.g. `{ SLOTS: 3 }`);
 *   `gccFlags`: the variant's compile flags (after `-O2`, so `-O0` overrides it).
 * @returns The directory and the generate and compile times.
 */
export async function buildPan(
  model: string,
  options: {
    defines?: Readonly<Record<string, number>>;
    gccFlags?: readonly string[];
  } = {},
): Promise<SpinBuild> {
  const dir = await _tempDir();
  const path = new URL(model, PROMELA_DIR).pathname;
  const defines = Object.entries(options.defines ?? {}).map(([k, v]) =>
    `-D${k}=${v}`
  );
  const generated = await _run("spin", [...defines, "-a", path], { cwd: dir });
  const compiled = await _run(
    "gcc",
    ["-O2", ...(options.gccFlags ?? []), "-o", "pan", "pan.c"],
    { cwd: dir },
  );
  return {
    dir,
    generateSeconds: generated.seconds,
    compileSeconds: compiled.seconds,
  };
}

function _number(text: string, pattern: RegExp, what: string): number {
  const match = pattern.exec(text);
  if (match === null) {
    throw new Error(`Cannot parse pan output: no ${what} in\n${text}`);
  }
  return Number(match[1]);
}

/**
 * Parses the figures `./pan` prints.
 *
 * @param text pan's output.
 * @param wallSeconds The measured wall time of the process.
 * @returns The figures.
 */
export function parsePan(text: string, wallSeconds: number): PanFigures {
  return {
    states: _number(text, /(\d+) states, stored/, "states stored"),
    transitions: _number(
      text,
      /(\d+) transitions \(= stored\+matched\)/,
      "transitions",
    ),
    errors: _number(text, /errors: (\d+)/, "error count"),
    stateVectorBytes: _number(text, /State-vector (\d+) byte/, "state vector"),
    memoryBytes: _number(
      text,
      /([\d.]+)\s+total actual memory usage/,
      "total memory",
    ) * 2 ** 20,
    panSeconds: _number(text, /elapsed time ([\d.e+-]+) seconds/, "time"),
    wallSeconds,
  };
}

/**
 * Runs a built verifier once (single-threaded) and parses its figures.
 *
 * @param build The verifier from {@linkcode buildPan}.
 * @param panFlags Flags for `./pan`.
 * @returns The figures.
 */
export async function runPan(
  build: SpinBuild,
  panFlags: readonly string[] = [],
): Promise<PanFigures> {
  const { text, seconds } = await _run("./pan", panFlags, { cwd: build.dir });
  return parsePan(text, seconds);
}

/** Removes a verifier's temporary directory. */
export async function removeBuild(build: SpinBuild): Promise<void> {
  try {
    await Deno.remove(build.dir, { recursive: true });
  } catch (error) {
    if (!(error instanceof Deno.errors.NotCapable)) throw error;
    await _run("rm", ["-r", "--", build.dir], { cwd: "." });
  }
}
