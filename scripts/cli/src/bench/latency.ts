import { request, type IncomingMessage } from 'node:http';
import type { Plan } from '@lienganh/contracts';
import type { RunningCoordinationService } from '@lienganh/coordination';
import { BENCH_TOKEN, INSPECTIONS_TARGET, inspectionsTarget } from './coordination.js';
import { AGENCY_STREAM, waitFor, type BenchEnvironment } from './environment.js';
import { benchEventKey } from './events.js';
import { percentile, rate, type Figures } from './figures.js';
import type { AgencyUnderTest } from './ingest.js';
import { absoluteNow, prepareLoad, type PostRecord } from './load.js';
import type { Reporter } from './progress.js';

const PREFIX = 'e2e';

/**
 * 4. End-to-end latency at a fixed offered rate: a worker thread posts single events to the
 * police service (child process) on an open-loop schedule; this process runs coordination
 * and notes when each event shows in the read model (its `eventKey` in the inspections target's
 * `applied`, checked after every commit through `projector.changes`) and when the SSE
 * message of that commit reaches a client of GET /api/v1/stream.
 */
export async function measureLatency(
  env: BenchEnvironment,
  coordination: RunningCoordinationService,
  plan: Plan,
  police: AgencyUnderTest,
  figures: Figures,
  reporter: Reporter,
  options: { rate: number; seconds: number; consumer: string },
): Promise<void> {
  const count = Math.max(1, Math.round(options.rate * options.seconds));
  reporter.step(`end-to-end latency: ${count} single events posted at ${options.rate}/s for ${options.seconds} s; read model and SSE`);
  const tracked = inspectionsTarget(coordination, plan);
  const keys = Array.from({ length: count }, (_, index) => benchEventKey(PREFIX, index));
  const visibleAt = new Float64Array(count).fill(Number.NaN);
  const commitCountOf = new Int32Array(count).fill(-1);
  const pending = new Set<number>();
  let candidates = 0;
  let goAt = Number.POSITIVE_INFINITY;

  // After each commit: which of the events due by now have become visible.
  const subscription = coordination.projector.changes.subscribe(() => {
    const now = absoluteNow();
    // The worker posts event i at (its go) + i / rate, and its go comes after goAt: none later than this can be visible.
    const due = Math.min(count, Math.floor(((now - goAt) / 1000) * options.rate) + 1);
    for (; candidates < due; candidates++) pending.add(candidates);
    // Applied to the read models and committed (this runs after the commit): visible.
    const { applied } = coordination.projector.projection.state;
    const counted = tracked.tally.numeratorCount;
    for (const index of pending) {
      if (!applied.has(keys[index]!)) continue;
      visibleAt[index] = now;
      commitCountOf[index] = counted;
      pending.delete(index);
    }
  });
  const sse = await openBoardStream(coordination.url, plan.id);
  const load = await prepareLoad({ kind: 'post', url: police.service.url, key: police.key, prefix: PREFIX, rate: options.rate, count, sockets: 256 });
  try {
    goAt = absoluteNow();
    const report = await load.go();
    if (report.kind !== 'post') throw new Error('unexpected load report');
    const accepted = report.records.filter((record) => record.status === 202);
    await waitFor(
      'end-to-end events in the read model',
      async () => accepted.every((record) => !Number.isNaN(visibleAt[record.index]!)) || (await env.consumerDone(AGENCY_STREAM, options.consumer)),
      120_000,
      5,
    );
    await waitFor('the last SSE message', () => sse.latestCount() >= tracked.tally.numeratorCount, 10_000, 5).catch(() => undefined);
    const sentAt = (record: PostRecord) => record.sentAt;
    const lastSent = Math.max(...report.records.map(sentAt));
    const firstSent = Math.min(...report.records.map(sentAt));

    const projection: number[] = [];
    const stream: number[] = [];
    let missing = 0;
    for (const record of accepted) {
      const visible = visibleAt[record.index]!;
      if (Number.isNaN(visible)) {
        missing++;
        continue;
      }
      projection.push(visible - record.sentAt);
      const shown = sse.arrivalOf(commitCountOf[record.index]!);
      if (shown !== undefined) stream.push(shown - record.sentAt);
    }
    const http = accepted.map((record) => record.answeredAt - record.sentAt);
    for (const list of [projection, stream, http]) list.sort((a, b) => a - b);

    figures.add('e2e.offered.rate', 'e2e: offered rate (single events, open loop)', options.rate, 'events/s');
    figures.add('e2e.sent.rate', 'e2e: rate actually sent', rate(Math.max(count - 1, 1), Math.max(lastSent - firstSent, 1)), 'events/s');
    figures.add('e2e.events', 'e2e: events posted', count, 'events');
    figures.add('e2e.failed', 'e2e: events not accepted (non-202) or never visible', count - accepted.length + missing, 'events');
    addPercentiles(figures, 'e2e.http', 'e2e: HTTP post → 202 (stream ack)', http);
    addPercentiles(figures, 'e2e.projection', 'e2e: HTTP post → visible in the read model', projection);
    addPercentiles(figures, 'e2e.sse', 'e2e: HTTP post → SSE message at a client', stream);
    if (report.errors.length > 0) reporter.step(`end-to-end: ${report.errors.length} errors, e.g. ${report.errors[0]}`);
  } finally {
    subscription.unsubscribe();
    sse.close();
    await load.terminate();
  }
}

function addPercentiles(figures: Figures, name: string, label: string, sorted: number[]): void {
  if (sorted.length === 0) throw new Error(`${label}: no measurement`);
  for (const p of [50, 95, 99]) figures.add(`${name}.p${p}`, `${label}, p${p}`, percentile(sorted, p), 'ms');
  figures.add(`${name}.max`, `${label}, max`, sorted[sorted.length - 1]!, 'ms');
}

/**
 * A client of the board's server-sent events, keeping for each `target` message of the
 * inspections target its count (`achieved`) and when it arrived.
 */
async function openBoardStream(base: string, planId: string): Promise<{ arrivalOf(count: number): number | undefined; latestCount(): number; close(): void }> {
  const arrivals: { count: number; at: number }[] = [];
  const response = await new Promise<IncomingMessage>((resolve, reject) => {
    const req = request(new URL('/api/v1/stream', base), { headers: { accept: 'text/event-stream', authorization: `Bearer ${BENCH_TOKEN}` } }, resolve);
    req.on('error', reject);
    req.end();
  });
  if (response.statusCode !== 200) throw new Error(`GET /api/v1/stream: HTTP ${response.statusCode}`);
  let buffer = '';
  response.setEncoding('utf8');
  response.on('data', (chunk: string) => {
    const at = absoluteNow();
    buffer += chunk;
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const type = /^event: ?(.*)$/m.exec(block)?.[1];
      const data = /^data: ?(.*)$/m.exec(block)?.[1];
      if (type !== 'target' || !data) continue;
      const target = JSON.parse(data) as { planId: string; id: string; achieved: number };
      if (target.planId === planId && target.id === INSPECTIONS_TARGET) arrivals.push({ count: target.achieved, at });
    }
  });
  response.on('error', () => undefined);
  return {
    // Counts only grow, message after message: the first message that shows at least this count.
    arrivalOf(count) {
      let low = 0;
      let high = arrivals.length;
      while (low < high) {
        const middle = (low + high) >> 1;
        if (arrivals[middle]!.count >= count) high = middle;
        else low = middle + 1;
      }
      return arrivals[low]?.at;
    },
    latestCount: () => arrivals[arrivals.length - 1]?.count ?? 0,
    close: () => response.destroy(),
  };
}
