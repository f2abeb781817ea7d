// Copyright 2025 the ringproof authors. MIT license.
/**
 * Lecture presets: a model, a path and the step to show, in the order of the
 * lecture plan in docs/teaching.md. Each is a query string of the page's
 * address (see url_state.ts), so a preset and a shared link are one format.
 *
 * @module
 */

/** A preset. */
export interface Preset {
  /** Its id, for the list. */
  readonly id: string;
  /** What it shows. */
  readonly title: string;
  /** The query string. */
  readonly query: string;
}

/** The presets. */
export const PRESETS: readonly Preset[] = [
  {
    id: "bound",
    title: "1. The N − 1 bound: 4 cells, 3 items, the producer waits",
    query:
      "?slots=4&items=4&scheme=textbook&producers=1&consumers=1&sync=none&path=P0.P0.P0.P0.P0.P0.P0.P0.P0&step=9",
  },
  {
    id: "tight",
    title: "2. Tightness: the witness that 3 items fit",
    query:
      "?slots=4&items=4&scheme=textbook&producers=1&consumers=1&sync=none&path=P0.P0.P0.P0.P0.P0.P0.P0&step=8",
  },
  {
    id: "counter",
    title: "3. The counter scheme: all 4 cells, full when in − out == 4",
    query:
      "?slots=4&items=5&scheme=counter&producers=1&consumers=1&sync=none&start=0&path=P0.P0.P0.P0.P0.P0.P0.P0.P0.P0.P0.P0&step=12",
  },
  {
    id: "publish-before-write",
    title: "4. Mutant publish-before-write: a read of an unwritten cell",
    query:
      "?slots=3&items=2&scheme=textbook&producers=1&consumers=1&sync=none&mutant=publish-before-write&path=P0.P0.C0.C0&step=4",
  },
  {
    id: "release-before-read",
    title:
      "5. Mutant release-before-read: one item more than the capacity, released before it is read",
    query:
      "?slots=3&items=3&scheme=textbook&producers=1&consumers=1&sync=none&mutant=release-before-read&path=P0.P0.P0.P0.P0.P0.C0.C0.P0.P0&step=10",
  },
  {
    id: "wasted-two",
    title:
      "6. Mutant wasted-two: safe, but the producer waits with a free cell",
    query:
      "?slots=4&items=4&scheme=textbook&producers=1&consumers=1&sync=none&mutant=wasted-two&path=P0.P0.P0.P0.P0.P0&step=6",
  },
  {
    id: "wrap",
    title: "7. Counters across the 2³² wrap (mutant modulo-index breaks fifo)",
    query:
      "?slots=3&items=3&scheme=counter&producers=1&consumers=1&sync=none&start=4294967294&mutant=modulo-index&path=P0.P0.P0.P0.P0.P0.P0.P0.C0.C0.C0.C0.C0&step=13",
  },
  {
    id: "two-producers",
    title:
      "8. Two producers without a lock write the same cell: a read finds nothing",
    query:
      "?slots=3&items=1&scheme=textbook&producers=2&consumers=1&sync=none&path=P0.P0.P1.P1.P0.P1.C0.C0.C0.C0.C0&step=11",
  },
];
