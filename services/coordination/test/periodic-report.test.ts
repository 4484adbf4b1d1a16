import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
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
import JSZip from 'jszip';
import {
  agencyTable,
  compilePeriodicReport,
  CoordinationProjection,
  dateInWords,
  InMemoryCoordinationStore,
  parsePeriod,
  PeriodError,
  PeriodicReportError,
  periodInTitle,
  PeriodicReportQuery,
  periodShort,
  reportCsv,
  reportDocument,
  reportWorkbook,
  SHEET_NAMES,
  vietnameseNumber,
  type PeriodicReport,
} from '../src/index.js';
import { CaseReferences } from '../src/access/case-references.js';

/** How the projection names referrals in deadlines (ADR 0021): a key of this test's own. */
const cases = CaseReferences.ephemeral();

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
  const projection = new CoordinationProjection(cases);
  for (const plan of plans) {
    projection.apply(buildEvent(coordinationPlanPublished, plan, { id: `evt-plan-${plan.id}`, time: '2021-02-01T08:00:00+07:00' }));
    projection.planReady(plan.id);
  }
  for (const event of events) projection.apply(event);
  const store = new InMemoryCoordinationStore();
  await store.commit(projection.takeChanges());
  // Async, as the API answers: a refusal is a rejection.
  const compile = async (period: string, request: { area?: string; plan?: string } = {}, now = NOW) =>
    compilePeriodicReport(
      {
        state: projection.state,
        agencies: projection.agencies,
        areas: projection.areas,
        referrals: projection.referrals,
        reports: projection.reports,
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

describe('the workbook: the annex of the document, and the CSV', () => {
  // The annex is Vietnamese by default (English with lang=en) and computes: numbers, percent cells, date cells (issue 21).
  it('lays out the annex heading and one row per agency with numbers, percent cells and dates, frozen header, A4 landscape, Times New Roman', async () => {
    const { compile } = await given();
    const report = await compile('2021-Q2');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await reportWorkbook(report, { number: '12' })) as never);
    const sheet = workbook.getWorksheet(SHEET_NAMES.agencies.vi)!;
    expect(sheet.getCell('A1').value).toBe('PHỤ LỤC');
    const texts = [2, 3, 4, 5, 6, 7].map((n) => String(sheet.getCell(`A${n}`).value)).join('\n');
    expect(texts).toMatch(/Kết quả công tác phòng, chống mại dâm quý II năm 2021/);
    expect(texts).toMatch(/Kèm theo Báo cáo số 12\/BC-BCĐ138 ngày 10\/07\/2021 của Ban Chỉ đạo 138 quận Ba Đình/);
    expect(texts).toMatch(/Kỳ báo cáo: quý II\/2021 \(từ 01\/04\/2021 đến 30\/06\/2021\); số liệu lũy kế tính đến ngày 30\/06\/2021/);
    expect(texts).toMatch(/Địa bàn: Quận Ba Đình/);
    expect(texts).toMatch(/Ngày lập: 10\/07\/2021/);
    expect(texts).not.toMatch(/ \/ [A-Z]/); // no English beside the Vietnamese

    const rows = sheetRows(sheet);
    const header = rows.findIndex((values) => values[0] === 'STT');
    const columns = rows[header]!;
    const achievedColumn = columns.indexOf('Kết quả trong kỳ (số sự kiện)');
    const codeColumn = columns.indexOf('Mã');
    const percentColumn = columns.indexOf('Tiến độ bình quân so với kế hoạch (lũy kế)');
    expect([achievedColumn, codeColumn, percentColumn].every((index) => index >= 0)).toBe(true);
    expect(columns.join(' ')).not.toMatch(/[A-Za-z]+ \/ /);
    const body = rows.slice(header + 1).filter((values) => typeof values[0] === 'number');
    expect(body.map((values) => values[codeColumn])).toEqual(report.agencies.map((entry) => entry.agency));
    const achieved = Object.fromEntries(body.map((values) => [values[codeColumn], values[achievedColumn]]));
    expect(achieved).toMatchObject({ police: 8, labour: 5, culture: 1, justice: 1, 'ubnd-phuong': 6 });
    // Percentages are percent cells: 53% is 0.53 shown with 0.00%.
    const policeRow = header + 1 + body.findIndex((values) => values[codeColumn] === 'police') + 1;
    expect(sheet.getCell(policeRow, percentColumn + 1).value).toBe(0.53);
    expect(sheet.getCell(policeRow, percentColumn + 1).numFmt).toBe('0.00%');
    expect(sheet.getCell(policeRow, 2).font).toMatchObject({ name: 'Times New Roman' });
    // The total adds only what adds up: events of different kinds and percentages of different goals are left blank.
    const totalRow = rows.slice(header + 1).find((values) => values[1] === 'Tổng cộng')!;
    expect(totalRow[columns.indexOf('Số chỉ tiêu')]).toBe(baDinh.targets.length);
    expect(totalRow[achievedColumn] ?? null).toBeNull();
    expect(totalRow[percentColumn] ?? null).toBeNull();
    // Frozen header rows, A4 landscape one page wide.
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: header + 1 });
    expect(sheet.pageSetup).toMatchObject({ orientation: 'landscape', paperSize: 9, fitToPage: true, fitToWidth: 1, fitToHeight: 0 });

    const targetSheet = workbook.getWorksheet(SHEET_NAMES.targets.vi)!;
    const targets = sheetRows(targetSheet);
    const targetHeader = targets.findIndex((values) => values[0] === 'STT');
    const targetBody = targets.slice(targetHeader + 1).filter((values) => typeof values[0] === 'number');
    expect(targetBody).toHaveLength(baDinh.targets.length);
    const asOfColumn = targets[targetHeader]!.indexOf('Lũy kế tính đến ngày');
    const first = targetSheet.getCell(targetHeader + 2, asOfColumn + 1);
    expect(first.type).toBe(ExcelJS.ValueType.Date);
    expect((first.value as Date).toISOString().slice(0, 10)).toBe('2021-06-30');
    expect(first.numFmt).toBe('dd/mm/yyyy');
    const percentOfGoal = targets[targetHeader]!.indexOf('Tiến độ so với kế hoạch');
    const inspections = targetBody.findIndex((values) => values[1] === 'ct-kiem-tra-hanh-chinh-400');
    expect(targetSheet.getCell(targetHeader + 2 + inspections, percentOfGoal + 1)).toMatchObject({ value: 0.02, numFmt: '0.00%' });
    // A percentage target's cumulative value is a percent cell too; a count stays a plain number.
    const cumulativeColumn = targets[targetHeader]!.indexOf('Lũy kế');
    const model = targetBody.findIndex((values) => values[1] === 'ct-mo-hinh-14-phuong');
    const modelCell = targetSheet.getCell(targetHeader + 2 + model, cumulativeColumn + 1);
    expect(modelCell.numFmt).toBe('0.00%');
    expect(modelCell.value).toBe(target(report, 'ct-mo-hinh-14-phuong').cumulative / 100);
    expect(targetSheet.getCell(targetHeader + 2 + inspections, cumulativeColumn + 1).value).toBe(8);
    expect(targetSheet.views[0]).toMatchObject({ state: 'frozen', ySplit: targetHeader + 1 });
  });

  it('writes the CSV for Vietnamese Excel (; and a decimal comma) by default, and the old comma form on request', async () => {
    const { compile } = await given();
    const report = await compile('2021-Q2');
    const csv = reportCsv(report);
    expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = csv.toString('utf8').slice(1).split('\r\n').filter(Boolean);
    expect(lines[0]).toMatch(/^STT;Cơ quan, đơn vị;Mã;Số chỉ tiêu;/);
    expect(lines).toHaveLength(1 + report.agencies.length + 1);
    // Notes with semicolons stay in one field.
    const policeLine = lines.find((line) => line.startsWith('2;'))!;
    expect(policeLine).toBe('2;Công an;police;4;0;8;53%;10;0;0;1;0;0;0;"Chưa gửi báo cáo: tháng 6/2021; Gửi báo cáo muộn: 1; Chỉ tiêu chậm tiến độ: ct-kiem-tra-hanh-chinh-400"');
    const cultureLine = lines.find((line) => line.startsWith('4;'))!;
    expect(cultureLine).toMatch(/^4;Văn hóa, Thể thao và Du lịch;culture;1;0;1;/);
    expect(cultureLine).toMatch(/;"Chưa gửi báo cáo: tháng 4\/2021, tháng 5\/2021, tháng 6\/2021, quý II\/2021; Chỉ tiêu chậm tiến độ: ct-phuong-lanh-manh-100"$/);
    expect(lines.at(-1)).toMatch(/^;Tổng cộng;;22;0;;;/);
    // A fractional figure: decimal comma in the default form, decimal point in the comma form.
    const fractional = report.agencies.findIndex((row) => row.percent !== null && !Number.isInteger(row.percent));
    const percent = report.agencies[fractional]!.percent!;
    expect(lines[1 + fractional]!.split(';')[6]).toBe(`${String(percent).replace('.', ',')}%`);
    const old = reportCsv(report, 'comma').toString('utf8').slice(1).split('\r\n').filter(Boolean);
    expect(old.find((line) => line.startsWith('2,'))).toMatch(/^2,Công an,police,4,0,8,53%,10,0,0,1,0,0,0,Chưa gửi báo cáo: tháng 6\/2021; /);
    expect(old[1 + fractional]).toContain(`,${percent}%,`);
    expect(agencyTable(report).slice(1, -1).map((values) => values[5])).toEqual(report.agencies.map((row) => row.achievedInPeriod));
  });
});

