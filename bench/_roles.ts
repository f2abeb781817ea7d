// Every role a benchmark Worker can play, by name.
import type { Run } from "./_drivers.ts";
import type { Task } from "./_protocol.ts";
import { copyBulk, copyCeiling } from "./_roles_copy.ts";
import {
  floorExchangeConsumer,
  floorExchangeProducer,
} from "./_roles_floor.ts";
import {
  addConsumer,
  addPingInitiator,
  addPingResponder,
  addProducer,
  layoutConsumer,
  layoutProducer,
} from "./_roles_layout.ts";
import {
  postConsumer,
  postPingInitiator,
  postPingResponder,
  postProducer,
  postStructConsumer,
  postStructProducer,
} from "./_roles_post.ts";
import {
  ringAsyncConsumer,
  ringAsyncProducer,
  ringBatchConsumer,
  ringBatchProducer,
  ringBlockingConsumer,
  ringBlockingProducer,
  ringBulkConsumer,
  ringBulkProducer,
  ringPingInitiator,
  ringPingResponder,
  ringSpinConsumer,
  ringSpinProducer,
  ringStructConsumer,
  ringStructProducer,
} from "./_roles_ring.ts";
import {
  ringbufBatchConsumer,
  ringbufBatchProducer,
  ringbufBulkConsumer,
  ringbufBulkProducer,
  ringbufPingInitiator,
  ringbufPingResponder,
  ringbufSpinConsumer,
  ringbufSpinProducer,
} from "./_roles_ringbuf.ts";

/** Sets a role up for one run and returns its timed part. */
export type RoleFactory = (task: Task) => Run;

/** The roles, by the name a Task gives. */
export const ROLES = {
  "ring.spin.producer": ringSpinProducer,
  "ring.spin.consumer": ringSpinConsumer,
  "ring.blocking.producer": ringBlockingProducer,
  "ring.blocking.consumer": ringBlockingConsumer,
  "ring.batch.producer": ringBatchProducer,
  "ring.batch.consumer": ringBatchConsumer,
  "ring.bulk.producer": ringBulkProducer,
  "ring.bulk.consumer": ringBulkConsumer,
  "ring.struct.producer": ringStructProducer,
  "ring.struct.consumer": ringStructConsumer,
  "ring.async.producer": ringAsyncProducer,
  "ring.async.consumer": ringAsyncConsumer,
  "ring.ping.initiator": ringPingInitiator,
  "ring.ping.responder": ringPingResponder,
  "ringbuf.spin.producer": ringbufSpinProducer,
  "ringbuf.spin.consumer": ringbufSpinConsumer,
  "ringbuf.batch.producer": ringbufBatchProducer,
  "ringbuf.batch.consumer": ringbufBatchConsumer,
  "ringbuf.bulk.producer": ringbufBulkProducer,
  "ringbuf.bulk.consumer": ringbufBulkConsumer,
  "ringbuf.ping.initiator": ringbufPingInitiator,
  "ringbuf.ping.responder": ringbufPingResponder,
  "post.producer": postProducer,
  "post.consumer": postConsumer,
  "post.struct.producer": postStructProducer,
  "post.struct.consumer": postStructConsumer,
  "post.ping.initiator": postPingInitiator,
  "post.ping.responder": postPingResponder,
  "copy.ceiling": copyCeiling,
  "copy.bulk": copyBulk,
  // This ring's per-item calls alone: the packed layout sketch.
  "floor.store.producer": layoutProducer("packed"),
  "floor.store.consumer": layoutConsumer("packed"),
  "floor.exchange.producer": floorExchangeProducer,
  "floor.exchange.consumer": floorExchangeConsumer,
  "layout.packed.producer": layoutProducer("packed"),
  "layout.packed.consumer": layoutConsumer("packed"),
  "layout.padded.producer": layoutProducer("padded"),
  "layout.padded.consumer": layoutConsumer("padded"),
  "layout.shared.producer": layoutProducer("shared"),
  "layout.shared.consumer": layoutConsumer("shared"),
  "layout.indices.producer": layoutProducer("indices"),
  "layout.indices.consumer": layoutConsumer("indices"),
  "layout.indices-padded.producer": layoutProducer("indices-padded"),
  "layout.indices-padded.consumer": layoutConsumer("indices-padded"),
  // This ring's protocol (one add a side) over four layouts, one way and
  // as a round trip through two rings.
  "add.packed.producer": addProducer("packed"),
  "add.packed.consumer": addConsumer("packed"),
  "add.shared.producer": addProducer("shared"),
  "add.shared.consumer": addConsumer("shared"),
  "add.in-slots.producer": addProducer("in-slots"),
  "add.in-slots.consumer": addConsumer("in-slots"),
  "add.padded.producer": addProducer("padded"),
  "add.padded.consumer": addConsumer("padded"),
  "add.packed.initiator": addPingInitiator("packed"),
  "add.packed.responder": addPingResponder("packed"),
  "add.shared.initiator": addPingInitiator("shared"),
  "add.shared.responder": addPingResponder("shared"),
  "add.in-slots.initiator": addPingInitiator("in-slots"),
  "add.in-slots.responder": addPingResponder("in-slots"),
  "add.padded.initiator": addPingInitiator("padded"),
  "add.padded.responder": addPingResponder("padded"),
} as const satisfies Record<string, RoleFactory>;

/** A role's name. */
export type RoleName = keyof typeof ROLES;

/** Whether `name` names a role. */
export function isRoleName(name: string): name is RoleName {
  return Object.hasOwn(ROLES, name);
}
