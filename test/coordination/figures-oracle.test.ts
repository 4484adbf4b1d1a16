import {
  EXAMPLE_CONSENT_REF,
  buildEvent,
  catalog,
  cultureWardAssessmentCompleted,
  getEventDefinition,
  policeCaseOpened,
  cultureAwarenessActivityHeld,
  culturePublicationPublished,
  labourReferralAccepted,
  labourReferralClosed,
  labourReferralServiceDelivered,
  parsePlanDocument,
  policeBusinessRegistered,
  policeInspectionCompleted,
  policeReferralMade,
  type BusEvent,
  type EventDefinition,
} from '@lienganh/contracts';
import { jest } from '@jest/globals';
import { compareFigures } from '../../scripts/cli/src/check/compare.js';
import { describeDifference, type Figures } from '../../scripts/cli/src/check/figures.js';
import { generateStream } from '../../scripts/cli/src/check/generator.js';
import { oracleFigures } from '../../scripts/cli/src/check/oracle.js';
import { CT, HN, OUTSIDE, PLAN_A_ID, PLAN_B_ID, oraclePlans } from '../../scripts/cli/src/check/plans.js';
import { checkSeed } from '../../scripts/cli/src/check/run-check.js';

/**
 * The figures oracle of ADR 0010 (issue #17): seeded event streams through coordination's
 * projection, every figure of the board against a recomputation from the list of events, and
 * replay against live. A fast subset here; `npx lienganh check --seeds 200` runs the full one.
 */

const SEEDS = Array.from({ length: 20 }, (_, index) => index + 1);
const EVENTS = 3_000;

describe('the board against the oracle (ADR 0010)', () => {
  it.each(SEEDS)('seed %i: every figure is what the events say, and replay equals live', async (seed) => {
    const { differences } = await checkSeed(seed, { events: EVENTS });
    // Each line names the seed and the figure: `npx lienganh check --from-seed <seed> --seeds 1` reruns it.
    expect(differences.slice(0, 10).map(describeDifference)).toEqual([]);
  });
});

