import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serviceMain, startServiceProcess, type ServiceProcess } from './child-process.js';
import { AGENCY_STREAM, waitFor, type BenchEnvironment } from './environment.js';
import { inspectionEvent } from './events.js';
import { percentOf, rate, type Figures } from './figures.js';
import { EventPoster, postAll } from './http-load.js';
import type { Reporter } from './progress.js';
import type { Baseline } from './baseline.js';

/** Events per request in the batch measurement, and clients posting at once. */
export const INGEST_BATCH = 100;
export const BATCH_CLIENTS = 8;
export const SINGLE_CLIENTS = 32;

/** The police service as its own process (`node services/police/dist/main.js`), with a key made for the run. */
export interface AgencyUnderTest {
  service: ServiceProcess;
  key: string;
  close(): Promise<void>;
}

export async function startPoliceProcess(env: BenchEnvironment): Promise<AgencyUnderTest> {
  const key = `bench-${randomBytes(16).toString('hex')}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'lienganh-bench-police-'));
  try {
    const service = await startServiceProcess(
      serviceMain('@lienganh/police'),
      // One client posts thousands of events a second: the rate limit raised far above that.
      { NATS_URL: env.url, POLICE_PORT: '0', DATA_DIR: dataDir, LIENGANH_AGENCY_KEYS: JSON.stringify({ police: key }), LIENGANH_RATE_LIMIT: '1000000000' },
      60_000,
    );
    return {
      service,
      key,
      async close() {
        await service.stop();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}

/**
 * 2. The same kind of events through the police service's HTTP API until the stream holds
 * every one: in batches (arrays of INGEST_BATCH, BATCH_CLIENTS clients), then one event per
 * request (SINGLE_CLIENTS clients); keep-alive, bodies serialised beforehand.
 */
export async function measureIngest(env: BenchEnvironment, police: AgencyUnderTest, figures: Figures, reporter: Reporter, count: number, baseline: Baseline): Promise<void> {
  const poster = new EventPoster(police.service.url, police.key, Math.max(BATCH_CLIENTS, SINGLE_CLIENTS));
  try {
    // Warm-up: connections, JIT, the service's first publishes; not counted.
    const warmup = Array.from({ length: 200 }, (_, index) => inspectionEvent('warmup', index, 200));
    await postAll(poster, warmup.map((event) => Buffer.from(JSON.stringify(event))), 8);
    await env.purgeAgencyEvents();

    for (const mode of ['batch', 'single'] as const) {
      const perRequest = mode === 'batch' ? INGEST_BATCH : 1;
      const clients = mode === 'batch' ? BATCH_CLIENTS : SINGLE_CLIENTS;
      reporter.step(`ingest (${mode}): ${count} events through the police service (child process), ${perRequest} per request, ${clients} keep-alive clients`);
      const bodies: Buffer[] = [];
      for (let first = 0; first < count; first += perRequest) {
        const events = Array.from({ length: Math.min(perRequest, count - first) }, (_, offset) => inspectionEvent(`ingest-${mode}`, first + offset, count));
        bodies.push(Buffer.from(JSON.stringify(perRequest === 1 ? events[0] : events)));
      }
      const bar = reporter.bar(`ingest ${mode}`, count);
      const started = performance.now();
      await postAll(poster, bodies, clients, (done) => bar.update(done * perRequest));
      // 202 means acknowledged by the stream or fsynced to the outbox: wait for the stream to hold them all.
      const ended = await waitFor('ingested events in the stream', async () => (await env.messages(AGENCY_STREAM)) >= count, 120_000, 2);
      bar.stop();
      const value = figures.add(`ingest.${mode}.rate`, `ingest: HTTP ${mode === 'batch' ? `batches of ${perRequest}` : 'single events'} → stream ack`, rate(count, ended - started), 'events/s');
      // Batches against the async publish of the bare client; single events against its awaited publish at the same concurrency.
      figures.add(`ingest.${mode}.ratio`, `ingest (${mode}) vs raw ${mode === 'single' ? 'awaited ' : ''}publish`, percentOf(value, mode === 'single' ? baseline.awaitedPublishRate : baseline.publishRate), '%');
      await env.purgeAgencyEvents();
    }
  } finally {
    poster.close();
  }
}
