import { revisionNumberOf, type Plan } from '@lienganh/contracts';
import { AppliedEvents } from '../board/applied-events.js';
import { RECENT_EVENTS } from '../targets/recent-events.js';
import mongoose, { Schema, type AnyBulkWriteOperation, type Connection, type MongooseBulkWriteOptions } from 'mongoose';
import type {
  AlertHandlingRecord,
  AlertRecord,
  CoordinationStore,
  DeadlineRecord,
  ProjectionChanges,
  ReferralRecord,
  ReportRecord,
  StoredHistory,
  StoredPlanActivity,
  StoredProjection,
  StoredTally,
  TallyChange,
  TaskCompletionRecord,
  WaitingDeadlineFacts,
} from './coordination-store.js';

interface CheckpointDocument {
  /** The stream's name. */
  _id: string;
  seq: number;
}

/**
 * A plan is kept as its JSON text: its `where` filters have keys such as `business.kind`,
 * which MongoDB would read as paths, and a plan must come back exactly as it was committed.
 */
interface PlanDocument {
  _id: string;
  /** Position of the plan's first commit: `load` returns plans in this order. */
  order: number;
  /** The plan's `revision.number` (absent in documents written before revisions: 1). */
  revision?: number;
  document: string;
}

/** `byArea` as pairs, so that an area code never becomes a field name. */
interface TallyDocument extends Omit<StoredTally, 'key' | 'byArea'> {
  _id: string;
  byArea: { area: string; count: number }[];
}

interface ReferralDocument extends Omit<ReferralRecord, 'referralId'> {
  _id: string;
}

interface ReportDocument extends Omit<ReportRecord, 'key'> {
  _id: string;
}

interface DeadlineDocument extends Omit<DeadlineRecord, 'id'> {
  _id: string;
}

interface AlertDocument extends Omit<AlertRecord, 'id'> {
  _id: string;
}

/** A task's facts as they are (a small list per task), kept whole. */
interface TaskCompletionDocument extends Omit<TaskCompletionRecord, 'key'> {
  _id: string;
}

/** A deadline's handling facts (a short list), kept whole. */
interface AlertHandlingDocument extends Omit<AlertHandlingRecord, 'deadlineId'> {
  _id: string;
}

/** One entry of a target's history (ADR 0023): a day and area's figures, or the first day of a distinct value. */
interface HistoryDocument {
  /** `${targetKey}|${part}|${entry}`. */
  _id: string;
  targetKey: string;
  part: 'days' | 'numerators' | 'denominators';
  /** `${day}|${area}`, or the distinct value. */
  entry: string;
  figures?: number[];
  day?: string;
}

/** One entry of a plan's activity: events per agency, day and area. */
interface ActivityDocument {
  /** `${planId}|${entry}`. */
  _id: string;
  planId: string;
  entry: string;
  count: number;
}

/** A target's latest contributing events (stream positions, oldest first, at most `RECENT_EVENTS`). */
interface RecentDocument {
  _id: string;
  positions: number[];
}

/** `_id: 'commit'`: set while a commit is written, so that one a crash cut short is told at the next load. */
interface MarkDocument {
  _id: string;
  inProgress: boolean;
}

interface CounterDocument {
  _id: string;
  next: number;
}

/** One event applied (its key), and the order it was committed in. */
interface AppliedDocument {
  _id: string;
  order: number;
}

/** One document (`_id: 'deadlines'`): the facts waiting for their deadline, as JSON. */
interface WaitingDocument {
  _id: string;
  document: string;
}

// No `required`: the port's types say what is present, and Mongoose would refuse an empty string.
const text = { type: String } as const;
const number = { type: Number } as const;
const texts = { type: [String] } as const;
// No `__v`: documents are replaced whole, never versioned.
const options = { versionKey: false } as const;

const checkpointSchema = new Schema<CheckpointDocument>({ _id: text, seq: number }, options);

const planSchema = new Schema<PlanDocument>({ _id: text, order: number, revision: number, document: text }, options);
planSchema.index({ order: 1 });

const tallySchema = new Schema<TallyDocument>(
  {
    _id: text,
    numeratorCount: number,
    denominatorCount: number,
    numeratorValues: texts,
    denominatorValues: texts,
    numeratorSum: number,
    events: number,
    // Per year, what its events added (ADR 0012): a small map of figures, kept as it is.
    years: { type: Schema.Types.Mixed },
    applied: texts,
    byArea: [new Schema({ area: text, count: number }, { _id: false })],
    lastEventTime: text,
    lastEventId: text,
  },
  options,
);

