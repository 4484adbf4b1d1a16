import { z } from 'zod';
import { AreaCode, Identifier, IsoDate, Label, LocalizedText } from '../common.js';

/**
 * How a plan's targets are measured from events, as real plans write them (docs/plan-format.md,
 * docs/adr/0012-measure-language.md). Every limit here is listed in the format's reference.
 */

export const AreaLevel = z.enum(['province', 'district', 'commune', 'ward']);

/**
 * The kind of an administrative unit, beside its level: "xã, phường, thị trấn" are three kinds of
 * the lowest tier; "quận, huyện, thị xã, thành phố thuộc tỉnh" four kinds of the district tier.
 */
export const AreaKind = z.enum([
  'municipality', // thành phố trực thuộc trung ương
  'province', // tỉnh
  'urban-district', // quận
  'rural-district', // huyện
  'district-town', // thị xã
  'provincial-city', // thành phố thuộc tỉnh (thuộc thành phố)
  'ward', // phường
  'commune', // xã
  'town', // thị trấn
  'special-zone', // đặc khu (since 2025)
]);

/** The most values a `where` list, a baseline's members or a figure's values may hold: a province's communes fit. */
export const MAX_LIST = 2_000;

const FieldPath = z.string().regex(/^[a-zA-Z][a-zA-Z0-9]*(\.[a-zA-Z][a-zA-Z0-9]*)*$/, 'must be a data field path such as business.kind');

/**
 * Only events whose data has these values count: `{ "outcome": "violations-found", "business.kind": ["karaoke", "massage"] }`.
 * A list is "one of"; a field that is itself a list (a case's `offences`) matches when one of its values is expected.
 */
const FieldFilter = z.record(
  FieldPath,
  z.union([z.string().max(200), z.number(), z.boolean(), z.array(z.union([z.string().max(200), z.number()])).min(1).max(MAX_LIST)], {
    error: `must be a string (≤ 200 characters), a number, a boolean, or a list of 1-${MAX_LIST} strings or numbers`,
  }),
);

export const EventType = z.string().regex(/^vn\.pcmd\.[a-z0-9.-]+\.v\d+$/, 'must be an event type such as vn.pcmd.police.inspection.completed.v1');

/** Events of one type, filtered: the base of every measure. */
const EventSelection = z.strictObject({
  eventType: EventType,
  where: FieldFilter.optional(),
  /** Count only events in this area or below it; the plan's area when omitted. */
  area: AreaCode.optional(),
  /**
   * `period` (default): events dated within the plan's period. `to-date`: also those before it, up
   * to the period's end: a register that stands (businesses registered before the plan still are).
   */
  dates: z.enum(['period', 'to-date']).optional(),
});

export const CountMeasure = EventSelection.extend({ kind: z.literal('count') });
/** Distinct values of a field, e.g. businesses inspected (`business.businessId`). */
export const DistinctMeasure = EventSelection.extend({ kind: z.literal('distinct'), field: FieldPath });
/** The sum of a numeric field, e.g. participants trained (`counts.participants`); events without it add nothing. */
export const SumMeasure = EventSelection.extend({ kind: z.literal('sum'), field: FieldPath });

/**
 * The areas below the plan's area that exist on the period's first day, of these levels and kinds
 * ("xã, phường, thị trấn"; "districts and communes"). `level` is one level, kept for plans that use it.
 */
export const AreasDenominator = z
  .strictObject({
    kind: z.literal('areas'),
    level: AreaLevel.optional(),
    levels: z.array(AreaLevel).min(1).max(4).optional(),
    kinds: z.array(AreaKind).min(1).max(10).optional(),
  })
  .refine((areas) => areas.level !== undefined || areas.levels !== undefined || areas.kinds !== undefined, 'needs level, levels or kinds');

/** A registry figure (officers on staff, businesses registered) in force for the area on the evaluated date. */
export const FigureDenominator = z.strictObject({
  kind: z.literal('figure'),
  figure: Identifier,
  /** The area whose figure it is; the numerator's area (else the plan's) when omitted. */
  area: AreaCode.optional(),
});

export const ReferralStage = z.enum(['accepted', 'declined', 'service-delivered', 'closed']);

