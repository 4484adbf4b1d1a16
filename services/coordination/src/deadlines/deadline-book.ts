import { revisionEffectiveFrom, type BusEvent, type DeadlineRules, type Plan, type PlanTask } from '@lienganh/contracts';
import type { CaseReferences } from '../access/case-references.js';
import type { TaskFact } from '../board/task-completion.js';
import { findReport, periodsOf, reportingDutyUnits, type AreasBelow } from '../reporting/report-compliance.js';
import type { ReportRecord } from '../store/coordination-store.js';
import { isEarlier, vietnamDate } from '../targets/target-tally.js';

export type DeadlineKind = 'task' | 'referral-handover' | 'follow-up-check' | 'periodic-report' | 'hotspot-patrol';
export type AlertKind = 'approaching' | 'overdue' | 'escalated' | 'resolved';

/** One awaited action with a date: who owes it, where, by when, and what has been raised about it. */
export interface DeadlineRecord {
  /** Deterministic, from what it is about: `referral:<case reference>`, `report:<plan>:<body>:<cadence>:<period>`… */
  id: string;
  kind: DeadlineKind;
  /** The body that owes the awaited action. */
  agency: string;
  areaCode: string;
  dueAt: string;
  /** What it is about: a task, an inspection, a report period, a hotspot; a referral by its case reference (ADR 0021). */
  refId: string;
  /** The referral a hand-over is about: shown to the parties of the case and the secretariat only, never published. */
  referralId?: string;
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
  /**
   * When alerts about it may start: the later of its plan's import (the `time` of the
   * `plan.published` event) and the plan's `alertsFrom`. A deadline due before it is backlog:
   * counted on the board per body, never alerted (ADR 0010, 8). Absent when not known (a record
   * kept by an earlier version): alerts as before.
   */
  alertsFrom?: string;
  /** Alerts raised, by alert id (`<deadline id>:<kind>[:<lead days>]`), from coordination's stream. */
  raised: string[];
}

const DAY_MS = 86_400_000;
/** Days a reopened task's lead gets when its due date has passed (or is nearer): ADR 0005. */
export const REOPEN_GRACE_DAYS = 14;
const CADENCE_OF = { month: 'monthly', quarter: 'quarterly', 'half-year': 'half-yearly', year: 'annual' } as const;

/**
 * The deadlines of every kind, derived from plans and agency events: referrals open a
 * hand-over deadline that the receiving agency's answer meets; inspections with violations
 * open a follow-up check; a cleared hotspot opens a patrol deadline that each patrol meets and
 * renews; a plan opens its task and periodic-report deadlines. Alert events (coordination's own)
 * record what was raised, so that nothing is raised twice, also after a restart.
 * Deterministic in stream order, which replay and live processing share.
 */