const referralSchema = new Schema<ReferralDocument>(
  {
    _id: text,
    subjectRef: text,
    fromAgency: text,
    toAgency: text,
    areaCode: text,
    made: text,
    accepted: text,
    declined: text,
    serviceDelivered: text,
    closed: text,
    unplacedAnswers: { type: [Schema.Types.Mixed], default: undefined },
  },
  options,
);

const reportSchema = new Schema<ReportDocument>(
  { _id: text, reportingBody: text, areaCode: text, cadence: text, period: text, submittedAt: text, eventId: text },
  options,
);

const deadlineSchema = new Schema<DeadlineDocument>(
  {
    _id: text,
    kind: text,
    agency: text,
    areaCode: text,
    dueAt: text,
    refId: text,
    referralId: text,
    planId: text,
    metAt: text,
    cancelled: { type: Boolean },
    since: text,
    duty: { type: new Schema({ targetId: text, period: text }, { _id: false }), default: undefined },
    alertsFrom: text,
    raised: texts,
  },
  options,
);

const alertSchema = new Schema<AlertDocument>({ _id: text, kind: text, deadlineId: text, time: text, leadDays: number }, options);

const taskCompletionSchema = new Schema<TaskCompletionDocument>({ _id: text, planId: text, taskId: text, facts: { type: Schema.Types.Mixed } }, options);

const alertHandlingSchema = new Schema<AlertHandlingDocument>({ _id: text, facts: { type: Schema.Types.Mixed } }, options);

const historySchema = new Schema<HistoryDocument>({ _id: text, targetKey: text, part: text, entry: text, figures: { type: [Number], default: undefined }, day: text }, options);
historySchema.index({ targetKey: 1 });
const activitySchema = new Schema<ActivityDocument>({ _id: text, planId: text, entry: text, count: number }, options);
activitySchema.index({ planId: 1 });
const recentSchema = new Schema<RecentDocument>({ _id: text, positions: { type: [Number] } }, options);
const markSchema = new Schema<MarkDocument>({ _id: text, inProgress: { type: Boolean } }, options);

const appliedSchema = new Schema<AppliedDocument>({ _id: text, order: number }, options);
appliedSchema.index({ order: 1 });
const waitingSchema = new Schema<WaitingDocument>({ _id: text, document: text }, options);

/** Hands out the plans' `order`: one counter, so that the order holds across restarts and clock changes. */
const counterSchema = new Schema<CounterDocument>({ _id: text, next: number }, options);

function collectionsOf(connection: Connection, prefix: string) {
  return {
    checkpoints: connection.model('Checkpoint', checkpointSchema, `${prefix}checkpoints`),
    plans: connection.model('Plan', planSchema, `${prefix}plans`),
    tallies: connection.model('Tally', tallySchema, `${prefix}tallies`),
    referrals: connection.model('Referral', referralSchema, `${prefix}referrals`),
    reports: connection.model('Report', reportSchema, `${prefix}reports`),
    deadlines: connection.model('Deadline', deadlineSchema, `${prefix}deadlines`),
    alerts: connection.model('Alert', alertSchema, `${prefix}alerts`),
    taskCompletions: connection.model('TaskCompletion', taskCompletionSchema, `${prefix}taskcompletions`),
    alertHandlings: connection.model('AlertHandling', alertHandlingSchema, `${prefix}alerthandlings`),
    histories: connection.model('History', historySchema, `${prefix}histories`),
    activity: connection.model('Activity', activitySchema, `${prefix}activity`),
    recent: connection.model('Recent', recentSchema, `${prefix}recent`),
    marks: connection.model('Mark', markSchema, `${prefix}marks`),
    counters: connection.model('Counter', counterSchema, `${prefix}counters`),
    waiting: connection.model('Waiting', waitingSchema, `${prefix}waiting`),
    applied: connection.model('Applied', appliedSchema, `${prefix}applied`),
  };
}
type Collections = ReturnType<typeof collectionsOf>;

/**
 * The store in MongoDB, through its own Mongoose connection: one collection per kind of
 * document, written with unordered bulk upserts (a commit is idempotent, so a failed one is
 * simply replayed). Checkpoints are written last, so they never run ahead of the documents. A
 * commit is marked while it is written: one a crash cut short is told by `load` (`interrupted`),
 * and the read models are rebuilt from the streams rather than trusted half-written.
 */
export class MongoCoordinationStore implements CoordinationStore {
  readonly kind = 'mongodb';

  private constructor(
    private readonly connection: Connection,
    private readonly collections: Collections,
  ) {}

