import { revisionNumberOf, type Plan } from '@lienganh/contracts';
import { AppliedEvents } from '../board/applied-events.js';
import { ContributionTable, type ContributionTableJson } from './contribution-table.js';
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
  WaitingDeadlineFacts,
} from './coordination-store.js';

interface StoreDump extends Omit<Required<StoredProjection>, 'tallies' | 'waitingDeadlineFacts' | 'applied'> {
  /** `AppliedEvents.toBytes()`, base64. */
  applied: string;
  waitingDeadlineFacts?: WaitingDeadlineFacts;
  tallies: Omit<StoredTally, 'applied'>[];
  contributions: ContributionTableJson;
}

/** The default store: documents in maps, gone at exit, so that every start replays the streams. */
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
  /** Contributions column by column: what a million events weigh. */
  private contributionTable = new ContributionTable();
  /** Every event applied, once each, in the order committed. */
  private applied = AppliedEvents.empty();

  async load(): Promise<StoredProjection> {
    return { ...structuredClone(this.documents()), applied: this.applied.clone() };
  }

  /** The documents as kept (not copies). */
  private documents(): Omit<StoreDump, 'contributions' | 'applied'> {
    return {
      checkpoints: Object.fromEntries(this.checkpoints),
      plans: [...this.plans.values()],
      tallies: [...this.tallies.values()],
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
    // bulk (contributions, applied keys) is copied shallowly: its strings are immutable and shared
    // with the projection, which is most of what a million events weigh.
    const { contributions, tallies, dropped, applied, ...documents } = changes;
    for (const key of applied ?? []) this.applied.add(key);
    for (const key of dropped?.tallies ?? []) {
      this.tallies.delete(key);
      this.contributionTable.drop(key);
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
      for (const key of appliedAdded) this.applied.add(key);
    }
    for (const referral of copy.referrals ?? []) this.referrals.set(referral.referralId, referral);
    for (const report of copy.reports ?? []) this.reports.set(report.key, report);
    for (const deadline of copy.deadlines ?? []) this.deadlines.set(deadline.id, deadline);
    for (const alert of copy.alerts ?? []) this.alerts.set(alert.id, alert);
    for (const record of copy.taskCompletions ?? []) this.taskCompletions.set(record.key, record);
    for (const record of copy.alertHandlings ?? []) this.alertHandlings.set(record.deadlineId, record);
    if (copy.waitingDeadlineFacts) this.waitingDeadlineFacts = copy.waitingDeadlineFacts;
    for (const contribution of contributions ?? []) this.contributionTable.add(contribution);
    for (const [stream, seq] of Object.entries(copy.checkpoints ?? {})) {
      this.checkpoints.set(stream, Math.max(seq, this.checkpoints.get(stream) ?? 0));
    }
  }

  async contributions(targetKey: string, limit: number): Promise<Contribution[]> {
    return this.contributionTable.list(targetKey, limit);
  }

  async countContributions(targetKey: string): Promise<number> {
    return this.contributionTable.count(targetKey);
  }

  async clear(): Promise<void> {
    for (const map of [this.checkpoints, this.plans, this.tallies, this.referrals, this.reports, this.deadlines, this.alerts, this.taskCompletions, this.alertHandlings]) map.clear();
    this.contributionTable.clear();
    this.applied = AppliedEvents.empty();
    this.waitingDeadlineFacts = undefined;
  }

  async close(): Promise<void> {}

  /** Everything committed, as bytes: what a snapshot of the read model keeps (ADR 0022). */
  dump(): Uint8Array {
    const dump: StoreDump = {
      ...this.documents(),
      contributions: this.contributionTable.toJSON(),
      applied: Buffer.from(this.applied.toBytes()).toString('base64'),
    };
    return Buffer.from(JSON.stringify(dump));
  }

  /** An empty store made to hold what `dump` gave; throws on bytes that are no dump. */
  static fromDump(bytes: Uint8Array): InMemoryCoordinationStore {
    const dump = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8')) as StoreDump;
    const store = new InMemoryCoordinationStore();
    for (const [stream, seq] of Object.entries(dump.checkpoints)) store.checkpoints.set(stream, seq);
    for (const plan of dump.plans) store.plans.set(plan.id, plan);
    for (const tally of dump.tallies) store.tallies.set(tally.key, tally);
    for (const referral of dump.referrals) store.referrals.set(referral.referralId, referral);
    for (const report of dump.reports) store.reports.set(report.key, report);
    for (const deadline of dump.deadlines) store.deadlines.set(deadline.id, deadline);
    for (const alert of dump.alerts) store.alerts.set(alert.id, alert);
    for (const record of dump.taskCompletions) store.taskCompletions.set(record.key, record);
    for (const record of dump.alertHandlings) store.alertHandlings.set(record.deadlineId, record);
    store.waitingDeadlineFacts = dump.waitingDeadlineFacts;
    store.contributionTable = ContributionTable.fromJSON(dump.contributions);
    store.applied = AppliedEvents.fromBytes(Buffer.from(dump.applied, 'base64'));
    return store;
  }
}
