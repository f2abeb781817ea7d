// Shared pieces of the sequence ring's tests: a ring with two handles a
// side, where its positions wrap, and raw access to its sequence numbers.
import {
  Consumer,
  createRing,
  type CreateRingOptions,
  inspectRing,
  Producer,
} from "../mod.ts";

/** Both sides many: handles may attach any number of times. */
export const MANY = { producers: "many", consumers: "many" } as const;

/** Where positions wrap for `slots`. */
export function limitOf(slots: number): number {
  return 2 ** 31 - 2 ** 31 % slots;
}

/** An int32 sequence ring with two producers and two consumers attached. */
export function openMany(options: Omit<CreateRingOptions<"int32">, "item">): {
  sab: SharedArrayBuffer;
  producers: [Producer<number>, Producer<number>];
  consumers: [Consumer<number>, Consumer<number>];
} {
  const sab = createRing({ ...MANY, ...options });
  return {
    sab,
    producers: [new Producer<number>(sab), new Producer<number>(sab)],
    consumers: [new Consumer<number>(sab), new Consumer<number>(sab)],
  };
}

/** The int32 sequence numbers of a sequence ring, as found. */
export function sequencesOf(sab: SharedArrayBuffer): Int32Array {
  const { slots, sequence } = inspectRing(sab);
  return new Int32Array(sab, sequence!.offset, slots);
}