describe('the report as an official document (DOCX, Decree 30/2020/NĐ-CP)', () => {
  // Q3 2021, drawn up on 05/12/2026: the figures stop at 30/09/2021 whatever happened since.
  const later = [
    inspection('q3-2', '2021-08-10T09:00:00+07:00'),
    inspection('q3-cuoi', '2021-09-30T23:59:00+07:00'),
    inspection('q4', '2021-10-05T09:00:00+07:00'), // after the quarter: not in its figures
    caseTried('q4', '2021-11-05T08:00:00+07:00'),
  ];
  const DRAWN_UP = new Date('2026-12-05T10:00:00+07:00');

  it('has the heading, number, place and date, title, sections, recipients and signature block, with the figures as of 30/09/2021', async () => {
    const { compile } = await given([baDinh], [...seededEvents, ...later]);
    const report = await compile('2021-Q3', {}, DRAWN_UP);
    expect(report.asOf).toBe(new Date('2021-09-30T23:59:59.999+07:00').toISOString());
    const docx = await reportDocument(report, { number: '12' });
    mkdirSync(OUTPUT, { recursive: true });
    writeFileSync(join(OUTPUT, 'bao-cao-2021-Q3-hn-ba-dinh.docx'), docx); // for a human to open
    const { text, xml } = await documentText(docx);

    expect(text).toContain('BAN CHỈ ĐẠO 138 QUẬN BA ĐÌNH');
    expect(text).toContain('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM');
    expect(text).toContain('Độc lập - Tự do - Hạnh phúc');
    expect(text).toContain('Số: 12/BC-BCĐ138');
    expect(text).toContain('Ba Đình, ngày 05 tháng 12 năm 2026');
    // Place and date in italics, the title in bold, as the decree sets them.
    const runOf = (content: string) => [...xml.matchAll(/<w:r>([\s\S]*?)<\/w:r>/g)].map((match) => match[1]!).find((inner) => inner.includes(`>${content}</w:t>`))!;
    expect(runOf('Ba Đình, ngày 05 tháng 12 năm 2026')).toMatch(/<w:i\/>/);
    expect(runOf('BÁO CÁO')).toMatch(/<w:b\/>/);
    expect(text).toMatch(/^BÁO CÁO$/m);
    expect(text).toContain('Kết quả công tác phòng, chống mại dâm quý III năm 2021');
    for (const heading of ['I. KẾT QUẢ THỰC HIỆN', 'II. CÔNG TÁC CHUYỂN GỬI, HỖ TRỢ', 'III. NHỮNG NHIỆM VỤ, CHỈ TIÊU CHẬM, QUÁ HẠN', 'IV. ĐỀ XUẤT, KIẾN NGHỊ']) expect(text).toMatch(new RegExp(`^${heading}$`, 'm'));
    expect(text).toContain('số liệu lũy kế tính đến hết ngày 30/09/2021');
    // 8 inspections to the end of Q2, 3 more in Q3 (the one of 1 July, 10 August, 30 September); not the one of October.
    expect(text).toMatch(/kiểm tra hành chính[^\n]*trong kỳ 3; lũy kế đến 30\/09\/2021: 11, đạt 2,75% kế hoạch/);
    // The trial of November is not counted: 2 trials by 30/09/2021.
    expect(text).toMatch(/Xét xử[^\n]*lũy kế đến 30\/09\/2021: 2, đạt 50% kế hoạch/);
    expect(text).not.toContain('/ ');
    expect(text).toMatch(/^Nơi nhận:$/m);
    expect(text).toMatch(/^- Ủy ban nhân dân quận Ba Đình;$/m);
    expect(text).toMatch(/^- Các thành viên BCĐ 138 quận Ba Đình;$/m);
    expect(text).toMatch(/^- Lưu: VT\.$/m);
    expect(text).toMatch(/^TM\. BAN CHỈ ĐẠO\nTRƯỞNG BAN\n/m);

    // A4 (11906 × 16838 twips) with the decree's margins: top and bottom 20 mm, left 30 mm, right 15 mm.
    expect(xml).toMatch(/<w:pgSz w:w="11906" w:h="16838"/);
    const margin = /<w:pgMar ([^>]*)\/>/.exec(xml)![1]!;
    const twips = (name: string) => Number(new RegExp(`w:${name}="(\\d+)"`).exec(margin)![1]);
    const mm = (value: number) => (value / 1440) * 25.4;
    expect(mm(twips('top'))).toBeGreaterThanOrEqual(20);
    expect(mm(twips('top'))).toBeLessThanOrEqual(25);
    expect(mm(twips('bottom'))).toBeGreaterThanOrEqual(20);
    expect(mm(twips('bottom'))).toBeLessThanOrEqual(25);
    expect(mm(twips('left'))).toBeGreaterThanOrEqual(30);
    expect(mm(twips('left'))).toBeLessThanOrEqual(35);
    expect(mm(twips('right'))).toBeGreaterThanOrEqual(15);
    expect(mm(twips('right'))).toBeLessThanOrEqual(20);
    // Page numbers from page 2: a different first page, and a PAGE field in the default header.
    expect(xml).toContain('<w:titlePg/>');
    const styles = await zipEntry(docx, 'word/styles.xml');
    expect(styles).toMatch(/<w:rFonts w:ascii="Times New Roman"/);
    expect(styles).toMatch(/<w:sz w:val="28"\/>/); // 14 pt
    const headers = await Promise.all((await zipNames(docx)).filter((name) => /^word\/header\d+\.xml$/.test(name)).map((name) => zipEntry(docx, name)));
    expect(headers.some((header) => /PAGE/.test(header) && /<w:jc w:val="center"\/>/.test(header))).toBe(true);
    if (!hasLibreOffice()) {
      // Not installed here (and not installed by the tests): the PDF and its first-page screenshot are left to a machine that has it.
      console.info(`LibreOffice (soffice) không có / not installed: PDF conversion skipped; the DOCX is at ${join(OUTPUT, 'bao-cao-2021-Q3-hn-ba-dinh.docx')}`);
    }
  });

  it("is issued by the committee of the plan's area: Cần Thơ 2026, where health is the standing body", async () => {
    const canTho = parsePlanDocument(readFileSync(new URL('../demo/can-tho-2026.plan.yaml', import.meta.url), 'utf8'), 'yaml');
    const { compile } = await given([canTho], []);
    const report = await compile('2026-H1', {}, new Date('2026-12-05T10:00:00+07:00'));
    const { text } = await documentText(await reportDocument(report));
    expect(text).toContain('BAN CHỈ ĐẠO 138 THÀNH PHỐ CẦN THƠ');
    expect(text).toContain('Cần Thơ, ngày 05 tháng 12 năm 2026');
    expect(text).toContain('Kết quả công tác phòng, chống mại dâm 6 tháng đầu năm 2026');
    expect(text).toContain('số liệu lũy kế tính đến hết ngày 30/06/2026');
    expect(text).toMatch(/\(cơ quan thường trực\) tổng hợp/);
    expect(report.compiledBy?.code).toBe('health');
  });

  it('leaves the number as dots when none is given, and writes periods and numbers the Vietnamese way', async () => {
    const { compile } = await given();
    const { text } = await documentText(await reportDocument(await compile('2021-Q2')));
    expect(text).toContain('Số: ……/BC-BCĐ138');
    expect(text).toContain('Ba Đình, ngày 10 tháng 7 năm 2021');
    expect(text).toContain('Kết quả công tác phòng, chống mại dâm quý II năm 2021');
    expect(text).toContain('- Công an: chưa gửi 1 báo cáo (tháng 6/2021); gửi muộn 1 báo cáo.');
    expect(periodShort(parsePeriod('2021-07'))).toBe('tháng 7/2021');
    expect(periodShort(parsePeriod('2021-Q3'))).toBe('quý III/2021');
    expect(periodShort(parsePeriod('2021-H1'))).toBe('6 tháng đầu năm 2021');
    expect(periodShort(parsePeriod('2021'))).toBe('năm 2021');
    expect(periodInTitle(parsePeriod('2021-07'))).toBe('tháng 7 năm 2021');
    expect(dateInWords('2026-02-05')).toBe('ngày 05 tháng 02 năm 2026');
    expect(vietnameseNumber(1234.5)).toBe('1.234,5');
  });
});

