// Heap by type after coordination caught up on N events (issue #23's "profile first").
// Usage: node scripts/profile/heap-profile.mjs [events=200000] [out=/tmp/coordination.heapsnapshot]
import { writeHeapSnapshot } from 'node:v8';
import { startCoordination, inspectionsTarget } from '../cli/dist/bench/coordination.js';
import { benchStream } from './bench-stream.mjs';

const events = Number(process.argv[2] ?? 200_000);
const out = process.argv[3] ?? '/tmp/coordination.heapsnapshot';
const { env, plan } = await benchStream(events);
try {
  global.gc?.();
  const before = process.memoryUsage();
  const t0 = performance.now();
  const coordination = await startCoordination(env.url, { consumerPrefix: 'profile' });
  const ms = performance.now() - t0;
  global.gc?.();
  const after = process.memoryUsage();
  console.error(`caught up on ${events} in ${(ms / 1000).toFixed(1)} s (${Math.round(events / ms * 1000)}/s); inspections counted ${inspectionsTarget(coordination, plan).tally.events}`);
  const mib = (bytes) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
  console.error(`heapUsed +${((after.heapUsed - before.heapUsed) / 2 ** 20).toFixed(1)} MiB, rss ${mib(after.rss)} (heap total ${mib(after.heapTotal)}, external ${mib(after.external)}, arrayBuffers ${mib(after.arrayBuffers)})`);
  if (process.env.IDLE_SECONDS) {
    // What V8's memory reducer and the allocator give back once the process idles.
    await new Promise((resolve) => setTimeout(resolve, Number(process.env.IDLE_SECONDS) * 1000));
    const idle = process.memoryUsage();
    console.error(`after ${process.env.IDLE_SECONDS} s idle: rss ${mib(idle.rss)} (heap total ${mib(idle.heapTotal)}, used ${mib(idle.heapUsed)})`);
  }
  const projection = coordination.projector.projection;
  const store = coordination.projector.store;
  let applied = 0; let values = 0;
  for (const tracked of projection.state.targets.values()) { applied += tracked.tally.events; values += tracked.tally.numeratorValues.size + tracked.tally.denominatorValues.size; }
  let historyEntries = 0; let activityEntries = 0; let recent = 0;
  for (const tracked of projection.state.targets.values()) { historyEntries += tracked.history.days.size + tracked.history.numerators.size + tracked.history.denominators.size; recent += tracked.recent.size; }
  for (const activity of projection.state.activity.values()) activityEntries += activity.size;
  console.error(JSON.stringify({ targets: projection.state.targets.size, tasks: projection.state.plans.size, applied, values, historyEntries, activityEntries, recent, deadlines: projection.deadlines.deadlines.size, referrals: projection.referrals.size, alerts: projection.alerts.size, storeDeadlines: store.deadlines?.size }));
  if (process.env.SNAPSHOT !== '0') console.error(`snapshot: ${writeHeapSnapshot(out)}`);
  await coordination.close();
} finally {
  await env.close();
}
