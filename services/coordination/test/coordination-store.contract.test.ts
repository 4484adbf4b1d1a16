import { readFileSync } from 'node:fs';
import { eventKey, parsePlanDocument, validatePlan, type Plan } from '@lienganh/contracts';
import mongoose from 'mongoose';
import type { AlertRecord, CoordinationStore, StoredHistory, DeadlineRecord, ProjectionChanges, ReferralRecord, ReportRecord, StoredProjection, StoredTally, TallyChange } from '../src/store/coordination-store.js';

/** The tally as `load` gives it back after `changes` were committed in order: its last figures. */
const loadedTally = (...changes: TallyChange[]): StoredTally => {
  const { appliedAdded: _added, ...figures } = changes.at(-1)!;
  return figures;
};

/** What `load` gave, without the applied events (checked on their own) and a tally's keys where an adapter keeps them too. */
const documentsOf = ({ applied: _applied, ...loaded }: StoredProjection) => ({ ...loaded, tallies: loaded.tallies.map(({ applied: _keys, ...tally }) => tally) });

/** Whether `load` gave exactly these events as applied. */
const appliedExactly = (loaded: StoredProjection, keys: string[]) => loaded.applied!.size === new Set(keys).size && keys.every((key) => loaded.applied!.has(key));
import { InMemoryCoordinationStore } from '../src/store/in-memory-coordination.store.js';
import { AppliedEvents } from '../src/board/applied-events.js';
import { decodeSnapshotBody, encodeSnapshotBody } from '../src/snapshots/snapshot-body.js';
import { MongoCoordinationStore } from '../src/store/mongo-coordination.store.js';

// One contract, every adapter: what the port's doc comment promises, checked the same way for each.

const baDinh = parsePlanDocument(readFileSync(new URL('../demo/ba-dinh-2021.plan.yaml', import.meta.url), 'utf8'), 'yaml');

/** A small plan whose filter keys are data paths with a dot, which MongoDB must not read as paths. */
const planWith = (id: string, title = 'Kiểm tra cơ sở karaoke, massage'): Plan =>
  validatePlan({
    id,
    number: '12/KH-UBND',
    issuedOn: '2021-03-01',
    issuingBody: 'ubnd-ba-dinh',
    level: 'district',
    area: 'hn-ba-dinh',
    period: { start: '2021-01-01', end: '2021-12-31' },
    title: { vi: title, en: 'Inspections of karaoke and massage businesses' },
    targets: [
      {
        id: 'ct-kiem-tra',
        title: { vi: 'Kiểm tra 20 cơ sở', en: '20 businesses inspected' },
        agency: 'police',
        measure: {
          kind: 'distinct',
          eventType: 'vn.pcmd.police.inspection.completed.v1',
          field: 'business.businessId',
          where: { 'business.kind': ['karaoke', 'massage'], outcome: 'violations-found' },
        },
        goal: { min: 20 },
      },
    ],
    tasks: [{ id: 'nv-kiem-tra', title: { vi: 'Kiểm tra', en: 'Inspect' }, lead: 'police', due: '2021-12-31', targets: ['ct-kiem-tra'] }],
  });

const tally = (key: string, overrides: Partial<TallyChange> = {}): TallyChange => ({
  key,
  numeratorCount: 2,
  denominatorCount: 0,
  numeratorValues: ['0101234567', '0107654321'],
  denominatorValues: [],
  appliedAdded: ['evt-kt-1', 'evt-kt-2'],
  byArea: { 'hn-ba-dinh-lieu-giai': 1, 'hn-ba-dinh-kim-ma': 1 },
  lastEventTime: '2021-05-04T09:30:00+07:00',
  lastEventId: 'evt-kt-2',
  ...overrides,
});

/** A target's history as the projection hands it over: changed entries with their values now. */
const history = (key = 'kh-ba-dinh-2021/ct-kiem-tra-80-phan-tram', overrides: Partial<StoredHistory> = {}): StoredHistory => ({
  key,
  days: { '2021-05-04|hn-ba-dinh-lieu-giai': [1, 1, 0, 0], '2021-05-05|hn-ba-dinh-lieu-giai': [1, 1, 0, 0] },
  numerators: { '0101234567': '2021-05-04', '0107654321': '2021-05-05' },
  denominators: {},
  ...overrides,
});

