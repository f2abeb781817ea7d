// Command-line flags for the examples: integers in a range, and a clean exit
// with the usage text on a bad flag.

/** How to read one integer flag. */
export interface IntegerFlag {
  /** The flag's name, without dashes. */
  readonly name: string;
  /** The value when the flag is absent. */
  readonly fallback: number;
  readonly min: number;
  readonly max: number;
  /** The message prefix, e.g. "Cannot run demo". */
  readonly what: string;
}

/** Parses an integer flag, or throws a RangeError naming it. */
export function integerFlag(
  value: string | undefined,
  flag: IntegerFlag,
): number {
  if (value === undefined) return flag.fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < flag.min || n > flag.max) {
    throw new RangeError(
      `${flag.what}: --${flag.name} must be an integer from ${flag.min} to ${flag.max}, received ${value}`,
    );
  }
  return n;
}

/**
 * Runs `parse`; on an error prints it with the usage and exits with status 2.
 */
export function parseOrExit<T>(
  parse: () => T,
  options: { what: string; usage: string },
): T {
  try {
    return parse();
  } catch (error) {
    const message = (error as Error).message;
    const why = message.startsWith(options.what)
      ? message
      : `${options.what}: ${message}`;
    console.error(`${why}\n\n${options.usage}`);
    Deno.exit(2);
  }
}

/** "ok  " or "FAIL", for the result tables. */
export function mark(ok: boolean): string {
  return ok ? "ok  " : "FAIL";
}
