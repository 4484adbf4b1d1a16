import type { BusEvent, DeadlineRules, Plan } from '@lienganh/contracts';
import { findReport, periodsOf } from '../reporting/report-compliance.js';
import type { ReportRecord } from '../store/coordination-store.js';
import { isEarlier, vietnamDate } from '../targets/target-tally.js';

export type DeadlineKind = 'task' | 'referral-handover' | 'follow-up-check' | 'periodic-report' | 'hotspot-patrol';
export type AlertKind = 'approaching' | 'overdue' | 'escalated' | 'resolved';

/** One awaited action with a date: who owes it, where, by when, and what has been raised about it. */
export interface DeadlineRecord {
  /** Deterministic, from what it is about: `referral:<referralId>`, `report:<plan>:<body>:<cadence>:<period>`… */
  id: string;
  kind: DeadlineKind;
  /** The body that owes the awaited action. */
  agency: string;
  areaCode: string;
  dueAt: string;
  refId: string;
  /** The plan whose rule set it; its lead times and escalation threshold apply. */
  planId: string;
  /** When the awaited event happened (its `time`); tasks are met when every target is achieved. */
  metAt?: string;
  /** No longer awaited (a hotspot re-activated before its next patrol). */
  cancelled?: boolean;
  /** When the event that opened it happened, where the due time is counted from (patrols). */
  since?: string;
  /** A recurring duty: the cadence target that shows it done, and the period (`2021-05`, `2021-Q2`…). */
  duty?: { targetId: string; period: string };
  /** Alerts raised, by alert id (`<deadline id>:<kind>[:<lead days>]`), from coordination's stream. */
  raised: string[];
}

const DAY_MS = 86_400_000;
const CADENCE_OF = { month: 'monthly', quarter: 'quarterly', 'half-year': 'half-yearly', year: 'annual' } as const;

/**
 * The deadlines of every kind, derived from plans and agency events: referrals open a
 * hand-over deadline that the receiving agency's answer meets; inspections with violations
 * open a follow-up check; a cleared hotspot opens a patrol deadline that each patrol meets and
 * renews; a plan opens its task and periodic-report deadlines. Alert events (coordination's own)
 * record what was raised, so that nothing is raised twice, also after a restart.
 * Deterministic in stream order, which replay and live processing share.
 */
export class DeadlineBook {
  readonly deadlines = new Map<string, DeadlineRecord>();
  /** Answers seen before their referral (out of order): referralId → answering agency → earliest time. */
  private readonly earlyAnswers = new Map<string, Map<string, string>>();
  private readonly earlyFollowUps = new Map<string, string>();
  /**
   * Alerts read before their deadline: at a replay, coordination's stream (alerts) is read
   * before the agency events that open referral, follow-up and patrol deadlines.
   */
  private readonly earlyAlerts = new Map<string, string[]>();
  /** hotspotId → the open patrol deadline. */
  private readonly openPatrols = new Map<string, string>();
  /** Ids of deadlines changed since the last `takeChanged`. */
  private changed = new Set<string>();

  constructor(private readonly plans: () => Iterable<Plan>, private readonly isWithin: (area: string, ancestor: string) => boolean) {}

  /** A plan's own deadlines: tasks with a due date, and every periodic report it asks for. */
  addPlan(plan: Plan, reports: ReadonlyMap<string, ReportRecord>): void {
    for (const task of plan.tasks) {
      if (task.due) this.open({ id: `task:${plan.id}:${task.id}`, kind: 'task', agency: task.lead, areaCode: task.area ?? plan.area, dueAt: endOfDay(task.due), refId: task.id, planId: plan.id });
      if (task.recurrence) this.openDuties(plan, task);
    }
    if (!plan.reporting) return;
    const bodies = plan.reporting.from ?? [...new Set(plan.tasks.flatMap((task) => [task.lead, ...task.supporting]))].filter((body) => body !== plan.reporting!.to);
    for (const cadence of plan.reporting.cadences) {
      for (const period of periodsOf(cadence, plan.period.start, plan.period.end)) {
        for (const body of bodies) {
          const deadline = this.open({
            id: `report:${plan.id}:${body}:${cadence}:${period.key}`,
            kind: 'periodic-report',
            agency: body,
            areaCode: plan.area,
            dueAt: endOfDay(addDays(period.end, plan.reporting.dueDays)),
            refId: `${cadence}:${period.key}`,
            planId: plan.id,
          });
          const report = deadline && findReport(reports, { body, cadence, period: period.key, area: plan.area }, this.isWithin);
          if (report) this.meet(deadline!.id, report.submittedAt);
        }
      }
    }
  }

