// Copyright 2025 the ringproof authors. MIT license.
import assert from "node:assert/strict";
import { boundedBuffer, explore } from "../model/mod.ts";

Deno.test("explore() names a bigint or function option in its refusal instead of failing to serialize it", () => {
  const model = boundedBuffer({ slots: 2, items: 1 });
  assert.throws(
    () => explore(model, { maxStates: 10n as unknown as number }),
    {
      name: "TypeError",
      message:
        "Cannot explore: maxStates must be a positive integer, received bigint 10n",
    },
  );
  assert.throws(
    () => explore(model, { ignore: (() => []) as unknown as string[] }),
    {
      name: "TypeError",
      message:
        "Cannot explore: ignore must be an array of invariant names, received function a function",
    },
  );
});

Deno.test("boundedBuffer() names a bigint slots in its refusal", () => {
  assert.throws(() => boundedBuffer({ slots: 3n as unknown as number }), {
    name: "TypeError",
    message: /slots must be an integer from .*, received bigint 3n$/,
  });
});
