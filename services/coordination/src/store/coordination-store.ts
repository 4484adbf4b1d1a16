import type { BusEvent, Plan } from '@lienganh/contracts';
import type { AppliedEvents } from '../board/applied-events.js';
import type { StoredPlanActivity } from '../board/plan-activity.js';
import type { StoredHistory } from '../targets/target-history.js';
import type { AlertKind, DeadlineRecord, WaitingDeadlineFacts } from '../deadlines/deadline-book.js';
import type { TaskCompletionRecord } from '../board/task-completion.js';
import type { AlertHandlingRecord } from '../deadlines/alert-handling.js';

export type { AlertHandlingRecord, DeadlineRecord, StoredHistory, StoredPlanActivity, TaskCompletionRecord, WaitingDeadlineFacts };

/**
 * The store port: where coordination's read models are kept between runs. The projection
 * works in memory and hands the store what changed, in batches; the store only has to keep
 * documents by key. Two adapters implement it: `InMemoryCoordinationStore` (empty at each start,
 * so the streams are replayed; the reference the checks compare with) and `MongoCoordinationStore`.
 * The default, `SnapshottingCoordinationStore`, keeps no documents: snapshots of the projection
 * itself (ADR 0022, ADR 0023); without snapshots, `ProjectionOnlyStore` keeps nothing at all.
 *
 * Contract (tested against every adapter by one suite):
 * - `commit` is an upsert by key and idempotent: committing the same changes twice changes nothing
 *   (histories and activity come as absolute values of the entries that changed);
 * - a checkpoint only moves forward;
 * - `load` returns what was committed, plans in the order they were first committed;
 * - a plan is replaced (in its place) only by a higher revision (`revision.number`, 1 when absent);
 * - `dropped` documents are removed before anything else of the commit is written (a plan
 *   revision voids its tallies, their histories, its activity, some task records and deadlines,
 *   and writes the same keys anew in the same commit);
 * - a commit a crash cut short is told by `load` (`interrupted`): the caller rebuilds from the streams.
 */
export interface CoordinationStore {
  /** `memory` or `mongodb`, for logs and `/readyz`. */
  readonly kind: string;
  load(): Promise<StoredProjection>;
  commit(changes: ProjectionChanges): Promise<void>;
  /** Forgets everything (a rebuild from the streams follows). */
  clear(): Promise<void>;
  close(): Promise<void>;
}

export interface StoredProjection {
  /** A commit was cut short (a crash between its writes): what was loaded may be partly written; rebuild from the streams. */
  interrupted?: boolean;
  /** Stream name → last stream sequence whose effects are committed. */
  checkpoints: Record<string, number>;
  /**
   * Every event applied, by key, in the order committed: `ProjectionChanges.applied` and the
   * tallies' `appliedAdded` (a copy, the caller's own). None from an older store: the tallies' `applied`.
   */
  applied?: AppliedEvents;
  plans: Plan[];
  tallies: StoredTally[];
  /** Per target: its figures per day and area (absent from an older store: the streams are replayed). */
  histories?: StoredHistory[];
  /** Per plan: its events per agency, day and area. */
  activity?: StoredPlanActivity[];
  /** Per target (`${planId}/${targetId}`): the stream positions of its latest contributing events, oldest first. */
  recent?: Record<string, number[]>;
  referrals: ReferralRecord[];
  reports: ReportRecord[];
  deadlines: DeadlineRecord[];
  alerts: AlertRecord[];
  /** What the bodies and the secretariat said of each task (reported, confirmed, reopened), by task; none from an older store. */
  taskCompletions?: TaskCompletionRecord[];
  /** What the secretariat did about each deadline's alerts (ADR 0019), by deadline; none from an older store. */
  alertHandlings?: AlertHandlingRecord[];
  /** Facts waiting for the deadline they meet or raised alerts of (one document); none from an older store. */
  waitingDeadlineFacts?: WaitingDeadlineFacts;
}

