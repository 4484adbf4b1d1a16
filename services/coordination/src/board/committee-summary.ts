import { reportReceiverOf, revisionEffectiveFrom, revisionNumberOf, type Plan, type PlanTarget } from '@lienganh/contracts';
import { addTo, emptyFunnel, referralFunnel, referralsOfPlan, type ReferralFunnel } from '../referrals/referral-funnel.js';
import { planBacklog, type BodyBacklog } from '../deadlines/backlog.js';
import type { DeadlineBook } from '../deadlines/deadline-book.js';
import type { AgencyRegistry } from '../registry/agency-registry.js';
import type { AreaRegistry } from '../registry/area-registry.js';
import { reportingCompliance, type BodyCompliance } from '../reporting/report-compliance.js';
import type { ReferralRecord, ReportRecord } from '../store/coordination-store.js';
import { committeeOverview, taskBoard, type TargetOverview, type TaskBoardEntry } from './committee-view.js';
import { targetKey, type CoordinationState } from './coordination-state.js';
import { planImplementation, targetRollUps, type PlanImplementation } from './plan-implementation.js';

/** The Steering Committee 138's view: per target, per agency, per plan and district, the referral funnel, who reported on time. */
export interface CommitteeOverview {
  generatedAt: string;
  targets: TargetOverview[];
  agencies: AgencySummary[];
  plans: PlanSummary[];
}

/** One body's targets and tasks in one plan, named as that plan names it. */
export interface AgencySummary {
  planId: string;
  agency: string;
  name: { vi: string; en: string };
  targets: { total: number; achieved: number; onTrack: number; atRisk: number; overdue: number };
  tasks: { total: number; done: number; inProgress: number; notStarted: number; overdue: number; awaitingConfirmation: number; reopened: number };
}

export interface PlanSummary {
  id: string;
  number: string;
  /** The day it was signed: the board opens on the latest plan in force. */
  issuedOn: string;
  title: { vi: string; en: string };
  level: string;
  area: string;
  period: { start: string; end: string };
  /** The version shown (1: as first issued; a higher one: an amendment) and the day it governs from; history at `/api/v1/plans/:id/revisions`. */
  revision: { number: number; effectiveFrom: string };
  /** The bodies the plan names (lead, supporting, targets, reporting), as it names them. */
  bodies: { code: string; name: { vi: string; en: string } }[];
  /** Who is standing body, report receiver and referral receivers of the jurisdiction: the plan's `roles` (labour when it has none). */
  roles: { standingBody: string; reportReceiver: string; referralReceivers: string[] };
  /**
   * The areas right below the plan's (districts, or a two-tier province's wards): events counted
   * per target, each event in one area only; `planLevel` has the events at the plan's own level,
   * so that for a count target the rows add up to its total (ADR 0010, 5).
   */
  areas: { code: string; name: { vi: string; en: string }; targets: { id: string; events: number }[] }[];
  /** Every area the plan names, its own first: the board shows names, codes only in tooltips. */
  areaNames: { code: string; name: { vi: string; en: string } }[];
  planLevel: { targets: { id: string; events: number }[] };
  /** Referrals made in the plan's area and period, by the stages they reached (cumulative: ADR 0010, 6). */
  referrals: ReferralFunnel;
  /** The same per referring and receiving agency and area right below the plan's (the plan's own for referrals made at its level). */
  referralFlows: ({ from: string; to: string; area: string } & ReferralFunnel)[];
  /** Periodic reports due so far under the plan's reporting duty, per body and area it reports for. */
  reporting: BodyCompliance[];
  /** When the plan's deadlines started to raise alerts: the later of its import and its `alertsFrom` (ADR 0010, 8). */
  alertsFrom?: string;
  /** Per body, the duties missed before that (before import): shown here, never alerted; most missed first. */
  backlog: BodyBacklog[];
  /** The plans of the level below that implement this one: held, late, missing (issue #24); absent when it asks for none and has none. */
  implementation?: PlanImplementation;
}