const referral: ReferralRecord = {
  referralId: 'cg-0001',
  subjectRef: `sr_${'A'.repeat(43)}`,
  fromAgency: 'police',
  toAgency: 'labour',
  areaCode: 'hn-ba-dinh-kim-ma',
  made: '2021-05-04T10:00:00+07:00',
  accepted: '2021-05-05T08:15:00+07:00',
};

const report: ReportRecord = {
  key: 'police|monthly|2021-05|hn-ba-dinh',
  reportingBody: 'police',
  areaCode: 'hn-ba-dinh',
  cadence: 'monthly',
  period: '2021-05',
  submittedAt: '2021-06-03T16:00:00+07:00',
  eventId: 'evt-bc-0005',
};

const deadline: DeadlineRecord = {
  id: 'referral:cg-0001',
  kind: 'referral-handover',
  agency: 'labour',
  areaCode: 'hn-ba-dinh-kim-ma',
  dueAt: '2021-05-11T10:00:00+07:00',
  refId: 'cg-0001',
  planId: 'kh-ba-dinh-2021',
  raised: ['referral:cg-0001:approaching:3', 'referral:cg-0001:overdue'],
};

const alert: AlertRecord = { id: 'referral:cg-0001:approaching:3', kind: 'approaching', deadlineId: 'referral:cg-0001', time: '2021-05-08T10:00:00+07:00', leadDays: 3 };

/** One of every kind of document, as the projection would hand it over. */
const everything = (): ProjectionChanges => structuredClone({
  checkpoints: { POLICE: 41, LABOUR: 7 },
  // Events applied that counted nowhere (a report, a hand-over answer) are kept as applied too.
  applied: ['evt-bc-0005', 'evt-kt-1', 'evt-kt-2'],
  plans: [baDinh, planWith('kh-kiem-tra-2021')],
  tallies: [
    tally('kh-ba-dinh-2021/ct-kiem-tra-80-phan-tram'),
    tally('kh-ba-dinh-2021/ct-ca-triet-pha-05', { byArea: {}, lastEventTime: undefined, lastEventId: undefined }),
    // A sum with goals per year (ADR 0012): the sum, and what each year's events added.
    tally('kh-ba-dinh-2021/ct-tap-huan', {
      numeratorCount: 0,
      numeratorValues: [],
      numeratorSum: 1_234.5,
      years: {
        '2021': { numeratorCount: 0, denominatorCount: 0, numeratorSum: 1_000, numeratorValues: [], denominatorValues: [] },
        '2022': { numeratorCount: 0, denominatorCount: 0, numeratorSum: 234.5, numeratorValues: ['a'], denominatorValues: ['a', 'b'] },
      },
    }),
  ],
  histories: [history(), history('kh-ba-dinh-2021/ct-tap-huan', { days: { '2021-06-01|hn-ba-dinh': [1, 1, 0, 120.5] }, numerators: { '': '2021-06-01' } })],
  activity: [{ planId: 'kh-ba-dinh-2021', days: { 'police|2021-05-04|hn-ba-dinh-lieu-giai': 1, '|2021-05-04|hn-ba-dinh-lieu-giai': 1 } }],
  recent: { 'kh-ba-dinh-2021/ct-kiem-tra-80-phan-tram': [82, 84] },
  referrals: [referral, { referralId: 'cg-0002', made: '2021-05-06T11:00:00+07:00' }],
  reports: [report],
  deadlines: [
    deadline,
    { ...deadline, id: 'patrol:td-lieu-giai:evt-1', kind: 'hotspot-patrol', refId: 'td-lieu-giai', raised: [], cancelled: true, metAt: '2021-05-09T22:00:00+07:00' },
    // A cadence duty of a plan imported late: when its alerts start is kept with it (ADR 0010, 8).
    { ...deadline, id: 'cadence:kh-ba-dinh-2021:ct-tin-bai:2021-04', kind: 'task', agency: 'culture', refId: 'ct-tin-bai:2021-04', duty: { targetId: 'ct-tin-bai', period: '2021-04' }, alertsFrom: '2021-06-01T00:00:00+07:00', raised: [] },
  ],
  alerts: [alert, { id: 'referral:cg-0001:overdue', kind: 'overdue', deadlineId: 'referral:cg-0001', time: '2021-05-11T10:05:00+07:00' }],
  // A task reported done with its document, then reopened by the secretariat (board/task-completion.ts).
  taskCompletions: [
    {
      key: 'kh-ba-dinh-2021/nv-vhtt-01',
      planId: 'kh-ba-dinh-2021',
      taskId: 'nv-vhtt-01',
      facts: [
        { kind: 'progress', key: 'k-p1', id: 'evt-tp-1', time: '2021-05-04T09:30:00+07:00', body: 'culture', percentDone: 50 },
        { kind: 'completed', key: 'k-c1', id: 'evt-tc-1', time: '2021-11-30T10:00:00+07:00', body: 'culture', completedOn: '2021-11-30', evidence: { documentNumber: '45/BC-VHTT', issuedOn: '2021-11-30' } },
        { kind: 'reopened', key: 'k-r1', id: 'reopened:kh-ba-dinh-2021:nv-vhtt-01:3', time: '2021-12-02T08:00:00+07:00', by: 'thu-ky-01', reason: 'evidence-missing' },
      ],
    },
  ],
  // An alert acknowledged, noted and assigned by the secretariat (ADR 0019).
  alertHandlings: [
    {
      deadlineId: 'referral:cg-0001',
      facts: [
        { kind: 'acknowledged', key: 'k-a1', id: 'acknowledged:referral:cg-0001:1', time: '2021-05-11T11:00:00+07:00', by: 'thu-ky-01', role: 'secretariat', stage: 'overdue' },
        { kind: 'noted', key: 'k-n1', id: 'noted:referral:cg-0001:2:0123456789abcdef', time: '2021-05-11T11:05:00+07:00', by: 'thu-ky-01', role: 'secretariat', note: 'Đã đôn đốc Phòng Lao động' },
        { kind: 'assigned', key: 'k-g1', id: 'assigned:referral:cg-0001:3:labour', time: '2021-05-11T11:10:00+07:00', by: 'thu-ky-02', role: 'secretariat', assignee: 'labour' },
      ],
    },
  ],
  // Facts that came before their deadline: kept, so that a restart meets it as a full replay would.
  waitingDeadlineFacts: {
    answers: [['cg-0002', { labour: '2021-05-09T10:00:00+07:00' }]],
    followUps: [['kt-0007', '2021-05-12T08:00:00+07:00']],
    alerts: [['follow-up:kt-0009', ['follow-up:kt-0009:due-soon:3']]],
  },
});

