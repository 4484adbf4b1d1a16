import { PRODUCER_AGENCIES, reportReceiverOf, type Measure, type Plan, type PlanTarget } from '@lienganh/contracts';
import { taskBoard } from '../board/committee-view.js';
import { targetKey, type CoordinationState, type TrackedTarget } from '../board/coordination-state.js';
import type { AgencyRegistry } from '../registry/agency-registry.js';
import type { AreaRegistry } from '../registry/area-registry.js';
import { reportingCompliance, type BodyCompliance } from '../reporting/report-compliance.js';
import type { ReferralRecord, ReportRecord } from '../store/coordination-store.js';
import { boundOf, type FigureInForce, type TargetPart, type TargetProgress, type TargetStatus } from '../targets/target-progress.js';
import { targetAsOf } from '../targets/target-as-of.js';
import { vietnamDate, type TargetTally } from '../targets/target-tally.js';
import { periodInstants, type ReportPeriod } from './periodic-period.js';

/**
 * The periodic report labour compiles for Steering Committee 138 (báo cáo định kỳ), for one
 * period and one area: per agency its targets, what it achieved in the period, progress to the
 * goal, tasks done and overdue, referrals and missing reports; per target the same in detail.
 *
 * The tallies of the projection are cumulative over the plan's period, so what happened IN the
 * period comes from each target's history and each plan's activity (per Vietnam day and area of
 * the events' own `time`, ADR 0023):
 * - "achieved in period" (đạt trong kỳ) = contributing events whose time (Vietnam date) falls in
 *   the period and whose area is the report's area or below it. For a count measure this is the
 *   measure itself; for distinct, percentage and cadence measures it is the number of events
 *   that counted (inspection visits, activities, publications…), because the events' distinct
 *   values are not kept per event;
 * - "cumulative" (lũy kế) is the measure's own value for the plan's whole area, rebuilt from the
 *   history up to the end of the period (or up to now when the period is not over), so that a
 *   report for a past quarter gives the same numbers whenever it is made (ADR 0010, 7).
 */

export interface PeriodicReportRequest {
  period: ReportPeriod;
  /** Default: the plan's area. */
  area?: string | undefined;
  /** Needed when several plans cover the area in the period. */
  plan?: string | undefined;
}

export interface PeriodicReportInputs {
  state: CoordinationState;
  agencies: AgencyRegistry;
  areas: AreaRegistry;
  referrals: ReadonlyMap<string, ReferralRecord>;
  reports: ReadonlyMap<string, ReportRecord>;
  now: Date;
}

export interface PeriodicReport {
  generatedAt: string;
  /** The day the report is drawn up (ngày lập), Vietnam time. */
  preparedOn: string;
  period: ReportPeriod;
  area: { code: string; name: { vi: string; en: string }; level?: string };
  plan: { id: string; number: string; title: { vi: string; en: string }; area: string; areaName: { vi: string; en: string }; period: { start: string; end: string }; issuedBy?: { code: string; name: { vi: string; en: string } } };
  /** Who compiles it for BCĐ 138: the plan's report receiver (labour before the 2025 reform, often health since). */
  compiledBy?: { code: string; name: { vi: string; en: string } };
  /** When cumulative figures and task statuses are taken: the end of the period, or now if it is not over (ISO instant). */
  asOf: string;
  agencies: AgencyReportRow[];
  total: Omit<AgencyReportRow, 'agency' | 'name' | 'notes' | 'reports'>;
  targets: TargetReportRow[];
  /** Reports owed for the periods that end within this one and are due by now (who reported on time). */
  reporting: BodyCompliance[];
  /** Tasks overdue as of `asOf`, in the area: what the document lists under "what is late". */
  overdueTasks: OverdueTaskRow[];
}

export interface OverdueTaskRow {
  id: string;
  title: { vi: string; en: string };
  lead: string;
  /** Due day (Vietnam time), when the task has one rather than a recurrence. */
  due?: string;
}

