import { coordinationPlanPublished, eventKey, revisionNumberOf, STREAMS, type BusEvent, type Plan } from '@lienganh/contracts';
import { AppliedEvents } from '../board/applied-events.js';
import { addPlan, countEvent, emptyCoordinationState, replacePlan, type CoordinationState, type TrackedTarget } from '../board/coordination-state.js';
import type { CaseReferences } from '../access/case-references.js';
import { DeadlineBook } from '../deadlines/deadline-book.js';
import { evolveReferral, referralStageOf, type ReferralStage } from '../referrals/referral-funnel.js';
import { AgencyRegistry } from '../registry/agency-registry.js';
import { AreaRegistry } from '../registry/area-registry.js';
import { registerPlan } from '../registry/plan-registration.js';
import { evolveReport, isReportSubmitted, reportKeyOf } from '../reporting/report-compliance.js';
import type { AlertRecord, ProjectionChanges, WaitingDeadlineFacts, ReferralRecord, ReportRecord, StoredProjection, StoredTally, TallyChange } from '../store/coordination-store.js';
import { positionOf } from '../targets/recent-events.js';
import { factOf, type CountedFact } from '../targets/target-tally.js';
import { addFact, refusalOf, type ReportRefusal, type TaskCompletionRecord } from '../board/task-completion.js';
import { taskFactOf } from '../board/task-facts.js';
import { addHandlingFact, type AlertHandlingRecord } from '../deadlines/alert-handling.js';
import { handlingFactOf } from '../deadlines/alert-handling-facts.js';

/** A body's task report that changed no task, and why (logged by the projector; never applied). */
export interface RefusedTaskReport {
  reason: ReportRefusal;
  planId: string;
  taskId: string;
  body: string;
  eventId: string;
}

/** Where an event sits in its stream: what a checkpoint records. */
export interface StreamPosition {
  stream: string;
  seq: number;
}

/**
 * Every read model of coordination, in memory: plans and registries, target tallies, the
 * referral funnel and the reports received. Events go in through `apply`; what changed since
 * the last `takeChanges` comes out as documents for the store. No I/O here.
 *
 * Re-applying an event changes nothing (tallies keep the keys, source + id, of the events they
 * counted; referral stages and reports keep the earliest time), so delivery may be at least once
 * and in any order. What each figure counts: docs/adr/0010-figures-the-committee-can-trust.md.
 */
export class CoordinationProjection {
  readonly state: CoordinationState = emptyCoordinationState();
  readonly agencies = new AgencyRegistry();
  readonly areas = new AreaRegistry();
  readonly referrals = new Map<string, ReferralRecord>();
  readonly reports = new Map<string, ReportRecord>();
  readonly checkpoints = new Map<string, number>();
  readonly deadlines: DeadlineBook;
  /** Alerts raised (coordination's `deadline.*` events), by id. */
  readonly alerts = new Map<string, AlertRecord>();
  /** What bodies and the secretariat said of each task, by `${planId}/${taskId}` (board/task-completion.ts). */
  readonly taskCompletions: Map<string, TaskCompletionRecord> = this.state.taskCompletions;
  /** What the secretariat did about each deadline's alerts (acknowledged, noted, assigned), by deadline id (ADR 0019). */
  readonly alertHandlings = new Map<string, AlertHandlingRecord>();
  private changed = emptyChanges();
  /** Plans revised whose backfill has not finished (`planReady`). */
  private readonly revising = new Set<string>();
  /** Per plan being backfilled: the last event applied before it came, and its run (`AppliedEvents.claimForBackfill`). */
  private readonly backfills = new Map<string, { upTo: number; run: number }>();
  private backfillRuns = 0;
  /** The stream position (`positionOf`) of the event being applied, when known: its targets' latest events list it. */
  private position: number | undefined;

  /** `cases` names referrals in deadlines (ADR 0021): the deployment's key in the service, one of its own elsewhere. */
  constructor(readonly cases: CaseReferences) {
    this.deadlines = new DeadlineBook(
      () => this.state.plans.values(),
      (area, ancestor) => this.areas.isWithin(area, ancestor),
      cases,
    );
  }

