/**
 * The textbook's producer–consumer problem, for real: a producer Worker and a
 * consumer Worker (two threads standing in for two processes) share one
 * bounded buffer — a ring of struct items in a SharedArrayBuffer with the
 * textbook's `in` and `out` indices. The consumer checks that the items
 * arrive in order and intact, and reports the fullest the ring ever got.
 *
 * ```sh
 * deno task demo
 * deno run --allow-read examples/producer_consumer.ts --slots 2 --items 100000 --scheme counter
 * ```
 *
 * Exits with status 1 when a check fails, 2 on a bad flag.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { integerFlag, mark, parseOrExit } from "./_flags.ts";
import {
  closeRing,
  createRing,
  inspectRing,
  type Scheme,
} from "@ringproof/ring";
import { ITEM } from "./_demo_item.ts";
import type { ConsumerJob, ConsumerReport } from "./_demo_consumer.ts";
import type { ProducerJob, ProducerReport } from "./_demo_producer.ts";
import { startWorker, withWatchdog } from "./_worker.ts";

interface DemoOptions {
  readonly slots: number;
  readonly items: number;
  readonly scheme: Scheme;
}

const WHAT = "Cannot run demo";

const USAGE =
  `Usage: deno run --allow-read examples/producer_consumer.ts [options]
  --slots N        BUFFER_SIZE, the number of slots (default 10, as in the textbook)
  --items N        how many items to send (default 1000000)
  --scheme NAME    "textbook" (holds slots - 1 items) or "counter" (holds all slots)`;

function parseOptions(args: string[]): DemoOptions {
  const { values } = parseArgs({
    args,
    options: {
      slots: { type: "string" },
      items: { type: "string" },
      scheme: { type: "string" },
    },
    strict: true,
    allowPositionals: false,
  });
  const scheme = values.scheme ?? "textbook";
  if (scheme !== "textbook" && scheme !== "counter") {
    throw new TypeError(
      `${WHAT}: --scheme must be "textbook" or "counter", received ${scheme}`,
    );
  }
  return {
    slots: integerFlag(values.slots, {
      name: "slots",
      fallback: 10,
      min: 2,
      max: 2 ** 20,
      what: WHAT,
    }),
    // Ids are uint32, so at most 2^32 items.
    items: integerFlag(values.items, {
      name: "items",
      fallback: 1_000_000,
      min: 1,
      max: 2 ** 32,
      what: WHAT,
    }),
    scheme,
  };
}

function count(n: number): string {
  return n.toLocaleString("en");
}

async function main(options: DemoOptions): Promise<boolean> {
  const { slots, items, scheme } = options;
  const ring = createRing({ slots, scheme, item: ITEM });
  const capacity = inspectRing(ring).capacity;
  console.log(
    `Producer–consumer through a bounded buffer (a ring in shared memory)

  buffer:  BUFFER_SIZE = ${slots} slots, "${scheme}" scheme, so it holds at most ${capacity} items
           (${
      scheme === "textbook"
        ? "one slot stays empty: in == out means empty, (in + 1) % BUFFER_SIZE == out means full"
        : "in and out count items forever: in - out is the number of items, full at BUFFER_SIZE"
    })
  item:    struct { id: uint32, value: float64 }, copied into and out of the slots
  stream:  ${count(items)} items, ids 0, 1, 2, …

The producer Worker writes buffer[in], then advances in; the consumer Worker
reads buffer[out], then advances out. When the buffer is full the producer
sleeps (Atomics.wait) until the consumer frees a slot; when it is empty the
consumer sleeps until the producer adds an item.
`,
  );

  const producer = await startWorker<ProducerReport>(
    new URL("./_demo_producer.ts", import.meta.url),
    "producer",
  );
  const consumer = await startWorker<ConsumerReport>(
    new URL("./_demo_consumer.ts", import.meta.url),
    "consumer",
  );
  const progress = new SharedArrayBuffer(4);
  const received = new Int32Array(progress);
  const start = performance.now();
  try {
    const [sent, got] = await withWatchdog(
      Promise.all([
        producer.run({ ring, items } satisfies ProducerJob),
        consumer.run({ ring, progress } satisfies ConsumerJob),
      ]),
      () => Atomics.load(received, 0),
    );
    const seconds = (performance.now() - start) / 1000;
    const inOrder = got.firstDisorder === null && got.received === items;
    const sameSum = sent.checksum === got.checksum;
    const withinCapacity = got.maxFill <= capacity;
    console.log(`Results
  order     ${mark(inOrder)}  ${
      inOrder
        ? `ids arrived as 0, 1, 2, …, ${
          count(items - 1)
        }: nothing lost, duplicated or reordered`
        : `${got.firstDisorder ?? "ids in order"}; ${count(got.received)} of ${
          count(items)
        } items received`
    }
  checksum  ${
      mark(sameSum)
    }  producer ${sent.checksum}, consumer ${got.checksum} (FNV-1a over every field)
  max fill  ${
      mark(withinCapacity)
    }  ${got.maxFill} of ${capacity}: the most items the consumer ever saw in the buffer
  speed     ${count(Math.round(items / seconds))} items/s (${
      seconds.toFixed(2)
    } s for ${count(items)} items)
`);
    const ok = inOrder && sameSum && withinCapacity;
    console.log(ok ? "PASS" : "FAIL");
    return ok;
  } catch (error) {
    // Wake anything still waiting, so the Workers can stop.
    closeRing(ring);
    console.error(`FAIL: ${(error as Error).message}`);
    return false;
  } finally {
    producer.worker.terminate();
    consumer.worker.terminate();
  }
}

const options = parseOrExit(() => parseOptions(Deno.args), {
  what: WHAT,
  usage: USAGE,
});
// Exit explicitly: a Worker stuck in a wait would otherwise keep the process
// alive after a failure.
Deno.exit(await main(options) ? 0 : 1);
