import { readFileSync } from 'node:fs';
import { buildEvent, cultureReportSubmitted, labourReportSubmitted, parsePlanDocument, policeReportSubmitted, type BusEvent, type Plan } from '@lienganh/contracts';
import { AgencyRegistry, AreaRegistry, evolveReport, periodsOf, registerPlan, reportingCompliance, type ReportRecord } from '../src/index.js';
import { reportKeyOf } from '../src/reporting/report-compliance.js';

// Periodic reports (báo cáo định kỳ): who reported, and on time, under a plan's reporting duty.

const baDinh = parsePlanDocument(readFileSync(new URL('../demo/ba-dinh-2021.plan.yaml', import.meta.url), 'utf8'), 'yaml');
const areas = new AreaRegistry();
registerPlan(baDinh, new AgencyRegistry(), areas);
const isWithin = (area: string, ancestor: string) => areas.isWithin(area, ancestor);

type Cadence = 'monthly' | 'quarterly' | 'half-yearly' | 'annual' | 'ad-hoc';
const definitions = { police: policeReportSubmitted, culture: cultureReportSubmitted, labour: labourReportSubmitted };

/** A report by `body` (sent on the bus by police, culture, or labour for anyone else, e.g. the ward committees). */
function report(body: string, cadence: Cadence, period: string, time: string, options: { id?: string; areaCode?: string } = {}): BusEvent {
  const definition = definitions[body as keyof typeof definitions] ?? labourReportSubmitted;
  const id = options.id ?? `bc-${body}-${cadence}-${period}-${time}`;
  return buildEvent(definition, { reportId: id.replace(/[^A-Za-z0-9._:/-]/g, '_'), reportingBody: body, areaCode: options.areaCode ?? 'hn-ba-dinh', cadence, period }, { id, time });
}

/** The reports as the projection keeps them: the first per body, cadence and period. */
function reportsOf(events: BusEvent[]): Map<string, ReportRecord> {
  const reports = new Map<string, ReportRecord>();
  for (const event of events) {
    const key = reportKeyOf(event);
    const after = evolveReport(reports.get(key), event);
    if (after) reports.set(key, after);
  }
  return reports;
}

const withReporting = (reporting: Partial<NonNullable<Plan['reporting']>>, overrides: Partial<Plan> = {}): Plan => ({
  ...baDinh,
  ...overrides,
  reporting: { to: 'labour', cadences: ['monthly'], dueDays: 5, ...reporting },
});

const complianceOf = (plan: Plan, events: BusEvent[], now: string) => reportingCompliance(plan, reportsOf(events), new Date(now), isWithin);
const bodyOf = (plan: Plan, events: BusEvent[], now: string, body: string) => complianceOf(plan, events, now).find((entry) => entry.body === body)!;

