// Copyright 2025 the ringproof authors. MIT license.
import assert from "node:assert/strict";
import {
  bufferSource,
  exploreParallel,
  ExplorerPool,
  MAX_WORKERS,
} from "../model/mod.ts";
import { main } from "../model/cli.ts";

const source = bufferSource({ slots: 2, items: 1 });

Deno.test("exploreParallel() refuses a workers or maxStates that is not a number with a TypeError", async () => {
  await assert.rejects(
    exploreParallel(source, { workers: "2" as unknown as number }),
    {
      name: "TypeError",
      message:
        'Cannot explore in parallel: workers must be a positive integer, received "2"',
    },
  );
  await assert.rejects(
    exploreParallel(source, { maxStates: null as unknown as number }),
    {
      name: "TypeError",
      message:
        "Cannot explore in parallel: maxStates must be a positive integer, received null",
    },
  );
});

Deno.test("exploreParallel() refuses more than MAX_WORKERS workers with a RangeError", async () => {
  assert.equal(MAX_WORKERS, 64);
  await assert.rejects(exploreParallel(source, { workers: 65 }), {
    name: "RangeError",
    message:
      "Cannot explore in parallel: workers must be a positive integer of at most 64, received 65",
  });
  await assert.rejects(exploreParallel(source, { workers: 0 }), RangeError);
});

Deno.test("ExplorerPool() refuses a size out of range or not a number before starting a Worker", () => {
  assert.throws(() => new ExplorerPool(65), {
    name: "RangeError",
    message:
      "Cannot explore in parallel: workers must be a positive integer of at most 64, received 65",
  });
  assert.throws(
    () => new ExplorerPool("2" as unknown as number),
    TypeError,
  );
});

Deno.test("main() exits 2 when --workers is above the explorer's limit", () => {
  let err = "";
  const code = main(["--workers", "65"], {
    out: () => {},
    err: (text) => {
      err += text;
    },
    errIsTerminal: false,
  });
  assert.equal(code, 2);
  assert.match(
    err,
    /^ringproof check: Flag --workers needs N from 1 to 64, without --dfs or --por, received 65\n$/,
  );
});