export interface CommitteeInputs {
  state: CoordinationState;
  agencies: AgencyRegistry;
  areas: AreaRegistry;
  referrals: ReadonlyMap<string, ReferralRecord>;
  reports: ReadonlyMap<string, ReportRecord>;
  deadlines: DeadlineBook;
}

export function committeeSummary(inputs: CommitteeInputs, now: Date): CommitteeOverview {
  const rollUps = targetRollUps(inputs.state, inputs.areas, now);
  const targets = committeeOverview(inputs.state, inputs.areas, now).map((target) => {
    const rollUp = rollUps.get(targetKey(target.planId, target.id));
    return rollUp ? { ...target, rollUp } : target;
  });
  const tasks = taskBoard(inputs.state, inputs.areas, now);
  const plans = [...inputs.state.plans.values()].map((plan) => planSummary(plan, inputs, now));
  return {
    generatedAt: now.toISOString(),
    targets,
    agencies: plans.flatMap((plan) => agencySummaries(plan, targets, tasks)),
    plans,
  };
}

function agencySummaries(plan: PlanSummary, targets: TargetOverview[], tasks: TaskBoardEntry[]): AgencySummary[] {
  const names = new Map(plan.bodies.map((body) => [body.code, body.name]));
  const byAgency = new Map<string, AgencySummary>();
  const summary = (agency: string) => {
    let entry = byAgency.get(agency);
    if (!entry) {
      entry = {
        planId: plan.id,
        agency,
        name: names.get(agency) ?? { vi: agency, en: agency },
        targets: { total: 0, achieved: 0, onTrack: 0, atRisk: 0, overdue: 0 },
        tasks: { total: 0, done: 0, inProgress: 0, notStarted: 0, overdue: 0, awaitingConfirmation: 0, reopened: 0 },
      };
      byAgency.set(agency, entry);
    }
    return entry;
  };
  const targetField = { achieved: 'achieved', 'on-track': 'onTrack', 'at-risk': 'atRisk', overdue: 'overdue' } as const;
  const taskField = { done: 'done', 'in-progress': 'inProgress', 'not-started': 'notStarted', overdue: 'overdue', 'awaiting-confirmation': 'awaitingConfirmation', reopened: 'reopened' } as const;
  for (const target of targets) {
    if (target.planId !== plan.id) continue;
    const entry = summary(target.agency);
    entry.targets.total++;
    entry.targets[targetField[target.status]]++;
  }
  // A task is the lead agency's (chủ trì); supporting agencies answer to it.
  for (const task of tasks) {
    if (task.planId !== plan.id) continue;
    const entry = summary(task.lead);
    entry.tasks.total++;
    entry.tasks[taskField[task.status]]++;
  }
  return [...byAgency.values()].sort((a, b) => (a.agency < b.agency ? -1 : 1));
}

