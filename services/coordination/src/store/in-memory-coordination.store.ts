import { revisionNumberOf, type Plan } from '@lienganh/contracts';
import { AppliedEvents } from '../board/applied-events.js';
import { PlanActivity } from '../board/plan-activity.js';
import { RecentEvents } from '../targets/recent-events.js';
import { TargetHistory } from '../targets/target-history.js';
import type {
  AlertHandlingRecord,
  AlertRecord,
  CoordinationStore,
  DeadlineRecord,
  ProjectionChanges,
  ReferralRecord,
  ReportRecord,
  StoredProjection,
  StoredTally,
  TaskCompletionRecord,
  WaitingDeadlineFacts,
} from './coordination-store.js';

/** What the store keeps of a projection, as `load` gives it (without the applied events). */
type Documents = Omit<Required<StoredProjection>, 'tallies' | 'waitingDeadlineFacts' | 'applied' | 'interrupted'> & {
  tallies: Omit<StoredTally, 'applied'>[];
  waitingDeadlineFacts?: WaitingDeadlineFacts;
};

/**
 * A store of documents in maps, gone at exit: a second copy of the read model, which `npx
 * lienganh check` and the store contract compare with the projection. Services keep none
 * (`ProjectionOnlyStore`, `SnapshottingCoordinationStore`).
 */
export class InMemoryCoordinationStore implements CoordinationStore {
  readonly kind = 'memory';
  private checkpoints = new Map<string, number>();
  private plans = new Map<string, Plan>();
  private tallies = new Map<string, Omit<StoredTally, 'applied'>>();
  private referrals = new Map<string, ReferralRecord>();
  private reports = new Map<string, ReportRecord>();
  private deadlines = new Map<string, DeadlineRecord>();
  private alerts = new Map<string, AlertRecord>();
  private taskCompletions = new Map<string, TaskCompletionRecord>();
  private alertHandlings = new Map<string, AlertHandlingRecord>();
  private waitingDeadlineFacts: WaitingDeadlineFacts | undefined;
  private histories = new Map<string, TargetHistory>();
  private activity = new Map<string, PlanActivity>();
  private recent = new Map<string, RecentEvents>();
  /** Every event applied, once each, in the order committed. */
  private applied = AppliedEvents.empty();

  async load(): Promise<StoredProjection> {
    // Histories, activity and latest events are made afresh by `documents()`: only the rest is copied.
    const { histories, activity, recent, ...documents } = this.documents();
    return { ...structuredClone(documents), histories, activity, recent, applied: this.applied.clone() };
  }

  /** The documents as kept (the histories, activity and latest events made afresh; the rest not copied). */
  private documents(): Documents {
    return {
      checkpoints: Object.fromEntries(this.checkpoints),
      plans: [...this.plans.values()],
      tallies: [...this.tallies.values()],
      histories: [...this.histories].map(([key, history]) => history.stored(key)),
      activity: [...this.activity].map(([planId, activity]) => activity.stored(planId)),
      recent: Object.fromEntries([...this.recent].map(([key, recent]) => [key, recent.all()])),
      referrals: [...this.referrals.values()],
      reports: [...this.reports.values()],
      deadlines: [...this.deadlines.values()],
      alerts: [...this.alerts.values()],
      taskCompletions: [...this.taskCompletions.values()],
      alertHandlings: [...this.alertHandlings.values()],
      ...(this.waitingDeadlineFacts ? { waitingDeadlineFacts: this.waitingDeadlineFacts } : {}),
    };
  }

  async commit(changes: ProjectionChanges): Promise<void> {
    // Copies, so that the caller's objects changing later cannot change what was committed. The
    // applied keys are only read, and histories and activity merged into the store's own.
    const { tallies, histories, activity, recent, dropped, applied, ...documents } = changes;
    for (const key of applied ?? []) this.applied.add(key);
    for (const key of dropped?.tallies ?? []) {
      this.tallies.delete(key);
      this.histories.delete(key);
      this.recent.delete(key);
    }
    for (const planId of dropped?.activity ?? []) this.activity.delete(planId);
    for (const key of dropped?.taskCompletions ?? []) this.taskCompletions.delete(key);
    for (const id of dropped?.deadlines ?? []) this.deadlines.delete(id);
    const copy = structuredClone(documents);
    // A Map keeps a replaced key in its place: a revision stays where the plan was first committed.
    for (const plan of copy.plans ?? []) {
      const kept = this.plans.get(plan.id);
      if (!kept || revisionNumberOf(plan) > revisionNumberOf(kept)) this.plans.set(plan.id, plan);
    }
    for (const { appliedAdded, ...figures } of tallies ?? []) {
      const tally = structuredClone(figures);
      this.tallies.set(tally.key, tally);
      for (const key of appliedAdded) this.applied.add(key);
    }
    for (const referral of copy.referrals ?? []) this.referrals.set(referral.referralId, referral);
    for (const report of copy.reports ?? []) this.reports.set(report.key, report);
    for (const deadline of copy.deadlines ?? []) this.deadlines.set(deadline.id, deadline);
    for (const alert of copy.alerts ?? []) this.alerts.set(alert.id, alert);
    for (const record of copy.taskCompletions ?? []) this.taskCompletions.set(record.key, record);
    for (const record of copy.alertHandlings ?? []) this.alertHandlings.set(record.deadlineId, record);
    if (copy.waitingDeadlineFacts) this.waitingDeadlineFacts = copy.waitingDeadlineFacts;
    for (const history of histories ?? []) mapEntry(this.histories, history.key, () => new TargetHistory()).merge(history);
    for (const entry of activity ?? []) mapEntry(this.activity, entry.planId, () => new PlanActivity()).merge(entry);
    for (const [key, positions] of Object.entries(recent ?? {})) mapEntry(this.recent, key, () => new RecentEvents()).load(positions);
    for (const [stream, seq] of Object.entries(copy.checkpoints ?? {})) {
      this.checkpoints.set(stream, Math.max(seq, this.checkpoints.get(stream) ?? 0));
    }
  }

  async clear(): Promise<void> {
    for (const map of [this.checkpoints, this.plans, this.tallies, this.referrals, this.reports, this.deadlines, this.alerts, this.taskCompletions, this.alertHandlings, this.histories, this.activity, this.recent]) map.clear();
    this.applied = AppliedEvents.empty();
    this.waitingDeadlineFacts = undefined;
  }

  async close(): Promise<void> {}
}

function mapEntry<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let value = map.get(key);
  if (value === undefined) map.set(key, (value = make()));
  return value;
}