  /** The projection as a store last kept it. */
  static restore(stored: StoredProjection, cases: CaseReferences): CoordinationProjection {
    const projection = new CoordinationProjection(cases);
    // An older store kept the applied keys only with the tallies; MongoDB keeps them there too (a crash between its writes).
    const applied = stored.applied ?? AppliedEvents.empty();
    for (const tally of stored.tallies) for (const key of tally.applied ?? []) applied.add(key);
    projection.state.applied = applied;
    for (const plan of stored.plans) projection.addPlan(plan);
    for (const tally of stored.tallies) {
      const tracked = projection.state.targets.get(tally.key);
      if (tracked) restoreTally(tracked, tally);
    }
    for (const history of stored.histories ?? []) projection.state.targets.get(history.key)?.history.merge(history);
    for (const [key, positions] of Object.entries(stored.recent ?? {})) projection.state.targets.get(key)?.recent.load(positions);
    for (const activity of stored.activity ?? []) projection.state.activity.get(activity.planId)?.merge(activity);
    for (const referral of stored.referrals) projection.referrals.set(referral.referralId, referral);
    for (const report of stored.reports) projection.reports.set(report.key, report);
    for (const [stream, seq] of Object.entries(stored.checkpoints)) projection.checkpoints.set(stream, seq);
    // `addPlan` opened a revised plan's deadlines as if it governed from its period's start; its own
    // are those the store kept (a revision opens only what falls due from its effectiveFrom).
    const kept = new Set(stored.deadlines.map((deadline) => deadline.id));
    for (const [id, deadline] of projection.deadlines.deadlines) {
      const own = deadline.kind === 'task' || deadline.kind === 'periodic-report';
      if (own && !kept.has(id) && revisionNumberOf(projection.state.plans.get(deadline.planId)!) > 1) projection.deadlines.deadlines.delete(id);
    }
    projection.deadlines.restore(stored.deadlines);
    if (stored.waitingDeadlineFacts) projection.deadlines.restoreWaiting(stored.waitingDeadlineFacts);
    for (const alert of stored.alerts) projection.alerts.set(alert.id, alert);
    for (const record of stored.taskCompletions ?? []) projection.taskCompletions.set(record.key, record);
    for (const record of stored.alertHandlings ?? []) projection.alertHandlings.set(record.deadlineId, record);
    projection.deadlines.takeChanged();
    projection.deadlines.takeWaiting();
    projection.changed = emptyChanges();
    return projection;
  }

  /**
   * Applies an agency event, or adds the plan a `plan.published` event carries. A new plan is
   * returned but not yet recorded for the store: its targets first need the events already
   * applied (`backfill`), then `planReady` records it and moves the checkpoint past it, so that
   * a crash during the backfill reads the plan again.
   */
  apply(event: BusEvent, position?: StreamPosition): { plan?: Plan; targets: TrackedTarget[]; alert?: AlertRecord; task?: string; refusedTask?: RefusedTaskReport; handled?: string } {
    if (event.type === coordinationPlanPublished.type) {
      const plan = event.data as Plan;
      const current = this.state.plans.get(plan.id);
      if (!current) {
        this.addPlan(plan, event.time);
        this.startBackfill(plan.id);
        return { plan, targets: [] };
      }
      // A higher revision supersedes the plan; the same or a lower one (redelivered, replayed) changes nothing.
      if (revisionNumberOf(plan) > revisionNumberOf(current)) {
        this.revisePlan(plan, event.time);
        this.startBackfill(plan.id);
        return { plan, targets: [] };
      }
    }
    if (position) this.advance(position);
    this.position = position && positionIn(position);
    // Once each: a redelivered, replayed or re-sent event changes nothing. (A plan is not recorded
    // here: it is idempotent by its revision, and is only committed once its backfill is done.)
    const key = eventKey(event);
    if (event.type !== coordinationPlanPublished.type) {
      if (!this.state.applied.add(key)) return { targets: [] };
      this.changed.applied.push(key);
    }
    const handled = this.applyHandlingFact(event);
    if (handled) return { targets: [], handled };
    const stage = this.evolveFunnelAndReports(event);
    const targets = stage ? this.countReferralEvent(event, stage) : this.count(event, factOf(event));
    const task = this.applyTaskFact(event);
    if (task && 'refused' in task) return { targets, refusedTask: task.refused };
    if (task) return { targets, task: task.changed };
    this.deadlines.apply(event);
    if (isAlert(event) && !this.alerts.has(event.id)) {
      const data = event.data as { deadlineId: string; leadDays?: number };
      const alert: AlertRecord = { id: event.id, kind: event.type.split('.')[4] as AlertRecord['kind'], deadlineId: data.deadlineId, time: event.time, ...(data.leadDays ? { leadDays: data.leadDays } : {}) };
      this.alerts.set(event.id, alert);
      this.changed.alerts.add(event.id);
      return { targets, alert };
    }
    return { targets };
  }

