import { z } from 'zod';
import { AgencyCode, AreaCode, Identifier, IsoDate, Label, LocalizedText } from '../common.js';
import { AreaKind, AreaLevel, Baseline, Goal, Measure, PlanFigure } from './measure.schema.js';
import { planRoleProblems, PlanRoles } from './plan-roles.schema.js';
import { PlanRevision } from './plan-revision.schema.js';

export * from './measure.schema.js';

/**
 * The plan format (Kế hoạch): what an issuing body asks of every agency for a period,
 * as the committee secretariat transcribes it from the signed document. Accepted as YAML
 * or JSON; strict like the events, and with every cross-reference checked (a task's
 * target, a measure's event type, a registered body or area), so that an imported plan
 * can be measured from events without a release.
 *
 * Whether a measure's event type is in the catalog is checked by `parsePlanDocument`, not
 * here: the plan travels as the data of `coordination.plan.published`, so this schema is
 * part of the catalog and must not import it.
 */

export const PlanLevel = z.enum(['province', 'district', 'commune']);
export const Recurrence = z.enum(['monthly', 'quarterly', 'half-yearly', 'annual']);

/** The area levels below each plan level (communes and wards are one tier). */
const LEVELS_BELOW: Record<z.infer<typeof PlanLevel>, z.infer<typeof AreaLevel>[]> = { province: ['district', 'commune', 'ward'], district: ['commune', 'ward'], commune: [] };

/** A body the plan names that the registry may not know yet (border guard, Women's Union…). */
export const PlanBody = z.strictObject({ code: AgencyCode, name: LocalizedText });

/** An area the plan names; `parent` places it in the hierarchy (province → district → ward, or province → ward); `kind` says xã, phường, thị trấn… */
export const PlanArea = z.strictObject({
  code: AreaCode,
  name: LocalizedText,
  level: AreaLevel,
  kind: AreaKind.optional(),
  parent: AreaCode.optional(),
  /** The first day the area exists (formed by the 2025 reform: 2025-07-01), when not always. */
  since: IsoDate.optional(),
  /** The day it stopped existing (merged or abolished, e.g. a district on 2025-07-01), when it did. */
  until: IsoDate.optional(),
});

export const PlanTarget = z.strictObject({
  id: Identifier,
  title: LocalizedText,
  /** The agency answerable for it (chủ trì). */
  agency: AgencyCode,
  measure: Measure,
  goal: Goal,
  /** Where it starts from ("from 74 up to 80"): achieved = baseline + counted. Count, distinct and sum measures. */
  baseline: Baseline.optional(),
  /** The sentence of the plan it transcribes, for the reader. */
  source: z.string().max(1_000).optional(),
  /**
   * The target of the plan this one implements (`implements`) that this target carries up: the
   * upper plan's board adds this target's figure to its roll-up. Counts, sums and distinct counts
   * only: they add up across areas, a percentage or a cadence does not.
   */
  carriesUp: Identifier.optional(),
});

/** The plans a plan expects from the level below: every unit of `level` in its area issues one implementing it by `due`. */
export const ImplementedBy = z.strictObject({
  level: z.enum(['district', 'commune']),
  due: IsoDate,
});

/** Measures whose figures add up across the plans of the level below (distinct: each value belongs to one area). */
export const ADDITIVE_MEASURES: readonly string[] = ['count', 'sum', 'distinct'];

export const PlanTask = z
  .strictObject({
    id: Identifier,
    title: LocalizedText,
    lead: AgencyCode.describe('Cơ quan chủ trì'),
    supporting: z.array(AgencyCode).max(40).default([]).describe('Cơ quan phối hợp'),
    area: AreaCode.optional(),
    due: IsoDate.optional(),
    recurrence: Recurrence.optional(),
    /** Targets whose progress is this task's progress. */
    targets: z.array(Identifier).max(20).default([]),
    /** The sentence of the plan it transcribes, for the reader. */
    source: z.string().max(1_000).optional(),
  })
  .refine((task) => !task.supporting.includes(task.lead), { path: ['supporting'], message: 'must not repeat the lead agency' });