  static async connect(uri: string, options: { dbName?: string; collectionPrefix?: string } = {}): Promise<MongoCoordinationStore> {
    const prefix = options.collectionPrefix ?? '';
    // Collections and indexes are made below, awaited, so that a failure shows here and not in a later write.
    const connection = mongoose.createConnection(uri, { autoIndex: false, autoCreate: false, ...(options.dbName ? { dbName: options.dbName } : {}) });
    try {
      await connection.asPromise();
      const store = new MongoCoordinationStore(connection, collectionsOf(connection, prefix));
      await Promise.all(store.everyCollection().map((model) => model.createIndexes()));
      return store;
    } catch (error) {
      await connection.close().catch(() => {});
      throw error;
    }
  }

  async load(): Promise<StoredProjection> {
    const [mark, checkpoints, plans, tallies, referrals, reports, deadlines, alerts, taskCompletions, alertHandlings, waiting, recent] = await Promise.all([
      this.collections.marks.findById('commit').lean<MarkDocument>(),
      this.collections.checkpoints.find().lean<CheckpointDocument[]>(),
      this.collections.plans.find().sort({ order: 1 }).lean<PlanDocument[]>(),
      this.collections.tallies.find().lean<TallyDocument[]>(),
      this.collections.referrals.find().lean<ReferralDocument[]>(),
      this.collections.reports.find().lean<ReportDocument[]>(),
      this.collections.deadlines.find().lean<DeadlineDocument[]>(),
      this.collections.alerts.find().lean<AlertDocument[]>(),
      this.collections.taskCompletions.find().lean<TaskCompletionDocument[]>(),
      this.collections.alertHandlings.find().lean<AlertHandlingDocument[]>(),
      this.collections.waiting.findById('deadlines').lean<WaitingDocument>(),
      this.collections.recent.find().lean<RecentDocument[]>(),
    ]);
    const applied = AppliedEvents.empty();
    for await (const { _id } of this.collections.applied.find().sort({ order: 1 }).lean<AppliedDocument[]>().cursor()) applied.add(_id);
    const histories = new Map<string, StoredHistory>();
    for await (const { targetKey, part, entry, figures, day } of this.collections.histories.find().lean<HistoryDocument[]>().cursor()) {
      let history = histories.get(targetKey);
      if (!history) histories.set(targetKey, (history = { key: targetKey, days: {}, numerators: {}, denominators: {} }));
      if (part === 'days') history.days[entry] = figures as StoredHistory['days'][string];
      else history[part][entry] = day!;
    }
    const activity = new Map<string, StoredPlanActivity>();
    for await (const { planId, entry, count } of this.collections.activity.find().lean<ActivityDocument[]>().cursor()) {
      let ofPlan = activity.get(planId);
      if (!ofPlan) activity.set(planId, (ofPlan = { planId, days: {} }));
      ofPlan.days[entry] = count;
    }
    return {
      ...(mark?.inProgress ? { interrupted: true } : {}),
      histories: [...histories.values()],
      activity: [...activity.values()],
      recent: Object.fromEntries(recent.map(({ _id, positions }) => [_id, positions])),
      checkpoints: Object.fromEntries(checkpoints.map((checkpoint) => [checkpoint._id, checkpoint.seq])),
      applied,
      plans: plans.map((plan) => JSON.parse(plan.document) as Plan),
      tallies: tallies.map(({ _id, byArea, ...tally }) => present({ key: _id, ...tally, byArea: Object.fromEntries(byArea.map((entry) => [entry.area, entry.count])) })),
      referrals: referrals.map(({ _id, ...referral }) => present({ referralId: _id, ...referral })),
      reports: reports.map(({ _id, ...report }) => present({ key: _id, ...report })),
      deadlines: deadlines.map(({ _id, ...deadline }) => present({ id: _id, ...deadline })),
      alerts: alerts.map(({ _id, ...alert }) => present({ id: _id, ...alert })),
      taskCompletions: taskCompletions.map(({ _id, ...record }) => ({ key: _id, ...record })),
      alertHandlings: alertHandlings.map(({ _id, facts }) => ({ deadlineId: _id, facts })),
      ...(waiting ? { waitingDeadlineFacts: JSON.parse(waiting.document) as WaitingDeadlineFacts } : {}),
    };
  }