  /**
   * A recurring task owes something every period; where one of its targets counts periods (a
   * cadence measure, e.g. a publication every month), each period of that target is a deadline,
   * met once the target counts the period. Other recurring duties are reports, which the
   * reporting duty's deadlines cover.
   */
  private openDuties(plan: Plan, task: Plan['tasks'][number]): void {
    for (const targetId of task.targets) {
      const measure = plan.targets.find((target) => target.id === targetId)?.measure;
      if (measure?.kind !== 'cadence') continue;
      for (const period of periodsOf(CADENCE_OF[measure.every], plan.period.start, plan.period.end)) {
        this.open({
          id: `duty:${plan.id}:${task.id}:${targetId}:${period.key}`,
          kind: 'task',
          agency: task.lead,
          areaCode: task.area ?? plan.area,
          dueAt: endOfDay(period.end),
          refId: `${task.id}:${period.key}`,
          planId: plan.id,
          duty: { targetId, period: period.key },
        });
      }
    }
  }

  apply(event: BusEvent): void {
    const [, , agency, entity, action] = event.type.split('.');
    const data = event.data as Record<string, unknown>;
    if (agency === 'coordination' && entity === 'deadline') return this.alertRaised(event);
    if (entity === 'referral' && action === 'made') return this.referralMade(event, agency!);
    if (entity === 'referral' && (action === 'accepted' || action === 'declined')) return this.referralAnswered(event, agency!);
    if ((entity === 'inspection' || entity === 'joint-inspection') && action === 'completed' && data.outcome === 'violations-found') return this.violationsFound(event);
    if (entity === 'follow-up-check' && action === 'completed') return this.followUpDone(event);
    if (entity === 'report' && action === 'submitted') return this.reportSubmitted(event);
    if (entity === 'hotspot' && (action === 'cleared' || action === 'patrolled')) return this.hotspotWatched(event, action);
    if (entity === 'hotspot' && action === 'reactivated') return this.hotspotReactivated(event);
  }

  /**
   * For a plan added after events: opens the deadlines of an earlier event that no plan covered
   * then and the new plan covers. Answers and checks that came then were kept as early ones.
   */
  backfill(event: BusEvent, planId: string): void {
    const data = event.data as { areaCode?: unknown };
    if (typeof data.areaCode !== 'string' || this.rulesFor(data.areaCode, event.time)?.plan.id !== planId) return;
    const [, , , entity, action] = event.type.split('.');
    const opens = (entity === 'referral' && action === 'made') || entity === 'inspection' || entity === 'joint-inspection' || entity === 'hotspot';
    if (opens) this.apply(event);
  }

  /** Marks a deadline met at `time` (the earliest such time wins). */
  meet(id: string, time: string): void {
    const deadline = this.deadlines.get(id);
    if (!deadline || (deadline.metAt && !isEarlier(time, deadline.metAt))) return;
    deadline.metAt = time;
    this.changed.add(id);
  }

  takeChanged(): DeadlineRecord[] {
    const changed = [...this.changed].map((id) => this.deadlines.get(id)!);
    this.changed = new Set();
    return changed;
  }

  markChanged(ids: Iterable<string>): void {
    for (const id of ids) this.changed.add(id);
  }

  restore(records: DeadlineRecord[]): void {
    for (const record of records) this.deadlines.set(record.id, record);
    for (const record of records) {
      if (record.kind === 'hotspot-patrol' && !record.metAt && !record.cancelled) this.openPatrols.set(record.refId, record.id);
    }
  }

  private open(deadline: Omit<DeadlineRecord, 'raised'>): DeadlineRecord | undefined {
    if (this.deadlines.has(deadline.id)) return undefined;
    const record: DeadlineRecord = { ...deadline, raised: this.earlyAlerts.get(deadline.id) ?? [] };
    this.earlyAlerts.delete(deadline.id);
    this.deadlines.set(record.id, record);
    this.changed.add(record.id);
    return record;
  }

  /** The rules of the first plan covering the area and day; undefined when no plan covers it. */
  private rulesFor(areaCode: string, time: string): { plan: Plan; rules: DeadlineRules } | undefined {
    const day = vietnamDate(time);
    for (const plan of this.plans()) {
      if (day >= plan.period.start && day <= plan.period.end && this.isWithin(areaCode, plan.area)) return { plan, rules: plan.deadlines };
    }
    return undefined;
  }

  private referralMade(event: BusEvent, from: string): void {
    const data = event.data as { referralId: string; toAgency: string; areaCode: string; respondBy?: string };
    const covered = this.rulesFor(data.areaCode, event.time);
    const rule = covered?.rules.referralHandovers.find((handover) => handover.from === from && handover.to === data.toAgency);
    if (!covered || !rule) return;
    const byRule = Date.parse(event.time) + rule.days * DAY_MS;
    const dueAt = data.respondBy ? Math.min(byRule, Date.parse(endOfDay(data.respondBy))) : byRule;
    const id = `referral:${data.referralId}`;
    this.open({ id, kind: 'referral-handover', agency: data.toAgency, areaCode: data.areaCode, dueAt: new Date(dueAt).toISOString(), refId: data.referralId, planId: covered.plan.id });
    const answered = this.earlyAnswers.get(data.referralId)?.get(data.toAgency);
    if (answered) this.meet(id, answered);
  }