  /** Applies an event that came before `planId` was added (`seq`: on the agency stream) to that plan's targets and deadlines only. */
  backfill(planId: string, event: BusEvent, seq?: number): TrackedTarget[] {
    if (taskFactOf(event)?.planId === planId) this.applyTaskFact(event);
    this.deadlines.startRetiming(this.revising.has(planId) ? planId : undefined);
    this.deadlines.backfill(event, planId);
    this.deadlines.startRetiming(undefined);
    // Counted only while the plan's backfill runs; events applied after the plan came were counted live; one read twice counts once.
    const backfill = this.backfills.get(planId);
    if (!backfill || !this.state.applied.claimForBackfill(eventKey(event), backfill.upTo, backfill.run)) return [];
    this.position = seq === undefined ? undefined : positionOf(0, seq);
    const fact = referralStageOf(event) ? this.placedAnswer(event) : factOf(event);
    return fact ? this.count(event, fact, planId) : [];
  }

  /** Until `planReady`, a backfill of `planId` counts the events applied so far, each once. */
  private startBackfill(planId: string): void {
    this.backfills.set(planId, { upTo: this.state.applied.lastOrdinal, run: ++this.backfillRuns });
  }

  planReady(planId: string, position?: StreamPosition): void {
    this.revising.delete(planId);
    this.backfills.delete(planId);
    this.changed.plans.set(planId, this.state.plans.get(planId)!);
    if (position) this.advance(position);
  }

  hasChanges(): boolean {
    this.collectDeadlineChanges();
    const { plans, tallies, histories, activity, referrals, reports, checkpoints, deadlines, alerts, taskCompletions, alertHandlings, dropped } = this.changed;
    const drops = dropped.tallies.size + dropped.taskCompletions.size + dropped.deadlines.size + dropped.activity.size;
    return this.changed.applied.length + plans.size + tallies.size + histories.size + activity.size + referrals.size + reports.size + checkpoints.size + deadlines.size + alerts.size + taskCompletions.size + alertHandlings.size + drops > 0 || this.changed.waiting !== undefined;
  }