  async commit(original: ProjectionChanges): Promise<void> {
    // A copy, as in memory: the caller's objects changing while this runs cannot change what is written.
    const changes = structuredClone(original);
    await this.collections.marks.updateOne({ _id: 'commit' }, { $set: { inProgress: true } }, { upsert: true });
    // What a plan revision voided goes first: the same keys may be written anew below.
    const dropped = changes.dropped;
    if (dropped?.tallies.length) {
      await this.collections.tallies.deleteMany({ _id: { $in: dropped.tallies } });
      await this.collections.histories.deleteMany({ targetKey: { $in: dropped.tallies } });
      await this.collections.recent.deleteMany({ _id: { $in: dropped.tallies } });
    }
    if (dropped?.activity?.length) await this.collections.activity.deleteMany({ planId: { $in: dropped.activity } });
    if (dropped?.taskCompletions.length) await this.collections.taskCompletions.deleteMany({ _id: { $in: dropped.taskCompletions } });
    if (dropped?.deadlines.length) await this.collections.deadlines.deleteMany({ _id: { $in: dropped.deadlines } });

    // Entries as they stand (absolute values): a replayed commit writes the same.
    await write(this.collections.histories, (changes.histories ?? []).flatMap(historyWrites));
    await write(
      this.collections.activity,
      (changes.activity ?? []).flatMap(({ planId, days }) =>
        Object.entries(days).map(([entry, count]) => ({ replaceOne: { filter: { _id: `${planId}|${entry}` }, replacement: { planId, entry, count }, upsert: true } })),
      ),
    );
    await write(
      this.collections.recent,
      Object.entries(changes.recent ?? {}).map(([key, positions]) => ({
        updateOne: { filter: { _id: key }, update: { $push: { positions: { $each: positions, $slice: -RECENT_EVENTS } } }, upsert: true },
      })),
    );

    // Figures replaced, applied ids appended once each (`$addToSet`): a replayed commit adds nothing.
    await write(
      this.collections.tallies,
      mergedTallyChanges(changes.tallies ?? []).map(({ key, byArea, appliedAdded, lastEventTime, lastEventId, ...figures }) => ({
        updateOne: {
          filter: { _id: key },
          update: {
            $set: { ...figures, byArea: Object.entries(byArea).map(([area, count]) => ({ area, count })), ...present({ lastEventTime, lastEventId }) },
            ...(lastEventTime === undefined ? { $unset: { lastEventTime: '', lastEventId: '' } } : {}),
            $addToSet: { applied: { $each: appliedAdded } },
          },
          upsert: true,
        },
      })),
    );
    await write(
      this.collections.referrals,
      lastByKey(changes.referrals ?? [], (referral) => referral.referralId).map(({ referralId, ...referral }) => ({
        replaceOne: { filter: { _id: referralId }, replacement: present(referral), upsert: true },
      })),
    );
    await write(
      this.collections.reports,
      lastByKey(changes.reports ?? [], (report) => report.key).map(({ key, ...report }) => ({
        replaceOne: { filter: { _id: key }, replacement: present(report), upsert: true },
      })),
    );

    await write(
      this.collections.deadlines,
      lastByKey(changes.deadlines ?? [], (deadline) => deadline.id).map(({ id, ...deadline }) => ({
        replaceOne: { filter: { _id: id }, replacement: present(deadline), upsert: true },
      })),
    );
    await write(
      this.collections.alerts,
      lastByKey(changes.alerts ?? [], (alert) => alert.id).map(({ id, ...alert }) => ({
        replaceOne: { filter: { _id: id }, replacement: present(alert), upsert: true },
      })),
    );

    await write(
      this.collections.taskCompletions,
      lastByKey(changes.taskCompletions ?? [], (record) => record.key).map(({ key, ...record }) => ({
        replaceOne: { filter: { _id: key }, replacement: record, upsert: true },
      })),
    );

    await write(
      this.collections.alertHandlings,
      lastByKey(changes.alertHandlings ?? [], (record) => record.deadlineId).map(({ deadlineId, facts }) => ({
        replaceOne: { filter: { _id: deadlineId }, replacement: { facts }, upsert: true },
      })),
    );

    if (changes.waitingDeadlineFacts) {
      await this.collections.waiting.replaceOne({ _id: 'deadlines' }, { document: JSON.stringify(changes.waitingDeadlineFacts) }, { upsert: true });
    }

    // Plans after the documents counted for them: a crash before this leaves the previous version
    // stored, so that its revision is read (and its backfill made) again.
    await this.writePlans(changes.plans ?? []);

    // After the documents (a tally also keeps its keys, for a crash before this), before the checkpoints.
    const firstApplied = await this.reserve('applied', changes.applied?.length ?? 0);
    await write(
      this.collections.applied,
      (changes.applied ?? []).map((key, index) => ({ updateOne: { filter: { _id: key }, update: { $setOnInsert: { order: firstApplied + index } }, upsert: true } })),
    );

    // `$max`: a checkpoint only moves forward, even when an older commit is replayed.
    await write(
      this.collections.checkpoints,
      Object.entries(changes.checkpoints ?? {}).map(([stream, seq]) => ({
        updateOne: { filter: { _id: stream }, update: { $max: { seq } }, upsert: true },
      })),
    );
    await this.collections.marks.updateOne({ _id: 'commit' }, { $set: { inProgress: false } });
  }