export const Measure = z.discriminatedUnion('kind', [
  CountMeasure,
  DistinctMeasure,
  SumMeasure,
  /**
   * A share of a set, never above 100 (ADR 0010, 4): distinct values in both parts; areas with an
   * event in or below them; a count or sum over a figure, or two counts: their ratio, at most 100.
   */
  z.strictObject({
    kind: z.literal('percentage'),
    numerator: z.discriminatedUnion('kind', [CountMeasure, DistinctMeasure, SumMeasure]),
    denominator: z.discriminatedUnion('kind', [CountMeasure, DistinctMeasure, AreasDenominator, FigureDenominator]),
  }),
  /** At least one event in each period (month, quarter…) of the plan: achieved = periods covered. */
  EventSelection.extend({ kind: z.literal('cadence'), every: z.enum(['month', 'quarter', 'half-year', 'year']) }),
  /**
   * The share of referrals made (the selection: a `referral.made` type, filtered, in the area and
   * period) that reached `stage`, counted where and when each referral was made; stages are
   * cumulative as in the funnel (served counts a referral closed after its service).
   */
  EventSelection.extend({
    kind: z.literal('referral-stage'),
    eventType: EventType.refine((type) => /\.referral\.made\.v\d+$/.test(type), 'must be a referral.made event type'),
    stage: ReferralStage,
  }),
]);

/** At least `min`, at most `max`, or both (a range), in the measure's unit. */
export const Bound = z
  .strictObject({ min: z.number().min(0).optional(), max: z.number().min(0).optional() })
  .refine((goal) => goal.min !== undefined || goal.max !== undefined, 'needs min, max or both')
  .refine((goal) => goal.min === undefined || goal.max === undefined || goal.min <= goal.max, 'min must not exceed max');

/**
 * The goal, in the measure's unit (events, distinct values, a sum, percent, periods). `min`/`max` is
 * the one goal, or the end-of-term goal of a multi-year plan whose `byYear` gives each year's (the
 * value as it stands at that year's end); `byLevel` gives each level of an `areas` denominator its
 * own goal ("100% of districts and at least 80% of communes"), with no goal of its own.
 */
export const Goal = z
  .strictObject({
    min: z.number().min(0).optional(),
    max: z.number().min(0).optional(),
    byYear: z.record(z.string().regex(/^\d{4}$/, 'must be a year such as 2023'), Bound).optional(),
    byLevel: z.partialRecord(AreaLevel, Bound).optional(),
  })
  .refine((goal) => goal.min !== undefined || goal.max !== undefined || goal.byLevel !== undefined, 'needs min, max or both (or byLevel)')
  .refine((goal) => goal.min === undefined || goal.max === undefined || goal.min <= goal.max, 'min must not exceed max')
  .refine((goal) => goal.byLevel === undefined || (goal.min === undefined && goal.max === undefined && goal.byYear === undefined), 'byLevel goes alone (no min, max or byYear beside it)');

/**
 * Where a target starts from: "from 74 up to 80 healthy communes" has `value: 74`, and the measure
 * counts what is added; achieved = value + counted. `members` (distinct measures) are the values the
 * baseline already holds (the 74 communes' codes), which then add nothing when counted again.
 */
export const Baseline = z.strictObject({
  value: z.number().min(0),
  asOf: IsoDate,
  source: Label.describe('Where the number comes from, e.g. "Báo cáo 12/BC-UBND năm 2018"'),
  members: z.array(z.string().max(200)).max(MAX_LIST).optional(),
});

/** A registry figure by area and date: "officers on staff", "businesses registered", as documents state them. */
export const PlanFigure = z.strictObject({
  id: Identifier,
  title: LocalizedText,
  values: z
    .array(
      z.strictObject({
        area: AreaCode,
        asOf: IsoDate,
        value: z.number().positive(),
        source: Label.describe('The document that states it, e.g. "Báo cáo 05/BC-CAQ ngày 31/12/2020"'),
      }),
    )
    .min(1)
    .max(MAX_LIST),
});

export type Measure = z.infer<typeof Measure>;
export type Goal = z.infer<typeof Goal>;
export type Bound = z.infer<typeof Bound>;
export type Baseline = z.infer<typeof Baseline>;
export type PlanFigure = z.infer<typeof PlanFigure>;
export type AreaKindCode = z.infer<typeof AreaKind>;
export type AreaLevelCode = z.infer<typeof AreaLevel>;
