import { buildEvent, coordinationPlanPublished, type Plan } from '@lienganh/contracts';
import type { BenchEnvironment } from './environment.js';
import { inspectionEvent, toWire, type WireMessage } from './events.js';
import type { Reporter } from './progress.js';
import { publishRaw } from './raw-jetstream.js';

/**
 * Fills the agency stream (raw publishing, not timed) with events `from`…`to - 1` of a series
 * of `total`, generated as they go so that a million never sit in memory at once.
 */
export async function loadAgencyEvents(env: BenchEnvironment, reporter: Reporter, range: { from: number; to: number; total: number }): Promise<void> {
  const bar = reporter.bar('loading the stream', range.to - range.from);
  function* messages(): Generator<WireMessage> {
    for (let index = range.from; index < range.to; index++) yield toWire(inspectionEvent('replay', index, range.total));
  }
  try {
    await publishRaw(env.loader, messages(), { onProgress: (done) => bar.update(done) });
  } finally {
    bar.stop();
  }
}

/** Puts plans on coordination's stream as `plan.published` events, as an import would (no coordination needed). */
export async function publishPlans(env: BenchEnvironment, plans: Plan[]): Promise<void> {
  await publishRaw(
    env.loader,
    plans.map((plan) => toWire(buildEvent(coordinationPlanPublished, plan, { id: `plan-published-${plan.id}` }))),
  );
}
