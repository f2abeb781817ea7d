// Copyright 2025 the ringproof authors. MIT license.
/**
 * What each mutant changes, a setup where it shows, and why it may pass at
 * small sizes — for the line under the mutant list.
 *
 * @module
 */

import type { BufferOptions, Mutant } from "../../model/mod.ts";

/** A mutant, for the page. */
export interface MutantInfo {
  /** One line: what the code does differently. */
  readonly description: string;
  /** Parameters where the explorer finds the defect. */
  readonly setup: BufferOptions;
  /** What the explorer then shows. */
  readonly shows: string;
  /** Why it passes at some sizes (or `""`). */
  readonly small: string;
}

/** Every mutant, by name. */
export const MUTANT_INFO: Readonly<Record<Mutant, MutantInfo>> = {
  "publish-before-write": {
    description:
      "The producer publishes in = in + 1 before it writes buffer[in], so a consumer can read the cell before it is written.",
    setup: { slots: 3, items: 2, mutant: "publish-before-write" },
    shows: "no-unproduced breaks in 4 steps",
    small: "",
  },
  "release-before-read": {
    description:
      "The consumer releases out = out + 1 before it reads buffer[out], so the producer sees room while that item is still unread: the buffer holds one item more than its capacity. In the textbook scheme the cell it always leaves free keeps the producer off the unread cell, so no data is lost; with counters no cell is left free, and the producer overwrites the item before it is read (fifo).",
    setup: { slots: 3, items: 3, mutant: "release-before-read" },
    shows: "bound breaks in 10 steps",
    small:
      "The producer must fill the buffer while an item is released and unread: with items < slots (textbook) or items ≤ slots (counter) it passes; the unbounded scheme never reuses a cell, so it always passes.",
  },
  "full-when-equal": {
    description:
      "The full test is in == out — the empty test — so at the start the producer sees full and the consumer empty.",
    setup: { slots: 4, items: 2, mutant: "full-when-equal" },
    shows: "a deadlock at step 0",
    small: "",
  },
  "no-full-check": {
    description:
      "The producer never waits: once it is a whole ring ahead it overwrites items not yet read.",
    setup: { slots: 3, items: 3, mutant: "no-full-check" },
    shows: "bound breaks in 5 steps",
    small:
      "The producer must get more items ahead than the capacity: with fewer items than that there is nothing to overwrite, and it passes.",
  },
  "wasted-two": {
    description:
      "The full test fires one item early ((in + 2) % BUFFER_SIZE == out): the buffer never holds more than BUFFER_SIZE − 2 items.",
    setup: { slots: 4, items: 4, mutant: "wasted-two" },
    shows:
      "every invariant holds — the defect is that bound-tight is never witnessed: the producer waits with a free cell",
    small:
      "It is safe, only wasteful, so the invariants pass at every size; with 2 slots the test is in == out and it deadlocks at the start.",
  },
  "modulo-index": {
    description:
      "The cell is counter % BUFFER_SIZE: when the 32-bit counter wraps and BUFFER_SIZE does not divide 2³², the cell sequence jumps.",
    setup: {
      slots: 3,
      items: 3,
      scheme: "counter",
      start: 4294967294,
      mutant: "modulo-index",
    },
    shows: "fifo breaks at the wrap",
    small:
      "It shows only across the wrap: from counter start 0, or with 2, 4, 8 or 16 slots (powers of two divide 2³²), it passes.",
  },
};