const empty = { checkpoints: {}, plans: [], tallies: [], histories: [], activity: [], recent: {}, referrals: [], reports: [], deadlines: [], alerts: [], taskCompletions: [], alertHandlings: [] };

function storeContract(name: string, open: () => Promise<CoordinationStore>, options: { persistent?: boolean } = {}) {
  describe(`${name}: the coordination store contract`, () => {
    let store: CoordinationStore;
    // A MongoDB that is set but unreachable fails after its 30 s server selection, not the hook's timeout.
    beforeEach(async () => {
      store = await open();
      await store.clear();
    }, 60_000);
    afterEach(async () => {
      await store.close();
    });

    it('loads nothing from an empty store', async () => {
      const loaded = await store.load();
      expect(documentsOf(loaded)).toEqual(empty);
      expect(appliedExactly(loaded, [])).toBe(true);
      expect(loaded.interrupted).toBeUndefined();
    });

    it('loads every kind of document exactly as it was committed', async () => {
      const { tallies, applied, ...documents } = everything();
      await store.commit(everything());
      const loaded = await store.load();
      expect(documentsOf(loaded)).toEqual({ ...documents, tallies: tallies!.map((change) => loadedTally(change)) });
      expect(loaded.interrupted).toBeUndefined();
      // Every event applied, whether it counted (a tally's keys) or not.
      expect(appliedExactly(loaded, [...applied!, 'evt-kt-1', 'evt-kt-2'])).toBe(true);
      // Absent optional fields come back absent, not null, and dotted filter keys stay keys.
      expect(loaded.tallies.find((t) => t.key.endsWith('ct-ca-triet-pha-05'))!.lastEventTime).toBeUndefined();
      expect(loaded.referrals.find((r) => r.referralId === 'cg-0002')).toEqual({ referralId: 'cg-0002', made: '2021-05-06T11:00:00+07:00' });
      expect(loaded.plans[1]!.targets[0]!.measure).toMatchObject({ where: { 'business.kind': ['karaoke', 'massage'] } });
    });

    it("merges a history's, an activity's changed entries into what it kept, and keeps the last `RECENT_EVENTS` positions", async () => {
      const key = 'kh-ba-dinh-2021/ct-kiem-tra-80-phan-tram';
      await store.commit({ histories: [history()], activity: [{ planId: 'kh-ba-dinh-2021', days: { '|2021-05-04|hn-ba-dinh': 1 } }], recent: { [key]: [2, 4] } });
      await store.commit({
        histories: [{ key, days: { '2021-05-05|hn-ba-dinh-lieu-giai': [2, 2, 0, 0] }, numerators: { '0109999999': '2021-05-05' }, denominators: { a: '2021-05-05' } }],
        activity: [{ planId: 'kh-ba-dinh-2021', days: { '|2021-05-04|hn-ba-dinh': 2, 'police|2021-05-04|hn-ba-dinh': 1 } }],
        recent: { [key]: Array.from({ length: 10_000 }, (_, index) => 2 * (index + 3)) },
      });
      const loaded = await store.load();
      expect(loaded.histories).toEqual([
        {
          key,
          days: { '2021-05-04|hn-ba-dinh-lieu-giai': [1, 1, 0, 0], '2021-05-05|hn-ba-dinh-lieu-giai': [2, 2, 0, 0] },
          numerators: { '0101234567': '2021-05-04', '0107654321': '2021-05-05', '0109999999': '2021-05-05' },
          denominators: { a: '2021-05-05' },
        },
      ]);
      expect(loaded.activity).toEqual([{ planId: 'kh-ba-dinh-2021', days: { '|2021-05-04|hn-ba-dinh': 2, 'police|2021-05-04|hn-ba-dinh': 1 } }]);
      const positions = loaded.recent![key]!;
      expect(positions).toHaveLength(10_000);
      expect([positions[0], positions.at(-1)]).toEqual([6, 2 * 10_002]);
    });

    it('changes nothing when the same changes are committed twice', async () => {
      // The latest events' positions are appended (a view of them drops repeats); everything else is the same.
      const { recent: _recent, ...changes } = everything();
      await store.commit(changes);
      const once = await store.load();
      await store.commit(changes);
      const twice = await store.load();
      expect(documentsOf(twice)).toEqual(documentsOf(once));
      expect(twice.applied!.size).toBe(once.applied!.size);
    });

    it('replaces a tally\'s figures (appending its applied ids), a referral, a report and a deadline committed again under the same key', async () => {
      const key = 'kh-ba-dinh-2021/ct-kiem-tra-80-phan-tram';
      await store.commit({ tallies: [tally(key)], referrals: [referral], reports: [report] });
      const later = tally(key, { numeratorCount: 3, numeratorValues: ['0101234567', '0107654321', '0109999999'], appliedAdded: ['evt-kt-2', 'evt-kt-3'], byArea: { 'hn-ba-dinh-doi-can': 3 }, lastEventTime: undefined, lastEventId: undefined });
      const closed: ReferralRecord = { referralId: 'cg-0001', fromAgency: 'police', toAgency: 'labour', closed: '2021-07-01T10:00:00+07:00' };
      const resubmitted: ReportRecord = { ...report, submittedAt: '2021-06-04T08:00:00+07:00', eventId: 'evt-bc-0006' };
      await store.commit({ tallies: [later], referrals: [closed], reports: [resubmitted] });
      await store.commit({ deadlines: [deadline] });
      await store.commit({ deadlines: [{ ...deadline, metAt: '2021-05-12T08:00:00+07:00', raised: [...deadline.raised, 'referral:cg-0001:resolved'] }] });
      expect((await store.load()).deadlines).toEqual([{ ...deadline, metAt: '2021-05-12T08:00:00+07:00', raised: [...deadline.raised, 'referral:cg-0001:resolved'] }]);
      const loaded = await store.load();
      // Figures replaced; applied ids appended, each once.
      expect(documentsOf(loaded).tallies).toEqual([loadedTally(tally(key), later)]);
      expect(appliedExactly(loaded, ['evt-kt-1', 'evt-kt-2', 'evt-kt-3'])).toBe(true);
      expect(loaded.tallies[0]!.lastEventTime).toBeUndefined();
      expect(loaded.referrals).toEqual([closed]);
      expect(loaded.reports).toEqual([resubmitted]);
    });

    it("replaces a deadline's handling record committed again, whole (ADR 0019)", async () => {
      const [record] = everything().alertHandlings!;
      await store.commit({ alertHandlings: [{ ...record!, facts: record!.facts.slice(0, 1) }] });
      await store.commit({ alertHandlings: [record!] });
      expect((await store.load()).alertHandlings).toEqual([record]);
    });

    it('keeps plans in the order they were first committed and never replaces one', async () => {
      const [first, second, third] = [planWith('kh-a-2021'), planWith('kh-c-2021'), planWith('kh-b-2021')];
      await store.commit({ plans: [first] });
      await store.commit({ plans: [second, planWith('kh-a-2021', 'Bản sửa đổi'), third] });
      await store.commit({ plans: [planWith('kh-d-2021'), planWith('kh-d-2021', 'Bản sửa đổi')] });
      const plans = (await store.load()).plans;
      expect(plans.map((plan) => plan.id)).toEqual(['kh-a-2021', 'kh-c-2021', 'kh-b-2021', 'kh-d-2021']);
      expect(plans[0]).toEqual(first);
      expect(plans[3]!.title.vi).toBe('Kiểm tra cơ sở karaoke, massage');
    });

    it('replaces a plan, in its place, by a higher revision only (#18: plan revisions)', async () => {
      const revised = (id: string, number: number, title: string): Plan => ({ ...planWith(id, title), revision: { number, effectiveFrom: '2021-07-01' } });
      await store.commit({ plans: [planWith('kh-a-2021'), planWith('kh-b-2021')] });
      await store.commit({ plans: [revised('kh-a-2021', 2, 'Bản sửa đổi lần 2')] });
      // A lower or equal revision (redelivered, replayed) changes nothing; within a batch the highest wins.
      await store.commit({ plans: [revised('kh-a-2021', 2, 'Gửi lại'), planWith('kh-a-2021', 'Bản gốc gửi lại'), revised('kh-b-2021', 3, 'Lần 3'), revised('kh-b-2021', 2, 'Lần 2')] });
      const plans = (await store.load()).plans;
      expect(plans.map((plan) => [plan.id, plan.revision?.number, plan.title.vi])).toEqual([
        ['kh-a-2021', 2, 'Bản sửa đổi lần 2'],
        ['kh-b-2021', 3, 'Lần 3'],
      ]);
    });

    it('drops what a revision voided before writing the same keys anew: tallies with their histories and latest events, activity, task records, deadlines', async () => {
      const key = 'kh-ba-dinh-2021/ct-kiem-tra-80-phan-tram';
      const record = everything().taskCompletions![0]!;
      const activity = { planId: 'kh-ba-dinh-2021', days: { '|2021-05-04|hn-ba-dinh': 2 } };
      await store.commit({ tallies: [tally(key)], histories: [history(key)], activity: [activity], recent: { [key]: [2, 4] }, taskCompletions: [record], deadlines: [deadline] });
      const recounted = tally(key, { numeratorCount: 1, numeratorValues: ['0101234567'], appliedAdded: ['evt-kt-3'], byArea: { 'hn-ba-dinh-kim-ma': 1 } });
      const rewritten = history(key, { days: { '2021-08-05|hn-ba-dinh-kim-ma': [1, 1, 0, 0] }, numerators: { '0101234567': '2021-08-05' } });
      await store.commit({
        dropped: { tallies: [key], taskCompletions: [record.key], deadlines: [deadline.id], activity: ['kh-ba-dinh-2021'] },
        tallies: [recounted],
        histories: [rewritten],
        recent: { [key]: [6] },
      });
      const loaded = await store.load();
      expect(documentsOf(loaded).tallies).toEqual([loadedTally(recounted)]);
      // The events stay applied: the revision's backfill counts them again, once (AppliedEvents.claimForBackfill).
      expect(appliedExactly(loaded, ['evt-kt-1', 'evt-kt-2', 'evt-kt-3'])).toBe(true);
      expect(loaded.taskCompletions).toEqual([]);
      expect(loaded.deadlines).toEqual([]);
      expect(loaded.histories).toEqual([rewritten]);
      expect(loaded.activity).toEqual([]);
      expect(loaded.recent).toEqual({ [key]: [6] });
    });

    it('only moves a checkpoint forward', async () => {
      await store.commit({ checkpoints: { POLICE: 10 } });
      await store.commit({ checkpoints: { POLICE: 5, LABOUR: 3 } });
      expect((await store.load()).checkpoints).toEqual({ POLICE: 10, LABOUR: 3 });
      await store.commit({ checkpoints: { POLICE: 12 } });
      expect((await store.load()).checkpoints).toEqual({ POLICE: 12, LABOUR: 3 });
    });

    it('forgets everything on clear', async () => {
      await store.commit(everything());
      await store.clear();
      const cleared = await store.load();
      expect(documentsOf(cleared)).toEqual(empty);
      expect(appliedExactly(cleared, [])).toBe(true);
      // The checkpoints are gone too: a lower one is taken as it is.
      await store.commit({ checkpoints: { POLICE: 3 } });
      expect((await store.load()).checkpoints).toEqual({ POLICE: 3 });
    });

    it('is not changed by the caller changing its objects after commit, nor after load', async () => {
      const changes = everything();
      await store.commit(changes);
      const { tallies, applied, ...documents } = everything();
      const committed = { ...documents, tallies: tallies!.map((change) => loadedTally(change)) };
      changes.plans![1]!.targets[0]!.goal.min = 999;
      changes.tallies![0]!.appliedAdded.push('evt-kt-9');
      changes.tallies![0]!.byArea['hn-ba-dinh-lieu-giai'] = 99;
      changes.referrals![0]!.closed = '2021-09-01T00:00:00+07:00';
      changes.reports![0]!.eventId = 'evt-changed';
      changes.histories![0]!.days['2021-05-04|hn-ba-dinh-lieu-giai']![0] = 7;
      changes.recent!['kh-ba-dinh-2021/ct-kiem-tra-80-phan-tram']!.push(86);
      changes.checkpoints!['POLICE'] = 99;
      changes.applied!.push('evt-kt-9');
      const loaded = await store.load();
      expect(documentsOf(loaded)).toEqual(committed);
      loaded.applied!.add('evt-kt-10');
      loaded.plans[0]!.targets.pop();
      loaded.histories![0]!.numerators['x'] = '2021-01-01';
      const again = await store.load();
      expect(documentsOf(again)).toEqual(committed);
      expect(appliedExactly(again, [...applied!, 'evt-kt-1', 'evt-kt-2'])).toBe(true);
    });

    if (options.persistent) {
      it('keeps what was committed across a new connection', async () => {
        await store.commit(everything());
        const before = await store.load();
        await store.close();
        store = await open();
        expect(await store.load()).toEqual(before);
      });
    }
  });
}