  /** What changed since the last call, as documents for `CoordinationStore.commit`. */
  takeChanges(): ProjectionChanges {
    this.collectDeadlineChanges();
    const { applied, plans, tallies, histories, activity, referrals, reports, checkpoints, deadlines, alerts, taskCompletions, alertHandlings, dropped, waiting } = this.changed;
    this.changed = emptyChanges();
    const drops = dropped.tallies.size + dropped.taskCompletions.size + dropped.deadlines.size + dropped.activity.size;
    const recent = [...histories].map((tracked) => [tracked.key, tracked.recent.takeAdded()] as const).filter(([, added]) => added.length > 0);
    return {
      ...(drops > 0 ? { dropped: { tallies: [...dropped.tallies], taskCompletions: [...dropped.taskCompletions], deadlines: [...dropped.deadlines], activity: [...dropped.activity] } } : {}),
      checkpoints: Object.fromEntries(checkpoints),
      applied,
      plans: [...plans.values()],
      tallies: [...tallies].map(([tracked, added]) => tallyChange(tracked, added)),
      histories: [...histories].map((tracked) => tracked.history.takeChange(tracked.key)),
      activity: [...activity].map((planId) => this.state.activity.get(planId)!.takeChange(planId)),
      recent: Object.fromEntries(recent),
      referrals: [...referrals].map((id) => this.referrals.get(id)!),
      reports: [...reports].map((key) => this.reports.get(key)!),
      deadlines: [...deadlines].map((id) => this.deadlines.deadlines.get(id)!),
      alerts: [...alerts].map((id) => this.alerts.get(id)!),
      taskCompletions: [...taskCompletions].map((key) => this.taskCompletions.get(key)!),
      alertHandlings: [...alertHandlings].map((id) => this.alertHandlings.get(id)!),
      ...(waiting ? { waitingDeadlineFacts: waiting } : {}),
    };
  }

  /** Puts changes back after a failed commit, so that the next commit carries them too. */
  restoreChanges(changes: ProjectionChanges): void {
    for (const key of changes.dropped?.tallies ?? []) this.changed.dropped.tallies.add(key);
    for (const key of changes.dropped?.taskCompletions ?? []) this.changed.dropped.taskCompletions.add(key);
    for (const id of changes.dropped?.deadlines ?? []) this.changed.dropped.deadlines.add(id);
    for (const planId of changes.dropped?.activity ?? []) this.changed.dropped.activity.add(planId);
    for (const plan of changes.plans ?? []) this.changed.plans.set(plan.id, plan);
    for (const tally of changes.tallies ?? []) {
      const tracked = this.state.targets.get(tally.key)!;
      this.changed.tallies.set(tracked, [...tally.appliedAdded, ...(this.changed.tallies.get(tracked) ?? [])]);
    }
    for (const history of changes.histories ?? []) {
      const tracked = this.state.targets.get(history.key);
      if (!tracked) continue; // voided by a revision since: dropped
      tracked.history.restoreChange(history);
      tracked.recent.restoreAdded(changes.recent?.[history.key] ?? []);
      this.changed.histories.add(tracked);
    }
    for (const activity of changes.activity ?? []) {
      this.state.activity.get(activity.planId)?.restoreChange(activity);
      this.changed.activity.add(activity.planId);
    }
    // Array literals, not `unshift(...)`: a catch-up chunk's changes are too many arguments for a call.
    this.changed.applied = [...(changes.applied ?? []), ...this.changed.applied];
    for (const referral of changes.referrals ?? []) this.changed.referrals.add(referral.referralId);
    for (const report of changes.reports ?? []) this.changed.reports.add(report.key);
    for (const deadline of changes.deadlines ?? []) this.changed.deadlines.add(deadline.id);
    for (const alert of changes.alerts ?? []) this.changed.alerts.add(alert.id);
    for (const record of changes.taskCompletions ?? []) this.changed.taskCompletions.add(record.key);
    for (const record of changes.alertHandlings ?? []) this.changed.alertHandlings.add(record.deadlineId);
    this.changed.waiting ??= changes.waitingDeadlineFacts;
    for (const [stream, seq] of Object.entries(changes.checkpoints ?? {})) {
      this.changed.checkpoints.set(stream, Math.max(seq, this.changed.checkpoints.get(stream) ?? 0));
    }
  }

  /** Whether a plan's backfill runs: the projection holds part of what it will count (no snapshot of it then). */
  get backfilling(): boolean {
    return this.backfills.size > 0;
  }

