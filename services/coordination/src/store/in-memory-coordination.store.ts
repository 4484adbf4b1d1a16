import { revisionNumberOf, type Plan } from '@lienganh/contracts';
import type {
  AlertHandlingRecord,
  AlertRecord,
  Contribution,
  CoordinationStore,
  DeadlineRecord,
  ProjectionChanges,
  ReferralRecord,
  ReportRecord,
  StoredProjection,
  StoredTally,
  TaskCompletionRecord,
} from './coordination-store.js';

/** The default store: documents in maps, gone at exit, so that every start replays the streams. */
export class InMemoryCoordinationStore implements CoordinationStore {
  readonly kind = 'memory';
  private checkpoints = new Map<string, number>();
  private plans = new Map<string, Plan>();
  private tallies = new Map<string, Omit<StoredTally, 'applied'>>();
  /** Per tally, the ids applied, in order; a Set so that a commit replayed adds nothing. */
  private applied = new Map<string, Set<string>>();
  private referrals = new Map<string, ReferralRecord>();
  private reports = new Map<string, ReportRecord>();
  private deadlines = new Map<string, DeadlineRecord>();
  private alerts = new Map<string, AlertRecord>();
  private taskCompletions = new Map<string, TaskCompletionRecord>();
  private alertHandlings = new Map<string, AlertHandlingRecord>();
  /** targetKey → eventKey → contribution. */
  private contributionsByTarget = new Map<string, Map<string, Contribution>>();

  async load(): Promise<StoredProjection> {
    return structuredClone({
      checkpoints: Object.fromEntries(this.checkpoints),
      plans: [...this.plans.values()],
      tallies: [...this.tallies.values()].map((tally) => ({ ...tally, applied: [...(this.applied.get(tally.key) ?? [])] })),
      referrals: [...this.referrals.values()],
      reports: [...this.reports.values()],
      deadlines: [...this.deadlines.values()],
      alerts: [...this.alerts.values()],
      taskCompletions: [...this.taskCompletions.values()],
      alertHandlings: [...this.alertHandlings.values()],
    });
  }

  async commit(changes: ProjectionChanges): Promise<void> {
    // Copies, so that the caller's objects changing later cannot change what was committed. The
    // bulk (contributions, applied keys) is copied shallowly: its strings are immutable and shared
    // with the projection, which is most of what a million events weigh.
    const { contributions, tallies, dropped, ...documents } = changes;
    for (const key of dropped?.tallies ?? []) {
      this.tallies.delete(key);
      this.applied.delete(key);
      this.contributionsByTarget.delete(key);
    }
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
      let applied = this.applied.get(tally.key);
      if (!applied) this.applied.set(tally.key, (applied = new Set()));
      for (const key of appliedAdded) applied.add(key);
    }
    for (const referral of copy.referrals ?? []) this.referrals.set(referral.referralId, referral);
    for (const report of copy.reports ?? []) this.reports.set(report.key, report);
    for (const deadline of copy.deadlines ?? []) this.deadlines.set(deadline.id, deadline);
    for (const alert of copy.alerts ?? []) this.alerts.set(alert.id, alert);
    for (const record of copy.taskCompletions ?? []) this.taskCompletions.set(record.key, record);
    for (const record of copy.alertHandlings ?? []) this.alertHandlings.set(record.deadlineId, record);
    for (const contribution of contributions ?? []) {
      let byEvent = this.contributionsByTarget.get(contribution.targetKey);
      if (!byEvent) this.contributionsByTarget.set(contribution.targetKey, (byEvent = new Map()));
      byEvent.set(contribution.eventKey, { ...contribution });
    }
    for (const [stream, seq] of Object.entries(copy.checkpoints ?? {})) {
      this.checkpoints.set(stream, Math.max(seq, this.checkpoints.get(stream) ?? 0));
    }
  }

  async contributions(targetKey: string, limit: number): Promise<Contribution[]> {
    const all = [...(this.contributionsByTarget.get(targetKey)?.values() ?? [])];
    return structuredClone(all.sort(byTimeThenId).slice(0, limit));
  }

  async countContributions(targetKey: string): Promise<number> {
    return this.contributionsByTarget.get(targetKey)?.size ?? 0;
  }

  async clear(): Promise<void> {
    for (const map of [this.checkpoints, this.plans, this.tallies, this.applied, this.referrals, this.reports, this.deadlines, this.alerts, this.taskCompletions, this.alertHandlings, this.contributionsByTarget]) map.clear();
  }

  async close(): Promise<void> {}
}

export function byTimeThenId(a: Contribution, b: Contribution): number {
  const at = Date.parse(a.time);
  const bt = Date.parse(b.time);
  return at !== bt ? at - bt : a.eventKey < b.eventKey ? -1 : a.eventKey > b.eventKey ? 1 : 0;
}