  async clear(): Promise<void> {
    await Promise.all(this.everyCollection().map((model) => model.deleteMany({})));
  }

  async close(): Promise<void> {
    await this.connection.close();
  }

  /**
   * A new plan takes the next position; a stored one is replaced, in its place, only by a higher
   * revision. Within one batch the highest revision of each plan wins, the first of equal ones.
   */
  private async writePlans(changed: Plan[]): Promise<void> {
    const highest = new Map<string, Plan>();
    for (const plan of changed) {
      const kept = highest.get(plan.id);
      if (!kept || revisionNumberOf(plan) > revisionNumberOf(kept)) highest.set(plan.id, plan);
    }
    const plans = [...highest.values()];
    const firstOrder = await this.reserve('plans', plans.length);
    await write(
      this.collections.plans,
      plans.map((plan, index) => ({
        updateOne: { filter: { _id: plan.id }, update: { $setOnInsert: { order: firstOrder + index, revision: revisionNumberOf(plan), document: JSON.stringify(plan) } }, upsert: true },
      })),
    );
    const revised = plans.filter((plan) => revisionNumberOf(plan) > 1);
    await write(
      this.collections.plans,
      revised.map((plan) => {
        const lower = { $or: [{ revision: { $lt: revisionNumberOf(plan) } }, { revision: { $exists: false } }] };
        return { updateOne: { filter: { _id: plan.id, ...lower }, update: { $set: { revision: revisionNumberOf(plan), document: JSON.stringify(plan) } } } };
      }),
    );
  }

  /** Reserves `count` consecutive positions of a counter (`plans`, `applied`) and returns the first. */
  private async reserve(counterId: string, count: number): Promise<number> {
    if (count === 0) return 0;
    const counter = await this.collections.counters
      .findOneAndUpdate({ _id: counterId }, { $inc: { next: count } }, { upsert: true, returnDocument: 'after' })
      .lean<CounterDocument>();
    return counter!.next - count;
  }

  private everyCollection(): { deleteMany(filter: object): PromiseLike<unknown>; createIndexes(): Promise<void> }[] {
    return Object.values(this.collections);
  }
}

async function write(model: { bulkWrite(operations: AnyBulkWriteOperation[], options: MongooseBulkWriteOptions): Promise<unknown> }, operations: AnyBulkWriteOperation[]): Promise<void> {
  if (operations.length === 0) return;
  // Unordered for speed (each write is a whole document by key); but a document that does not
  // fit its schema must fail the commit, not be dropped while the checkpoint moves on.
  await model.bulkWrite(operations, { ordered: false, throwOnValidationError: true, strict: 'throw' });
}

/** A history's changed entries, each a document by target, part and entry. */
function historyWrites({ key, days, numerators, denominators }: StoredHistory): AnyBulkWriteOperation[] {
  const replace = (part: HistoryDocument['part'], entry: string, value: Pick<HistoryDocument, 'figures' | 'day'>) => ({
    replaceOne: { filter: { _id: `${key}|${part}|${entry}` }, replacement: { targetKey: key, part, entry, ...value }, upsert: true },
  });
  return [
    ...Object.entries(days).map(([entry, figures]) => replace('days', entry, { figures })),
    ...Object.entries(numerators).map(([entry, day]) => replace('numerators', entry, { day })),
    ...Object.entries(denominators).map(([entry, day]) => replace('denominators', entry, { day })),
  ];
}

/** One change per tally: the last figures, every id applied. */
function mergedTallyChanges(changes: TallyChange[]): TallyChange[] {
  const byKey = new Map<string, TallyChange>();
  for (const change of changes) {
    const earlier = byKey.get(change.key);
    byKey.set(change.key, earlier ? { ...change, appliedAdded: [...earlier.appliedAdded, ...change.appliedAdded] } : change);
  }
  return [...byKey.values()];
}

function lastByKey<T>(items: T[], keyOf: (item: T) => string): T[] {
  return [...new Map(items.map((item) => [keyOf(item), item])).values()];
}

/** MongoDB has no `undefined` (the driver would write null): optional fields stay absent, both ways. */
function present<T extends object>(record: T): T {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined && value !== null)) as T;
}