function planSummary(plan: Plan, inputs: CommitteeInputs, now: Date): PlanSummary {
  const { state, areas } = inputs;
  const children = areas.children(plan.area, plan.period.start);
  const childCodes = children.map((child) => child.code);
  const isWithin = (area: string, ancestor: string) => areas.isWithin(area, ancestor);
  // Each target's events per child area, each area code placed under one child (or the plan's level).
  const events = new Map<string, Map<string, number>>();
  for (const target of plan.targets) {
    const perArea = new Map<string, number>();
    const members = membersOf(target, plan, areas);
    for (const [code, count] of state.targets.get(targetKey(plan.id, target.id))!.tally.byArea) {
      if (members && !members.some((member) => areas.isWithin(code, member))) continue;
      const placed = areas.placeUnder(code, childCodes) ?? plan.area;
      perArea.set(placed, (perArea.get(placed) ?? 0) + count);
    }
    events.set(target.id, perArea);
  }
  const eventsIn = (area: string) => plan.targets.map((target) => ({ id: target.id, events: events.get(target.id)!.get(area) ?? 0 }));
  const referrals = referralsOfPlan(plan, inputs.referrals.values(), isWithin);
  const reporting = reportingCompliance(plan, inputs.reports, now, isWithin, (area, level, on) => areas.below(area, level, on));
  const implementation = planImplementation(plan, state, areas, reporting, now);
  return {
    id: plan.id,
    number: plan.number,
    issuedOn: plan.issuedOn,
    title: plan.title,
    level: plan.level,
    area: plan.area,
    period: plan.period,
    revision: { number: revisionNumberOf(plan), effectiveFrom: revisionEffectiveFrom(plan) },
    bodies: bodiesOf(plan).map((code) => ({ code, name: inputs.agencies.nameIn(plan, code, isWithin) })),
    roles: rolesOf(plan),
    areas: children.map((child) => ({ code: child.code, name: child.name, targets: eventsIn(child.code) })),
    areaNames: (plan.areas ?? []).map(({ code, name }) => ({ code, name })),
    planLevel: { targets: eventsIn(plan.area) },
    referrals: referralFunnel(referrals, () => true),
    referralFlows: referralFlows(referrals, (code) => areas.placeUnder(code, childCodes) ?? plan.area),
    reporting,
    ...(inputs.deadlines.alertsStart(plan.id) ? { alertsFrom: inputs.deadlines.alertsStart(plan.id) } : {}),
    backlog: planBacklog(plan.id, inputs.deadlines.deadlines.values(), inputs, now),
    ...(implementation ? { implementation } : {}),
  };
}

/** For a percentage of areas, the areas of its level: events outside them are members of none and show in no row (ADR 0010, 4-5). */
function membersOf(target: PlanTarget, plan: Plan, areas: AreaRegistry): string[] | undefined {
  const { measure } = target;
  if (measure.kind !== 'percentage' || measure.denominator.kind !== 'areas') return undefined;
  const { level, levels, kinds } = measure.denominator;
  return areas.matching(plan.area, plan.period.start, levels ?? (level ? [level] : undefined), kinds).map((area) => area.code);
}

/** The funnel per referring agency, receiving agency and area, in a stable order. */
function referralFlows(referrals: ReferralRecord[], areaOf: (code: string) => string): PlanSummary['referralFlows'] {
  const flows = new Map<string, PlanSummary['referralFlows'][number]>();
  for (const referral of referrals) {
    const from = referral.fromAgency ?? 'unknown';
    const to = referral.toAgency ?? 'unknown';
    const area = areaOf(referral.areaCode!);
    const key = `${from}|${to}|${area}`;
    let flow = flows.get(key);
    if (!flow) flows.set(key, (flow = { from, to, area, ...emptyFunnel() }));
    addTo(flow, referral);
  }
  return [...flows.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, flow]) => flow);
}

/** Every body a plan names, in its order: issuing body, targets, tasks (lead, then supporting), reporting, declared bodies. */
export function bodiesOf(plan: Plan): string[] {
  const codes = [
    plan.issuingBody,
    ...plan.targets.map((target) => target.agency),
    ...plan.tasks.flatMap((task) => [task.lead, ...task.supporting]),
    ...(plan.reporting ? [plan.reporting.to, ...(plan.reporting.from ?? [])] : []),
    ...plan.bodies.map((body) => body.code),
  ];
  return [...new Set(codes)];
}

/** A plan's roles, with what a plan without `roles` meant before the reform: labour, and the receivers of its hand-overs. */
function rolesOf(plan: Plan): PlanSummary['roles'] {
  const standingBody = plan.roles?.standingBody ?? 'labour';
  return {
    standingBody,
    reportReceiver: reportReceiverOf(plan) ?? standingBody,
    referralReceivers: plan.roles?.referralReceivers ?? [...new Set(plan.deadlines.referralHandovers.map((handover) => handover.to))],
  };
}
