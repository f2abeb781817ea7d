// What the benchmark ran on, for the report.

/** The machine and runtime of a benchmark run. */
export interface Machine {
  /** Logical cores (`navigator.hardwareConcurrency`). */
  readonly cores: number;
  /** CPU model from /proc/cpuinfo, when readable. */
  readonly cpu: string | null;
  readonly os: string;
  readonly arch: string;
  readonly deno: string;
  readonly v8: string;
  readonly typescript: string;
}

function granted(descriptor: Deno.PermissionDescriptor): boolean {
  return Deno.permissions.querySync(descriptor).state === "granted";
}

/** The CPU model: Deno needs --allow-all to read /proc, so ask `cat`. */
function cpuModel(): string | null {
  if (!granted({ name: "run", command: "cat" })) return null;
  try {
    const { stdout } = new Deno.Command("cat", { args: ["/proc/cpuinfo"] })
      .outputSync();
    const text = new TextDecoder().decode(stdout);
    return text.match(/^model name\s*:\s*(.+)$/m)?.[1]?.trim() ?? null;
  } catch {
    return null;
  }
}

/** Describes this machine and runtime. */
export function describeMachine(): Machine {
  return {
    cores: navigator.hardwareConcurrency,
    cpu: cpuModel(),
    os: granted({ name: "sys", kind: "osRelease" })
      ? `${Deno.build.os} ${Deno.osRelease()}`
      : Deno.build.os,
    arch: Deno.build.arch,
    deno: Deno.version.deno,
    v8: Deno.version.v8,
    typescript: Deno.version.typescript,
  };
}

/** The 1-minute load average (needs --allow-sys=loadavg), or null. */
export function loadAverage(): number | null {
  if (!granted({ name: "sys", kind: "loadavg" })) return null;
  return Deno.loadavg()[0] ?? null;
}

/** One line naming the machine, for the Markdown report. */
export function machineLine(machine: Machine): string {
  const cpu = machine.cpu ? `${machine.cpu}, ` : "";
  return `${cpu}${machine.cores} logical cores, ${machine.os} ${machine.arch}; Deno ${machine.deno}, V8 ${machine.v8}`;
}
