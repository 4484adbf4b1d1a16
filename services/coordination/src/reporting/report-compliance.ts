import type { BusEvent, Plan } from '@lienganh/contracts';
import type { ReportRecord } from '../store/coordination-store.js';

/**
 * Reporting compliance (who reported on time): a plan's reporting duty says who owes which
 * periodic reports and how many days after a period ends they are due; report events say
 * who sent what, when. Only the first report per body, cadence and period counts.
 */

type Cadence = 'monthly' | 'quarterly' | 'half-yearly' | 'annual';

interface ReportData {
  reportId: string;
  reportingBody: string;
  areaCode: string;
  cadence: Cadence | 'ad-hoc';
  period: string;
}

export const isReportSubmitted = (event: BusEvent) => event.type.endsWith('.report.submitted.v1');

/**
 * Pure: the record after the event; `record` itself when the event is not earlier (or is ad hoc).
 * Two reports at the same instant (possibly written with different offsets): the smaller event id
 * wins, so that the record does not depend on arrival order.
 */
export function evolveReport(record: ReportRecord | undefined, event: BusEvent): ReportRecord | undefined {
  const data = event.data as ReportData;
  if (data.cadence === 'ad-hoc') return record;
  if (record) {
    const difference = Date.parse(event.time) - Date.parse(record.submittedAt);
    if (difference > 0 || (difference === 0 && event.id >= record.eventId)) return record;
  }
  return {
    key: reportKey(data.reportingBody, data.cadence, data.period, data.areaCode),
    reportingBody: data.reportingBody,
    areaCode: data.areaCode,
    cadence: data.cadence,
    period: data.period,
    submittedAt: event.time,
    eventId: event.id,
  };
}

/** A body reports per area: police of each district, the People's Committee of each ward. */
export const reportKey = (body: string, cadence: string, period: string, areaCode: string) => `${body}|${cadence}|${period}|${areaCode}`;
export const reportKeyOf = (event: BusEvent) => {
  const data = event.data as ReportData;
  return reportKey(data.reportingBody, data.cadence, data.period, data.areaCode);
};

/** The earliest report of a body for a period from the area or below it. */
export function findReport(
  reports: ReadonlyMap<string, ReportRecord>,
  query: { body: string; cadence: string; period: string; area: string },
  isWithin: (area: string, ancestor: string) => boolean,
): ReportRecord | undefined {
  const exact = reports.get(reportKey(query.body, query.cadence, query.period, query.area));
  if (exact) return exact;
  let earliest: ReportRecord | undefined;
  for (const report of reports.values()) {
    if (report.reportingBody !== query.body || report.cadence !== query.cadence || report.period !== query.period || !isWithin(report.areaCode, query.area)) continue;
    if (!earliest || Date.parse(report.submittedAt) < Date.parse(earliest.submittedAt)) earliest = report;
  }
  return earliest;
}

/** The areas of `level` below `ancestor` that exist on `on` (`AreaRegistry.below`). */
export type AreasBelow = (ancestor: string, level: Plan['areas'][number]['level'], on: string) => readonly { code: string; name?: { vi: string; en: string } }[];

/** One body's duty to report for one area: the plan's, or (`reporting.eachArea`) one area of a level below it. */
export interface ReportingDutyUnit {
  body: string;
  area: string;
  /** The area's name, for a duty per area (from the registry, or the plan's `areas`). */
  areaName?: { vi: string; en: string };
  /** Owed once per area of a level below the plan's: a report from another of those areas does not meet it. */
  perArea: boolean;
}

/** Who owes reports under a plan: `reporting.from`, or every body with a task but the one reports go to. */
export function reportingBodies(plan: Plan): string[] {
  if (!plan.reporting) return [];
  const { from, to } = plan.reporting;
  return from ?? [...new Set(plan.tasks.flatMap((task) => [task.lead, ...task.supporting]))].filter((body) => body !== to);
}

/**
 * Every (body, area) that owes a report each period, in the plan's order of bodies: a body owes
 * one for the plan's area, or, when `reporting.eachArea` names it, one for each area of that level
 * below the plan's area existing on the first day of the period (ward committees: one per ward).
 * Without `areasBelow` (a registry), the plan's own `areas` of that level are used.
 */