export interface AgencyReportRow {
  agency: string;
  name: { vi: string; en: string };
  /** Targets the agency answers for (chỉ tiêu) and how many of them are met. */
  targets: number;
  targetsMet: number;
  /** Distinct events in the period and area that counted towards its targets (each once). */
  achievedInPeriod: number;
  /** Mean progress to goal of its targets, cumulative (0-100); null without targets. */
  percent: number | null;
  /** Tasks it leads (chủ trì), as of `asOf`. */
  tasks: { total: number; done: number; overdue: number };
  /** Referrals (chuyển gửi) whose stage was reached in the period, in the area: `made` by the referring agency, the later stages by the receiving one. */
  referrals: { made: number; accepted: number; serviceDelivered: number; closed: number };
  /** Its periodic reports due for this period, when the plan asks it to report. */
  reports?: BodyCompliance;
  notes: string[];
}

export interface TargetReportRow {
  planId: string;
  id: string;
  title: { vi: string; en: string };
  agency: string;
  measure: Measure['kind'];
  goal: { min?: number | undefined; max?: number | undefined };
  /** Contributing events in the period and area. */
  achievedInPeriod: number;
  /** The measure's value (events, distinct values, percent, periods covered) for the plan's area. */
  cumulative: number;
  /** Day (Vietnam time) the cumulative value is taken at. */
  cumulativeAsOf: string;
  percent: number;
  status: TargetStatus;
  /** Goals per level or per year (then the term), each as it stood at `cumulativeAsOf` (ADR 0012). */
  parts?: TargetPart[];
  /** The registry figure a percentage is taken of, as in force on `cumulativeAsOf`. */
  figure?: FigureInForce;
  /** Where the target starts from; `cumulative` includes it. */
  baseline?: { value: number; asOf: string; source: string };
  note?: { vi: string; en: string };
}

/** No plan covers the area in the period, or the plan named does not exist (404); or several do (409). */
export class PeriodicReportError extends Error {
  override readonly name = 'PeriodicReportError';
  constructor(
    readonly kind: 'not-found' | 'ambiguous',
    message: string,
    readonly plans: string[] = [],
  ) {
    super(message);
  }
}