describe('the generator', () => {
  const stream = generateStream(1, { events: EVENTS });
  const agencyOf = (event: BusEvent) => event.type.split('.')[2]!;
  const referralIdOf = (event: BusEvent) => (event.data as { referralId?: string }).referralId;
  const isAnswer = (event: BusEvent) => /\.referral\.(accepted|declined|service-delivered|closed)\./.test(event.type);
  const areaOf = (event: BusEvent) => (event.data as { areaCode?: string }).areaCode;

  it('gives the same stream for the same seed, and never asks Math.random', () => {
    const random = jest.spyOn(Math, 'random');
    try {
      expect(JSON.stringify(generateStream(1, { events: EVENTS }))).toBe(JSON.stringify(stream));
      expect(JSON.stringify(generateStream(2, { events: EVENTS }).arrivals)).not.toBe(JSON.stringify(stream.arrivals));
      expect(random).not.toHaveBeenCalled();
    } finally {
      random.mockRestore();
    }
  });

  it('builds two valid plans: a three-tier district plan and a two-tier province plan, each naming finance its own way', () => {
    const [a, b] = oraclePlans();
    for (const plan of [a!, b!]) expect(parsePlanDocument(JSON.stringify(plan), 'json')).toEqual(plan);
    expect(a!.level).toBe('district');
    expect(a!.areas.filter((area) => HN.wards.includes(area.code as never)).every((area) => area.parent === HN.district)).toBe(true);
    expect(b!.level).toBe('province');
    expect(b!.areas.filter((area) => area.code !== CT.province).every((area) => area.parent === CT.province)).toBe(true);
    expect(a!.bodies.find((body) => body.code === 'finance')!.name).not.toEqual(b!.bodies.find((body) => body.code === 'finance')!.name);
    const kinds = new Set([a!, b!].flatMap((plan) => plan.targets.map(({ measure }) => (measure.kind === 'percentage' ? `percentage ${measure.numerator.kind}/${measure.denominator.kind}` : measure.kind))));
    expect([...kinds].sort()).toEqual([
      'cadence',
      'count',
      'distinct',
      'percentage count/areas',
      'percentage count/count',
      'percentage count/figure',
      'percentage distinct/areas',
      'percentage distinct/distinct',
      'percentage distinct/figure',
      'percentage sum/figure',
      'referral-stage',
      'sum',
    ]);
    // ADR 0012: baselines, goals per year and per level, areas by kind, a register to date, a `where` list past 50.
    const targets = [a!, b!].flatMap((plan) => plan.targets);
    expect(targets.filter((target) => target.baseline).map((target) => target.measure.kind).sort()).toEqual(['count', 'distinct']);
    expect(targets.some((target) => target.goal.byYear)).toBe(true);
    expect(targets.some((target) => target.goal.byLevel)).toBe(true);
    expect(targets.some(({ measure }) => measure.kind === 'percentage' && measure.denominator.kind === 'areas' && measure.denominator.kinds)).toBe(true);
    expect(targets.some(({ measure }) => 'dates' in measure && measure.dates === 'to-date')).toBe(true);
    expect(targets.some(({ measure }) => Object.values(('where' in measure && measure.where) || {}).some((value) => Array.isArray(value) && value.length > 50))).toBe(true);
  });

  it('sends every agency event type of the catalog, thousands of them', () => {
    const types = new Set(stream.arrivals.map((event) => event.type));
    expect(catalog.filter((definition) => definition.agency !== 'coordination' && !types.has(definition.type)).map((definition) => definition.type)).toEqual([]);
    expect(stream.arrivals.length).toBeGreaterThanOrEqual(EVENTS);
  });

  it('has what production brings: the same id from two agencies and from two units, re-sends, answers early or orphaned, events out of order, out of scope and at the plans’ own levels', () => {
    const sourcesById = new Map<string, Set<string>>();
    for (const event of stream.arrivals) sourcesById.set(event.id, new Set([...(sourcesById.get(event.id) ?? []), event.source]));
    const shared = [...sourcesById.values()].filter((sources) => sources.size > 1);
    expect(shared.some((sources) => new Set([...sources].map((source) => source.split('/')[2])).size > 1)).toBe(true);
    expect(shared.some((sources) => sources.has('/pcmd/police/001') && sources.has('/pcmd/police/002'))).toBe(true);

    const seen = new Map<string, BusEvent>();
    let resends = 0;
    for (const event of stream.arrivals) {
      const key = `${event.source} ${event.id}`;
      if (seen.has(key)) {
        expect(event).toEqual(seen.get(key));
        resends++;
      } else seen.set(key, event);
    }
    expect(resends).toBeGreaterThan(50);

    const madeAt = new Map(stream.arrivals.map((event, index) => [event, index] as const).filter(([event]) => event.type.endsWith('.referral.made.v1')).map(([event, index]) => [referralIdOf(event)!, index]));
    const answers = stream.arrivals.map((event, index) => [event, index] as const).filter(([event]) => isAnswer(event));
    expect(answers.some(([event, index]) => (madeAt.get(referralIdOf(event)!) ?? -1) > index)).toBe(true);
    expect(answers.some(([event]) => !madeAt.has(referralIdOf(event)!))).toBe(true);
    expect(new Set(answers.map(([event]) => agencyOf(event)))).toEqual(new Set(['labour', 'health']));

    expect(stream.arrivals.some((event, index) => index > 0 && Date.parse(event.time) < Date.parse(stream.arrivals[index - 1]!.time) - 30 * 86_400_000)).toBe(true);
    const areas = new Set(stream.arrivals.map(areaOf));
    for (const area of [...OUTSIDE, HN.province, HN.district, HN.sibling, CT.province, ...CT.communes]) expect(areas).toContain(area);
    const days = stream.arrivals.map((event) => new Date(Date.parse(event.time) + 7 * 3_600_000).toISOString().slice(0, 10));
    expect(days.some((day) => day < '2024-07-01')).toBe(true);
    expect(days.some((day) => day > '2025-12-31')).toBe(true);
    expect(stream.arrivals.some((event) => event.time.endsWith('Z'))).toBe(true);
    expect(stream.arrivals.some((event) => event.time.endsWith('+07:00'))).toBe(true);
  });
});

