import { AckPolicy, DeliverPolicy } from '@nats-io/jetstream';
import { AGENCY_STREAM, waitFor, type BenchEnvironment } from './environment.js';
import { percentOf, rate, type Figures } from './figures.js';
import { prepareLoad } from './load.js';
import type { Reporter } from './progress.js';
import { consumeRaw } from './raw-jetstream.js';

const LIVE_CONSUMER = 'bench-raw-live';

/**
 * 3a. The live projection's baseline, measured as it is: a raw durable pull consumer (client
 * defaults, explicit ack of each message) in this process, while the same worker thread publishes
 * N events raw at full speed, timed from the first publish until it has acked them all. The
 * baseline consumed from a full stream with nothing else running reads faster than anything can
 * while the two cores also store what is published.
 */
export async function measureLiveConsume(env: BenchEnvironment, figures: Figures, reporter: Reporter, count: number): Promise<number> {
  reporter.step(`baseline: raw JetStream durable pull consume while ${count} events are published (as the live projection is measured)`);
  const load = await prepareLoad({ kind: 'publish', natsUrl: env.url, prefix: 'raw-live', count });
  try {
    await env.jsm.consumers.add(AGENCY_STREAM, { durable_name: LIVE_CONSUMER, ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.All });
    const started = performance.now();
    const consuming = consumeRaw(env.js, env.jsm, AGENCY_STREAM, LIVE_CONSUMER, count);
    await Promise.all([load.go(), consuming]);
    return figures.add('baseline.consume_live.rate', 'baseline: raw JetStream durable pull consume while a worker publishes (live)', rate(count, performance.now() - started), 'events/s');
  } finally {
    await load.terminate();
    await env.jsm.consumers.delete(AGENCY_STREAM, LIVE_CONSUMER).catch(() => undefined);
    await env.purgeAgencyEvents();
  }
}

/**
 * 3. Coordination (in this process, live, the Ba Đình plan on its board) consuming N events
 * published raw into the agency stream by a worker thread at full speed. Measured from the
 * first publish until its durable consumer `<prefix>-agency-events` has num_pending 0 and
 * num_ack_pending 0 (acks follow the group commit, so every event is then in the read model).
 * Not the start-up catch-up: that is the replay measurement.
 */
export async function measureProjection(
  env: BenchEnvironment,
  figures: Figures,
  reporter: Reporter,
  count: number,
  baselines: { liveConsumeRate: number; consumeRate: number },
  name: { figure: string; label: string; consumer: string },
): Promise<void> {
  reporter.step(`${name.label}: ${count} events published while coordination is live, until ${name.consumer} has nothing pending`);
  const load = await prepareLoad({ kind: 'publish', natsUrl: env.url, prefix: `${name.figure}`, count });
  const bar = reporter.bar('projection', count);
  const base = await env.lastSeq(AGENCY_STREAM);
  let published = false;
  let failure: unknown;
  const started = performance.now();
  const report = load.go().then(
    (value) => {
      published = true;
      return value;
    },
    (error: unknown) => {
      failure = error;
      throw error;
    },
  );
  report.catch(() => undefined); // surfaced by the wait below
  const timer = setInterval(() => {
    void env.jsm.consumers.info(AGENCY_STREAM, name.consumer).then(
      (info) => bar.update(info.ack_floor.stream_seq - base),
      () => undefined,
    );
  }, 500);
  try {
    const drained = async () => {
      if (failure) throw failure;
      return published && (await env.consumerDone(AGENCY_STREAM, name.consumer));
    };
    const ended = await waitFor(`${name.consumer} drained`, drained, 3_600_000, 5);
    const publishReport = await report;
    const value = figures.add(`${name.figure}.rate`, `${name.label}: events into the read models (live)`, rate(count, ended - started), 'events/s');
    figures.add(`${name.figure}.ratio`, `${name.label} vs raw consume (live, the same load)`, percentOf(value, baselines.liveConsumeRate), '%');
    figures.add(`${name.figure}.ratio_at_rest`, `${name.label} vs raw consume of a full stream, nothing else running`, percentOf(value, baselines.consumeRate), '%');
    if (publishReport.kind === 'publish') figures.add(`${name.figure}.publish.rate`, `${name.label}: of which publishing (worker thread)`, rate(count, publishReport.ms), 'events/s');
  } finally {
    clearInterval(timer);
    bar.stop();
    await load.terminate();
  }
}