export function reportingDutyUnits(plan: Plan, isWithin: (area: string, ancestor: string) => boolean, areasBelow?: AreasBelow): ReportingDutyUnit[] {
  const eachArea = plan.reporting?.eachArea ?? {};
  return reportingBodies(plan).flatMap((body): ReportingDutyUnit[] => {
    const level = eachArea[body];
    if (!level) return [{ body, area: plan.area, perArea: false }];
    const areas = areasBelow
      ? areasBelow(plan.area, level, plan.period.start)
      : plan.areas.filter((area) => area.level === level && area.code !== plan.area && isWithin(area.code, plan.area));
    return areas.map((area) => ({ body, area: area.code, ...(area.name ? { areaName: area.name } : {}), perArea: true }));
  });
}

export interface BodyCompliance {
  body: string;
  /** The area the body reports for: the plan's, or one area below it for a duty per area (`reporting.eachArea`). */
  area: string;
  areaName?: { vi: string; en: string };
  /** Reports whose due date has passed. */
  due: number;
  onTime: number;
  late: number;
  missing: number;
  /** `cadence:period` of the missing reports, oldest first. */
  missingPeriods: string[];
}

/**
 * Per body, and per area where the plan asks a body to report for each area below its own
 * (`reporting.eachArea`): the reports due so far, on time, late and missing. A report counts
 * for the area it names and the areas above it: one ward's report never meets another ward's duty.
 */
export function reportingCompliance(
  plan: Plan,
  reports: ReadonlyMap<string, ReportRecord>,
  now: Date,
  isWithin: (area: string, ancestor: string) => boolean,
  areasBelow?: AreasBelow,
): BodyCompliance[] {
  if (!plan.reporting) return [];
  const { cadences, dueDays } = plan.reporting;
  const duePeriods = cadences.flatMap((cadence) =>
    periodsOf(cadence, plan.period.start, plan.period.end)
      .map((period) => ({ cadence, ...period, dueAt: endOfDay(addDays(period.end, dueDays)) }))
      .filter((period) => period.dueAt <= now.getTime()),
  );
  // Oldest first across cadences (a period's end, then the plan's order of cadences): what `missingPeriods` promises.
  duePeriods.sort((a, b) => (a.end < b.end ? -1 : a.end > b.end ? 1 : 0));
  return reportingDutyUnits(plan, isWithin, areasBelow).map(({ body, area, areaName }) => {
    const compliance: BodyCompliance = { body, area, ...(areaName ? { areaName } : {}), due: duePeriods.length, onTime: 0, late: 0, missing: 0, missingPeriods: [] };
    for (const period of duePeriods) {
      const report = findReport(reports, { body, cadence: period.cadence, period: period.key, area }, isWithin);
      if (!report) {
        compliance.missing++;
        compliance.missingPeriods.push(`${period.cadence}:${period.key}`);
      } else if (Date.parse(report.submittedAt) <= period.dueAt) compliance.onTime++;
      else compliance.late++;
    }
    return compliance;
  });
}

/** The reporting periods of a cadence that end within [start, end] (dates, Vietnam time). */
export function periodsOf(cadence: Cadence, start: string, end: string): { key: string; end: string }[] {
  const months = { monthly: 1, quarterly: 3, 'half-yearly': 6, annual: 12 }[cadence];
  const periods: { key: string; end: string }[] = [];
  for (let year = Number(start.slice(0, 4)); year <= Number(end.slice(0, 4)); year++) {
    for (let first = 1; first <= 12; first += months) {
      const last = first + months - 1;
      const periodEnd = new Date(Date.UTC(year, last, 0)).toISOString().slice(0, 10);
      if (periodEnd < start || periodEnd > end) continue;
      const index = (first - 1) / months + 1;
      const key = { monthly: `${year}-${String(first).padStart(2, '0')}`, quarterly: `${year}-Q${index}`, 'half-yearly': `${year}-H${index}`, annual: `${year}` }[cadence];
      periods.push({ key, end: periodEnd });
    }
  }
  return periods;
}

const addDays = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
/** The last instant of a day in Vietnam (UTC+7). */
const endOfDay = (date: string) => Date.parse(`${date}T23:59:59.999+07:00`);
