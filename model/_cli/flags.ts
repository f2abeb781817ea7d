// Copyright 2025 the ringproof authors. MIT license.
// Flag reading shared by the `--against production` modes of the command
// line: their errors are TypeErrors, which `cli.ts` turns into exit code 2
// with the message.

/** Throws the TypeError the command line reports as bad usage. */
export function usage(message: string): never {
  throw new TypeError(message);
}

/** The integer value of `--flag`, if given. */
export function integerFlag(
  values: ReadonlyMap<string, string>,
  flag: string,
): number | undefined {
  const text = values.get(flag);
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text)) {
    usage(`Flag --${flag} must be a non-negative integer, received ${text}`);
  }
  return Number(text);
}

/**
 * Runs a check; its "Cannot check ring: slots must …" errors become
 * "Bad value for --slots: must …".
 */
export function withFlagNames<T>(check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (error instanceof RangeError || error instanceof TypeError) {
      const option = /^Cannot check ring: (\w+) (.*)$/.exec(error.message);
      if (option !== null) usage(`Bad value for --${option[1]}: ${option[2]}`);
    }
    throw error;
  }
}
