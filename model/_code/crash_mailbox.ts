// The crash scenarios' mailbox (`crash_scenarios.ts`): how the threads tell
// the supervisor what they did. A SharedArrayBuffer the setup makes for each
// execution and hands over in the parameters (so the checked Workers receive
// it with them). The ring module's Atomics are the checker's shim, which
// passes operations on any other buffer straight through, so the mailbox is
// no scheduling point: only one checked thread runs at a time.

/** Words of the mailbox per thread. */
const MAILBOX_STRIDE = 64;
/** A thread's handle id (0 until its constructor returned). */
const MB_ID = 0;
/** 1 once the thread's body returned. */
const MB_FINISHED = 1;
/** How many events follow. */
const MB_EVENTS = 2;
const MB_FIRST_EVENT = 3;
/** Global words after the threads': producers done, then the close flag. */
const MB_PRODUCERS_DONE = 0;
/** Set by the explorer: the victim died after its close had begun. */
export const MB_CLOSE_BEGUN = 1;

/** What a thread records in the mailbox (besides its events for the history). */
export const MAILBOX_EVENTS = {
  /** A push of the item is about to start. */
  pushing: 1,
  /** The push of the item returned. */
  pushed: 2,
  /** A pop is about to start. */
  popping: 3,
  /** A pop returned the item. */
  popped: 4,
  /** The thread counted producer `item` among the producers done. */
  done: 5,
  /** The thread is about to close the ring for producer `item` (the last). */
  closing: 6,
  /** A supervisor is about to attach a replacement (`item` 1 producer, 2 consumer). */
  attaching: 7,
  /** A supervisor attached a replacement whose id is `item`. */
  attached: 8,
} as const;

/** One recorded mailbox event. */
export interface MailboxEvent {
  readonly kind: number;
  readonly item: number;
}

/** The mailbox's words for `threads` threads. */
export function mailboxWords(threads: number): number {
  return (threads + 1) * MAILBOX_STRIDE;
}

/** A view of the mailbox of an execution. */
export class Mailbox {
  readonly words: Int32Array;
  readonly threads: number;

  constructor(buffer: SharedArrayBuffer, threads: number) {
    this.words = new Int32Array(buffer);
    this.threads = threads;
  }

  #base(t: number): number {
    return t * MAILBOX_STRIDE;
  }

  #global(word: number): number {
    return this.threads * MAILBOX_STRIDE + word;
  }

  /** Thread `t`'s handle id, 0 if none. */
  id(t: number): number {
    return this.words[this.#base(t) + MB_ID]!;
  }

  setId(t: number, id: number): void {
    this.words[this.#base(t) + MB_ID] = id;
  }

  finished(t: number): boolean {
    return this.words[this.#base(t) + MB_FINISHED] === 1;
  }

  finish(t: number): void {
    this.words[this.#base(t) + MB_FINISHED] = 1;
  }

  record(t: number, kind: number, item = 0): void {
    const b = this.#base(t);
    const n = this.words[b + MB_EVENTS]!;
    if (MB_FIRST_EVENT + 2 * n + 1 >= MAILBOX_STRIDE) {
      throw new RangeError("Cannot record mailbox event: the mailbox is full");
    }
    this.words[b + MB_FIRST_EVENT + 2 * n] = kind;
    this.words[b + MB_FIRST_EVENT + 2 * n + 1] = item;
    this.words[b + MB_EVENTS] = n + 1;
  }

  events(t: number): MailboxEvent[] {
    const b = this.#base(t);
    const n = this.words[b + MB_EVENTS]!;
    return Array.from({ length: n }, (_, i) => ({
      kind: this.words[b + MB_FIRST_EVENT + 2 * i]!,
      item: this.words[b + MB_FIRST_EVENT + 2 * i + 1]!,
    }));
  }

  has(t: number, kind: number): boolean {
    return this.events(t).some((e) => e.kind === kind);
  }

  /** Counts one more producer done; returns how many are done now. */
  producerDone(): number {
    const at = this.#global(MB_PRODUCERS_DONE);
    this.words[at] = this.words[at]! + 1;
    return this.words[at]!;
  }

  flag(word: number): number {
    return this.words[this.#global(word)]!;
  }

  setFlag(word: number, value: number): void {
    this.words[this.#global(word)] = value;
  }
}

/** The mailbox of an execution, from its parameters. */
export function mailboxOf(
  params: Record<string, unknown>,
  threads: number,
): Mailbox {
  return new Mailbox(params.mailbox as SharedArrayBuffer, threads);
}