/** Compiles the report from the read models as they are (no I/O). */
export function compilePeriodicReport(inputs: PeriodicReportInputs, request: PeriodicReportRequest): PeriodicReport {
  const { state, areas, now } = inputs;
  const { period } = request;
  const plan = choosePlan(state, areas, request);
  const area = request.area ?? plan.area;
  const bounds = periodInstants(period);
  const asOf = Math.min(now.getTime(), bounds.to);
  const asOfDay = vietnamDate(new Date(asOf).toISOString());
  const today = vietnamDate(now.toISOString());
  const inArea = (code: string | undefined) => areas.isWithin(code ?? plan.area, area);
  const activity = state.activity.get(plan.id)!;
  const eventsInPeriod = (agency: string | undefined) => activity.eventsIn(agency, period.start, period.end, inArea);
  const inPeriod = (time: string | undefined) => {
    if (!time) return false;
    const day = vietnamDate(time);
    return day >= period.start && day <= period.end;
  };

  // Targets: the events of the period, and the cumulative value.
  const targets: TargetReportRow[] = [];
  const talliesAsOf = new Map<TrackedTarget, TargetTally>();
  for (const target of plan.targets) {
    const tracked = state.targets.get(targetKey(plan.id, target.id))!;
    // The figure as it stood at the period's end: the computation the board's monthly series makes too.
    const atEnd = targetAsOf(plan, target, tracked.history, areas, [asOf]);
    const cumulative = atEnd.progress[0]!;
    talliesAsOf.set(tracked, atEnd.tally);
    targets.push({
      planId: plan.id,
      id: target.id,
      title: target.title,
      agency: target.agency,
      measure: target.measure.kind,
      goal: cumulative.goal ?? boundOf(target),
      achievedInPeriod: tracked.history.eventsIn(period.start, period.end, inArea),
      cumulative: cumulative.achieved,
      cumulativeAsOf: asOfDay,
      percent: cumulative.percent,
      status: cumulative.status,
      ...(cumulative.parts ? { parts: cumulative.parts } : {}),
      ...(cumulative.figure ? { figure: cumulative.figure } : {}),
      ...(target.baseline ? { baseline: { value: target.baseline.value, asOf: target.baseline.asOf, source: target.baseline.source } } : {}),
      ...noteOf(target, cumulative),
    });
  }

  // Tasks as of the end of the period, in the area (a task of the whole district concerns each of its wards).
  // Done: confirmed by the secretariat (or every target achieved) by then; later decisions are not read.
  const tasks = taskBoard(state, areas, new Date(asOf), (tracked) => talliesAsOf.get(tracked) ?? tracked.tally, { completionsAsOf: new Date(asOf) }).filter(
    (task) => task.planId === plan.id && (areas.isWithin(task.area, area) || areas.isWithin(area, task.area)),
  );

  // Referrals: each stage reached in the period, in the area.
  const referrals = new Map<string, AgencyReportRow['referrals']>();
  const referralsOf = (agency: string) => {
    let entry = referrals.get(agency);
    if (!entry) referrals.set(agency, (entry = { made: 0, accepted: 0, serviceDelivered: 0, closed: 0 }));
    return entry;
  };
  for (const referral of inputs.referrals.values()) {
    if (!referral.areaCode || !inArea(referral.areaCode)) continue;
    if (referral.fromAgency && inPeriod(referral.made)) referralsOf(referral.fromAgency).made++;
    if (!referral.toAgency) continue;
    for (const stage of ['accepted', 'serviceDelivered', 'closed'] as const) if (inPeriod(referral[stage])) referralsOf(referral.toAgency)[stage]++;
  }

  // Reporting: the reports of the periods that end within this one (month reports of a quarter, and the quarter's own).
  const start = period.start > plan.period.start ? period.start : plan.period.start;
  const end = period.end < plan.period.end ? period.end : plan.period.end;
  // A ward's report lists the ward's own duties and the plan-wide ones; a district's, those of its wards too.
  const reporting = reportingCompliance({ ...plan, period: { start, end } }, inputs.reports, now, (code, ancestor) => areas.isWithin(code, ancestor)).filter(
    (row) => areas.isWithin(row.area, area) || areas.isWithin(area, row.area),
  );

  const agencies = agencyOrder(plan, [
    ...plan.targets.map((target) => target.agency),
    ...tasks.map((task) => task.lead),
    ...referrals.keys(),
    ...reporting.map((body) => body.body),
  ]).map((agency): AgencyReportRow => {
    const own = targets.filter((target) => target.agency === agency);
    const led = tasks.filter((task) => task.lead === agency);
    const reports = complianceOf(agency, area, reporting);
    const row: AgencyReportRow = {
      agency,
      name: inputs.agencies.nameIn(plan, agency, (code, ancestor) => areas.isWithin(code, ancestor)),
      targets: own.length,
      targetsMet: own.filter((target) => target.status === 'achieved').length,
      achievedInPeriod: eventsInPeriod(agency),
      percent: own.length ? mean(own.map((target) => target.percent)) : null,
      tasks: { total: led.length, done: led.filter((task) => task.status === 'done').length, overdue: led.filter((task) => task.status === 'overdue').length },
      referrals: referrals.get(agency) ?? { made: 0, accepted: 0, serviceDelivered: 0, closed: 0 },
      ...(reports ? { reports } : {}),
      notes: [],
    };
    row.notes = notesOf(row, own);
    return row;
  });

  const sum = (pick: (row: AgencyReportRow) => number) => agencies.reduce((total, row) => total + pick(row), 0);
  const areaEntry = areas.get(area);
  return {
    generatedAt: now.toISOString(),
    preparedOn: today,
    period,
    area: { code: area, name: areaEntry?.name ?? { vi: area, en: area }, ...(areaEntry ? { level: areaEntry.level } : {}) },
    plan: {
      id: plan.id,
      number: plan.number,
      title: plan.title,
      area: plan.area,
      areaName: areas.get(plan.area)?.name ?? { vi: plan.area, en: plan.area },
      period: plan.period,
      ...(plan.issuingBody ? { issuedBy: { code: plan.issuingBody, name: inputs.agencies.nameIn(plan, plan.issuingBody, (code, ancestor) => areas.isWithin(code, ancestor)) } } : {}),
    },
    ...compiler(plan, inputs),
    asOf: new Date(asOf).toISOString(),
    agencies,
    total: {
      targets: targets.length,
      targetsMet: targets.filter((target) => target.status === 'achieved').length,
      achievedInPeriod: eventsInPeriod(undefined),
      percent: targets.length ? mean(targets.map((target) => target.percent)) : null,
      tasks: { total: sum((row) => row.tasks.total), done: sum((row) => row.tasks.done), overdue: sum((row) => row.tasks.overdue) },
      referrals: {
        made: sum((row) => row.referrals.made),
        accepted: sum((row) => row.referrals.accepted),
        serviceDelivered: sum((row) => row.referrals.serviceDelivered),
        closed: sum((row) => row.referrals.closed),
      },
    },
    targets,
    reporting,
    overdueTasks: tasks
      .filter((task) => task.status === 'overdue')
      .map((task) => ({ id: task.taskId, title: task.title, lead: task.lead, ...(task.due ? { due: task.due } : {}) })),
  };
}