describe('evolveReport', () => {
  const late = report('police', 'monthly', '2021-05', '2021-06-08T09:00:00+07:00', { id: 'evt-bc-lan-2' });
  const first = report('police', 'monthly', '2021-05', '2021-06-04T16:00:00+07:00', { id: 'evt-bc-lan-1' });

  it('records who reported what, for which area and period, and when', () => {
    const ward = report('ubnd-phuong', 'monthly', '2021-04', '2021-05-07T10:00:00+07:00', { id: 'evt-bc-phuong', areaCode: 'hn-ba-dinh-kim-ma' });
    expect(ward.type).toBe(labourReportSubmitted.type); // labour records the ward committees' report
    expect(evolveReport(undefined, ward)).toEqual({
      key: 'ubnd-phuong|monthly|2021-04|hn-ba-dinh-kim-ma',
      reportingBody: 'ubnd-phuong',
      areaCode: 'hn-ba-dinh-kim-ma',
      cadence: 'monthly',
      period: '2021-04',
      submittedAt: '2021-05-07T10:00:00+07:00',
      eventId: 'evt-bc-phuong',
    });
  });

  it('keeps the first submission, the earliest by time, whatever the order of arrival', () => {
    const lateFirst = evolveReport(evolveReport(undefined, late), first)!;
    expect(lateFirst).toMatchObject({ eventId: 'evt-bc-lan-1', submittedAt: '2021-06-04T16:00:00+07:00' });
    const inOrder = evolveReport(undefined, first)!;
    expect(evolveReport(inOrder, late)).toBe(inOrder);
    expect(lateFirst).toEqual(inOrder);
  });

  it('compares instants, not strings: 09:00 UTC is later than 10:00 in Hanoi', () => {
    const hanoi = report('police', 'monthly', '2021-05', '2021-06-04T10:00:00+07:00', { id: 'evt-bc-hanoi' });
    const utc = report('police', 'monthly', '2021-05', '2021-06-04T09:00:00Z', { id: 'evt-bc-utc' }); // 16:00 in Hanoi
    expect(evolveReport(evolveReport(undefined, utc), hanoi)!.eventId).toBe('evt-bc-hanoi');
    expect(evolveReport(evolveReport(undefined, hanoi), utc)!.eventId).toBe('evt-bc-hanoi');
  });

  it('changes nothing on a redelivery', () => {
    const record = evolveReport(undefined, first)!;
    expect(evolveReport(record, first)).toBe(record);
  });

  it('keeps the same record whatever the order when two reports come at the same instant in two offsets', () => {
    const hanoi = report('culture', 'quarterly', '2021-Q1', '2021-04-03T10:00:00+07:00', { id: 'evt-bc-vh-b' });
    const utc = report('culture', 'quarterly', '2021-Q1', '2021-04-03T03:00:00Z', { id: 'evt-bc-vh-a' });
    const one = evolveReport(evolveReport(undefined, hanoi), utc);
    const other = evolveReport(evolveReport(undefined, utc), hanoi);
    expect(one).toEqual(other);
    expect(one!.eventId).toBe('evt-bc-vh-a');
  });

  it('ignores ad-hoc reports', () => {
    const adHoc = report('police', 'ad-hoc', '2021', '2021-06-01T09:00:00+07:00');
    expect(evolveReport(undefined, adHoc)).toBeUndefined();
    const record = evolveReport(undefined, first)!;
    expect(evolveReport(record, adHoc)).toBe(record);
    expect(reportsOf([adHoc, first]).size).toBe(1);
  });
});

describe('periodsOf', () => {
  describe('a period from mid-July 2021 to the end of June 2022', () => {
    it('has the months that end within it, the first one included though it starts before', () => {
      const months = periodsOf('monthly', '2021-07-15', '2022-06-30');
      expect(months.map((period) => period.key)).toEqual([
        '2021-07', '2021-08', '2021-09', '2021-10', '2021-11', '2021-12', '2022-01', '2022-02', '2022-03', '2022-04', '2022-05', '2022-06',
      ]);
      expect(months[0]).toEqual({ key: '2021-07', end: '2021-07-31' });
      expect(months[7]).toEqual({ key: '2022-02', end: '2022-02-28' });
      expect(months[11]).toEqual({ key: '2022-06', end: '2022-06-30' });
    });

    it('has quarters Q3 2021 to Q2 2022', () => {
      expect(periodsOf('quarterly', '2021-07-15', '2022-06-30')).toEqual([
        { key: '2021-Q3', end: '2021-09-30' },
        { key: '2021-Q4', end: '2021-12-31' },
        { key: '2022-Q1', end: '2022-03-31' },
        { key: '2022-Q2', end: '2022-06-30' },
      ]);
    });

    it('has the second half of 2021 and the first of 2022', () => {
      expect(periodsOf('half-yearly', '2021-07-15', '2022-06-30')).toEqual([
        { key: '2021-H2', end: '2021-12-31' },
        { key: '2022-H1', end: '2022-06-30' },
      ]);
    });

    it('has the year 2021 only: 2022 ends after it', () => {
      expect(periodsOf('annual', '2021-07-15', '2022-06-30')).toEqual([{ key: '2021', end: '2021-12-31' }]);
    });
  });

  describe('a period from 10 February to 20 November 2024 (a leap year)', () => {
    it('leaves out November, which ends after it, and ends February on the 29th', () => {
      const months = periodsOf('monthly', '2024-02-10', '2024-11-20');
      expect(months.map((period) => period.key)).toEqual(['2024-02', '2024-03', '2024-04', '2024-05', '2024-06', '2024-07', '2024-08', '2024-09', '2024-10']);
      expect(months[0]).toEqual({ key: '2024-02', end: '2024-02-29' });
    });

    it('has Q1 to Q3, H1, and no year', () => {
      expect(periodsOf('quarterly', '2024-02-10', '2024-11-20').map((period) => period.key)).toEqual(['2024-Q1', '2024-Q2', '2024-Q3']);
      expect(periodsOf('half-yearly', '2024-02-10', '2024-11-20')).toEqual([{ key: '2024-H1', end: '2024-06-30' }]);
      expect(periodsOf('annual', '2024-02-10', '2024-11-20')).toEqual([]);
    });
  });

  it('has every year of a five-year plan', () => {
    expect(periodsOf('annual', '2021-01-01', '2025-12-31').map((period) => period.key)).toEqual(['2021', '2022', '2023', '2024', '2025']);
    expect(periodsOf('quarterly', '2021-01-01', '2025-12-31')).toHaveLength(20);
  });
});

