import { readFileSync } from 'node:fs';
import {
  buildEvent,
  coordinationPlanPublished,
  reportingActivityHeld,
  cultureReportSubmitted,
  cultureWardAssessmentCompleted,
  healthReferralAccepted,
  issuesFromZod,
  justiceCaseTried,
  labourJointInspectionCompleted,
  labourReferralAccepted,
  labourReferralClosed,
  labourReferralMade,
  labourReferralServiceDelivered,
  parsePlanDocument,
  policeCaseOpened,
  policeInspectionCompleted,
  policeReferralMade,
  policeReportSubmitted,
  type BusEvent,
  type Plan,
} from '@lienganh/contracts';
import ExcelJS from 'exceljs';
import {
  agencyTable,
  compilePeriodicReport,
  CoordinationProjection,
  InMemoryCoordinationStore,
  parsePeriod,
  PeriodError,
  PeriodicReportError,
  PeriodicReportQuery,
  reportCsv,
  reportWorkbook,
  SHEET_NAMES,
  type PeriodicReport,
} from '../src/index.js';

const baDinh = parsePlanDocument(readFileSync(new URL('../demo/ba-dinh-2021.plan.yaml', import.meta.url), 'utf8'), 'yaml');
const NOW = new Date('2021-07-10T09:00:00+07:00');

// ---------------------------------------------------------------------------------------
// Periods
// ---------------------------------------------------------------------------------------

describe('reporting periods', () => {
  it.each([
    ['2021-05', 'monthly', '2021-05-01', '2021-05-31', 'Tháng 5 năm 2021'],
    ['2024-02', 'monthly', '2024-02-01', '2024-02-29', 'Tháng 2 năm 2024'],
    ['2021-Q2', 'quarterly', '2021-04-01', '2021-06-30', 'Quý II năm 2021'],
    ['2021-q4', 'quarterly', '2021-10-01', '2021-12-31', 'Quý IV năm 2021'],
    ['2021-H1', 'half-yearly', '2021-01-01', '2021-06-30', '6 tháng đầu năm 2021'],
    ['2021-H2', 'half-yearly', '2021-07-01', '2021-12-31', '6 tháng cuối năm 2021'],
    ['2021', 'annual', '2021-01-01', '2021-12-31', 'Năm 2021'],
  ])('reads %s', (text, cadence, start, end, vi) => {
    const period = parsePeriod(text);
    expect(period).toMatchObject({ cadence, start, end, label: { vi } });
    expect(period.key).toBe(text.toUpperCase());
  });

  it.each(['2021-13', '2021-00', '2021-Q5', '2021-H3', '21-Q2', '2021-5', '2021Q2', '1999', '2021-05-01', '', 'Q2-2021'])('refuses %j', (text) => {
    expect(() => parsePeriod(text)).toThrow(PeriodError);
  });

  it('names the parameter in the query errors, and defaults the format to xlsx', () => {
    expect(PeriodicReportQuery.parse({ period: '2021-Q2' })).toMatchObject({ period: { key: '2021-Q2' }, format: 'xlsx' });
    const paths = (query: unknown) => {
      const result = PeriodicReportQuery.safeParse(query);
      return result.success ? [] : issuesFromZod(result.error, 'query').map((issue) => issue.path);
    };
    expect(paths({ period: '2021-Q5' })).toEqual(['query.period']);
    expect(paths({})).toEqual(['query.period']);
    expect(paths({ period: '2021', area: 'Ba Đình' })).toEqual(['query.area']);
    expect(paths({ period: '2021', format: 'pdf' })).toEqual(['query.format']);
    expect(paths({ period: '2021', extra: '1' })).toEqual(['query.extra']);
  });
});

// ---------------------------------------------------------------------------------------
// A seeded set of Ba Đình events around the second quarter of 2021
// ---------------------------------------------------------------------------------------