  /**
   * Everything, as a store would load it (what `restore` takes): the projection's own documents,
   * not copies, so it is to be serialised at once (a snapshot, ADR 0023); the applied events copied.
   */
  stored(): StoredProjection {
    return {
      checkpoints: Object.fromEntries(this.checkpoints),
      applied: this.state.applied.clone(),
      plans: [...this.state.plans.values()],
      tallies: [...this.state.targets.values()].map((tracked) => tallyChange(tracked, [])).map(({ appliedAdded: _none, ...tally }) => tally),
      // What a store would hold: nothing for a target or plan nothing counted for yet.
      histories: [...this.state.targets.values()].filter((tracked) => tracked.history.days.size > 0).map((tracked) => tracked.history.stored(tracked.key)),
      activity: [...this.state.activity].filter(([, activity]) => activity.size > 0).map(([planId, activity]) => activity.stored(planId)),
      recent: Object.fromEntries([...this.state.targets.values()].filter((tracked) => tracked.recent.size > 0).map((tracked) => [tracked.key, tracked.recent.all()])),
      referrals: [...this.referrals.values()],
      reports: [...this.reports.values()],
      deadlines: [...this.deadlines.deadlines.values()],
      alerts: [...this.alerts.values()],
      taskCompletions: [...this.taskCompletions.values()],
      alertHandlings: [...this.alertHandlings.values()],
      waitingDeadlineFacts: this.deadlines.waiting(),
    };
  }

  /** Everything, in store form with a stable order: two projections of the same events are equal field for field. */
  snapshot(): StoredProjection {
    return {
      checkpoints: Object.fromEntries([...this.checkpoints].sort()),
      plans: [...this.state.plans.values()],
      tallies: [...this.state.targets.values()].map(storedTally).sort(byKey),
      histories: [...this.state.targets.values()].map((tracked) => tracked.history.stored(tracked.key)).sort(byKey),
      activity: [...this.state.activity].map(([planId, activity]) => activity.stored(planId)).sort((a, b) => (a.planId < b.planId ? -1 : a.planId > b.planId ? 1 : 0)),
      recent: Object.fromEntries([...this.state.targets.values()].map((tracked) => [tracked.key, tracked.recent.all().sort((a, b) => a - b)]).sort(([a], [b]) => (a! < b! ? -1 : 1))),
      referrals: [...this.referrals.values()].sort((a, b) => (a.referralId < b.referralId ? -1 : 1)),
      reports: [...this.reports.values()].sort(byKey),
      deadlines: [...this.deadlines.deadlines.values()].sort(byId),
      alerts: [...this.alerts.values()].sort(byId),
      taskCompletions: [...this.taskCompletions.values()].sort(byKey),
      alertHandlings: [...this.alertHandlings.values()].sort((a, b) => (a.deadlineId < b.deadlineId ? -1 : a.deadlineId > b.deadlineId ? 1 : 0)),
    };
  }

  /**
   * A task fact (a body's progress or completion, the secretariat's decision) onto its task's
   * record: the key of the task it changed, the reason it changed none (a task not in any plan
   * known yet, whose plan's import will backfill it; a body that does not lead, or does not take
   * part in, the task), or undefined when the event is no task fact. Idempotent by event key;
   * the record keeps its facts in time order, so arrival order does not matter.
   */
  private applyTaskFact(event: BusEvent): { changed: string } | { refused: RefusedTaskReport } | undefined {
    const found = taskFactOf(event);
    if (!found) return undefined;
    const { planId, taskId, fact } = found;
    const plan = this.state.plans.get(planId);
    const task = plan?.tasks.find((entry) => entry.id === taskId);
    const body = 'body' in fact ? fact.body : 'coordination';
    const refusal: ReportRefusal | undefined = !plan ? 'unknown-plan' : !task ? 'unknown-task' : fact.kind === 'progress' || fact.kind === 'completed' ? refusalOf(task, body, fact.kind) : undefined;
    if (refusal) return { refused: { reason: refusal, planId, taskId, body, eventId: event.id } };
    const key = `${planId}/${taskId}`;
    const before = this.taskCompletions.get(key) ?? { key, planId, taskId, facts: [] };
    const after = addFact(before, fact);
    if (after === before) return { changed: key };
    this.taskCompletions.set(key, after);
    this.changed.taskCompletions.add(key);
    this.deadlines.taskReported(planId, task!, plan!.area, after.facts);
    return { changed: key };
  }