describe('reportingCompliance', () => {
  // Police and culture owe a monthly report 5 days after each month ends.
  const monthly = withReporting({ from: ['police', 'culture'] });
  const tenthOfJune = '2021-06-10T00:00:00+07:00';

  it('is on time until the end of the due day in Vietnam (23:59) and late from the next day (00:01)', () => {
    // May ends on 31 May: due by the end of 5 June, Vietnam time.
    const events = [report('police', 'monthly', '2021-05', '2021-06-05T23:59:00+07:00'), report('culture', 'monthly', '2021-05', '2021-06-06T00:01:00+07:00')];
    expect(bodyOf(monthly, events, tenthOfJune, 'police')).toMatchObject({ due: 5, onTime: 1, late: 0, missing: 4 });
    expect(bodyOf(monthly, events, tenthOfJune, 'culture')).toMatchObject({ due: 5, onTime: 0, late: 1, missing: 4 });
  });

  it('reads the boundary in Vietnam time whatever the offset a report carries', () => {
    const events = [
      report('police', 'monthly', '2021-05', '2021-06-05T16:59:00Z'), // 23:59 in Hanoi
      report('culture', 'monthly', '2021-05', '2021-06-05T17:01:00Z'), // 00:01 on 6 June in Hanoi
    ];
    expect(bodyOf(monthly, events, tenthOfJune, 'police')).toMatchObject({ onTime: 1, late: 0 });
    expect(bodyOf(monthly, events, tenthOfJune, 'culture')).toMatchObject({ onTime: 0, late: 1 });
  });

  it('keeps the reports of one body from different districts apart: Tây Hồ police reporting first does not hide Ba Đình police', () => {
    const events = [
      report('police', 'monthly', '2021-05', '2021-06-01T09:00:00+07:00', { areaCode: 'hn-tay-ho' }),
      report('police', 'monthly', '2021-05', '2021-06-02T09:00:00+07:00', { areaCode: 'hn-ba-dinh' }),
    ];
    expect(bodyOf(monthly, events, tenthOfJune, 'police')).toMatchObject({ onTime: 1, missing: 4 });
    expect(bodyOf(monthly, events.slice(0, 1), tenthOfJune, 'police')).toMatchObject({ onTime: 0, missing: 5 });
  });

  it('counts the first submission: a later resend does not make an on-time report late', () => {
    const events = [report('police', 'monthly', '2021-05', '2021-06-20T09:00:00+07:00'), report('police', 'monthly', '2021-05', '2021-06-03T09:00:00+07:00')];
    expect(bodyOf(monthly, events, '2021-07-01T00:00:00+07:00', 'police')).toMatchObject({ onTime: 1, late: 0 });
  });

  it('lists the missing reports, oldest first', () => {
    const events = [report('police', 'monthly', '2021-01', '2021-02-03T09:00:00+07:00'), report('police', 'monthly', '2021-03', '2021-04-20T09:00:00+07:00')];
    expect(bodyOf(monthly, events, tenthOfJune, 'police')).toEqual({
      body: 'police',
      area: 'hn-ba-dinh',
      due: 5,
      onTime: 1,
      late: 1,
      missing: 3,
      missingPeriods: ['monthly:2021-02', 'monthly:2021-04', 'monthly:2021-05'],
    });
  });

  it('does not count a period before its due date has passed, even when its report is in', () => {
    const may = [report('police', 'monthly', '2021-05', '2021-06-01T09:00:00+07:00')];
    expect(bodyOf(monthly, may, '2021-06-05T23:59:00+07:00', 'police')).toMatchObject({ due: 4, onTime: 0, missing: 4 });
    expect(bodyOf(monthly, may, '2021-06-05T23:59:59.999+07:00', 'police')).toMatchObject({ due: 5, onTime: 1, missing: 4 });
    expect(bodyOf(monthly, may, '2021-06-06T00:00:00+07:00', 'police')).toMatchObject({ due: 5, onTime: 1, missing: 4 });
    expect(bodyOf(monthly, [], '2021-01-31T12:00:00+07:00', 'police')).toMatchObject({ due: 0, missing: 0, missingPeriods: [] });
  });

  it('counts a report from another district as missing, and one from a ward of the plan’s district as in', () => {
    const events = [
      report('police', 'monthly', '2021-05', '2021-06-02T09:00:00+07:00', { areaCode: 'hn-tay-ho' }),
      report('culture', 'monthly', '2021-05', '2021-06-02T09:00:00+07:00', { areaCode: 'hn-ba-dinh-kim-ma' }),
    ];
    expect(bodyOf(monthly, events, tenthOfJune, 'police')).toMatchObject({ onTime: 0, missing: 5 });
    expect(bodyOf(monthly, events, tenthOfJune, 'police').missingPeriods).toContain('monthly:2021-05');
    expect(bodyOf(monthly, events, tenthOfJune, 'culture')).toMatchObject({ onTime: 1, missing: 4 });
  });

  it('asks the bodies with tasks, but not the body reports go to, when the duty names none', () => {
    // nv-chung-03: police with ubnd-phuong; nv-vhtt-06: culture with labour, which compiles the reports.
    const plan = withReporting({ cadences: ['quarterly'], dueDays: 0 }, { tasks: baDinh.tasks.filter((task) => ['nv-chung-03', 'nv-vhtt-06'].includes(task.id)) });
    const events = [report('police', 'quarterly', '2021-Q1', '2021-03-31T23:00:00+07:00'), report('culture', 'quarterly', '2021-Q1', '2021-04-01T00:00:00+07:00')];
    const compliance = complianceOf(plan, events, '2021-04-15T00:00:00+07:00');
    expect(compliance.map((entry) => entry.body)).toEqual(['police', 'ubnd-phuong', 'culture']);
    // dueDays 0: due by the end of the period's last day.
    expect(compliance.map(({ body, due, onTime, late, missing }) => ({ body, due, onTime, late, missing }))).toEqual([
      { body: 'police', due: 1, onTime: 1, late: 0, missing: 0 },
      { body: 'ubnd-phuong', due: 1, onTime: 0, late: 0, missing: 1 },
      { body: 'culture', due: 1, onTime: 0, late: 1, missing: 0 },
    ]);
  });

  it('measures the Ba Đình plan’s own duty (monthly, quarterly, annual; 12 bodies and the 14 ward committees) once the year is over', () => {
    const reports = [
      report('police', 'monthly', '2021-12', '2022-01-04T09:00:00+07:00'),
      report('police', 'quarterly', '2021-Q4', '2022-01-05T23:00:00+07:00'),
      report('police', 'annual', '2021', '2022-01-07T09:00:00+07:00'),
      report('police', 'half-yearly', '2021-H2', '2022-01-03T09:00:00+07:00'), // not a cadence of this plan
    ];
    const compliance = complianceOf(baDinh, reports, '2022-01-06T00:00:00+07:00');
    expect(compliance).toHaveLength(12 + 14);
    // 12 months + 4 quarters + the year, all due by the end of 5 January 2022.
    expect(compliance.every((entry) => entry.due === 17)).toBe(true);
    expect(compliance.find((entry) => entry.body === 'police')).toMatchObject({ onTime: 2, late: 1, missing: 14 });
    const youth = compliance.find((entry) => entry.body === 'youth-union')!;
    expect(youth).toMatchObject({ onTime: 0, late: 0, missing: 17 });
    expect(youth.missingPeriods.slice(0, 4)).toEqual(['monthly:2021-01', 'monthly:2021-02', 'monthly:2021-03', 'quarterly:2021-Q1']);
    expect(youth.missingPeriods.slice(-3)).toEqual(['monthly:2021-12', 'quarterly:2021-Q4', 'annual:2021']);
  });

  it('gives nothing for a plan without a reporting duty', () => {
    const { reporting: _, ...plan } = baDinh;
    expect(reportingCompliance(plan as Plan, reportsOf([report('police', 'monthly', '2021-05', '2021-06-01T09:00:00+07:00')]), new Date(tenthOfJune), isWithin)).toEqual([]);
  });
});