/**
 * The plan the report is about: the one named, else the plan that covers the area in the
 * period; when several do (a city plan and a district plan), the one nearest the area.
 */
export function choosePlan(state: CoordinationState, areas: AreaRegistry, request: PeriodicReportRequest): Plan {
  const { period, area } = request;
  const overlaps = (plan: Plan) => plan.period.start <= period.end && plan.period.end >= period.start;
  const covers = (plan: Plan) => area === undefined || (areas.has(area) && areas.isWithin(area, plan.area));
  if (request.plan !== undefined) {
    const plan = state.plans.get(request.plan);
    if (!plan) throw new PeriodicReportError('not-found', `Không có kế hoạch / no plan "${request.plan}"`);
    if (!covers(plan)) throw new PeriodicReportError('not-found', `Kế hoạch không bao gồm địa bàn / plan "${plan.id}" does not cover area "${area}"`, [plan.id]);
    if (!overlaps(plan)) {
      throw new PeriodicReportError('not-found', `Kỳ báo cáo ngoài thời gian của kế hoạch / the period ${period.key} is outside plan "${plan.id}" (${plan.period.start} – ${plan.period.end})`, [plan.id]);
    }
    return plan;
  }
  const candidates = [...state.plans.values()].filter((plan) => overlaps(plan) && covers(plan));
  if (candidates.length === 0) {
    throw new PeriodicReportError(
      'not-found',
      area === undefined ? `Không có kế hoạch nào trong kỳ / no plan covers the period ${period.key}` : `Không có kế hoạch nào cho địa bàn / no plan covers area "${area}" in ${period.key}`,
    );
  }
  // Nearest: a plan whose area lies within every other candidate's (the district's plan rather than the city's).
  const nearest = area === undefined ? candidates : candidates.filter((plan) => candidates.every((other) => areas.isWithin(plan.area, other.area)));
  if (nearest.length !== 1) {
    throw new PeriodicReportError(
      'ambiguous',
      `Nhiều kế hoạch bao gồm địa bàn trong kỳ / several plans cover ${area === undefined ? 'the period' : `area "${area}"`} in ${period.key}: add plan=`,
      (nearest.length ? nearest : candidates).map((plan) => plan.id),
    );
  }
  return nearest[0]!;
}

/** A body's reports in the report's area: its rows of every area added up; a period is missing if any area's report is. */
function complianceOf(body: string, area: string, rows: BodyCompliance[]): BodyCompliance | undefined {
  const own = rows.filter((row) => row.body === body);
  if (own.length <= 1) return own[0];
  const missing = new Set(own.flatMap((row) => row.missingPeriods));
  const sum = (pick: (row: BodyCompliance) => number) => own.reduce((total, row) => total + pick(row), 0);
  return {
    body,
    area,
    due: sum((row) => row.due),
    onTime: sum((row) => row.onTime),
    late: sum((row) => row.late),
    missing: sum((row) => row.missing),
    missingPeriods: [...missing].sort((a, b) => endMonthOf(a).localeCompare(endMonthOf(b))),
  };
}

