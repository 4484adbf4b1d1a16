import { z } from 'zod';
import { AgencyCode, AreaCode, Identifier, IsoDate, Label, LocalizedText } from '../common.js';
import { planRoleProblems, PlanRoles } from './plan-roles.schema.js';

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

export const AreaLevel = z.enum(['province', 'district', 'commune', 'ward']);

/** The area levels below each plan level (communes and wards are one tier). */
const LEVELS_BELOW: Record<z.infer<typeof PlanLevel>, z.infer<typeof AreaLevel>[]> = { province: ['district', 'commune', 'ward'], district: ['commune', 'ward'], commune: [] };

/** A body the plan names that the registry may not know yet (border guard, Women's Union…). */
export const PlanBody = z.strictObject({ code: AgencyCode, name: LocalizedText });

/** An area the plan names; `parent` places it in the hierarchy (province → district → ward, or province → ward). */
export const PlanArea = z.strictObject({
  code: AreaCode,
  name: LocalizedText,
  level: AreaLevel,
  parent: AreaCode.optional(),
});

/** Only events whose data has these values count: `{ "outcome": "violations-found", "business.kind": ["karaoke", "massage"] }`. */
const FieldFilter = z.record(
  z.string().regex(/^[a-zA-Z][a-zA-Z0-9]*(\.[a-zA-Z][a-zA-Z0-9]*)*$/, 'must be a data field path such as business.kind'),
  z.union([z.string().max(200), z.number(), z.boolean(), z.array(z.union([z.string().max(200), z.number()])).min(1).max(50)]),
);

const EventType = z.string().regex(/^vn\.pcmd\.[a-z0-9.-]+\.v\d+$/, 'must be an event type such as vn.pcmd.police.inspection.completed.v1');

/** Events of one type, filtered: the base of every measure. */
const EventSelection = z.strictObject({
  eventType: EventType,
  where: FieldFilter.optional(),
  /** Count only events in this area or below it; the plan's area when omitted. */
  area: AreaCode.optional(),
});

const CountMeasure = EventSelection.extend({ kind: z.literal('count') });
/** Distinct values of a field, e.g. businesses inspected (`business.businessId`). */
const DistinctMeasure = EventSelection.extend({
  kind: z.literal('distinct'),
  field: z.string().regex(/^[a-zA-Z][a-zA-Z0-9]*(\.[a-zA-Z][a-zA-Z0-9]*)*$/, 'must be a data field path'),
});
/** The areas of one level below the plan's area (e.g. every ward of the district). */
const AreasDenominator = z.strictObject({ kind: z.literal('areas'), level: AreaLevel });

export const Measure = z.discriminatedUnion('kind', [
  CountMeasure,
  DistinctMeasure,
  /**
   * A share of a set, never above 100: the numerator counts only members of the denominator set
   * (distinct values in both; areas of the level with an event in or below them, the numerator
   * then a count or a distinct of `areaCode`; two counts: their ratio, at most 100). ADR 0010.
   */
  z.strictObject({
    kind: z.literal('percentage'),
    numerator: z.discriminatedUnion('kind', [CountMeasure, DistinctMeasure]),
    denominator: z.discriminatedUnion('kind', [CountMeasure, DistinctMeasure, AreasDenominator]),
  }),
  /** At least one event in each period (month, quarter…) of the plan: achieved = periods covered. */
  EventSelection.extend({ kind: z.literal('cadence'), every: z.enum(['month', 'quarter', 'half-year', 'year']) }),
]);

/** The goal, in the measure's unit (events, distinct entities, percent, periods). */
export const Goal = z
  .strictObject({ min: z.number().min(0).optional(), max: z.number().min(0).optional() })
  .refine((goal) => goal.min !== undefined || goal.max !== undefined, 'needs min, max or both')
  .refine((goal) => goal.min === undefined || goal.max === undefined || goal.min <= goal.max, 'min must not exceed max');

export const PlanTarget = z.strictObject({
  id: Identifier,
  title: LocalizedText,
  /** The agency answerable for it (chủ trì). */
  agency: AgencyCode,
  measure: Measure,
  goal: Goal,
  /** The sentence of the plan it transcribes, for the reader. */
  source: z.string().max(1_000).optional(),
});

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

export const Plan = z
  .strictObject({
    id: Identifier,
    number: Label.describe('Số văn bản, e.g. 59/KH-UBND'),
    issuedOn: IsoDate,
    issuingBody: AgencyCode,
    level: PlanLevel,
    area: AreaCode,
    /** The plan of the level above that this one implements (e.g. Hanoi's 26/KH-UBND). */
    implements: Label.optional(),
    period: z.strictObject({ start: IsoDate, end: IsoDate }),
    title: LocalizedText,
    bodies: z.array(PlanBody).max(200).default([]),
    areas: z.array(PlanArea).max(2_000).default([]),
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
  })
  .superRefine((plan, context) => {
    const problem = (path: (string | number)[], message: string) => context.addIssue({ code: 'custom', path, message });
    if (plan.period.start > plan.period.end) problem(['period', 'end'], 'must not be before period.start');
    const alertsFrom = plan.alertsFrom !== undefined && IsoDate.safeParse(plan.alertsFrom).success ? plan.alertsFrom : undefined; // a bad date is refused by its own check
    if (alertsFrom && (alertsFrom < plan.period.start || alertsFrom > plan.period.end)) problem(['alertsFrom'], 'must be within the plan period');
    const targetIds = new Set<string>();
    plan.targets.forEach((target, index) => {
      if (targetIds.has(target.id)) problem(['targets', index, 'id'], `"${target.id}" is used twice`);
      targetIds.add(target.id);
    });
    plan.targets.forEach((target, index) => {
      const { measure } = target;
      // A percentage of areas counts the areas with an event; a distinct value of another field has no area to be a member of.
      if (measure.kind === 'percentage' && measure.denominator.kind === 'areas' && measure.numerator.kind === 'distinct' && measure.numerator.field !== 'areaCode') {
        problem(['targets', index, 'measure', 'numerator', 'field'], 'must be areaCode (or use a count) when the denominator is areas');
      }
    });
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
    const areaCodes = new Set(plan.areas.map((area) => area.code));
    plan.areas.forEach((area, index) => {
      if (area.parent && !areaCodes.has(area.parent) && area.parent !== plan.area) {
        problem(['areas', index, 'parent'], `names no area of this plan ("${area.parent}")`);
      }
    });
  });

export type Plan = z.infer<typeof Plan>;
export type PlanTarget = z.infer<typeof PlanTarget>;
export type PlanTask = z.infer<typeof PlanTask>;
export type DeadlineRules = z.infer<typeof DeadlineRules>;
export type Measure = z.infer<typeof Measure>;
