// Command-line flags of the bench scripts that take `--name=value`.

/**
 * The positive integer given as `--name=value`, or `fallback` without the
 * flag; throws a RangeError for anything else.
 */
export function integerFlag(name: string, fallback: number): number {
  const arg = Deno.args.find((a) => a.startsWith(`--${name}=`));
  const value = arg === undefined ? fallback : Number(arg.split("=")[1]);
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`--${name} must be a positive integer: ${arg}`);
  }
  return value;
}