const inspection = (id: string, time: string, areaCode = 'hn-ba-dinh-kim-ma') =>
  buildEvent(policeInspectionCompleted, { ...policeInspectionCompleted.example, inspectionId: `kt-${id}`, areaCode, business: { businessId: `b-${id}`, kind: 'karaoke' } }, { id: `evt-kt-${id}`, time });
const caseOpened = (id: string, time: string, areaCode = 'hn-ba-dinh-kim-ma') =>
  buildEvent(policeCaseOpened, { ...policeCaseOpened.example, caseId: `va-${id}`, areaCode }, { id: `evt-va-${id}`, time });
const caseTried = (id: string, time: string) => buildEvent(justiceCaseTried, { ...justiceCaseTried.example, caseId: `va-${id}` }, { id: `evt-xx-${id}`, time });
const jointInspection = (id: string, businessId: string, time: string) =>
  buildEvent(labourJointInspectionCompleted, { ...labourJointInspectionCompleted.example, inspectionId: `kt178-${id}`, business: { businessId, kind: 'massage' } }, { id: `evt-178-${id}`, time });
const modelActivity = (id: string, areaCode: string, time: string) =>
  // A ward's People's Committee reports its model's work (Ba Đình II.6), through the reporting service.
  buildEvent(reportingActivityHeld, { ...reportingActivityHeld.example, activityId: `mh-${id}`, kind: 'pilot-model', organiser: 'ubnd-phuong', areaCode }, { id: `evt-mh-${id}`, source: '/pcmd/reporting/ubnd-phuong', time });
const assessment = (ward: string, result: 'healthy' | 'not-yet-healthy', time: string) =>
  buildEvent(cultureWardAssessmentCompleted, { ...cultureWardAssessmentCompleted.example, assessmentId: `dg-${ward}`, areaCode: `hn-ba-dinh-${ward}`, result, year: 2021 }, { id: `evt-dg-${ward}`, time });
const policeReferral = (n: number, time: string, areaCode: string) =>
  buildEvent(policeReferralMade, { ...policeReferralMade.example, referralId: `cg-ca-${n}`, areaCode }, { id: `evt-cg-ca-${n}`, time });
const labourReferral = (n: number, time: string) =>
  buildEvent(labourReferralMade, { ...labourReferralMade.example, referralId: `cg-ld-${n}` }, { id: `evt-cg-ld-${n}`, time });
const accepted = (referralId: string, time: string) => buildEvent(labourReferralAccepted, { referralId, plannedServices: ['counselling'] }, { id: `evt-tn-${referralId}`, time });
const healthAccepted = (referralId: string, time: string) => buildEvent(healthReferralAccepted, { referralId, plannedServices: ['hiv-sti-care'] }, { id: `evt-yt-tn-${referralId}`, time });
const delivered = (referralId: string, time: string) => buildEvent(labourReferralServiceDelivered, { referralId, service: 'vocational-training' }, { id: `evt-dv-${referralId}`, time });
const closed = (referralId: string, time: string) => buildEvent(labourReferralClosed, { referralId, outcome: 'reintegrated' }, { id: `evt-dong-${referralId}`, time });
const report = (definition: typeof policeReportSubmitted, body: string, cadence: 'monthly' | 'quarterly', period: string, time: string) =>
  buildEvent(definition, { reportId: `bc-${body}-${period}`, reportingBody: body, areaCode: 'hn-ba-dinh', cadence, period }, { id: `evt-bc-${body}-${period}`, time });