export interface ProjectionChanges {
  /** What a plan revision voided, by key: removed first. A tally's history and latest events go with it; `activity`: plan ids. */
  dropped?: { tallies: string[]; taskCompletions: string[]; deadlines: string[]; activity?: string[] };
  checkpoints?: Record<string, number>;
  /** Keys of the events applied since the last commit, in order (every event once, whether it counted or not). */
  applied?: string[];
  plans?: Plan[];
  tallies?: TallyChange[];
  /** The entries of each target's history that changed, with their values now. */
  histories?: StoredHistory[];
  /** The entries of each plan's activity that changed, with their values now. */
  activity?: StoredPlanActivity[];
  /** Per target: the stream positions of its contributing events since the last commit, in order (a store keeps the last `RECENT_EVENTS`). */
  recent?: Record<string, number[]>;
  referrals?: ReferralRecord[];
  reports?: ReportRecord[];
  deadlines?: DeadlineRecord[];
  alerts?: AlertRecord[];
  /** Each changed task's record whole (it carries its facts' keys, so a replayed commit changes nothing). */
  taskCompletions?: TaskCompletionRecord[];
  /** Each changed deadline's handling record whole (it carries its facts' keys: a replayed commit changes nothing). */
  alertHandlings?: AlertHandlingRecord[];
  /** The facts waiting for their deadline, whole, when they changed. */
  waitingDeadlineFacts?: WaitingDeadlineFacts;
}

/** A target's tally as stored; arrays in the order the values were first applied (stream order). */
export interface StoredTally {
  /** `${planId}/${targetId}`. */
  key: string;
  numeratorCount: number;
  denominatorCount: number;
  numeratorValues: string[];
  denominatorValues: string[];
  /** For sum measures (absent from an older store: 0). */
  numeratorSum?: number;
  /** For a target with goals per year: what each year's events added (ADR 0012). */
  years?: Record<string, StoredFigures>;
  /** How many events counted towards it (absent from an older store: `applied`'s length). */
  events?: number;
  /**
   * Keys (source + id) of the events counted towards it, where a store keeps them with the tally
   * (MongoDB: written with its figures in one document, so that a crash between the writes of one
   * commit never counts an event twice). The in-memory store keeps them in `applied` alone.
   */
  applied?: string[];
  /** Contributing events per area code of the event (the plan's area when the event names none). */
  byArea: Record<string, number>;
  lastEventTime?: string;
  lastEventId?: string;
}

/** A tally's figures for one year: what the events of that year added. */
export interface StoredFigures {
  numeratorCount: number;
  denominatorCount: number;
  numeratorSum: number;
  numeratorValues: string[];
  denominatorValues: string[];
}

/**
 * What changed in a tally since the last commit: its figures whole, and the ids applied since
 * (appended once each), so that a commit costs what the batch added, not the tally's history.
 */
export interface TallyChange extends Omit<StoredTally, 'applied'> {
  appliedAdded: string[];
}

/** How far one referral (chuyển gửi) has come; each stage holds the `time` of the event that reached it. */
export interface ReferralRecord {
  referralId: string;
  /** The person's pseudonymous reference, from the `made` event: person-related, shown only to the agencies of the case. */
  subjectRef?: string;
  fromAgency?: string;
  toAgency?: string;
  areaCode?: string;
  made?: string;
  accepted?: string;
  declined?: string;
  serviceDelivered?: string;
  closed?: string;
  /** Answers that came before the referral was known: counted where it is made, once it is (ADR 0010, 3). */
  unplacedAnswers?: BusEvent[];
  /** Where those answers sit in the streams, by event key: the target's latest events list them once counted. */
  unplacedPositions?: Record<string, number>;
}

/** The first report a body submitted for one cadence and period. */
export interface ReportRecord {
  /** `${reportingBody}|${cadence}|${period}`. */
  key: string;
  reportingBody: string;
  areaCode: string;
  cadence: string;
  period: string;
  submittedAt: string;
  eventId: string;
}

/** One alert raised about a deadline (a `coordination.deadline.*` event). */
export interface AlertRecord {
  /** The alert event's id: `<deadline id>:<kind>[:<lead days>]`. */
  id: string;
  kind: AlertKind;
  deadlineId: string;
  /** When it was raised (the event's `time`). */
  time: string;
  leadDays?: number;
}
