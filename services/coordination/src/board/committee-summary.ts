import type { Plan } from '@lienganh/contracts';
import { referralFunnel, type ReferralFunnel } from '../referrals/referral-funnel.js';
import { planBacklog, type BodyBacklog } from '../deadlines/backlog.js';
import type { DeadlineBook } from '../deadlines/deadline-book.js';
import type { AgencyRegistry } from '../registry/agency-registry.js';
import type { AreaRegistry } from '../registry/area-registry.js';
import { reportingCompliance, type BodyCompliance } from '../reporting/report-compliance.js';
import type { ReferralRecord, ReportRecord } from '../store/coordination-store.js';
import { vietnamDate } from '../targets/target-tally.js';
import { committeeOverview, taskBoard, type TargetOverview, type TaskBoardEntry } from './committee-view.js';
import { targetKey, type CoordinationState } from './coordination-state.js';

/** The Steering Committee 138's view: per target, per agency, per plan and district, the referral funnel, who reported on time. */
export interface CommitteeOverview {
  generatedAt: string;
  targets: TargetOverview[];
  agencies: AgencySummary[];
  plans: PlanSummary[];
}

export interface AgencySummary {
  agency: string;
  name: { vi: string; en: string };
  targets: { total: number; achieved: number; onTrack: number; atRisk: number; overdue: number };
  tasks: { total: number; done: number; inProgress: number; notStarted: number; overdue: number };
}

export interface PlanSummary {
  id: string;
  number: string;
  title: { vi: string; en: string };
  level: string;
  area: string;
  period: { start: string; end: string };
  /** The areas right below the plan's (districts, or a two-tier province's wards): events counted per target. */
  areas: { code: string; name: { vi: string; en: string }; targets: { id: string; events: number }[] }[];
  /** Referrals made in the plan's area and period, by the furthest stages they reached. */
  referrals: ReferralFunnel;
  /** Periodic reports due so far under the plan's reporting duty, per body and area it reports for. */
  reporting: BodyCompliance[];
  /** When the plan's deadlines started to raise alerts: the later of its import and its `alertsFrom` (ADR 0010, 8). */
  alertsFrom?: string;
  /** Per body, the duties missed before that (before import): shown here, never alerted; most missed first. */
  backlog: BodyBacklog[];
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
  const targets = committeeOverview(inputs.state, inputs.areas, now);
  const tasks = taskBoard(inputs.state, inputs.areas, now);
  return {
    generatedAt: now.toISOString(),
    targets,
    agencies: agencySummaries(targets, tasks, inputs.agencies),
    plans: [...inputs.state.plans.values()].map((plan) => planSummary(plan, inputs, now)),
  };
}

function agencySummaries(targets: TargetOverview[], tasks: TaskBoardEntry[], agencies: AgencyRegistry): AgencySummary[] {
  const byAgency = new Map<string, AgencySummary>();
  const summary = (agency: string) => {
    let entry = byAgency.get(agency);
    if (!entry) {
      entry = {
        agency,
        name: agencies.get(agency)?.name ?? { vi: agency, en: agency },
        targets: { total: 0, achieved: 0, onTrack: 0, atRisk: 0, overdue: 0 },
        tasks: { total: 0, done: 0, inProgress: 0, notStarted: 0, overdue: 0 },
      };
      byAgency.set(agency, entry);
    }
    return entry;
  };
  const targetField = { achieved: 'achieved', 'on-track': 'onTrack', 'at-risk': 'atRisk', overdue: 'overdue' } as const;
  const taskField = { done: 'done', 'in-progress': 'inProgress', 'not-started': 'notStarted', overdue: 'overdue' } as const;
  for (const target of targets) {
    const entry = summary(target.agency);
    entry.targets.total++;
    entry.targets[targetField[target.status]]++;
  }
  // A task is the lead agency's (chủ trì); supporting agencies answer to it.
  for (const task of tasks) {
    const entry = summary(task.lead);
    entry.tasks.total++;
    entry.tasks[taskField[task.status]]++;
  }
  return [...byAgency.values()].sort((a, b) => (a.agency < b.agency ? -1 : 1));
}

function planSummary(plan: Plan, inputs: CommitteeInputs, now: Date): PlanSummary {
  const { state, areas } = inputs;
  const children = areas.children(plan.area, plan.period.start);
  return {
    id: plan.id,
    number: plan.number,
    title: plan.title,
    level: plan.level,
    area: plan.area,
    period: plan.period,
    areas: children.map((child) => ({
      code: child.code,
      name: child.name,
      targets: plan.targets.map((target) => {
        const byArea = state.targets.get(targetKey(plan.id, target.id))!.tally.byArea;
        let events = 0;
        for (const [code, count] of byArea) if (areas.isWithin(code, child.code)) events += count;
        return { id: target.id, events };
      }),
    })),
    referrals: referralFunnel(inputs.referrals.values(), (referral) => {
      if (!referral.made || !referral.areaCode || !areas.isWithin(referral.areaCode, plan.area)) return false;
      const day = vietnamDate(referral.made);
      return day >= plan.period.start && day <= plan.period.end;
    }),
    reporting: reportingCompliance(plan, inputs.reports, now, (area, ancestor) => areas.isWithin(area, ancestor), (area, level, on) => areas.below(area, level, on)),
    ...(inputs.deadlines.alertsStart(plan.id) ? { alertsFrom: inputs.deadlines.alertsStart(plan.id) } : {}),
    backlog: planBacklog(plan.id, inputs.deadlines.deadlines.values(), inputs, now),
  };
}
