import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import {
  buildEvent,
  labourJointInspectionCompleted,
  labourReferralAccepted,
  labourReferralClosed,
  policeCaseOpened,
  policeInspectionCompleted,
  policeReferralMade,
  type BusEvent,
} from '@lienganh/contracts';
import { DEMO_PLAN_FILES, startCoordinationService, type RunningCoordinationService } from '@lienganh/coordination';
import { postJson } from '../support/http.js';
import { seedAgencyEvents, startNatsFixture, type NatsFixture } from '../support/nats.js';
import { getAs, TEST_USERS, tokens } from '../support/users.js';

// The board's charts read month-by-month series (#21): through the HTTP API of a coordination
// service fed by a real nats-server, each month's point is what that month's periodic report says.

const baDinh = parseYaml(readFileSync(DEMO_PLAN_FILES[0]!, 'utf8'));
const NOW = '2021-07-10T09:00:00+07:00';

const inspection = (id: string, time: string, areaCode = 'hn-ba-dinh-kim-ma') =>
  buildEvent(policeInspectionCompleted, { ...policeInspectionCompleted.example, inspectionId: `kt-${id}`, areaCode, business: { businessId: `b-${id}`, kind: 'karaoke' } }, { id: `evt-kt-${id}`, time });
const joint = (id: string, businessId: string, time: string) =>
  buildEvent(labourJointInspectionCompleted, { ...labourJointInspectionCompleted.example, inspectionId: `kt178-${id}`, business: { businessId, kind: 'massage' } }, { id: `evt-178-${id}`, time });
const seeded: BusEvent[] = [
  inspection('jan', '2021-01-20T09:00:00+07:00'),
  inspection('mar-1', '2021-03-10T09:00:00+07:00'),
  inspection('mar-2', '2021-03-31T16:59:00Z'), // 23:59 on 31 March in Hanoi
  inspection('apr', '2021-03-31T17:01:00Z'), // 00:01 on 1 April in Hanoi
  inspection('jun', '2021-06-10T09:00:00+07:00', 'hn-ba-dinh-lieu-giai'),
  inspection('tay-ho', '2021-05-05T09:00:00+07:00', 'hn-tay-ho-quang-an'),
  buildEvent(policeCaseOpened, { ...policeCaseOpened.example, caseId: 'va-1' }, { id: 'evt-va-1', time: '2021-05-25T10:00:00+07:00' }),
  joint('1', 'b-178-a', '2021-02-10T09:00:00+07:00'),
  joint('2', 'b-178-a', '2021-04-12T09:00:00+07:00'),
  joint('3', 'b-178-b', '2021-06-12T09:00:00+07:00'),
  buildEvent(policeReferralMade, { ...policeReferralMade.example, referralId: 'cg-1', areaCode: 'hn-ba-dinh-kim-ma' }, { id: 'evt-cg-1', time: '2021-02-02T10:00:00+07:00' }),
  buildEvent(labourReferralAccepted, { referralId: 'cg-1', plannedServices: ['counselling'] }, { id: 'evt-tn-cg-1', time: '2021-03-05T10:00:00+07:00' }),
  buildEvent(labourReferralClosed, { referralId: 'cg-1', outcome: 'reintegrated' }, { id: 'evt-dong-cg-1', time: '2021-06-20T10:00:00+07:00' }),
  buildEvent(policeReferralMade, { ...policeReferralMade.example, referralId: 'cg-2', areaCode: 'hn-ba-dinh-lieu-giai' }, { id: 'evt-cg-2', time: '2021-05-02T10:00:00+07:00' }),
];

let nats: NatsFixture;
let coordination: RunningCoordinationService;

beforeAll(async () => {
  nats = await startNatsFixture();
  coordination = await startCoordinationService({ ...nats.identity('coordination'), port: 0, clock: { now: () => new Date(NOW) }, deadlineTickMs: 0, users: TEST_USERS });
  expect((await postJson(`${coordination.url}/api/v1/plans`, baDinh, tokens.secretariat)).status).toBe(201);
  await seedAgencyEvents(nats, seeded);
});
afterAll(async () => {
  await coordination?.close();
  await nats?.close();
});

const api = (path: string) => `${coordination.url}${path}`;