  private referralAnswered(event: BusEvent, by: string): void {
    const { referralId } = event.data as { referralId: string };
    const deadline = this.deadlines.get(`referral:${referralId}`);
    if (!deadline) {
      const answers = this.earlyAnswers.get(referralId) ?? new Map<string, string>();
      const earlier = answers.get(by);
      if (!earlier || isEarlier(event.time, earlier)) answers.set(by, event.time);
      this.earlyAnswers.set(referralId, answers);
      return;
    }
    if (deadline.agency === by) this.meet(deadline.id, event.time);
  }

  private violationsFound(event: BusEvent): void {
    const data = event.data as { inspectionId: string; areaCode: string };
    const covered = this.rulesFor(data.areaCode, event.time);
    if (!covered) return;
    const { days, by } = covered.rules.followUpCheck;
    const id = `follow-up:${data.inspectionId}`;
    this.open({ id, kind: 'follow-up-check', agency: by, areaCode: data.areaCode, dueAt: new Date(Date.parse(event.time) + days * DAY_MS).toISOString(), refId: data.inspectionId, planId: covered.plan.id });
    const done = this.earlyFollowUps.get(data.inspectionId);
    if (done) this.meet(id, done);
  }

  private followUpDone(event: BusEvent): void {
    const { inspectionId } = event.data as { inspectionId: string };
    const id = `follow-up:${inspectionId}`;
    if (this.deadlines.has(id)) return this.meet(id, event.time);
    const earlier = this.earlyFollowUps.get(inspectionId);
    if (!earlier || Date.parse(event.time) < Date.parse(earlier)) this.earlyFollowUps.set(inspectionId, event.time);
  }

  private reportSubmitted(event: BusEvent): void {
    const data = event.data as { reportingBody: string; areaCode: string; cadence: string; period: string };
    if (data.cadence === 'ad-hoc') return;
    for (const plan of this.plans()) {
      if (this.isWithin(data.areaCode, plan.area)) this.meet(`report:${plan.id}:${data.reportingBody}:${data.cadence}:${data.period}`, event.time);
    }
  }

  /**
   * A clearance starts the watch of a hotspot; each patrol meets the open patrol deadline and
   * opens the next one. A patrol of a hotspot not under watch (never cleared, or re-activated)
   * starts nothing. The same event applied again finds the deadline it opened and changes nothing.
   */
  private hotspotWatched(event: BusEvent, action: string): void {
    const data = event.data as { hotspotId: string; areaCode: string };
    const id = `patrol:${data.hotspotId}:${event.id}`;
    if (this.deadlines.has(id)) return;
    const open = this.openPatrols.get(data.hotspotId);
    if (action === 'patrolled' && !open) return;
    if (open) {
      if (action === 'patrolled') this.meet(open, event.time);
      else this.cancel(open); // cleared again: a new watch starts
    }
    const covered = this.rulesFor(data.areaCode, event.time);
    if (!covered) return;
    const { everyDays, by } = covered.rules.hotspotPatrol;
    const opened = this.open({ id, kind: 'hotspot-patrol', agency: by, areaCode: data.areaCode, dueAt: new Date(Date.parse(event.time) + everyDays * DAY_MS).toISOString(), refId: data.hotspotId, planId: covered.plan.id, since: event.time });
    if (opened) this.openPatrols.set(data.hotspotId, id);
  }

  /** Ends the watch, unless it started after the re-activation (a re-sent old event). */
  private hotspotReactivated(event: BusEvent): void {
    const { hotspotId } = event.data as { hotspotId: string };
    const open = this.openPatrols.get(hotspotId);
    if (!open) return;
    const deadline = this.deadlines.get(open)!;
    if (deadline.since && Date.parse(deadline.since) > Date.parse(event.time)) return;
    this.cancel(open);
    this.openPatrols.delete(hotspotId);
  }

  private cancel(id: string): void {
    const deadline = this.deadlines.get(id)!;
    if (deadline.cancelled || deadline.metAt) return;
    deadline.cancelled = true;
    this.changed.add(id);
  }

  private alertRaised(event: BusEvent): void {
    const { deadlineId } = event.data as { deadlineId: string };
    const deadline = this.deadlines.get(deadlineId);
    if (!deadline) {
      const early = this.earlyAlerts.get(deadlineId) ?? [];
      if (!early.includes(event.id)) this.earlyAlerts.set(deadlineId, [...early, event.id]);
      return;
    }
    if (deadline.raised.includes(event.id)) return;
    deadline.raised.push(event.id);
    this.changed.add(deadlineId);
  }
}


/** The last instant of a day in Vietnam (UTC+7), as an ISO time with its offset. */
export const endOfDay = (date: string) => `${date}T23:59:59+07:00`;
const addDays = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