/** `monthly:2021-05` → `2021-05`, `quarterly:2021-Q2` → `2021-06`…: the month a period ends, to put periods oldest first. */
function endMonthOf(entry: string): string {
  const key = entry.slice(entry.indexOf(':') + 1);
  const year = key.slice(0, 4);
  const part = key.slice(5);
  const month = part === '' ? 12 : part.startsWith('Q') ? Number(part[1]) * 3 : part.startsWith('H') ? Number(part[1]) * 6 : Number(part);
  return `${year}-${String(month).padStart(2, '0')}`;
}

const CADENCE_UNIT = { month: { vi: 'tháng', en: 'months' }, quarter: { vi: 'quý', en: 'quarters' }, 'half-year': { vi: 'nửa năm', en: 'half-years' }, year: { vi: 'năm', en: 'years' } };

/** What the two figures of a target mean, and what stands behind the cumulative one (baseline, figure, goals per level or year). */
function noteOf(target: PlanTarget, progress: TargetProgress): { note?: { vi: string; en: string } } {
  const lines = [measureNote(target), baselineNote(target), figureNote(progress), partsNote(progress)].filter((line) => line !== undefined);
  return lines.length ? { note: { vi: lines.map((line) => line.vi).join('; '), en: lines.map((line) => line.en).join('; ') } } : {};
}

function measureNote(target: PlanTarget): { vi: string; en: string } | undefined {
  const { measure } = target;
  switch (measure.kind) {
    case 'count':
      return undefined;
    case 'distinct':
      return {
        vi: `Trong kỳ: số lượt (sự kiện); lũy kế: số đối tượng khác nhau (${measure.field}) đến hết kỳ`,
        en: `In period: events (visits); cumulative: distinct values of ${measure.field} to the end of the period`,
      };
    case 'sum':
      return { vi: `Trong kỳ: số sự kiện; lũy kế: tổng ${measure.field} đến hết kỳ`, en: `In period: events; cumulative: the sum of ${measure.field} to the end of the period` };
    case 'percentage':
      return {
        vi: 'Trong kỳ: số sự kiện được tính (tử số và mẫu số); lũy kế: tỷ lệ % đến hết kỳ',
        en: 'In period: events counted (numerator and denominator); cumulative: the percentage to the end of the period',
      };
    case 'referral-stage':
      return {
        vi: `Trong kỳ: số sự kiện (chuyển gửi và phản hồi); lũy kế: tỷ lệ % số ca chuyển gửi đạt bước "${STAGE_WORD[measure.stage].vi}", tính theo nơi và ngày chuyển gửi`,
        en: `In period: events (referrals and answers); cumulative: the share of referrals made that reached "${STAGE_WORD[measure.stage].en}", where and when each was made`,
      };
    case 'cadence':
      return {
        vi: `Trong kỳ: số sự kiện; lũy kế: số ${CADENCE_UNIT[measure.every].vi} có ít nhất một sự kiện`,
        en: `In period: events; cumulative: ${CADENCE_UNIT[measure.every].en} with at least one event`,
      };
  }
}

const STAGE_WORD = {
  accepted: { vi: 'đã tiếp nhận', en: 'accepted' },
  declined: { vi: 'từ chối', en: 'declined' },
  'service-delivered': { vi: 'đã cung cấp dịch vụ', en: 'service delivered' },
  closed: { vi: 'đã kết thúc', en: 'closed' },
};

function baselineNote(target: PlanTarget): { vi: string; en: string } | undefined {
  const baseline = target.baseline;
  if (!baseline) return undefined;
  return {
    vi: `Lũy kế gồm số nền ${baseline.value} (đến ${baseline.asOf}, ${baseline.source})`,
    en: `Cumulative includes the baseline of ${baseline.value} (as of ${baseline.asOf}, ${baseline.source})`,
  };
}