const seededEvents: BusEvent[] = [
  // Police inspections: 6 in the quarter (4 in Kim Mã), 2 before it, 1 after it, 1 in another district.
  inspection('q1', '2021-03-15T09:00:00+07:00'),
  inspection('q1-cuoi', '2021-03-31T23:30:00+07:00'), // 31 March in Hanoi
  inspection('q2-dau', '2021-03-31T17:10:00Z'), // 1 April 00:10 in Hanoi: in the quarter
  inspection('q2-1', '2021-04-10T09:00:00+07:00'),
  inspection('q2-2', '2021-05-12T09:00:00+07:00'),
  inspection('q2-3', '2021-06-20T09:00:00+07:00'),
  inspection('q2-lg-1', '2021-05-03T09:00:00+07:00', 'hn-ba-dinh-lieu-giai'),
  inspection('q2-lg-2', '2021-06-30T23:59:00+07:00', 'hn-ba-dinh-lieu-giai'),
  inspection('q3', '2021-06-30T17:30:00Z'), // 1 July 00:30 in Hanoi: after the quarter
  inspection('tay-ho', '2021-05-05T09:00:00+07:00', 'hn-tay-ho-quang-an'), // another district
  // Cases: one in Q1, two in Q2 (one in Kim Mã); both police case targets count them.
  caseOpened('q1', '2021-02-14T22:00:00+07:00'),
  caseOpened('q2-1', '2021-04-20T10:00:00+07:00'),
  caseOpened('q2-2', '2021-06-05T10:00:00+07:00', 'hn-ba-dinh-lieu-giai'),
  // Trials: one in Q2, one after it (before the report is drawn up).
  caseTried('q2', '2021-05-20T08:00:00+07:00'),
  caseTried('q3', '2021-07-05T08:00:00+07:00'),
  // Team 178 (labour, distinct businesses): 3 visits in Q2 to 2 businesses, 1 in Q1 to a third.
  jointInspection('q1', 'b-178-c', '2021-02-01T09:00:00+07:00'),
  jointInspection('q2-1', 'b-178-a', '2021-04-15T09:00:00+07:00'),
  jointInspection('q2-2', 'b-178-a', '2021-05-15T09:00:00+07:00'),
  jointInspection('q2-3', 'b-178-b', '2021-06-15T09:00:00+07:00'),
  // The wards' model work (labour's model target): 2 in wards in Q2; district-wide work does not count.
  modelActivity('lg', 'hn-ba-dinh-lieu-giai', '2021-04-22T09:00:00+07:00'),
  modelActivity('km', 'hn-ba-dinh-kim-ma', '2021-05-22T09:00:00+07:00'),
  modelActivity('quan', 'hn-ba-dinh', '2021-05-23T09:00:00+07:00'),
  // Ward assessments (culture): one healthy ward counts.
  assessment('lieu-giai', 'healthy', '2021-06-25T10:00:00+07:00'),
  assessment('doi-can', 'not-yet-healthy', '2021-06-26T10:00:00+07:00'),
  // Referrals: police → labour (one made in Q2 in Kim Mã, one made in Q1 but taken on in Q2, one in another district), labour → health.
  policeReferral(1, '2021-04-02T10:00:00+07:00', 'hn-ba-dinh-kim-ma'),
  accepted('cg-ca-1', '2021-04-05T10:00:00+07:00'),
  delivered('cg-ca-1', '2021-05-01T10:00:00+07:00'),
  closed('cg-ca-1', '2021-07-02T10:00:00+07:00'),
  policeReferral(2, '2021-03-20T10:00:00+07:00', 'hn-ba-dinh-lieu-giai'),
  accepted('cg-ca-2', '2021-04-01T09:00:00+07:00'),
  policeReferral(3, '2021-05-05T10:00:00+07:00', 'hn-tay-ho-quang-an'),
  labourReferral(1, '2021-06-01T08:00:00+07:00'),
  healthAccepted('cg-ld-1', '2021-06-03T08:00:00+07:00'),
  // Police reports: April and May on time, June missing, the quarter late; culture sends none.
  report(policeReportSubmitted, 'police', 'monthly', '2021-04', '2021-05-03T10:00:00+07:00'),
  report(policeReportSubmitted, 'police', 'monthly', '2021-05', '2021-06-04T10:00:00+07:00'),
  report(policeReportSubmitted, 'police', 'quarterly', '2021-Q2', '2021-07-08T10:00:00+07:00'),
  report(cultureReportSubmitted, 'culture', 'quarterly', '2021-Q1', '2021-04-03T10:00:00+07:00'),
];

