// Copyright 2025 the ringproof authors. MIT license.
// The explorer benchmark's model, shared by bench/explorer.ts and its Worker.

/** The bench model's parameters. */
export const BENCH_MODEL = {
  producers: 2,
  consumers: 2,
  slots: 4,
  items: 6,
  sync: "mutex",
} as const;