  /**
   * The secretariat's acknowledgement, note or assignment onto its deadline's record: the deadline
   * id, or undefined when the event is none of them. Kept whether or not the deadline is known yet
   * (a replay reads coordination's stream before the agency event that opens a hand-over);
   * idempotent by event key, in time order whatever the order of arrival.
   */
  private applyHandlingFact(event: BusEvent): string | undefined {
    const found = handlingFactOf(event);
    if (!found) return undefined;
    const { deadlineId, fact } = found;
    const before = this.alertHandlings.get(deadlineId) ?? { deadlineId, facts: [] };
    const after = addHandlingFact(before, fact);
    if (after !== before) {
      this.alertHandlings.set(deadlineId, after);
      this.changed.alertHandlings.add(deadlineId);
    }
    return deadlineId;
  }

  /** `publishedAt`: the `time` of the plan's `plan.published` event, from when its deadlines alert (ADR 0010, 8). */
  private addPlan(plan: Plan, publishedAt?: string): void {
    registerPlan(plan, this.agencies, this.areas);
    addPlan(this.state, plan, this.areas);
    this.deadlines.addPlan(plan, this.reports, { publishedAt, areasBelow: (area, level, on) => this.areas.below(area, level, on) });
  }

  /**
   * A higher revision of a known plan (`publishedAt`: its `plan.published` event's time) takes
   * its place: its targets start empty and are re-counted by the backfill the projector runs, as
   * for a new plan (the store drops the old tallies and contributions first); the task records of
   * tasks it keeps keep the secretariat's decisions, and the bodies' reports are judged again
   * against it by the backfill, as a replay (every version before any agency event) judges them;
   * records of tasks it drops go. Deadlines: `DeadlineBook.revisePlan`. See ADR 0005 (revisions).
   */
  private revisePlan(plan: Plan, publishedAt: string): void {
    registerPlan(plan, this.agencies, this.areas);
    const replaced = replacePlan(this.state, plan, this.areas);
    for (const tracked of replaced) {
      this.changed.tallies.delete(tracked);
      this.changed.histories.delete(tracked);
      this.changed.dropped.tallies.add(tracked.key);
    }
    this.changed.dropped.activity.add(plan.id);
    const kept: TaskCompletionRecord[] = [];
    for (const [key, record] of [...this.taskCompletions]) {
      if (record.planId !== plan.id) continue;
      const decisions = record.facts.filter((fact) => fact.kind === 'confirmed' || fact.kind === 'reopened');
      // A record left with nothing is dropped, as a replay would never have made it.
      if (decisions.length === 0 || !plan.tasks.some((task) => task.id === record.taskId)) {
        this.taskCompletions.delete(key);
        this.changed.taskCompletions.delete(key);
        this.changed.dropped.taskCompletions.add(key);
        continue;
      }
      const after = decisions.length === record.facts.length ? record : { ...record, facts: decisions };
      this.taskCompletions.set(key, after);
      if (after !== record) this.changed.taskCompletions.add(key);
      kept.push(after);
    }
    for (const id of this.deadlines.revisePlan(plan, this.reports, { publishedAt, areasBelow: (area, level, on) => this.areas.below(area, level, on) })) this.changed.dropped.deadlines.add(id);
    for (const record of kept) this.deadlines.taskReported(plan.id, plan.tasks.find((task) => task.id === record.taskId)!, plan.area, record.facts);
    this.revising.add(plan.id);
  }

  /** The deadline book keeps its own list of what changed; it joins the next commit. */
  private collectDeadlineChanges(): void {
    for (const deadline of this.deadlines.takeChanged()) this.changed.deadlines.add(deadline.id);
    this.changed.waiting = this.deadlines.takeWaiting() ?? this.changed.waiting;
  }

  private advance({ stream, seq }: StreamPosition): void {
    if (seq <= (this.checkpoints.get(stream) ?? 0)) return;
    this.checkpoints.set(stream, seq);
    this.changed.checkpoints.set(stream, seq);
  }

