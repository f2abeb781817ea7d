// Copyright 2025 the ringproof authors. MIT license.
// What an error message shows of a value it refuses: JSON where JSON writes
// the value faithfully (a string quoted, so "3" is not read as 3), a plain
// word where it cannot (JSON.stringify throws on a bigint or a cycle and
// writes nothing for a function), so the message is never lost to another
// error.

/** The value as a refusal's message shows it; never throws. */
export function shown(value: unknown): string {
  switch (typeof value) {
    case "bigint":
      return `${value}n`;
    case "function":
      return "a function";
    case "symbol":
      return value.toString();
    case "undefined":
      return "undefined";
  }
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return "an object";
  }
}
