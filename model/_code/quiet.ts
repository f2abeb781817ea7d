// The quiet words of the controller: words loaded and never written in any
// execution so far. A load of one commutes with everything, so the checked
// Workers do not make it a scheduling point (Channel.quiet); if such a word
// is ever written, the search must start over.
import { QUIET_WORDS } from "./protocol.ts";

/** The quiet words, shared with the checked Workers. */
export class QuietWords {
  /** One byte per word of the ring's buffer: 1 when quiet. */
  readonly map: Uint8Array = new Uint8Array(
    new SharedArrayBuffer(QUIET_WORDS),
  );
  #written = new Set<number>();
  #loaded = new Set<number>();
  /** Set when a quiet word was written: the search must start over. */
  broken = false;

  /** The quiet words (word indexes): a replay needs the same. */
  list(): number[] {
    const words: number[] = [];
    for (let w = 0; w < QUIET_WORDS; w++) {
      if (this.map[w] === 1) words.push(w);
    }
    return words;
  }

  /** Sets the quiet words (for a replay). */
  set(words: readonly number[]): void {
    this.reset();
    for (const w of words) this.map[w] = 1;
  }

  /** Forgets the quiet words (a new ring layout). */
  reset(): void {
    this.map.fill(0);
    this.#written.clear();
    this.broken = false;
  }

  /** Notes a write of the word at byte `addr`. */
  wrote(addr: number): void {
    const w = addr >> 2;
    if (w < 0 || w >= QUIET_WORDS) return;
    this.#written.add(w);
    if (this.map[w] === 1) {
      this.map[w] = 0;
      this.broken = true;
    }
  }

  /** Notes a load of word `w` in this execution. */
  loaded(w: number): void {
    this.#loaded.add(w);
  }

  /** Ends an execution; `learn`: its loaded, never written words become quiet. */
  endExecution(learn: boolean): void {
    if (learn) {
      for (const w of this.#loaded) {
        if (w >= 0 && w < QUIET_WORDS && !this.#written.has(w)) {
          this.map[w] = 1;
        }
      }
    }
    this.#loaded.clear();
  }
}
