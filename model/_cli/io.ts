// Copyright 2025 the ringproof authors. MIT license.
// Where the CLI writes: shared by the public cli.ts (which re-exports it) and
// the command implementations in this folder.

/** Where {@linkcode main} writes. */
export interface CliIo {
  /** Writes to standard output. */
  out(text: string): void;
  /** Writes to standard error (progress, errors). */
  err(text: string): void;
  /** Whether standard error is a terminal (progress then redraws one line). */
  errIsTerminal: boolean;
  /** Seconds a run must last before progress appears (default 1). */
  progressAfter?: number;
  /** Reads a file (`--against code --replay FILE`); absent: refused. */
  readFile?: (path: string) => Promise<string>;
  /** The working directory, to resolve `--against code --ring PATH` (default "."). */
  cwd?: string;
}
