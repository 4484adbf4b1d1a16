import type { Baseline } from './baseline.js';
import { AGENCY_STREAM, waitFor, type BenchEnvironment } from './environment.js';
import { percentOf, rate, type Figures } from './figures.js';
import { prepareLoad } from './load.js';
import type { Reporter } from './progress.js';

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
  baseline: Baseline,
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
    figures.add(`${name.figure}.ratio`, `${name.label} vs raw consume`, percentOf(value, baseline.consumeRate), '%');
    if (publishReport.kind === 'publish') figures.add(`${name.figure}.publish.rate`, `${name.label}: of which publishing (worker thread)`, rate(count, publishReport.ms), 'events/s');
  } finally {
    clearInterval(timer);
    bar.stop();
    await load.terminate();
  }
}