storeContract('in-memory adapter', async () => new InMemoryCoordinationStore());

const mongoUri = process.env['MONGODB_URI'];
if (mongoUri) {
  // A database of its own per run, dropped at the end.
  const dbName = `lienganh-test-${process.pid}-${Date.now()}`;
  storeContract('MongoDB adapter', () => MongoCoordinationStore.connect(mongoUri, { dbName }), { persistent: true });
  afterAll(async () => {
    const connection = await mongoose.createConnection(mongoUri, { dbName }).asPromise();
    await connection.dropDatabase();
    await connection.close();
  });
} else {
  it.skip('MongoDB adapter: skipped, MONGODB_URI is not set (no MongoDB reachable)', () => {});
}

describe('a snapshot body (what a snapshot of the projection keeps, ADR 0022, ADR 0023)', () => {
  it('gives back what was encoded, field for field', async () => {
    const store = new InMemoryCoordinationStore();
    await store.commit(everything());
    const stored = await store.load();
    const decoded = decodeSnapshotBody(encodeSnapshotBody(stored));
    expect(documentsOf(decoded)).toEqual(documentsOf(stored));
    expect(appliedExactly(decoded, ['evt-bc-0005', 'evt-kt-1', 'evt-kt-2'])).toBe(true);
  });

  it('keeps 150,000 applied events (no argument list that long)', () => {
    const applied = AppliedEvents.empty();
    for (let index = 0; index < 150_000; index++) applied.add(eventKey({ source: '/pcmd/police', id: `evt-kt-${index}` }));
    const decoded = decodeSnapshotBody(encodeSnapshotBody({ checkpoints: {}, applied, plans: [], tallies: [], referrals: [], reports: [], deadlines: [], alerts: [] }));
    expect(decoded.applied!.size).toBe(150_000);
    expect(decoded.applied!.has(eventKey({ source: '/pcmd/police', id: 'evt-kt-149999' }))).toBe(true);
  });

  it('refuses bytes that are no snapshot body', () => {
    expect(() => decodeSnapshotBody(Buffer.from('{"plans": 3'))).toThrow();
    expect(() => decodeSnapshotBody(Buffer.from('{"plans": 3}'))).toThrow(TypeError);
  });
});
