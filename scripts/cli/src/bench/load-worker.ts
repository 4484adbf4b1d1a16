import { parentPort, workerData } from 'node:worker_threads';
import { jetstream } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { eventId, inspectionEvent, toWire } from './events.js';
import { EventPoster } from './http-load.js';
import { absoluteNow, type LoadReport, type LoadTask, type PostRecord } from './load.js';
import { publishRaw } from './raw-jetstream.js';

/** The load generators of `load.ts`, in a worker thread. */

async function publish(task: Extract<LoadTask, { kind: 'publish' }>): Promise<LoadReport> {
  const nc = await connect({ servers: task.natsUrl, name: 'lienganh-bench-publisher', noAsyncTraces: true });
  try {
    const messages = Array.from({ length: task.count }, (_, index) => toWire(inspectionEvent(task.prefix, index, task.count)));
    await ready();
    const started = performance.now();
    const published = await publishRaw(jetstream(nc), messages);
    return { kind: 'publish', published, ms: performance.now() - started };
  } finally {
    await nc.close();
  }
}

/** Open-loop: event i leaves at start + i / rate, whatever became of the ones before (no coordinated omission). */
async function post(task: Extract<LoadTask, { kind: 'post' }>): Promise<LoadReport> {
  const poster = new EventPoster(task.url, task.key, task.sockets);
  const bodies = Array.from({ length: task.count }, (_, index) => Buffer.from(JSON.stringify(inspectionEvent(task.prefix, index, task.count))));
  const records: PostRecord[] = [];
  const errors: string[] = [];
  const pending: Promise<void>[] = [];
  await ready();
  const start = performance.now();
  for (let index = 0; index < task.count; index++) {
    const wait = start + (index / task.rate) * 1000 - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    const sentAt = absoluteNow();
    pending.push(
      poster.post(bodies[index]!).then(
        (answer) => {
          records.push({ index, sentAt, answeredAt: absoluteNow(), status: answer.status });
          if (answer.status !== 202 && errors.length < 5) errors.push(`${eventId(task.prefix, index)}: HTTP ${answer.status} ${answer.body.slice(0, 200)}`);
        },
        (error: unknown) => {
          records.push({ index, sentAt, answeredAt: absoluteNow(), status: 0 });
          if (errors.length < 5) errors.push(`${eventId(task.prefix, index)}: ${error instanceof Error ? error.message : String(error)}`);
        },
      ),
    );
  }
  await Promise.all(pending);
  poster.close();
  return { kind: 'post', records, errors };
}

/** Tells the bench that everything is prepared, and waits for its go. */
function ready(): Promise<void> {
  return new Promise((resolve) => {
    parentPort!.once('message', () => resolve());
    parentPort!.postMessage({ ready: true });
  });
}

const task = workerData as LoadTask;
const report = await (task.kind === 'publish' ? publish(task) : post(task));
parentPort!.postMessage({ report });