async function given(plans: Plan[] = [baDinh], events: BusEvent[] = seededEvents) {
  const projection = new CoordinationProjection();
  for (const plan of plans) {
    projection.apply(buildEvent(coordinationPlanPublished, plan, { id: `evt-plan-${plan.id}`, time: '2021-02-01T08:00:00+07:00' }));
    projection.planReady(plan.id);
  }
  for (const event of events) projection.apply(event);
  const store = new InMemoryCoordinationStore();
  await store.commit(projection.takeChanges());
  const compile = (period: string, request: { area?: string; plan?: string } = {}, now = NOW) =>
    compilePeriodicReport(
      {
        state: projection.state,
        agencies: projection.agencies,
        areas: projection.areas,
        referrals: projection.referrals,
        reports: projection.reports,
        contributions: async (key) => store.contributions(key, await store.countContributions(key)),
        now,
      },
      { period: parsePeriod(period), ...request },
    );
  return { projection, store, compile };
}

const row = (report: PeriodicReport, agency: string) => report.agencies.find((entry) => entry.agency === agency)!;
const target = (report: PeriodicReport, id: string) => report.targets.find((entry) => entry.id === id)!;

describe('the periodic report for Steering Committee 138', () => {
  it('counts per agency what was achieved in the quarter and the district, nothing before, after or elsewhere', async () => {
    const { compile } = await given();
    const report = await compile('2021-Q2');
    expect(report).toMatchObject({
      preparedOn: '2021-07-10',
      period: { key: '2021-Q2', start: '2021-04-01', end: '2021-06-30' },
      area: { code: 'hn-ba-dinh', name: { vi: 'Quận Ba Đình' } },
      plan: { id: 'kh-ba-dinh-2021' },
      asOf: new Date('2021-06-30T23:59:59.999+07:00').toISOString(),
    });
    // 6 inspections and 2 cases (each case once, though two targets count it).
    expect(row(report, 'police')).toMatchObject({ targets: 4, achievedInPeriod: 8 });
    // 3 team-178 visits and 2 ward awareness activities.
    expect(row(report, 'labour')).toMatchObject({ targets: 2, achievedInPeriod: 5 });
    expect(row(report, 'culture')).toMatchObject({ targets: 1, achievedInPeriod: 1 });
    expect(row(report, 'justice')).toMatchObject({ targets: 1, achievedInPeriod: 1 });
    // The 80% targets (one per ward) count police inspections in their ward (their numerator).
    expect(row(report, 'ubnd-phuong')).toMatchObject({ targets: 14, achievedInPeriod: 6 });
    expect(report.total).toMatchObject({ targets: baDinh.targets.length, achievedInPeriod: 6 + 2 + 1 + 3 + 2 + 1 });

    expect(target(report, 'ct-kiem-tra-hanh-chinh-400')).toMatchObject({ achievedInPeriod: 6, cumulative: 8, cumulativeAsOf: '2021-06-30', percent: 2, status: 'at-risk' });
    expect(target(report, 'ct-an-hinh-su-06')).toMatchObject({ achievedInPeriod: 2, cumulative: 3, percent: 50 });
    expect(target(report, 'ct-ca-triet-pha-05')).toMatchObject({ achievedInPeriod: 2, cumulative: 3, percent: 60 });
    // The July trial is not in the quarter's cumulative figure, though the tally has it.
    expect(target(report, 'ct-xet-xu-04')).toMatchObject({ achievedInPeriod: 1, cumulative: 1, percent: 25 });
    // Distinct measures: visits in the period, distinct businesses to the period's end, explained.
    expect(target(report, 'ct-doi-178-30-50')).toMatchObject({ measure: 'distinct', achievedInPeriod: 3, cumulative: 3, cumulativeAsOf: '2021-06-30', percent: 10 });
    expect(target(report, 'ct-doi-178-30-50').note!.en).toMatch(/distinct/);
    expect(target(report, 'ct-mo-hinh-14-phuong')).toMatchObject({ measure: 'percentage', achievedInPeriod: 2 });
    expect(target(report, 'ct-tu-diem-lieu-giai-to-lich')).toMatchObject({ achievedInPeriod: 0, cumulative: 0, percent: 100, status: 'on-track' });
    expect(row(report, 'police').percent).toBe((100 + 50 + 2 + 60) / 4);
  });

  it('counts referrals by the stage reached in the quarter: made for the referring agency, later stages for the receiving one', async () => {
    const { compile } = await given();
    const report = await compile('2021-Q2');
    expect(row(report, 'police').referrals).toEqual({ made: 1, accepted: 0, serviceDelivered: 0, closed: 0 });
    // cg-ca-1 and cg-ca-2 (made in March) accepted in Q2; cg-ca-1 served; closed only in July.
    expect(row(report, 'labour').referrals).toEqual({ made: 1, accepted: 2, serviceDelivered: 1, closed: 0 });
    expect(row(report, 'health').referrals).toEqual({ made: 0, accepted: 1, serviceDelivered: 0, closed: 0 });
    expect(report.total.referrals).toEqual({ made: 2, accepted: 3, serviceDelivered: 1, closed: 0 });
    const july = await compile('2021-07');
    expect(row(july, 'labour').referrals.closed).toBe(1);
  });

  it('notes missing and late reports of the periods ending in the quarter, and the tasks as of its end', async () => {
    const { compile } = await given();
    const report = await compile('2021-Q2');
    expect(row(report, 'police').reports).toMatchObject({ due: 4, onTime: 2, late: 1, missing: 1, missingPeriods: ['monthly:2021-06'] });
    expect(row(report, 'police').notes).toEqual(expect.arrayContaining(['Chưa gửi báo cáo / missing reports: tháng 2021-06', 'Gửi báo cáo muộn / late reports: 1']));
    expect(row(report, 'culture').reports).toMatchObject({ due: 4, missing: 4 });
    expect(row(report, 'culture').notes.join(' ')).toMatch(/tháng 2021-04, tháng 2021-05, tháng 2021-06, quý 2021-Q2/);
    // The ward plans were due on 31 March: overdue; every other task is due at the end of the year.
    expect(row(report, 'ubnd-phuong').tasks).toMatchObject({ overdue: 1 });
    expect(row(report, 'police').tasks).toMatchObject({ total: baDinh.tasks.filter((task) => task.lead === 'police').length, done: 0, overdue: 0 });
    // Labour, the standing agency, first; then the other services, then the plan's bodies in its order.
    expect(report.agencies.map((entry) => entry.agency).slice(0, 5)).toEqual(['labour', 'police', 'health', 'culture', 'justice']);
  });

  it("adds up a body's reports per area: every ward's People's Committee owes its own", async () => {
    const wardReport = buildEvent(
      policeReportSubmitted,
      { reportId: 'bc-ubnd-kim-ma-2021-04', reportingBody: 'ubnd-phuong', areaCode: 'hn-ba-dinh-kim-ma', cadence: 'monthly', period: '2021-04' },
      { id: 'evt-bc-ubnd-kim-ma-2021-04', time: '2021-05-02T10:00:00+07:00' },
    );
    const { compile } = await given([baDinh], [...seededEvents, wardReport]);
    const district = await compile('2021-Q2');
    // 14 wards × (3 months and the quarter); Kim Mã sent April on time.
    expect(row(district, 'ubnd-phuong').reports).toMatchObject({ area: 'hn-ba-dinh', due: 56, onTime: 1, missing: 55, missingPeriods: ['monthly:2021-04', 'monthly:2021-05', 'monthly:2021-06', 'quarterly:2021-Q2'] });
    expect(district.reporting.filter((entry) => entry.body === 'ubnd-phuong')).toHaveLength(14);
    const kimMa = await compile('2021-Q2', { area: 'hn-ba-dinh-kim-ma' });
    expect(kimMa.reporting.filter((entry) => entry.body === 'ubnd-phuong').map((entry) => entry.area)).toEqual(['hn-ba-dinh-kim-ma']);
    expect(row(kimMa, 'ubnd-phuong').reports).toMatchObject({ due: 4, onTime: 1, missing: 3, missingPeriods: ['monthly:2021-05', 'monthly:2021-06', 'quarterly:2021-Q2'] });
  });

  it('narrows to a ward: only the events, referrals of that ward', async () => {
    const { compile } = await given();
    const report = await compile('2021-Q2', { area: 'hn-ba-dinh-kim-ma' });
    expect(report.area).toMatchObject({ code: 'hn-ba-dinh-kim-ma', level: 'ward' });
    expect(row(report, 'police')).toMatchObject({ achievedInPeriod: 4 + 1 });
    expect(row(report, 'labour')).toMatchObject({ achievedInPeriod: 3 + 1 });
    expect(row(report, 'culture')).toMatchObject({ achievedInPeriod: 0 });
    expect(row(report, 'police').referrals.made).toBe(1);
    expect(row(report, 'labour').referrals).toEqual({ made: 0, accepted: 1, serviceDelivered: 1, closed: 0 });
    // The cumulative figure stays the plan's.
    expect(target(report, 'ct-kiem-tra-hanh-chinh-400')).toMatchObject({ achievedInPeriod: 4, cumulative: 8 });
  });

  it('reports a month, a half-year and a year', async () => {
    const { compile } = await given();
    expect(target(await compile('2021-05'), 'ct-kiem-tra-hanh-chinh-400').achievedInPeriod).toBe(2);
    expect(target(await compile('2021-03'), 'ct-kiem-tra-hanh-chinh-400').achievedInPeriod).toBe(2);
    expect(target(await compile('2021-04'), 'ct-kiem-tra-hanh-chinh-400').achievedInPeriod).toBe(2);
    expect(target(await compile('2021-H1'), 'ct-kiem-tra-hanh-chinh-400').achievedInPeriod).toBe(8);
    const year = await compile('2021');
    expect(target(year, 'ct-kiem-tra-hanh-chinh-400')).toMatchObject({ achievedInPeriod: 9, cumulative: 9, cumulativeAsOf: '2021-07-10' });
    expect(year.asOf).toBe(NOW.toISOString());
  });

  it('chooses the plan: the nearest one covering the area; 404 where none does; 409 when it cannot tell', async () => {
    const hanoi: Plan = { ...baDinh, id: 'kh-ha-noi-2021', level: 'province', area: 'hn', tasks: [], targets: [], reporting: undefined } as Plan;
    const { compile } = await given([baDinh, hanoi]);
    expect((await compile('2021-Q2', { area: 'hn-ba-dinh-kim-ma' })).plan.id).toBe('kh-ba-dinh-2021');
    expect((await compile('2021-Q2', { area: 'hn' })).plan.id).toBe('kh-ha-noi-2021');
    expect((await compile('2021-Q2', { area: 'hn-ba-dinh', plan: 'kh-ha-noi-2021' })).plan.id).toBe('kh-ha-noi-2021');
    await expect(compile('2021-Q2')).rejects.toMatchObject({ kind: 'ambiguous', plans: ['kh-ba-dinh-2021', 'kh-ha-noi-2021'] });
    await expect(compile('2021-Q2', { area: 'hn-tay-ho' })).rejects.toMatchObject({ kind: 'not-found' });
    await expect(compile('2021-Q2', { area: 'hn', plan: 'kh-ba-dinh-2021' })).rejects.toMatchObject({ kind: 'not-found' });
    await expect(compile('2021-Q2', { plan: 'kh-khong-co' })).rejects.toBeInstanceOf(PeriodicReportError);
    await expect(compile('2022-Q1', { area: 'hn-ba-dinh' })).rejects.toMatchObject({ kind: 'not-found' });
  });
});

