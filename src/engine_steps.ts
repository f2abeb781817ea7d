/**
 * The one declared step interface of the engines, for the model's lockstep
 * conformance checks (`model/conformance_sequence.ts`): the sequence ring's
 * one-access steps and the header reader that attaches them to a ring. Not
 * exported from `mod.ts`; nothing else outside `src/` may import the
 * engines' private files.
 *
 * @module
 */
import { readHeader } from "./_shm/header.ts";
import {
  BLOCKED,
  CONSUMERS,
  PRODUCERS,
  READY,
  SequenceCore,
} from "./_engine/sequence_steps.ts";

export { BLOCKED, CONSUMERS, PRODUCERS, readHeader, READY, SequenceCore };