  private count(event: BusEvent, fact: CountedFact, planId?: string): TrackedTarget[] {
    const applied = countEvent(this.state, event, fact, planId);
    for (const { tracked } of applied) {
      const added = this.changed.tallies.get(tracked);
      if (added) added.push(fact.key);
      else this.changed.tallies.set(tracked, [fact.key]);
      if (this.position !== undefined) tracked.recent.add(this.position);
      this.changed.histories.add(tracked);
      this.changed.activity.add(tracked.plan.id);
    }
    return applied.map(({ tracked }) => tracked);
  }

  /**
   * A referral is counted where it was made; an answer to it (accepted, declined, served, closed)
   * where and when its referral was made (ADR 0010, 3). An answer to a referral not known yet waits
   * on the referral's record, and counts once the referral arrives, whatever the order.
   */
  private countReferralEvent(event: BusEvent, stage: ReferralStage): TrackedTarget[] {
    const id = (event.data as { referralId: string }).referralId;
    if (stage === 'made') {
      const targets = this.count(event, factOf(event));
      const record = this.referrals.get(id)!;
      if (!record.unplacedAnswers || !record.made) return targets;
      const { unplacedAnswers, unplacedPositions, ...placed } = record;
      this.referrals.set(id, placed);
      this.changed.referrals.add(id);
      const position = this.position;
      const counted = unplacedAnswers.flatMap((answer) => {
        this.position = unplacedPositions?.[eventKey(answer)];
        return this.count(answer, this.placedAnswer(answer)!);
      });
      this.position = position;
      return [...targets, ...counted];
    }
    const fact = this.placedAnswer(event);
    if (fact) return this.count(event, fact);
    const record = this.referrals.get(id)!;
    const key = eventKey(event);
    if (!record.unplacedAnswers?.some((answer) => eventKey(answer) === key)) {
      // Kept in key order, so that the record is the same whatever order the answers came in.
      const unplacedAnswers = [...(record.unplacedAnswers ?? []), event].sort((a, b) => (eventKey(a) < eventKey(b) ? -1 : 1));
      const unplacedPositions = this.position === undefined ? record.unplacedPositions : { ...record.unplacedPositions, [key]: this.position };
      this.referrals.set(id, { ...record, unplacedAnswers, ...(unplacedPositions ? { unplacedPositions } : {}) });
      this.changed.referrals.add(id);
    }
    return [];
  }

  /** An answer placed at its referral's area and date; undefined while the referral is not known. */
  private placedAnswer(event: BusEvent): CountedFact | undefined {
    const referral = this.referrals.get((event.data as { referralId: string }).referralId);
    return referral?.made && referral.areaCode ? factOf(event, { areaCode: referral.areaCode, time: referral.made }) : undefined;
  }

  /** Moves the funnel or the reports on; the referral stage the event marks, if any. */
  private evolveFunnelAndReports(event: BusEvent): ReferralStage | undefined {
    const stage = referralStageOf(event);
    if (stage) {
      const id = (event.data as { referralId: string }).referralId;
      const before = this.referrals.get(id);
      const after = evolveReferral(before, event, stage);
      if (after !== before) {
        this.referrals.set(id, after);
        this.changed.referrals.add(id);
      }
    } else if (isReportSubmitted(event)) {
      const key = reportKeyOf(event);
      const before = this.reports.get(key);
      const after = evolveReport(before, event);
      if (after && after !== before) {
        this.reports.set(key, after);
        this.changed.reports.add(key);
      }
    }
    return stage;
  }
}

