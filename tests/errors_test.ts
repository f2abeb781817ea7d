import assert from "node:assert/strict";
import {
  AlreadyAttachedError,
  ClosedError,
  CorruptedRingError,
  RingStateError,
  TimeoutError,
} from "../mod.ts";

const NAMED = [
  ClosedError,
  TimeoutError,
  CorruptedRingError,
  AlreadyAttachedError,
  RingStateError,
] as const;

Deno.test("ClosedError, TimeoutError, CorruptedRingError, AlreadyAttachedError and RingStateError are named Errors", () => {
  for (const NamedError of NAMED) {
    const error = new NamedError("Something failed");
    assert.ok(error instanceof Error);
    assert.ok(error instanceof NamedError);
    assert.equal(error.name, NamedError.name);
    assert.equal(error.message, "Something failed");
    assert.match(String(error), new RegExp(`^${NamedError.name}: `));
    assert.ok(typeof error.stack === "string");
    // Distinct classes: catching one does not catch another.
    for (const Other of NAMED) {
      if (Other !== NamedError) assert.ok(!(error instanceof Other));
    }
  }
});

Deno.test("ClosedError and TimeoutError have a default message", () => {
  assert.equal(new ClosedError().message, "Ring is closed");
  assert.equal(new TimeoutError().message, "Ring operation timed out");
});