export const ReportingDuty = z.strictObject({
  /** Who compiles (labour in every plan we have seen). */
  to: AgencyCode,
  /** Who owes reports; every body with a task when omitted. */
  from: z.array(AgencyCode).max(60).optional(),
  cadences: z.array(z.enum(['monthly', 'quarterly', 'half-yearly', 'annual'])).min(1),
  /** Days after a period ends by which its report is due. */
  dueDays: z.int().min(0).max(90).default(5),
  /**
   * Bodies that report once per area of a level below the plan's, not once for the plan's area:
   * `{ ubnd-phuong: ward }` says each ward's People's Committee owes its own report, for its
   * ward, every period ("UBND 14 phường … định kỳ báo cáo"). Each key must be a body that
   * reports (in `from`, or with a task when `from` is omitted); the level must lie below the
   * plan's (a district plan: commune or ward; a province plan: district, commune or ward).
   * The areas are those of that level below the plan's area on the first day of its period.
   */
  eachArea: z.record(AgencyCode, AreaLevel).optional(),
});

const Days = z.int().min(1).max(365);

/**
 * The plan's deadlines beyond task due dates and reports (which `tasks` and `reporting` give):
 * what each hand-over allows, and when alerts are raised. Defaults apply to what is left out.
 */
export const DeadlineRules = z.strictObject({
  /** Days the receiving agency has to answer (accept or decline) a referral, per hand-over. */
  referralHandovers: z
    .array(z.strictObject({ from: AgencyCode, to: AgencyCode, days: Days }))
    .max(50)
    .default([
      { from: 'police', to: 'labour', days: 7 },
      { from: 'labour', to: 'health', days: 7 },
    ]),
  /** After an inspection finds violations, a follow-up check (hậu kiểm) is due within `days`, by `by`. */
  followUpCheck: z.strictObject({ days: Days, by: AgencyCode }).default({ days: 30, by: 'labour' }),
  /** A cleared hotspot is patrolled at least every `everyDays`, by `by`, until it re-activates. */
  hotspotPatrol: z.strictObject({ everyDays: Days, by: AgencyCode }).default({ everyDays: 14, by: 'police' }),
  /** Days before a deadline at which an "approaching" alert is raised (one per lead time). */
  approachingDays: z.array(z.int().min(1).max(90)).max(5).default([3]),
  /** Days overdue after which the alert is escalated to the committee. */
  escalateAfterDays: Days.default(7),
});

const PlanShape = z.strictObject({
  id: Identifier,
  number: Label.describe('Số văn bản, e.g. 59/KH-UBND'),
  issuedOn: IsoDate,
  issuingBody: AgencyCode,
  level: PlanLevel,
  area: AreaCode,
  /**
   * The number of the plan of the level above that this one implements (e.g. Hanoi's 26/KH-UBND).
   * When that plan is held here (its area contains this plan's), it shows this one among its
   * lower plans, and adds the targets marked `carriesUp` to its own.
   */
  implements: Label.optional(),
  /** The plans this one asks of the level below, and by when (a province: one per commune). */
  implementedBy: ImplementedBy.optional(),
  period: z.strictObject({ start: IsoDate, end: IsoDate }),
  title: LocalizedText,
  bodies: z.array(PlanBody).max(200).default([]),
  areas: z.array(PlanArea).max(2_000).default([]),
  /** Registry figures by area and date that percentages are taken of (officers on staff, businesses registered). */
  figures: z.array(PlanFigure).max(100).optional(),
  targets: z.array(PlanTarget).max(200),
  tasks: z.array(PlanTask).max(1_000),
  reporting: ReportingDuty.optional(),
  /** Standing body, report receiver and referral receivers of the jurisdiction (labour when left out, as before the 2025 reform). */
  roles: PlanRoles.optional(),
  deadlines: DeadlineRules.default(DeadlineRules.parse({})),
  /**
   * The first day (Vietnam time) on which deadlines raise alerts. Deadlines due before it, or
   * before the plan was imported (the time of its `coordination.plan.published` event), raise
   * none: the board shows them per body as a backlog (duties missed before import). For a plan
   * transcribed late in its period; within the period.
   */
  alertsFrom: IsoDate.optional(),
  /** An amended version of the plan (kế hoạch sửa đổi, bổ sung): its number (2 and up) and the day it governs from. */
  revision: PlanRevision.optional(),
});