function figureNote(progress: TargetProgress): { vi: string; en: string } | undefined {
  const figure = progress.figure;
  if (!figure) return undefined;
  return {
    vi: `Mẫu số: ${figure.figure} của ${figure.area} = ${figure.value} (số liệu ngày ${figure.asOf}, ${figure.source})`,
    en: `Denominator: ${figure.figure} of ${figure.area} = ${figure.value} (as of ${figure.asOf}, ${figure.source})`,
  };
}

const GOAL_PART = { district: { vi: 'cấp huyện', en: 'districts' }, commune: { vi: 'xã', en: 'communes' }, ward: { vi: 'phường', en: 'wards' }, province: { vi: 'cấp tỉnh', en: 'provinces' }, term: { vi: 'cả giai đoạn', en: 'the term' } } as const;

function partsNote(progress: TargetProgress): { vi: string; en: string } | undefined {
  if (!progress.parts) return undefined;
  const bound = (goal: { min?: number; max?: number }) => (goal.min !== undefined ? `≥ ${goal.min}` : `≤ ${goal.max}`);
  const name = (key: string) => GOAL_PART[key as keyof typeof GOAL_PART] ?? { vi: `năm ${key}`, en: key };
  return {
    vi: `Mục tiêu từng phần: ${progress.parts.map((part) => `${name(part.key).vi} ${bound(part.goal)}: ${part.achieved} (${STATUS_WORD[part.status].vi})`).join(', ')}`,
    en: `Goals by part: ${progress.parts.map((part) => `${name(part.key).en} ${bound(part.goal)}: ${part.achieved} (${STATUS_WORD[part.status].en})`).join(', ')}`,
  };
}

/** A target's status in one word or two, in both languages (notes, and the English document). */
export const STATUS_WORD = {
  achieved: { vi: 'đạt', en: 'achieved' },
  'on-track': { vi: 'đúng tiến độ', en: 'on track' },
  'at-risk': { vi: 'chậm tiến độ', en: 'at risk' },
  overdue: { vi: 'không đạt', en: 'missed' },
};

const PERIOD_WORD: Record<string, string> = { monthly: 'tháng', quarterly: 'quý', 'half-yearly': '6 tháng', annual: 'năm' };

function notesOf(row: AgencyReportRow, targets: TargetReportRow[]): string[] {
  const notes: string[] = [];
  const reports = row.reports;
  if (reports && reports.missing > 0) {
    const periods = reports.missingPeriods.map((entry) => {
      const [cadence, key] = entry.split(':') as [string, string];
      return `${PERIOD_WORD[cadence] ?? cadence} ${key}`;
    });
    notes.push(`Chưa gửi báo cáo / missing reports: ${periods.join(', ')}`);
  }
  if (reports && reports.late > 0) notes.push(`Gửi báo cáo muộn / late reports: ${reports.late}`);
  const behind = targets.filter((target) => target.status === 'at-risk' || target.status === 'overdue');
  if (behind.length > 0) notes.push(`Chỉ tiêu chậm tiến độ / targets behind: ${behind.map((target) => target.id).join(', ')}`);
  return notes;
}

/** The agency services first (labour, the standing agency, then police…), then the plan's other bodies in its order. */
function agencyOrder(plan: Plan, codes: string[]): string[] {
  const present = new Set(codes);
  const order = [...PRODUCER_AGENCIES, ...plan.bodies.map((body) => body.code)].filter((code, index, all) => all.indexOf(code) === index);
  const rank = (code: string) => {
    const index = order.indexOf(code);
    return index === -1 ? order.length : index;
  };
  return [...present].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
}

const mean = (values: number[]) => Math.round((values.reduce((total, value) => total + value, 0) / values.length) * 100) / 100;

function compiler(plan: Plan, { agencies, areas }: PeriodicReportInputs): Pick<PeriodicReport, 'compiledBy'> {
  const code = reportReceiverOf(plan);
  return code ? { compiledBy: { code, name: agencies.nameIn(plan, code, (area, ancestor) => areas.isWithin(area, ancestor)) } } : {};
}