describe('the workbook and the CSV', () => {
  it('lays out a title block and one row per agency, reads back with exceljs, and the CSV has the same numbers', async () => {
    const { compile } = await given();
    const report = await compile('2021-Q2');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await reportWorkbook(report)) as never);
    const sheet = workbook.getWorksheet(SHEET_NAMES.agencies)!;
    expect(sheet.getCell('A1').value).toBe('BÁO CÁO KẾT QUẢ CÔNG TÁC PHÒNG, CHỐNG MẠI DÂM');
    const texts = [1, 2, 3, 4, 5, 6].map((n) => String(sheet.getCell(`A${n}`).value));
    expect(texts.join('\n')).toMatch(/Kỳ báo cáo \/ Reporting period: Quý II năm 2021/);
    expect(texts.join('\n')).toMatch(/Địa bàn \/ Area: Quận Ba Đình/);
    expect(texts.join('\n')).toMatch(/Ngày lập \/ Prepared on: 10\/07\/2021/);

    const rows = sheetRows(sheet);
    const header = rows.findIndex((values) => values[0] === 'STT / No.');
    const columns = rows[header]!;
    expect(columns).toContain('Đạt trong kỳ (số sự kiện) / Achieved in period (events)');
    const achievedColumn = columns.indexOf('Đạt trong kỳ (số sự kiện) / Achieved in period (events)');
    const codeColumn = columns.indexOf('Mã / Code');
    const body = rows.slice(header + 1).filter((values) => typeof values[0] === 'number');
    expect(body.map((values) => values[codeColumn])).toEqual(report.agencies.map((entry) => entry.agency));
    const achieved = Object.fromEntries(body.map((values) => [values[codeColumn], values[achievedColumn]]));
    expect(achieved).toMatchObject({ police: 8, labour: 5, culture: 1, justice: 1, 'ubnd-phuong': 6 });

    const targets = sheetRows(workbook.getWorksheet(SHEET_NAMES.targets)!);
    const targetHeader = targets.findIndex((values) => values[0] === 'STT / No.');
    expect(targets.slice(targetHeader + 1).filter((values) => typeof values[0] === 'number')).toHaveLength(baDinh.targets.length);

    const csv = reportCsv(report);
    expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = csv.toString('utf8').slice(1).split('\r\n').filter(Boolean);
    expect(lines[0]).toContain('"Chuyển gửi: đã chuyển / Referrals made"'.replace(/"/g, ''));
    expect(lines).toHaveLength(1 + report.agencies.length + 1);
    expect(agencyTable(report).slice(1, -1).map((values) => values[achievedColumn])).toEqual(body.map((values) => values[achievedColumn]));
    // Notes with commas stay in one field.
    const policeLine = lines.find((line) => line.startsWith('2,'))!;
    expect(policeLine).toMatch(/^2,Công an,police,4,0,8,53,/);
    expect(policeLine).toBe('2,Công an,police,4,0,8,53,10,0,0,1,0,0,0,Chưa gửi báo cáo / missing reports: tháng 2021-06; Gửi báo cáo muộn / late reports: 1; Chỉ tiêu chậm tiến độ / targets behind: ct-kiem-tra-hanh-chinh-400');
    const cultureLine = lines.find((line) => line.startsWith('4,'))!;
    expect(cultureLine).toMatch(/^4,"Văn hóa, Thể thao và Du lịch",culture,1,0,1,/);
    expect(cultureLine).toMatch(/,"Chưa gửi báo cáo \/ missing reports: tháng 2021-04, tháng 2021-05, tháng 2021-06, quý 2021-Q2; Chỉ tiêu chậm tiến độ \/ targets behind: ct-phuong-lanh-manh-100"$/);
    expect(lines.at(-1)).toMatch(/^,Tổng cộng \/ Total,,22,0,15,/);
  });
});

/** Every row's values (1-based cells → 0-based array). */
function sheetRows(sheet: ExcelJS.Worksheet): unknown[][] {
  const rows: unknown[][] = [];
  sheet.eachRow({ includeEmpty: true }, (row, number) => {
    rows[number - 1] = (row.values as unknown[]).slice(1);
  });
  return Array.from(rows, (values) => values ?? []);
}