describe('month-by-month series for the charts, over HTTP', () => {
  it("gives a target's cumulative figure at each month's end equal to that month's periodic report, beside the straight-line path", async () => {
    const series = await getAs(api(`/api/v1/targets/ct-kiem-tra-hanh-chinh-400/series?plan=${baDinh.id}`));
    expect(series.status).toBe(200);
    expect(series.body).toMatchObject({ planId: baDinh.id, id: 'ct-kiem-tra-hanh-chinh-400', title: { vi: expect.any(String) }, unit: '', goal: { min: 400 }, path: { kind: 'straight-line', start: { day: '2021-01-01', value: 0 }, end: { day: '2021-12-31', value: 400 } } });
    expect(series.body.points.map((point: { month: string; achieved: number }) => [point.month, point.achieved])).toEqual([
      ['2021-01', 1],
      ['2021-02', 1],
      ['2021-03', 3],
      ['2021-04', 4],
      ['2021-05', 4],
      ['2021-06', 5],
      ['2021-07', 5],
    ]);
    // A few months' reports (each user may take 10 a minute), every target compared with them.
    const reports = new Map<string, any>();
    for (const month of ['2021-02', '2021-03', '2021-04', '2021-06']) {
      const report = await getAs(api(`/api/v1/reports/periodic?period=${month}&plan=${baDinh.id}&format=json`));
      expect(report.status).toBe(200);
      reports.set(month, report.body);
    }
    for (const targetId of baDinh.targets.map((target: { id: string }) => target.id)) {
      const { body } = await getAs(api(`/api/v1/targets/${targetId}/series?plan=${baDinh.id}`));
      for (const [month, report] of reports) {
        const row = report.targets.find((target: { id: string }) => target.id === targetId);
        const point = body.points.find((entry: { month: string }) => entry.month === month);
        expect({ targetId, month, achieved: point.achieved, percent: point.percent, status: point.status, day: point.day }).toEqual({
          targetId,
          month,
          achieved: row.cumulative,
          percent: row.percent,
          status: row.status,
          day: row.cumulativeAsOf,
        });
      }
    }
  });

  it("gives the plan's referral funnel per month, ending with the overview's", async () => {
    const { status, body } = await getAs(api(`/api/v1/referrals/funnel/series?plan=${baDinh.id}`));
    expect(status).toBe(200);
    expect(body.points.map(({ month, made, accepted, serviceDelivered, closed, declined }: Record<string, number>) => [month, made, accepted, serviceDelivered, closed, declined])).toEqual([
      ['2021-01', 0, 0, 0, 0, 0],
      ['2021-02', 1, 0, 0, 0, 0],
      ['2021-03', 1, 1, 0, 0, 0],
      ['2021-04', 1, 1, 0, 0, 0],
      ['2021-05', 2, 1, 0, 0, 0],
      ['2021-06', 2, 1, 1, 1, 0],
      ['2021-07', 2, 1, 1, 1, 0],
    ]);
    const overview = await getAs(api('/api/v1/committee/overview'));
    const { month, asOf, day, ...last } = body.points.at(-1);
    expect(last).toEqual(overview.body.plans.find((plan: { id: string }) => plan.id === baDinh.id).referrals);
    expect([month, asOf, day]).toEqual(['2021-07', new Date(NOW).toISOString(), '2021-07-10']);
  });

  it('opens the aggregated series to every role, and refuses what it cannot answer with the parameter named', async () => {
    for (const token of [tokens.committee, tokens.police, tokens.health]) {
      expect((await getAs(api(`/api/v1/targets/ct-an-hinh-su-06/series?plan=${baDinh.id}`), token)).status).toBe(200);
      expect((await getAs(api(`/api/v1/referrals/funnel/series?plan=${baDinh.id}`), token)).status).toBe(200);
    }
    expect((await fetch(api(`/api/v1/referrals/funnel/series?plan=${baDinh.id}`))).status).toBe(401);
    expect((await getAs(api('/api/v1/targets/ct-khong-co/series'))).status).toBe(404);
    expect((await getAs(api('/api/v1/referrals/funnel/series?plan=kh-khong-co'))).status).toBe(404);
    const missing = await getAs(api('/api/v1/referrals/funnel/series'));
    expect([missing.status, missing.body.issues]).toEqual([400, [{ path: 'query.plan', message: expect.any(String) }]]);
    const extra = await getAs(api(`/api/v1/targets/ct-an-hinh-su-06/series?plan=${baDinh.id}&from=2021-01`));
    expect([extra.status, extra.body.issues.map((issue: { path: string }) => issue.path)]).toEqual([400, ['query.from']]);
  });
});