describe('reportingCompliance per body and area (ADR 0010, 10)', () => {
  // Each ward's People's Committee reports monthly for its own ward; police once for the district.
  const wardDuty = withReporting({ from: ['police', 'ubnd-phuong'], eachArea: { 'ubnd-phuong': 'ward' } });
  const tenthOfJune = '2021-06-10T00:00:00+07:00';
  const wardRow = (rows: ReturnType<typeof complianceOf>, ward: string) => rows.find((row) => row.body === 'ubnd-phuong' && row.area === ward)!;

  it('has one row per ward for the ward committees, named, and one for police, in the plan’s order', () => {
    const rows = complianceOf(wardDuty, [], tenthOfJune);
    expect(rows).toHaveLength(1 + 14);
    expect(rows[0]).toMatchObject({ body: 'police', area: 'hn-ba-dinh' });
    expect(rows.slice(1).every((row) => row.body === 'ubnd-phuong')).toBe(true);
    expect(new Set(rows.slice(1).map((row) => row.area)).size).toBe(14);
    expect(wardRow(rows, 'hn-ba-dinh-kim-ma')).toMatchObject({ areaName: { vi: 'Phường Kim Mã', en: 'Kim Ma ward' }, due: 5, missing: 5 });
  });

  it("counts one ward's report for that ward only: the 13 others have not reported", () => {
    // Given Kim Mã's committee reporting May on time, and no other ward
    const events = [report('ubnd-phuong', 'monthly', '2021-05', '2021-06-03T09:00:00+07:00', { areaCode: 'hn-ba-dinh-kim-ma' })];
    // When the committee looks on 10 June
    const rows = complianceOf(wardDuty, events, tenthOfJune);
    // Then Kim Mã is on time for May, and every other ward is missing May
    expect(wardRow(rows, 'hn-ba-dinh-kim-ma')).toMatchObject({ onTime: 1, missing: 4 });
    const missingMay = rows.filter((row) => row.body === 'ubnd-phuong' && row.missingPeriods.includes('monthly:2021-05')).map((row) => row.area);
    expect(missingMay).toHaveLength(13);
    expect(missingMay).not.toContain('hn-ba-dinh-kim-ma');
  });

  it("a report the ward committees send for the whole district meets no ward's duty", () => {
    const rows = complianceOf(wardDuty, [report('ubnd-phuong', 'monthly', '2021-05', '2021-06-03T09:00:00+07:00', { areaCode: 'hn-ba-dinh' })], tenthOfJune);
    expect(rows.filter((row) => row.body === 'ubnd-phuong' && row.onTime > 0)).toEqual([]);
  });

  it('lists the wards from the registry when given, for a plan that does not declare them', () => {
    const rows = reportingCompliance({ ...wardDuty, areas: [] }, new Map(), new Date(tenthOfJune), isWithin, (area, level, on) => areas.below(area, level, on));
    expect(rows.filter((row) => row.body === 'ubnd-phuong')).toHaveLength(14);
  });

  it('the demo plan makes each of the 14 ward committees report for its ward', () => {
    expect(baDinh.reporting?.eachArea).toEqual({ 'ubnd-phuong': 'ward' });
    const rows = complianceOf(baDinh, [], tenthOfJune);
    expect(rows.filter((row) => row.body === 'ubnd-phuong').map((row) => row.area).sort()).toEqual(
      baDinh.areas.filter((area) => area.level === 'ward').map((area) => area.code).sort(),
    );
  });
});