const emptyChanges = () => ({
  /** Keys of the events applied since the last `takeChanges`, in order. */
  applied: [] as string[],
  plans: new Map<string, Plan>(),
  /** Per tally changed, the ids it applied since the last `takeChanges`. */
  tallies: new Map<TrackedTarget, string[]>(),
  /** Targets whose history (and latest events) changed. */
  histories: new Set<TrackedTarget>(),
  /** Plans whose activity changed. */
  activity: new Set<string>(),
  referrals: new Set<string>(),
  reports: new Set<string>(),
  checkpoints: new Map<string, number>(),
  deadlines: new Set<string>(),
  alerts: new Set<string>(),
  taskCompletions: new Set<string>(),
  alertHandlings: new Set<string>(),
  /** Keys of documents a plan revision voided: dropped by the store before this commit's writes. */
  dropped: { tallies: new Set<string>(), taskCompletions: new Set<string>(), deadlines: new Set<string>(), activity: new Set<string>() },
  /** The deadline book's waiting facts, whole, when they changed. */
  waiting: undefined as WaitingDeadlineFacts | undefined,
});

/** Agency events are on one stream, coordination's own on the other (`RecentEvents`). */
const positionIn = ({ stream, seq }: StreamPosition) => positionOf(stream === STREAMS.coordinationEvents.name ? 1 : 0, seq);

const isAlert = (event: BusEvent) => event.type.startsWith('vn.pcmd.coordination.deadline.');
const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

const keyOf = (tracked: TrackedTarget) => tracked.key;
const byKey = (a: { key: string }, b: { key: string }) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
const sorted = (values: Iterable<string>) => [...values].sort();

/** The whole tally with sorted arrays, so that equal tallies are equal objects: for `snapshot`. */
function storedTally(tracked: TrackedTarget): StoredTally {
  const { appliedAdded: _added, ...figures } = tallyChange(tracked, []);
  return {
    ...figures,
    numeratorValues: sorted(figures.numeratorValues),
    denominatorValues: sorted(figures.denominatorValues),
    ...(figures.years ? { years: Object.fromEntries(Object.entries(figures.years).sort(([a], [b]) => (a < b ? -1 : 1)).map(([year, added]) => [year, { ...added, numeratorValues: sorted(added.numeratorValues), denominatorValues: sorted(added.denominatorValues) }])) } : {}),
    byArea: Object.fromEntries(Object.entries(figures.byArea).sort(([a], [b]) => (a < b ? -1 : 1))),
  };
}

/** A tally's figures as they are now, and the ids applied since the last commit. */
function tallyChange(tracked: TrackedTarget, appliedAdded: string[]): TallyChange {
  const { tally } = tracked;
  return {
    key: keyOf(tracked),
    numeratorCount: tally.numeratorCount,
    denominatorCount: tally.denominatorCount,
    numeratorValues: [...tally.numeratorValues],
    denominatorValues: [...tally.denominatorValues],
    numeratorSum: tally.numeratorSum,
    events: tally.events,
    ...(tally.years ? { years: Object.fromEntries([...tally.years].map(([year, added]) => [year, { ...added, numeratorValues: [...added.numeratorValues], denominatorValues: [...added.denominatorValues] }])) } : {}),
    appliedAdded,
    byArea: Object.fromEntries(tally.byArea),
    ...(tracked.lastEventTime ? { lastEventTime: tracked.lastEventTime, lastEventId: tracked.lastEventId! } : {}),
  };
}

function restoreTally(tracked: TrackedTarget, stored: StoredTally): void {
  Object.assign(tracked.tally, {
    numeratorCount: stored.numeratorCount,
    denominatorCount: stored.denominatorCount,
    numeratorValues: new Set(stored.numeratorValues),
    denominatorValues: new Set(stored.denominatorValues),
    numeratorSum: stored.numeratorSum ?? 0,
    ...(tracked.tally.years ? { years: new Map(Object.entries(stored.years ?? {}).map(([year, added]) => [year, { ...added, numeratorValues: new Set(added.numeratorValues), denominatorValues: new Set(added.denominatorValues) }])) } : {}),
    events: stored.events ?? stored.applied?.length ?? 0,
    byArea: new Map(Object.entries(stored.byArea)),
  });
  if (stored.lastEventTime) {
    tracked.lastEventTime = stored.lastEventTime;
    tracked.lastEventId = stored.lastEventId;
  }
}
