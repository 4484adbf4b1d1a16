import type { Plan } from '@lienganh/contracts';
import type { CoordinationStore } from '@lienganh/coordination';
import { startCoordination, inspectionsTarget } from './coordination.js';
import { AGENCY_STREAM, COORDINATION_STREAM, type BenchEnvironment } from './environment.js';
import { rate, type Figures } from './figures.js';
import type { Reporter } from './progress.js';

let runs = 0;

/**
 * 5. Rebuilding every read model from the streams: a fresh coordination service (this process,
 * its own consumer prefix, an empty store) timed from its start until it listens, which it
 * does only after reading both streams to their end and committing. `events` must be what the
 * agency stream holds.
 */
export async function measureReplay(
  env: BenchEnvironment,
  plan: Plan,
  figures: Figures,
  reporter: Reporter,
  events: number,
  name: { figure: string; label: string; store?: () => Promise<CoordinationStore> },
): Promise<void> {
  reporter.step(`${name.label}: a fresh coordination service rebuilding its read models from ${events} events`);
  const prefix = `bench-replay-${++runs}`;
  const store = name.store ? await name.store() : undefined;
  const started = performance.now();
  const coordination = await startCoordination(env.url, { consumerPrefix: prefix, ...(store ? { store } : {}) });
  const ms = performance.now() - started;
  try {
    const applied = inspectionsTarget(coordination, plan).tally.events;
    if (applied !== events) throw new Error(`${name.label}: the rebuilt board counts ${applied} inspections, the stream holds ${events}`);
  } finally {
    await coordination.close();
    await env.deleteConsumers(AGENCY_STREAM, prefix);
    await env.deleteConsumers(COORDINATION_STREAM, prefix);
  }
  figures.add(`${name.figure}.rate`, `${name.label}: events/s, start → listening`, rate(events, ms), 'events/s');
  figures.add(`${name.figure}.seconds`, `${name.label}: start → listening`, ms / 1000, 's');
}