describe('the oracle, on a stream small enough to count by hand', () => {
  const event = (definition: EventDefinition, id: string, source: string, time: string, data: Record<string, unknown>) =>
    buildEvent(definition, data as never, { id, source, time });
  const inspection = (id: string, source: string, time: string, areaCode: string, businessId: string, kind: string, outcome: string) =>
    event(policeInspectionCompleted, id, source, time, { inspectionId: `kt-${id}`, areaCode, business: { businessId, kind }, outcome, violations: outcome === 'compliant' ? [] : [{ category: 'licensing' }] });
  const registered = (id: string, time: string, areaCode: string, businessId: string, atRisk: boolean) =>
    event(policeBusinessRegistered, id, '/pcmd/police', time, { businessId, kind: 'karaoke', areaCode, atRisk });
  const made = (id: string, referralId: string, time: string, areaCode: string) =>
    event(policeReferralMade, id, '/pcmd/police/002', time, {
      referralId,
      subjectRef: 'sr_an-Zd5QkL9P8vhiAmgMh13v6hZ1pUROHb3xXAzwPPeg',
      consentRef: EXAMPLE_CONSENT_REF,
      areaCode,
      toAgency: 'labour',
      reason: 'sanctioned',
      servicesRequested: ['counselling'],
    });
  const accepted = (id: string, referralId: string, time: string) => event(labourReferralAccepted, id, '/pcmd/labour', time, { referralId, plannedServices: ['counselling'] });

  const unitA = '/pcmd/police/001';
  const first = inspection('1', unitA, '2024-08-10T10:00:00+07:00', 'hn-ba-dinh-kim-ma', '0101000001', 'karaoke', 'violations-found');
  const arrivals: BusEvent[] = [
    first,
    // The same id from another unit: another event. Then a re-send of the first: the same event.
    inspection('1', '/pcmd/police/002', '2024-08-11T10:00:00+07:00', 'hn-ba-dinh-kim-ma', '0101000003', 'hotel', 'compliant'),
    structuredClone(first),
    inspection('2', unitA, '2024-11-05T08:00:00+07:00', 'hn-ba-dinh', '0101000001', 'karaoke', 'compliant'), // at the plan's level
    inspection('3', unitA, '2024-11-05T08:00:00+07:00', 'hn-tay-ho-quang-an', '0101000009', 'bar', 'violations-found'), // a sibling district
    inspection('4', unitA, '2024-06-30T23:30:00+07:00', 'hn-ba-dinh-lieu-giai', '0101000004', 'bar', 'violations-found'), // the day before the period
    inspection('5', unitA, '2024-06-30T17:30:00Z', 'hn-ba-dinh-lieu-giai', '0101000004', 'bar', 'compliant'), // 00:30 on its first day, Vietnam time
    registered('10', '2024-07-15T09:00:00+07:00', 'hn-ba-dinh-kim-ma', '0101000001', true),
    registered('11', '2024-07-16T09:00:00+07:00', 'hn-ba-dinh-giang-vo', '0101000002', true),
    registered('12', '2024-07-17T09:00:00+07:00', 'hn-ba-dinh-kim-ma', '0101000003', false),
    event(cultureAwarenessActivityHeld, '1', '/pcmd/culture', '2024-09-01T09:00:00+07:00', { activityId: 'tt-1', areaCode: 'hn-ba-dinh-kim-ma', format: 'meeting', topic: 'x' }),
    event(cultureAwarenessActivityHeld, '2', '/pcmd/culture', '2025-02-01T09:00:00+07:00', { activityId: 'tt-2', areaCode: 'hn-ba-dinh-ngoc-ha', format: 'meeting', topic: 'x' }),
    event(cultureAwarenessActivityHeld, '3', '/pcmd/culture', '2024-09-02T09:00:00+07:00', { activityId: 'tt-3', areaCode: 'hn-ba-dinh', format: 'meeting', topic: 'x' }),
    event(culturePublicationPublished, '5', '/pcmd/culture', '2024-07-31T20:00:00Z', { publicationId: 'bt-5', areaCode: 'hn-ba-dinh-lieu-giai', outlet: 'x', medium: 'website', topic: 'x' }),
    event(culturePublicationPublished, '6', '/pcmd/culture', '2024-08-15T09:00:00+07:00', { publicationId: 'bt-6', areaCode: 'hn-ba-dinh-kim-ma', outlet: 'x', medium: 'website', topic: 'x' }),
    // cg-1: accepted before its referral arrives, then closed.
    accepted('30', 'cg-1', '2024-09-05T09:00:00+07:00'),
    made('20', 'cg-1', '2024-09-01T09:00:00+07:00', 'hn-ba-dinh-giang-vo'),
    event(labourReferralClosed, '31', '/pcmd/labour', '2024-10-02T09:00:00+07:00', { referralId: 'cg-1', outcome: 'reintegrated' }),
    // cg-2 made before the period; cg-3 in the other jurisdiction; cg-404 never made.
    made('21', 'cg-2', '2024-06-25T09:00:00+07:00', 'hn-ba-dinh-lieu-giai'),
    accepted('32', 'cg-2', '2024-07-02T09:00:00+07:00'),
    made('22', 'cg-3', '2025-02-01T09:00:00+07:00', 'ct-ninh-kieu'),
    accepted('33', 'cg-3', '2025-02-03T09:00:00+07:00'),
    accepted('34', 'cg-404', '2024-09-10T09:00:00+07:00'),
    // cg-4 made at the district's own level, served after the period ended.
    made('23', 'cg-4', '2025-03-01T09:00:00+07:00', 'hn-ba-dinh'),
    event(labourReferralServiceDelivered, '35', '/pcmd/labour', '2025-07-02T09:00:00+07:00', { referralId: 'cg-4', service: 'counselling' }),
  ];
  const figures = oracleFigures(oraclePlans(), arrivals);
  const a = figures.plans.find((plan) => plan.planId === PLAN_A_ID)!;
  const b = figures.plans.find((plan) => plan.planId === PLAN_B_ID)!;

  it('counts each source + id once, in the plan’s area and period (Vietnam days), answers where and when their referral was made', () => {
    expect(a.targets).toMatchObject({
      'a-kiem-tra': 4,
      'a-kiem-tra-vi-pham': 1,
      // Businesses inspected that are registered at risk (1 of 2), not 3 inspected over 2.
      'a-kiem-tra-80': 50,
      // Wards with an activity, 2 of 6; the district-level one is in none.
      'a-mo-hinh': 33.33,
      'a-tiep-nhan': 1,
      // One service delivered (cg-4, after the period: it counts on its referral's date) over two referrals made.
      'a-chuyen-gui': 50,
      'a-tin-bai': 1,
    });
    expect(b.targets['b-ho-tro']).toBe(0);
  });

  it('places each contributing event in one area right below the plan’s, or at the plan’s own level', () => {
    const row = (target: string) => Object.fromEntries(Object.entries(a.areas).map(([area, targets]) => [area, targets[target]]).filter(([, events]) => events));
    expect(row('a-kiem-tra')).toEqual({ 'hn-ba-dinh-kim-ma': 2, 'hn-ba-dinh-lieu-giai': 1 });
    expect(a.planLevel!['a-kiem-tra']).toBe(1);
    expect(row('a-kiem-tra-80')).toEqual({ 'hn-ba-dinh-kim-ma': 3, 'hn-ba-dinh-giang-vo': 1, 'hn-ba-dinh-lieu-giai': 1 });
    expect(a.planLevel!['a-kiem-tra-80']).toBe(1);
    expect(row('a-mo-hinh')).toEqual({ 'hn-ba-dinh-kim-ma': 1, 'hn-ba-dinh-ngoc-ha': 1 });
    expect(a.planLevel!['a-mo-hinh']).toBe(0);
    expect(row('a-chuyen-gui')).toEqual({ 'hn-ba-dinh-giang-vo': 1 });
    expect(a.planLevel!['a-chuyen-gui']).toBe(2);
  });

  it('has a cumulative funnel per plan and per agency pair and area', () => {
    expect(a.funnel).toEqual({ made: 2, accepted: 2, declined: 0, serviceDelivered: 2, closed: 1 });
    expect(a.flows).toEqual(
      expect.arrayContaining([
        { from: 'police', to: 'labour', area: 'hn-ba-dinh-giang-vo', made: 1, accepted: 1, declined: 0, serviceDelivered: 1, closed: 1 },
        { from: 'police', to: 'labour', area: 'hn-ba-dinh', made: 1, accepted: 1, declined: 0, serviceDelivered: 1, closed: 0 },
      ]),
    );
    expect(a.flows).toHaveLength(2);
    expect(b.funnel).toEqual({ made: 1, accepted: 1, declined: 0, serviceDelivered: 0, closed: 0 });
  });

  it('gives each quarter what stood at its end', () => {
    expect(Object.keys(a.quarters)).toEqual(['2024-Q3', '2024-Q4', '2025-Q1', '2025-Q2']);
    expect(a.quarters['2024-Q3']).toMatchObject({ 'a-kiem-tra': 3, 'a-kiem-tra-80': 50, 'a-mo-hinh': 16.67, 'a-tiep-nhan': 1, 'a-chuyen-gui': 0 });
    expect(a.quarters['2024-Q4']).toMatchObject({ 'a-kiem-tra': 4, 'a-mo-hinh': 16.67 });
    expect(a.quarters['2025-Q1']).toMatchObject({ 'a-mo-hinh': 33.33, 'a-chuyen-gui': 0 });
    // The service for cg-4 was delivered on 2025-07-02: not by the end of 2025-Q2.
    expect(a.quarters['2025-Q2']).toMatchObject({ 'a-kiem-tra': 4, 'a-chuyen-gui': 0 });
  });
  describe('with the measure language of real plans (ADR 0012)', () => {
    const activity = (id: string, producer: 'reporting' | 'labour', time: string, areaCode: string, kind: string, counts: Record<string, number>) =>
      event(getEventDefinition(`vn.pcmd.${producer}.activity.held.v1`), id, producer === 'reporting' ? '/pcmd/reporting/womens-union' : '/pcmd/labour', time, {
        activityId: `hd-${id}`,
        kind,
        areaCode,
        organiser: producer === 'reporting' ? 'womens-union' : 'labour',
        counts,
      });
    const healthy = (id: string, time: string, areaCode: string) =>
      event(cultureWardAssessmentCompleted, id, '/pcmd/culture', time, { assessmentId: `dg-${id}`, areaCode, year: 2024, score: 90, result: 'healthy' });
    const opened = (id: string, time: string, offences: string[]) =>
      event(policeCaseOpened, id, '/pcmd/police', time, { caseId: `va-${id}`, areaCode: 'hn-ba-dinh-giang-vo', offences, suspects: 1 });
    const more = oracleFigures(oraclePlans(), [
      ...arrivals,
      registered('13', '2023-05-01T09:00:00+07:00', 'hn-ba-dinh-kim-ma', '0101000005', true), // before the period: on the register to date
      activity('40', 'reporting', '2024-08-01T09:00:00+07:00', 'hn-ba-dinh-kim-ma', 'training-course', { participants: 400 }),
      activity('41', 'reporting', '2025-02-01T09:00:00+07:00', 'hn-ba-dinh-kim-ma', 'awareness-session', { participants: 700 }),
      activity('42', 'reporting', '2025-02-02T09:00:00+07:00', 'hn-ba-dinh-kim-ma', 'campaign', { participants: 999 }), // not a kind the target sums
      activity('43', 'labour', '2024-10-01T09:00:00+07:00', 'hn-ba-dinh', 'training-course', { officers: 30 }),
      opened('50', '2024-12-01T09:00:00+07:00', ['organising']),
      opened('51', '2024-12-02T09:00:00+07:00', ['trafficking']),
      healthy('60', '2024-11-01T09:00:00+07:00', 'hn-ba-dinh-kim-ma'), // already in the baseline
      healthy('61', '2024-11-02T09:00:00+07:00', 'hn-ba-dinh-ngoc-ha'),
    ]).plans.find((plan) => plan.planId === PLAN_A_ID)!;

    it('sums, adds to baselines, takes figures in force, matches list fields and keeps registers to date', () => {
      expect(more.targets).toMatchObject({
        'a-nguoi-tham-gia': 1_100,
        // 30 officers of 150 on staff (the figure in force at the period's end), 20 %.
        'a-can-bo-tap-huan': 20,
        'a-an-mai-dam': 1,
        'a-dang-ky': 3,
        'a-phuong-lanh-manh-nen': 4,
        'a-xu-ly-nen': 12,
        'a-kiem-tra-danh-sach': 0,
        // cg-1 closed (so served), cg-4 served after the period, on its referral's date: 2 of 2.
        'a-ket-noi-dich-vu': 100,
      });
      expect(more.parts!['a-nguoi-tham-gia']).toEqual({ '2024': 400, '2025': 1_100, term: 1_100 });
      // At the end of 2024 the figure in force was 120: 30 of 120.
      expect(more.parts!['a-can-bo-tap-huan']).toEqual({ '2024': 25, term: 20 });
      expect(more.quarters['2025-Q2']).toMatchObject({ 'a-ket-noi-dich-vu': 50, 'a-can-bo-tap-huan': 20 });
      expect(more.quarters['2024-Q4']).toMatchObject({ 'a-can-bo-tap-huan': 25, 'a-nguoi-tham-gia': 400 });
    });
  });
});

