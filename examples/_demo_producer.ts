// The demo's producer Worker: the textbook's producer loop.
//
//   while (true) {
//     /* produce an item in next_produced */
//     while (((in + 1) % BUFFER_SIZE) == out) ; /* do nothing */
//     buffer[in] = next_produced;
//     in = (in + 1) % BUFFER_SIZE;
//   }
//
// `push` is that loop body, except that it sleeps instead of spinning while
// the ring is full.
import { Producer } from "@ringproof/ring";
import { Checksum, type DemoItem, valueOf } from "./_demo_item.ts";
import { serveJob } from "./_worker.ts";

export interface ProducerJob {
  readonly ring: SharedArrayBuffer;
  readonly items: number;
}

export interface ProducerReport {
  readonly checksum: string;
}

serveJob((job: ProducerJob): ProducerReport => {
  const producer = new Producer<DemoItem>(job.ring);
  const checksum = new Checksum();
  const nextProduced: DemoItem = { id: 0, value: 0 };
  for (let id = 0; id < job.items; id++) {
    nextProduced.id = id;
    nextProduced.value = valueOf(id);
    producer.push(nextProduced); // copies the struct into buffer[in]
    checksum.add(nextProduced);
  }
  // Tells the consumer there is no more: it still drains what is in the ring.
  producer.close();
  return { checksum: checksum.hex };
});
