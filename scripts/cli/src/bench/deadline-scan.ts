import { coordinationPlanPublished, buildEvent, type Plan } from '@lienganh/contracts';
import {
  CaseReferences,
  CoordinationProjection,
  decideAlerts,
  DeadlineEngine,
  type CoordinationProjector,
  type CoordinationPublisher,
} from '@lienganh/coordination';
import { inspectionEvent } from './events.js';
import type { Figures } from './figures.js';
import type { Reporter } from './progress.js';

/** The scan's "now": mid-2021, so that the deadlines are a mix of overdue, approaching and not yet due. */
const NOW = new Date('2021-07-01T09:00:00+07:00');

/**
 * 7. One pass of the deadline engine over `count` open deadlines, without I/O: a projection
 * (no store, no NATS) with the Ba Đình plan and `count` police inspections that found
 * violations, each opening a follow-up-check deadline that nothing meets; then
 * `DeadlineEngine.tick()` with a publisher that publishes nothing, and the pure
 * `decideAlerts` over the same records alone.
 */
export async function measureDeadlineScan(plan: Plan, figures: Figures, reporter: Reporter, count: number): Promise<void> {
  reporter.step(`deadline scan: one pass of the deadline engine over ${count} open follow-up deadlines (no I/O)`);
  const projection = new CoordinationProjection(CaseReferences.ephemeral());
  // Imported when its period starts: a deadline that had passed at the import would be backlog, never alerted (ADR 0010, 8).
  const published = projection.apply(buildEvent(coordinationPlanPublished, plan, { id: `plan-published-${plan.id}`, time: `${plan.period.start}T00:00:00+07:00` }));
  if (published.plan) projection.planReady(published.plan.id);
  for (let index = 0; index < count; index++) projection.apply(inspectionEvent('deadlines', index, count, 'violations-found'));
  const open = [...projection.deadlines.deadlines.values()].filter((deadline) => !deadline.metAt && !deadline.cancelled).length;

  const projector = { projection } as unknown as CoordinationProjector;
  const publisher = { publish: async () => undefined, publishEvent: async () => undefined } as unknown as CoordinationPublisher;
  const engine = new DeadlineEngine(projector, publisher, { now: () => NOW }, { tickMs: 0, logger: { error: () => undefined } });
  let started = performance.now();
  const decisions = await engine.tick();
  const scanMs = performance.now() - started;

  started = performance.now();
  let decided = 0;
  for (const deadline of projection.deadlines.deadlines.values()) decided += decideAlerts(deadline, plan.deadlines, NOW).length;
  const decideMs = performance.now() - started;

  figures.add('deadline.open', 'deadline scan: open deadlines', open, 'deadlines');
  figures.add('deadline.scan.ms', 'deadline scan: one DeadlineEngine pass (no-op publisher)', scanMs, 'ms');
  figures.add('deadline.alerts', 'deadline scan: alerts the pass decided', decisions.length, 'alerts');
  figures.add('deadline.decide.ms', 'deadline scan: decideAlerts alone over the same records', decideMs, 'ms');
  if (decided !== decisions.length) reporter.step(`deadline scan: decideAlerts alone decided ${decided} alerts, the engine ${decisions.length} (task deadlines judged by their targets)`);
}