const OUTPUT = fileURLToPath(new URL('../../../test-output/', import.meta.url));

/** The document's paragraphs as lines of text (runs joined, tabs and breaks kept), and its XML. */
async function documentText(docx: Buffer): Promise<{ text: string; xml: string }> {
  const xml = await zipEntry(docx, 'word/document.xml');
  const paragraphs = xml.match(/<w:p[ >][\s\S]*?<\/w:p>/g) ?? [];
  const unescape = (value: string) => value.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
  const text = paragraphs.map((paragraph) => unescape([...paragraph.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((match) => match[1]).join(''))).join('\n');
  return { text, xml };
}

async function zipEntry(zip: Buffer, name: string): Promise<string> {
  return (await JSZip.loadAsync(zip)).file(name)!.async('string');
}

async function zipNames(zip: Buffer): Promise<string[]> {
  return Object.keys((await JSZip.loadAsync(zip)).files);
}

function hasLibreOffice(): boolean {
  return ['soffice', 'libreoffice'].some((command) => spawnSync('sh', ['-c', `command -v ${command}`]).status === 0);
}

/** Every row's values (1-based cells → 0-based array). */
function sheetRows(sheet: ExcelJS.Worksheet): unknown[][] {
  const rows: unknown[][] = [];
  sheet.eachRow({ includeEmpty: true }, (row, number) => {
    rows[number - 1] = (row.values as unknown[]).slice(1);
  });
  return Array.from(rows, (values) => values ?? []);
}