export const Plan = PlanShape.superRefine((plan, context) => {
  const problem = (path: (string | number)[], message: string) => context.addIssue({ code: 'custom', path, message });
  if (plan.period.start > plan.period.end) problem(['period', 'end'], 'must not be before period.start');
  const alertsFrom = plan.alertsFrom !== undefined && IsoDate.safeParse(plan.alertsFrom).success ? plan.alertsFrom : undefined; // a bad date is refused by its own check
  if (alertsFrom && (alertsFrom < plan.period.start || alertsFrom > plan.period.end)) problem(['alertsFrom'], 'must be within the plan period');
  const effectiveFrom = plan.revision && IsoDate.safeParse(plan.revision.effectiveFrom).success ? plan.revision.effectiveFrom : undefined;
  if (effectiveFrom && (effectiveFrom < plan.period.start || effectiveFrom > plan.period.end)) problem(['revision', 'effectiveFrom'], 'must be within the plan period');
  const targetIds = new Set<string>();
  plan.targets.forEach((target, index) => {
    if (targetIds.has(target.id)) problem(['targets', index, 'id'], `"${target.id}" is used twice`);
    targetIds.add(target.id);
  });
  plan.targets.forEach((target, index) => checkTarget(plan, target, (path, message) => problem(['targets', index, ...path], message)));
  const taskIds = new Set<string>();
  plan.tasks.forEach((task, index) => {
    if (taskIds.has(task.id)) problem(['tasks', index, 'id'], `"${task.id}" is used twice`);
    taskIds.add(task.id);
    task.targets.forEach((id, position) => {
      if (!targetIds.has(id)) problem(['tasks', index, 'targets', position], `names no target of this plan ("${id}")`);
    });
    if (task.due && (task.due < plan.period.start || task.due > plan.period.end)) problem(['tasks', index, 'due'], 'is outside the plan period');
  });
  if (plan.reporting?.eachArea) {
    const reporting = plan.reporting;
    const reporters = new Set(reporting.from ?? plan.tasks.flatMap((task) => [task.lead, ...task.supporting]).filter((body) => body !== reporting.to));
    const below = LEVELS_BELOW[plan.level];
    for (const [body, level] of Object.entries(reporting.eachArea ?? {})) {
      if (!reporters.has(body)) problem(['reporting', 'eachArea', body], `names a body that does not report under this plan ("${body}")`);
      if (!below.includes(level)) problem(['reporting', 'eachArea', body], below.length ? `must be a level below the plan's (${plan.level}): ${below.join(', ')}` : `a ${plan.level} plan has no level below its own`);
    }
  }
  for (const [path, message] of planRoleProblems(plan)) problem(path, message);
  if (plan.implementedBy) {
    const { level, due } = plan.implementedBy;
    const below = { province: ['district', 'commune'], district: ['commune'], commune: [] as string[] }[plan.level];
    if (!below.includes(level)) problem(['implementedBy', 'level'], below.length ? `must be a level below the plan's (${plan.level}): ${below.join(', ')}` : 'a commune plan has no level below its own');
    if (IsoDate.safeParse(due).success && (due < plan.period.start || due > plan.period.end)) problem(['implementedBy', 'due'], 'must be within the plan period');
  }
  plan.targets.forEach((target, index) => {
    if (target.carriesUp === undefined) return;
    if (!plan.implements) problem(['targets', index, 'carriesUp'], 'needs implements: the number of the plan whose target this one carries up');
    if (!ADDITIVE_MEASURES.includes(target.measure.kind)) problem(['targets', index, 'carriesUp'], `a ${target.measure.kind} does not add up across plans: only count, sum and distinct targets carry up`);
  });
  const areaCodes = new Set(plan.areas.map((area) => area.code));
  plan.areas.forEach((area, index) => {
    if (area.parent && !areaCodes.has(area.parent) && area.parent !== plan.area) {
      problem(['areas', index, 'parent'], `names no area of this plan ("${area.parent}")`);
    }
  });
});