/** Facts that came before the deadline they concern (out of order, or alerts read before the agency events at a replay). */
export interface WaitingDeadlineFacts {
  /** referralId → answering agency → earliest answer time. */
  answers: [string, Record<string, string>][];
  /** inspectionId → earliest follow-up time. */
  followUps: [string, string][];
  /** deadlineId → alert event ids. */
  alerts: [string, string[]][];
}

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
  /**
   * hotspotId → plan → the open patrol deadline, and the plan's area. A hotspot is watched under
   * the plan that covered its clearance; two jurisdictions' police may use the same hotspot id,
   * so an event of a hotspot touches only the watches of plans whose area it is in.
   */
  private readonly openPatrols = new Map<string, Map<string, { id: string; area: string }>>();
  /** planId → when its alerts start (`DeadlineRecord.alertsFrom`). */
  private readonly alertStarts = new Map<string, string>();
  /** planId → body → the areas it reports for, one by one (`reporting.eachArea`). */
  private readonly reportAreas = new Map<string, Map<string, string[]>>();
  /**
   * planId → the deadline rules of each version, with the day it governs from, oldest first: an
   * event is held to the rules in force on its own date, so that replay (which knows every
   * version before any agency event) and live processing agree. Memory only: a plan restored
   * from a store has its current version's rules alone.
   */
  private readonly rulesByRevision = new Map<string, { from: string; rules: DeadlineRules }[]>();
  /** A plan being re-counted after a revision: the events of its backfill re-time the hand-overs and checks they opened. */
  private retiming: string | undefined;
  /** Ids of deadlines changed since the last `takeChanged`. */
  private changed = new Set<string>();
  /** Whether the facts waiting for their deadline (early answers, follow-ups, alerts) changed since `takeWaiting`. */
  private waitingChanged = false;

  constructor(
    private readonly plans: () => Iterable<Plan>,
    private readonly isWithin: (area: string, ancestor: string) => boolean,
    private readonly cases: CaseReferences,
  ) {}

  /** The id of a referral's hand-over deadline: named by the case reference, never by the referral's id (ADR 0021). */
  referralDeadlineId(referralId: string): string {
    return `referral:${this.cases.of(referralId)}`;
  }

  /**
   * A plan's own deadlines: tasks with a due date, each period of every cadence target, and every
   * periodic report it asks for. `publishedAt` is the `time` of the plan's `plan.published` event:
   * with the plan's `alertsFrom`, it says from when its deadlines raise alerts (ADR 0010, 8), so
   * that replay decides as live processing did. `areasBelow` lists the areas a body reports for
   * one by one (`reporting.eachArea`); the plan's own `areas` without it.
   */
  addPlan(plan: Plan, reports: ReadonlyMap<string, ReportRecord>, context: PlanDeadlineContext = {}): void {
    const alertsFrom = alertsStartOf(plan, context.publishedAt);
    if (alertsFrom && !this.alertStarts.has(plan.id)) this.alertStarts.set(plan.id, alertsFrom);
    if (!this.rulesByRevision.has(plan.id)) this.rulesByRevision.set(plan.id, [{ from: plan.period.start, rules: plan.deadlines }]);
    // A revision opens only what falls due from the day it governs, with its own alert start.
    const from = context.from ? Date.parse(context.from) : undefined;
    const open = (deadline: Omit<DeadlineRecord, 'raised'>) => (from !== undefined && Date.parse(deadline.dueAt) < from ? undefined : this.open(deadline, context.alertsFrom));
    for (const task of plan.tasks) {
      if (task.due) open({ id: `task:${plan.id}:${task.id}`, kind: 'task', agency: task.lead, areaCode: task.area ?? plan.area, dueAt: endOfDay(task.due), refId: task.id, planId: plan.id });
    }
    this.openDuties(plan, open);
    if (!plan.reporting) return;
    const units = reportingDutyUnits(plan, this.isWithin, context.areasBelow);
    const perArea = new Map<string, string[]>();
    for (const unit of units) if (unit.perArea) perArea.set(unit.body, [...(perArea.get(unit.body) ?? []), unit.area]);
    if (perArea.size > 0 && !this.reportAreas.has(plan.id)) this.reportAreas.set(plan.id, perArea);
    for (const cadence of plan.reporting.cadences) {
      for (const period of periodsOf(cadence, plan.period.start, plan.period.end)) {
        for (const { body, area, perArea: byArea } of units) {
          const deadline = open({
            id: reportDeadlineId(plan.id, body, cadence, period.key, byArea ? area : undefined),
            kind: 'periodic-report',
            agency: body,
            areaCode: area,
            dueAt: endOfDay(addDays(period.end, plan.reporting.dueDays)),
            refId: `${cadence}:${period.key}`,
            planId: plan.id,
          });
          const report = deadline && findReport(reports, { body, cadence, period: period.key, area }, this.isWithin);
          if (report) this.meet(deadline!.id, report.submittedAt);
        }
      }
    }
  }

  /**
   * A revision of a known plan (ADR 0005, amendment on revisions). The deadlines of the plan's own
   * (task due dates and their reopened rounds, cadence duties, periodic reports) that fall due
   * before the revision's `effectiveFrom` stand, as met or alerted as they were; those due from
   * that day on are replaced by the revision's. One the revision owes again under the same id keeps
   * the alerts raised about it and when its alerts started (never raised twice); one it adds alerts
   * from the later of the plan's alert start and the revision's own (its import, its `alertsFrom`).
   * Hand-overs, follow-up checks and patrols came from events: they stand, re-timed by the
   * revision's backfill (`startRetiming`) when their event falls under the new rules. Returns the
   * ids removed, for the store to drop before it writes those opened again.
   */
  revisePlan(plan: Plan, reports: ReadonlyMap<string, ReportRecord>, context: { publishedAt?: string; areasBelow?: AreasBelow } = {}): string[] {
    const from = `${revisionEffectiveFrom(plan)}T00:00:00+07:00`;
    const replaced = new Map<string, Pick<DeadlineRecord, 'raised' | 'alertsFrom'>>();
    for (const deadline of [...this.deadlines.values()]) {
      if (deadline.planId !== plan.id || (deadline.kind !== 'task' && deadline.kind !== 'periodic-report') || isEarlier(deadline.dueAt, from)) continue;
      replaced.set(deadline.id, { raised: deadline.raised, ...(deadline.alertsFrom ? { alertsFrom: deadline.alertsFrom } : {}) });
      this.deadlines.delete(deadline.id);
      this.changed.delete(deadline.id);
    }
    this.reportAreas.delete(plan.id);
    this.rulesByRevision.set(plan.id, [...(this.rulesByRevision.get(plan.id) ?? []).filter((version) => version.from < revisionEffectiveFrom(plan)), { from: revisionEffectiveFrom(plan), rules: plan.deadlines }]);
    const alertsFrom = laterOf(this.alertStarts.get(plan.id), alertsStartOf(plan, context.publishedAt));
    this.addPlan(plan, reports, { ...context, from, ...(alertsFrom ? { alertsFrom } : {}) });
    for (const [id, before] of replaced) {
      const record = this.deadlines.get(id);
      if (!record) continue;
      record.raised = [...new Set([...before.raised, ...record.raised])];
      if (before.alertsFrom) record.alertsFrom = before.alertsFrom;
      else delete record.alertsFrom;
    }
    return [...replaced.keys()];
  }

  /** While a revised plan's backfill runs, the deadlines its events opened are re-timed by the rules in force on their date. */
  startRetiming(planId: string | undefined): void {
    this.retiming = planId;
  }

  /** When the alerts of a plan start (the later of its import and its `alertsFrom`); undefined when not known. */
  alertsStart(planId: string): string | undefined {
    return this.alertStarts.get(planId);
  }

  /**
   * Every cadence target (a publication every month…) owes something each period: each period is
   * a deadline, met once the target counts the period, whether or not a recurring task names the
   * target. It is owed by the lead of the first recurring task that names the target (the id
   * names that task, as it always has), else by the target's agency; one deadline per target and
   * period, however many tasks name it. Other recurring duties are reports, which the reporting
   * duty's deadlines cover.
   */
  private openDuties(plan: Plan, open: (deadline: Omit<DeadlineRecord, 'raised'>) => DeadlineRecord | undefined): void {
    for (const target of plan.targets) {
      const { measure } = target;
      if (measure.kind !== 'cadence') continue;
      const task = plan.tasks.find((entry) => entry.recurrence && entry.targets.includes(target.id));
      for (const period of periodsOf(CADENCE_OF[measure.every], plan.period.start, plan.period.end)) {
        open({
          id: task ? `duty:${plan.id}:${task.id}:${target.id}:${period.key}` : `cadence:${plan.id}:${target.id}:${period.key}`,
          kind: 'task',
          agency: task?.lead ?? target.agency,
          areaCode: task?.area ?? measure.area ?? plan.area,
          dueAt: endOfDay(period.end),
          refId: `${task?.id ?? target.id}:${period.key}`,
          planId: plan.id,
          duty: { targetId: target.id, period: period.key },
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
    if (typeof data.areaCode !== 'string') return;
    const [, , , entity, action] = event.type.split('.');
    const covered = this.rulesFor(data.areaCode, event.time);
    if (entity === 'hotspot') {
      // The watches of this plan's hotspots, as a replay (plans first) builds them: every event of
      // the hotspot this plan covers, or that no plan covers in its area, touching this plan's watches only.
      const plan = covered ? covered.plan : [...this.plans()].find((entry) => entry.id === planId);
      if (plan?.id !== planId || !this.isWithin(data.areaCode, plan.area)) return;
      if (action === 'cleared' || action === 'patrolled') this.hotspotWatched(event, action, planId);
      else if (action === 'reactivated') this.hotspotReactivated(event, planId);
      return;
    }
    if (covered?.plan.id !== planId) return;
    const opens = (entity === 'referral' && action === 'made') || entity === 'inspection' || entity === 'joint-inspection';
    if (opens) this.apply(event);
  }

  /**
   * A task's due date from what its lead and the secretariat said (the task's facts, in time
   * order): the lead's completion report meets the deadline owed then (at the report's time);
   * a reopening opens a new one, `task:<plan>:<task>:r<n>` for the n-th reopening, due at the
   * later of the task's due date and `REOPEN_GRACE_DAYS` after the reopening, which the next
   * completion meets. Earlier rounds stay met (their alerts resolved); a new round alerts anew.
   * Called again after each fact: opening and meeting are idempotent and keep the earliest time.
   */
  taskReported(planId: string, task: Pick<PlanTask, 'id' | 'lead' | 'area' | 'due'>, planArea: string, facts: readonly TaskFact[]): void {
    if (!task.due) return;
    const base = `task:${planId}:${task.id}`;
    let owed = base;
    let round = 0;
    for (const fact of facts) {
      if (fact.kind === 'completed') this.meet(owed, fact.time);
      if (fact.kind !== 'reopened') continue;
      owed = `${base}:r${++round}`;
      const dueAt = Math.max(Date.parse(endOfDay(task.due)), Date.parse(fact.time) + REOPEN_GRACE_DAYS * DAY_MS);
      this.open({ id: owed, kind: 'task', agency: task.lead, areaCode: task.area ?? planArea, dueAt: new Date(dueAt).toISOString(), refId: task.id, planId, since: fact.time });
    }
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

  /**
   * The facts that came before their deadline, whole, when they changed since the last call: kept
   * by the store with the deadlines, so that a restart from it (or from a snapshot) meets a
   * deadline opened later as a full replay would.
   */
  takeWaiting(): WaitingDeadlineFacts | undefined {
    if (!this.waitingChanged) return undefined;
    this.waitingChanged = false;
    return this.waiting();
  }

  /** The facts waiting for their deadline, as a store keeps them. */
  waiting(): WaitingDeadlineFacts {
    return {
      answers: [...this.earlyAnswers].map(([referralId, answers]) => [referralId, Object.fromEntries(answers)]),
      followUps: [...this.earlyFollowUps],
      alerts: [...this.earlyAlerts],
    };
  }

  restoreWaiting(waiting: WaitingDeadlineFacts): void {
    for (const [referralId, answers] of waiting.answers) this.earlyAnswers.set(referralId, new Map(Object.entries(answers)));
    for (const [inspectionId, time] of waiting.followUps) this.earlyFollowUps.set(inspectionId, time);
    for (const [deadlineId, alerts] of waiting.alerts) this.earlyAlerts.set(deadlineId, [...alerts]);
  }

  restore(records: DeadlineRecord[]): void {
    for (const record of records) this.deadlines.set(record.id, record);
    const starts = new Map<string, string>();
    for (const record of records) {
      if (record.kind === 'hotspot-patrol' && !record.metAt && !record.cancelled) {
        const area = [...this.plans()].find((plan) => plan.id === record.planId)?.area ?? record.areaCode;
        this.watch(record.refId, record.planId, { id: record.id, area });
      }
      // The plan's import time is not in the stored plan: its deadlines keep when its alerts start,
      // the earliest of them (deadlines a revision added start later than the plan's own: `revisePlan`).
      const known = starts.get(record.planId);
      if (record.alertsFrom && (!known || isEarlier(record.alertsFrom, known))) starts.set(record.planId, record.alertsFrom);
    }
    for (const [planId, start] of starts) this.alertStarts.set(planId, start);
  }

  private open(deadline: Omit<DeadlineRecord, 'raised'>, alertsFrom = this.alertStarts.get(deadline.planId)): DeadlineRecord | undefined {
    const existing = this.deadlines.get(deadline.id);
    if (existing) {
      // A revision's backfill: an event's hand-over or check falls due by the rules now in force on its date.
      if (this.retiming === deadline.planId && existing.dueAt !== deadline.dueAt && (deadline.kind === 'referral-handover' || deadline.kind === 'follow-up-check')) {
        existing.dueAt = deadline.dueAt;
        existing.agency = deadline.agency;
        this.changed.add(existing.id);
      }
      return undefined;
    }
    const record: DeadlineRecord = { ...deadline, ...(alertsFrom ? { alertsFrom } : {}), raised: this.earlyAlerts.get(deadline.id) ?? [] };
    if (this.earlyAlerts.delete(deadline.id)) this.waitingChanged = true;
    this.deadlines.set(record.id, record);
    this.changed.add(record.id);
    return record;
  }

  /** The rules of the first plan covering the area and day; undefined when no plan covers it. */
  private rulesFor(areaCode: string, time: string): { plan: Plan; rules: DeadlineRules } | undefined {
    const day = vietnamDate(time);
    for (const plan of this.plans()) {
      if (day >= plan.period.start && day <= plan.period.end && this.isWithin(areaCode, plan.area)) return { plan, rules: this.rulesOn(plan, day) };
    }
    return undefined;
  }

  /** The deadline rules of the plan's version in force on `day` (the current one when no history is known). */
  private rulesOn(plan: Plan, day: string): DeadlineRules {
    const versions = this.rulesByRevision.get(plan.id);
    return versions?.findLast((version) => version.from <= day)?.rules ?? plan.deadlines;
  }

  private referralMade(event: BusEvent, from: string): void {
    const data = event.data as { referralId: string; toAgency: string; areaCode: string; respondBy?: string };
    const covered = this.rulesFor(data.areaCode, event.time);
    const rule = covered?.rules.referralHandovers.find((handover) => handover.from === from && handover.to === data.toAgency);
    if (!covered || !rule) return;
    const byRule = Date.parse(event.time) + rule.days * DAY_MS;
    const dueAt = data.respondBy ? Math.min(byRule, Date.parse(endOfDay(data.respondBy))) : byRule;
    const refId = this.cases.of(data.referralId);
    const id = `referral:${refId}`;
    this.open({ id, kind: 'referral-handover', agency: data.toAgency, areaCode: data.areaCode, dueAt: new Date(dueAt).toISOString(), refId, referralId: data.referralId, planId: covered.plan.id });
    const answered = this.earlyAnswers.get(data.referralId)?.get(data.toAgency);
    if (answered) this.meet(id, answered);
  }

  private referralAnswered(event: BusEvent, by: string): void {
    const { referralId } = event.data as { referralId: string };
    const deadline = this.deadlines.get(this.referralDeadlineId(referralId));
    if (!deadline) {
      const answers = this.earlyAnswers.get(referralId) ?? new Map<string, string>();
      const earlier = answers.get(by);
      if (!earlier || isEarlier(event.time, earlier)) {
        answers.set(by, event.time);
        this.waitingChanged = true;
      }
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
    if (!earlier || Date.parse(event.time) < Date.parse(earlier)) {
      this.earlyFollowUps.set(inspectionId, event.time);
      this.waitingChanged = true;
    }
  }

  private reportSubmitted(event: BusEvent): void {
    const data = event.data as { reportingBody: string; areaCode: string; cadence: string; period: string };
    if (data.cadence === 'ad-hoc') return;
    for (const plan of this.plans()) {
      if (!this.isWithin(data.areaCode, plan.area)) continue;
      const areas = this.reportAreas.get(plan.id)?.get(data.reportingBody);
      // A body that reports per area meets only the duty of the area its report is for (or is below).
      if (!areas) this.meet(reportDeadlineId(plan.id, data.reportingBody, data.cadence, data.period), event.time);
      else for (const area of areas) if (this.isWithin(data.areaCode, area)) this.meet(reportDeadlineId(plan.id, data.reportingBody, data.cadence, data.period, area), event.time);
    }
  }

  /**
   * A clearance starts the watch of a hotspot; each patrol meets the open patrol deadline and
   * opens the next one. A patrol of a hotspot not under watch (never cleared, or re-activated)
   * starts nothing. The same event applied again finds the deadline it opened and changes nothing.
   */
  private hotspotWatched(event: BusEvent, action: string, onlyPlan?: string): void {
    const data = event.data as { hotspotId: string; areaCode: string };
    const id = `patrol:${data.hotspotId}:${event.id}`;
    if (this.deadlines.has(id)) return;
    const open = this.watchesOf(data.hotspotId, data.areaCode, event.time, onlyPlan);
    if (action === 'patrolled' && open.length === 0) return;
    for (const [planId, watch] of open) {
      if (action === 'patrolled') this.meet(watch.id, event.time);
      else this.cancel(watch.id); // cleared again: a new watch starts
      this.unwatch(data.hotspotId, planId);
    }
    const covered = this.rulesFor(data.areaCode, event.time);
    if (!covered || (onlyPlan && covered.plan.id !== onlyPlan)) return;
    const { everyDays, by } = covered.rules.hotspotPatrol;
    const opened = this.open({ id, kind: 'hotspot-patrol', agency: by, areaCode: data.areaCode, dueAt: new Date(Date.parse(event.time) + everyDays * DAY_MS).toISOString(), refId: data.hotspotId, planId: covered.plan.id, since: event.time });
    if (opened) this.watch(data.hotspotId, covered.plan.id, { id, area: covered.plan.area });
  }

  /** Ends the watch, unless it started after the re-activation (a re-sent old event). */
  private hotspotReactivated(event: BusEvent, onlyPlan?: string): void {
    const { hotspotId, areaCode } = event.data as { hotspotId: string; areaCode: string };
    for (const [planId, watch] of this.watchesOf(hotspotId, areaCode, event.time, onlyPlan)) {
      this.cancel(watch.id);
      this.unwatch(hotspotId, planId);
    }
  }

  /**
   * The open watches of a hotspot that an event at `time` in `areaCode` touches: under the plans
   * whose area it is in, started no later than it (an event dated before a clearance, sent late or
   * re-sent, says nothing of the watch that clearance began), of `onlyPlan` alone when given.
   */
  private watchesOf(hotspotId: string, areaCode: string, time: string, onlyPlan?: string): [string, { id: string; area: string }][] {
    return [...(this.openPatrols.get(hotspotId) ?? [])].filter(([planId, watch]) => {
      if ((onlyPlan && planId !== onlyPlan) || !this.isWithin(areaCode, watch.area)) return false;
      const since = this.deadlines.get(watch.id)?.since;
      return !since || Date.parse(since) <= Date.parse(time);
    });
  }

  private watch(hotspotId: string, planId: string, watch: { id: string; area: string }): void {
    const byPlan = this.openPatrols.get(hotspotId) ?? new Map<string, { id: string; area: string }>();
    byPlan.set(planId, watch);
    this.openPatrols.set(hotspotId, byPlan);
  }

  private unwatch(hotspotId: string, planId: string): void {
    const byPlan = this.openPatrols.get(hotspotId);
    byPlan?.delete(planId);
    if (byPlan?.size === 0) this.openPatrols.delete(hotspotId);
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
      if (!early.includes(event.id)) {
        this.earlyAlerts.set(deadlineId, [...early, event.id]);
        this.waitingChanged = true;
      }
      return;
    }
    if (deadline.raised.includes(event.id)) return;
    deadline.raised.push(event.id);
    this.changed.add(deadlineId);
  }
}


/**
 * `report:<plan>:<body>:<cadence>:<period>`, or for a body that reports per area
 * (`reporting.eachArea`) `report:<plan>:<body>:<area>:<cadence>:<period>`.
 */
export const reportDeadlineId = (planId: string, body: string, cadence: string, period: string, area?: string) =>
  area ? `report:${planId}:${body}:${area}:${cadence}:${period}` : `report:${planId}:${body}:${cadence}:${period}`;

/** The later of the plan's import and the start (Vietnam time) of its `alertsFrom` day; undefined when neither is known. */
export function alertsStartOf(plan: Pick<Plan, 'alertsFrom'>, publishedAt?: string): string | undefined {
  const from = plan.alertsFrom ? `${plan.alertsFrom}T00:00:00+07:00` : undefined;
  if (!publishedAt || !from) return publishedAt ?? from;
  return Date.parse(from) > Date.parse(publishedAt) ? from : publishedAt;
}

/** What a plan's deadlines are opened with: when it was imported, the areas a body reports for, and for a revision the day it governs from and when its new deadlines alert. */
export interface PlanDeadlineContext {
  publishedAt?: string;
  areasBelow?: AreasBelow;
  /** Only deadlines due from this instant are opened (a revision's `effectiveFrom`). */
  from?: string;
  /** When the deadlines opened now start to alert, instead of the plan's own start. */
  alertsFrom?: string;
}

const laterOf = (a: string | undefined, b: string | undefined) => (!a ? b : !b ? a : isEarlier(a, b) ? b : a);

/** The last instant of a day in Vietnam (UTC+7), as an ISO time with its offset. */
export const endOfDay = (date: string) => `${date}T23:59:59+07:00`;
const addDays = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
