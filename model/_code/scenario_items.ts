// The items of the built-in scenarios: producer p pushes p * 10 + 1,
// p * 10 + 2, … and a setup's prefill 91, 92, …, so the history check can
// tell every item apart.
import type { RingModule } from "./scenario_types.ts";

/** The items producer `p` pushes. */
export function itemsOf(p: number, params: Record<string, unknown>): number[] {
  const n = Number(params.items ?? 2);
  return Array.from({ length: n }, (_, i) => p * 10 + i + 1);
}

/** The items a scenario's setup pushes before the threads start. */
export function prefillOf(params: Record<string, unknown>): number[] {
  const n = Number(params.prefill ?? 0);
  return Array.from({ length: n }, (_, i) => 90 + i + 1);
}

/**
 * Pushes the scenario's prefill into `sab` on the controller's thread,
 * before the threads start (a full ring makes the producer wait with one
 * item instead of several); returns `sab`.
 */
export function prefilled(
  ring: RingModule,
  sab: SharedArrayBuffer,
  params: Record<string, unknown>,
): SharedArrayBuffer {
  const prefill = prefillOf(params);
  if (prefill.length > 0) {
    const producer = new ring.Producer(sab);
    producer.pushMany(prefill);
    producer.detach();
  }
  return sab;
}