/** What the schema of one target cannot say alone: measure, goal and baseline must fit together and with the plan. */
function checkTarget(plan: z.infer<typeof PlanShape>, target: z.infer<typeof PlanTarget>, problem: (path: (string | number)[], message: string) => void): void {
  const { measure, goal, baseline } = target;
  if (measure.kind === 'percentage') {
    const { numerator, denominator } = measure;
    // A percentage of areas counts the areas with an event; a distinct value of another field has no area to be a member of.
    if (denominator.kind === 'areas' && numerator.kind === 'distinct' && numerator.field !== 'areaCode') {
      problem(['measure', 'numerator', 'field'], 'must be areaCode (or use a count) when the denominator is areas');
    }
    if (denominator.kind === 'areas' && numerator.kind === 'sum') problem(['measure', 'numerator', 'kind'], 'a sum is a share of a figure, not of areas');
    if (numerator.kind === 'sum' && denominator.kind !== 'figure') problem(['measure', 'denominator', 'kind'], 'must be figure when the numerator is a sum');
    if (denominator.kind === 'figure') {
      const figure = plan.figures?.find((entry) => entry.id === denominator.figure);
      const area = denominator.area ?? numerator.area ?? plan.area;
      if (!figure) problem(['measure', 'denominator', 'figure'], `names no figure of this plan ("${denominator.figure}")`);
      else if (!figure.values.some((value) => value.area === area)) problem(['measure', 'denominator', 'figure'], `has no value for area "${area}"`);
    }
  }
  if (goal.byLevel) {
    const levels = measure.kind === 'percentage' && measure.denominator.kind === 'areas' ? (measure.denominator.levels ?? (measure.denominator.level ? [measure.denominator.level] : [])) : undefined;
    if (!levels) problem(['goal', 'byLevel'], 'needs a percentage of areas (denominator kind areas)');
    else for (const level of Object.keys(goal.byLevel)) if (!levels.includes(level as never)) problem(['goal', 'byLevel', level], `is not one of the denominator's levels (${levels.join(', ') || 'none'})`);
  }
  for (const year of Object.keys(goal.byYear ?? {})) {
    if (year < plan.period.start.slice(0, 4) || year > plan.period.end.slice(0, 4)) problem(['goal', 'byYear', year], 'is outside the plan period');
  }
  if (baseline) {
    if (!['count', 'distinct', 'sum'].includes(measure.kind)) problem(['baseline'], 'applies to count, distinct and sum measures (a percentage or cadence starts from nothing)');
    if (baseline.members && measure.kind !== 'distinct') problem(['baseline', 'members'], 'applies to distinct measures only');
    if (baseline.members && baseline.members.length > baseline.value) problem(['baseline', 'members'], 'lists more members than the baseline value');
  }
}

export type Plan = z.infer<typeof Plan>;
export type PlanTarget = z.infer<typeof PlanTarget>;
export type PlanTask = z.infer<typeof PlanTask>;
export type ImplementedBy = z.infer<typeof ImplementedBy>;
export type DeadlineRules = z.infer<typeof DeadlineRules>;
