import type { BusEvent, Plan } from '@lienganh/contracts';
import {
  CaseReferences,
  committeeSummary,
  compilePeriodicReport,
  CoordinationProjection,
  InMemoryCoordinationStore,
  parsePeriod,
  type CommitteeOverview,
  type PeriodicReport,
  type PlanSummary,
} from '@lienganh/coordination';
import { emptyFunnel, FUNNEL_STAGES, type Figures, type Flow, type Funnel, type PlanFigures } from './figures.js';
import { quartersOf } from './oracle.js';

/**
 * The board side of the check: the stream fed into coordination's pure projection (plans first,
 * then the events in arrival order), its changes committed to an in-memory store as the service
 * does, and the figures read through the functions the HTTP API answers with: `committeeSummary`
 * (GET /api/v1/committee/overview) and `compilePeriodicReport` (GET /api/v1/reports/periodic).
 */

/** How often the changes are committed to the store, in events (the service groups up to 500). */
const COMMIT_EVERY = 250;

export interface FedBoard {
  projection: CoordinationProjection;
  store: InMemoryCoordinationStore;
}

/** Feeds the plans, then the events; returns the projection and the store it committed to. */
export async function feedBoard(planEvents: BusEvent[], arrivals: BusEvent[]): Promise<FedBoard> {
  const projection = new CoordinationProjection(CaseReferences.ephemeral());
  const store = new InMemoryCoordinationStore();
  for (const event of planEvents) {
    const { plan } = projection.apply(event);
    if (plan) projection.planReady(plan.id);
  }
  let pending = 0;
  for (const event of arrivals) {
    projection.apply(event);
    if (++pending >= COMMIT_EVERY) {
      await store.commit(projection.takeChanges());
      pending = 0;
    }
  }
  await store.commit(projection.takeChanges());
  return { projection, store };
}

/**
 * The same events as live, in another order, with a plan that arrives mid-stream: `plans[0]`
 * first, the others after half of the events, each backfilled with the events applied so far as
 * the projector does (it re-reads the agency stream up to its checkpoint).
 */
export function feedBoardLive(planEvents: BusEvent[], arrivals: BusEvent[], cases: CaseReferences): CoordinationProjection {
  const projection = new CoordinationProjection(cases);
  const [first, ...later] = planEvents;
  const applied: BusEvent[] = [];
  const addPlan = (event: BusEvent) => {
    const { plan } = projection.apply(event);
    if (!plan) return;
    for (const earlier of applied) projection.backfill(plan.id, earlier);
    projection.planReady(plan.id);
  };
  if (first) addPlan(first);
  const half = Math.floor(arrivals.length / 2);
  arrivals.forEach((event, index) => {
    if (index === half) later.forEach(addPlan);
    projection.apply(event);
    applied.push(event);
  });
  if (arrivals.length === 0) later.forEach(addPlan);
  projection.takeChanges();
  return projection;
}

/** The board's figures for every plan, at `now`. */
export function boardFigures({ projection }: FedBoard, plans: Plan[], now: Date): Figures {
  const overview = committeeSummary(projection, now);
  const figures: PlanFigures[] = [];
  for (const plan of plans) {
    const reports = new Map<string, PeriodicReport>();
    for (const quarter of quartersOf(plan.period.start, plan.period.end)) {
      reports.set(quarter.key, compilePeriodicReport({ ...projection, state: projection.state, now }, { period: parsePeriod(quarter.key), plan: plan.id }));
    }
    figures.push(planFiguresOf(plan, overview, reports));
  }
  return { plans: figures };
}

/**
 * What the board shows of one plan, in the check's shape. The one place that knows the board's
 * field names: the per-plan rows the ADR asks for (`planLevel`, `referralFlows`, `bodies`) are
 * read when the board has them and left undefined when it does not (an older board).
 */
export function planFiguresOf(plan: Plan, overview: CommitteeOverview, reports: Map<string, PeriodicReport>): PlanFigures {
  const summary = overview.plans.find((entry) => entry.id === plan.id) as BoardPlanSummary | undefined;
  if (!summary) throw new Error(`the board has no plan ${plan.id}`);
  const targets = Object.fromEntries(overview.targets.filter((target) => target.planId === plan.id).map((target) => [target.id, target.achieved]));
  const parts = Object.fromEntries(
    overview.targets.filter((target) => target.planId === plan.id && target.parts).map((target) => [target.id, Object.fromEntries(target.parts!.map((part) => [part.key, part.achieved]))]),
  );
  const areas = Object.fromEntries(summary.areas.map((area) => [area.code, Object.fromEntries(area.targets.map((target) => [target.id, target.events]))]));
  const planLevel = summary.planLevel ? Object.fromEntries(summary.planLevel.targets.map((target) => [target.id, target.events])) : undefined;
  const flows = summary.referralFlows?.map((flow): Flow => ({ from: flow.from, to: flow.to, area: flow.area, ...funnelOf(flow) }));
  const quarters = Object.fromEntries(
    [...reports].map(([key, report]) => [key, Object.fromEntries(report.targets.filter((row) => row.planId === plan.id).map((row) => [row.id, row.cumulative]))]),
  );
  // Names: the plan summary's bodies (when the board lists them), the agency rows of the plan, and of its reports.
  const bodyNames: PlanFigures['bodyNames'] = [];
  for (const body of summary.bodies ?? []) bodyNames.push({ where: 'plan summary bodies', code: body.code, name: body.name });
  for (const agency of overview.agencies as BoardAgencySummary[]) {
    if (agency.planId === plan.id) bodyNames.push({ where: 'committee agencies', code: agency.agency, name: agency.name });
  }
  for (const [key, report] of reports) for (const row of report.agencies) bodyNames.push({ where: `report ${key} agencies`, code: row.agency, name: row.name });
  return { planId: plan.id, targets, parts, areas, planLevel, funnel: funnelOf(summary.referrals), flows, quarters, bodies: {}, bodyNames };
}

/** The plan summary as the ADR's board has it; the rows it added are optional here so that an older board reads too. */
type BoardPlanSummary = PlanSummary &
  Partial<{
    planLevel: { targets: { id: string; events: number }[] };
    referralFlows: ({ from: string; to: string; area: string } & Funnel)[];
    bodies: { code: string; name: { vi: string; en: string } }[];
  }>;
type BoardAgencySummary = CommitteeOverview['agencies'][number] & { planId?: string };

function funnelOf(source: Partial<Funnel>): Funnel {
  const funnel = emptyFunnel();
  for (const stage of FUNNEL_STAGES) funnel[stage] = source[stage] ?? 0;
  return funnel;
}
