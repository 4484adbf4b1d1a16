import { SiteSummary, siteSummarySubject, STREAMS } from '@lienganh/contracts';
import { startCoordinationService, type RunningCoordinationService } from '@lienganh/coordination';
import { eventually, postJson } from '../support/http.js';
import { BINH_LU, communePlan, DOAN_KET, inspections, LAI_CHAU_EVENTS, PROVINCE, provincePlan, SIN_SUOI_HO } from '../support/lower-plans.js';
import { seedAgencyEvents, startNatsFixture, type NatsFixture } from '../support/nats.js';
import { getAs, TEST_USERS, tokens } from '../support/users.js';

/**
 * Issue #24, plans that implement plans: Lai Châu's province plan asks each of its communes for a
 * plan by 30 April 2026 and a monthly report; two communes' plans implement it, each carrying its
 * inspections target up. The plans name their areas by official code only: the import fills in
 * the units from the shipped lists.
 */

let nats: NatsFixture;
let coordination: RunningCoordinationService;

beforeAll(async () => {
  nats = await startNatsFixture();
  // As Lai Châu's site of the national topology: its summary is what the national view adds up.
  coordination = await startCoordinationService({ ...nats.identity('coordination'), port: 0, deadlineTickMs: 0, users: TEST_USERS, clock: { now: () => new Date('2026-05-10T09:00:00+07:00') }, site: 'p12', summaryIntervalMs: 50 });
}, 60_000);
afterAll(async () => {
  await coordination?.close();
  await nats?.close();
});

const overview = async () => (await getAs(`${coordination.url}/api/v1/committee/overview`, tokens.secretariat)).body;

it('refuses a commune plan that carries up to a target the province plan lacks, or a measure that does not add up, naming the field', async () => {
  // Nothing is held yet: a refusal needs the upper plan only for what it names.
  expect((await postJson(`${coordination.url}/api/v1/plans`, provincePlan, tokens.secretariat)).status).toBe(201);
  const unknown = await postJson(`${coordination.url}/api/v1/plans`, communePlan('xa-sai-01', BINH_LU, '2026-04-20', 'kt-khong-co'), tokens.secretariat);
  expect(unknown.status).toBe(400);
  expect(JSON.stringify(unknown.body)).toContain('targets.0.carriesUp');
  expect(JSON.stringify(unknown.body)).toContain('names no target of 45/KH-UBND');
  const share = communePlan('xa-sai-02', BINH_LU, '2026-04-20');
  share.targets[0] = { ...share.targets[0]!, measure: { kind: 'percentage', numerator: inspections, denominator: { kind: 'areas', level: 'commune' } } as never, goal: { min: 50 } };
  const refused = await postJson(`${coordination.url}/api/v1/plans`, share, tokens.secretariat);
  expect(refused.status).toBe(400);
  expect(JSON.stringify(refused.body)).toContain('only count, sum and distinct targets carry up');
  expect((await overview()).plans.map((plan: { id: string }) => plan.id)).toEqual([provincePlan.id]);
});

it('moves the commune boards and the province roll-up with commune events, and shows the late plan, the missing ones and the missing report', async () => {
  const imported = await postJson(`${coordination.url}/api/v1/plans`, communePlan('xa-binh-lu-01', BINH_LU, '2026-04-20'), tokens.secretariat);
  expect(imported.status).toBe(201);
  expect((await postJson(`${coordination.url}/api/v1/plans`, communePlan('xa-sin-suoi-ho-02', SIN_SUOI_HO, '2026-05-06'), tokens.secretariat)).status).toBe(201);
  await seedAgencyEvents(nats, LAI_CHAU_EVENTS);

  const board = await overview();
  const target = (planId: string, id: string) => board.targets.find((entry: { planId: string; id: string }) => entry.planId === planId && entry.id === id);
  expect(target('xa-binh-lu-01', 'kt-xa-20').achieved).toBe(3);
  expect(target('xa-sin-suoi-ho-02', 'kt-xa-20').achieved).toBe(2);
  const province = target(provincePlan.id, 'kt-400');
  expect(province.achieved).toBe(6);
  expect(province.rollUp).toMatchObject({
    achieved: 5,
    from: [
      { planId: 'xa-binh-lu-01', area: BINH_LU, targetId: 'kt-xa-20', achieved: 3 },
      { planId: 'xa-sin-suoi-ho-02', area: SIN_SUOI_HO, targetId: 'kt-xa-20', achieved: 2 },
    ],
  });

  const { implementation } = board.plans.find((plan: { id: string }) => plan.id === provincePlan.id);
  // Every commune, ward and special zone of Lai Châu on the plan's first day: 38 in the list of 1 July 2025.
  expect(implementation.lowerPlans).toHaveLength(38);
  expect(implementation.counts).toEqual({ 'on-time': 1, late: 1, missing: 36, awaited: 0 });
  const row = (area: string) => implementation.lowerPlans.find((entry: { area: string }) => entry.area === area);
  expect(row(BINH_LU)).toMatchObject({ status: 'on-time', name: { vi: 'Xã Bình Lư' }, plan: { id: 'xa-binh-lu-01', issuedOn: '2026-04-20' }, reporting: [{ body: 'ubnd-xa', due: 1, onTime: 1, missing: 0 }] });
  expect(row(SIN_SUOI_HO)).toMatchObject({ status: 'late', plan: { id: 'xa-sin-suoi-ho-02' }, reporting: [{ body: 'ubnd-xa', due: 1, missing: 1, missingPeriods: ['monthly:2026-04'] }] });
  // A ward: the duty to report is per commune (`eachArea: { ubnd-xa: commune }`), the plan is asked of every unit of the tier.
  expect(row(DOAN_KET)).toMatchObject({ status: 'missing', reporting: [] });
  expect(row(DOAN_KET).plan).toBeUndefined();
});

it('names the units the plans referred to by code, as the official list has them', async () => {
  const board = await overview();
  const province = board.plans.find((plan: { id: string }) => plan.id === provincePlan.id);
  expect(province.areas).toHaveLength(38); // the units right below the province: every commune and ward
  expect(province.areaNames[0]).toEqual({ code: PROVINCE, name: { vi: 'Tỉnh Lai Châu', en: 'Tỉnh Lai Châu' } });
  const commune = board.plans.find((plan: { id: string }) => plan.id === 'xa-binh-lu-01');
  expect(commune.areaNames.map((area: { code: string }) => area.code)).toEqual([PROVINCE, BINH_LU]);
});

it("publishes the site's summary with the province plan only: its own figure, the roll-up and the lower plans, as the board has them", async () => {
  const board = await overview();
  const province = board.targets.find((entry: { planId: string; id: string }) => entry.planId === provincePlan.id);
  const { implementation } = board.plans.find((plan: { id: string }) => plan.id === provincePlan.id);
  const summary = await eventually(async () => {
    const message = await nats.jsm.streams.getMessage(STREAMS.siteSummary.name, { last_by_subj: siteSummarySubject('p12') });
    const parsed = message ? SiteSummary.parse(message.json()) : undefined;
    return parsed?.plans[0]?.targets[0]?.rollUp?.plans === 2 ? parsed : undefined;
  });
  expect(summary.site).toBe('p12');
  expect(summary.plans.map((plan) => plan.id)).toEqual([provincePlan.id]);
  expect(summary.plans[0]).toMatchObject({
    number: '45/KH-UBND',
    area: PROVINCE,
    lowerPlans: implementation.counts,
    targets: [{ id: 'kt-400', measure: 'count', achieved: province.achieved, percent: province.percent, status: province.status, events: 6, rollUp: { achieved: 5, plans: 2 } }],
  });
});
