import { AGENCY_STREAM, type BenchEnvironment } from './environment.js';
import { inspectionEvent, toWire } from './events.js';
import { rate, type Figures } from './figures.js';
import type { Reporter } from './progress.js';
import { SINGLE_CLIENTS } from './ingest.js';
import { consumeRaw, PUBLISH_WINDOW, publishAwaited, publishRaw } from './raw-jetstream.js';

export interface Baseline {
  publishRate: number;
  /** One awaited publish per caller at a time, as many callers as single-event ingest has clients. */
  awaitedPublishRate: number;
  consumeRate: number;
}

/**
 * 1. Raw JetStream, no framework: N inspection events (encoded beforehand, binary mode)
 * published asynchronously into the agency stream, then read back by a durable pull consumer
 * with explicit acks. The stream is emptied afterwards.
 */
export async function measureBaseline(env: BenchEnvironment, figures: Figures, reporter: Reporter, count: number): Promise<Baseline> {
  reporter.step(`baseline: raw JetStream, ${count} events published (async, ${PUBLISH_WINDOW} in flight) then consumed (durable pull, explicit ack)`);
  const messages = Array.from({ length: count }, (_, index) => toWire(inspectionEvent('raw', index, count)));
  figures.add('event.size', 'event size on the wire (binary mode, headers + data)', messages.reduce((sum, message) => sum + message.size, 0) / count, 'bytes');

  // Warm-up (JIT, the server's store files), not counted.
  const warmup = Array.from({ length: 2_000 }, (_, index) => toWire(inspectionEvent('raw-warmup', index, 2_000)));
  await publishRaw(env.js, warmup);
  await consumeRaw(env.js, env.jsm, AGENCY_STREAM, 'bench-raw-warmup', warmup.length);
  await env.jsm.consumers.delete(AGENCY_STREAM, 'bench-raw-warmup');
  await env.purgeAgencyEvents();

  const bar = reporter.bar('publish', count);
  let started = performance.now();
  await publishRaw(env.js, messages, { onProgress: (done) => bar.update(done) });
  const publishMs = performance.now() - started;
  bar.stop();
  const publishRate = figures.add('baseline.publish.rate', 'baseline: raw JetStream async publish', rate(count, publishMs), 'events/s');

  started = performance.now();
  await consumeRaw(env.js, env.jsm, AGENCY_STREAM, 'bench-raw-consumer', count);
  const consumeMs = performance.now() - started;
  const consumeRate = figures.add('baseline.consume.rate', 'baseline: raw JetStream durable pull consume, explicit ack', rate(count, consumeMs), 'events/s');

  await env.jsm.consumers.delete(AGENCY_STREAM, 'bench-raw-consumer');
  await env.purgeAgencyEvents();

  // What single-event ingest does per request, without the service: one awaited publish at a time per caller.
  const awaited = messages.map((message, index) => ({ ...message, msgID: `${message.msgID}-awaited-${index}` }));
  started = performance.now();
  await publishAwaited(env.js, awaited, SINGLE_CLIENTS);
  const awaitedPublishRate = figures.add('baseline.publish_awaited.rate', `baseline: raw JetStream publish, each awaited, ${SINGLE_CLIENTS} callers`, rate(count, performance.now() - started), 'events/s');
  await env.purgeAgencyEvents();

  // The same publish with the client's `noAsyncTraces` (no stack captured per request): what the
  // services would gain from that connection option. Not the baseline of the ratios.
  const again = messages.map((message, index) => ({ ...message, msgID: `${message.msgID}-notraces-${index}` }));
  started = performance.now();
  await publishRaw(env.loader, again);
  figures.add('baseline.publish_notraces.rate', 'raw publish with noAsyncTraces: true (for comparison)', rate(count, performance.now() - started), 'events/s');
  await env.purgeAgencyEvents();
  return { publishRate, awaitedPublishRate, consumeRate };
}