describe('the comparison', () => {
  const oracle = oracleFigures(oraclePlans(), generateStream(3, { events: EVENTS }).arrivals);
  const board = (change: (figures: Figures) => void): Figures => {
    const copy = structuredClone(oracle);
    change(copy);
    return copy;
  };

  it('finds nothing between equal figures', () => {
    expect(compareFigures(3, board(() => undefined), oracle)).toEqual([]);
  });

  it('names the seed, plan, target, area or period, and both values of the first differing figure', () => {
    const [difference] = compareFigures(3, board((figures) => (figures.plans[1]!.areas['ct-o-mon']!['b-kiem-tra']! += 1)), oracle);
    expect(difference).toMatchObject({ seed: 3, plan: PLAN_B_ID, figure: 'area', target: 'b-kiem-tra', area: 'ct-o-mon' });
    expect(describeDifference(difference!)).toMatch(/^seed 3: area differs \(plan kh-oracle-can-tho, target b-kiem-tra, area ct-o-mon\): board \d+, oracle \d+$/);
    const part = compareFigures(3, board((figures) => (figures.plans[0]!.parts!['a-nguoi-tham-gia']!['2024']! += 1)), oracle);
    expect(part).toEqual([expect.objectContaining({ figure: 'part', target: 'a-nguoi-tham-gia', stage: '2024' })]);
    const quarter = compareFigures(3, board((figures) => (figures.plans[0]!.quarters['2024-Q4']!['a-doi-178'] = -1)), oracle);
    expect(quarter).toEqual([expect.objectContaining({ figure: 'cumulative', period: '2024-Q4', target: 'a-doi-178', board: -1 })]);
  });

  it('catches an older board: no plan-level row, rows that do not add up, a funnel that is not cumulative, a body named by another plan', () => {
    const figures = board((figures) => {
      const plan = figures.plans[0]!;
      plan.planLevel = undefined;
      plan.flows = undefined;
      plan.funnel.closed = plan.funnel.serviceDelivered + 1;
      plan.bodyNames = [{ where: 'report 2024-Q3 agencies', code: 'finance', name: figures.plans[1]!.bodies['finance']! }];
    });
    const kinds = new Set(compareFigures(3, figures, oracle).map((difference) => difference.figure));
    for (const kind of ['plan-level', 'rows-sum', 'funnel', 'funnel-order', 'body']) expect(kinds).toContain(kind);
  });
});
