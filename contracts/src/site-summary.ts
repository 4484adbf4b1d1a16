import { z } from 'zod';
import { AgencyCode, AreaCode, Identifier, IsoDate, Label, LocalizedText } from './common.js';
import { PlanLevel } from './plans/plan.schema.js';

/**
 * A province site's board in figures (issue #24, ADR 0024): what its coordination publishes, the
 * latest only, on `pcmd.summary.<site>` for the national view, which is built from these and never
 * from the sites' raw events. It carries the site's top plans (those implementing no plan the site
 * holds: the province's), each target's own figure and the roll-up of the plans below it. Figures
 * and codes only: no person, no case.
 */

const TargetStatus = z.enum(['on-track', 'at-risk', 'overdue', 'achieved']);

export const SiteSummaryTarget = z.strictObject({
  id: Identifier,
  title: LocalizedText,
  agency: AgencyCode,
  measure: z.enum(['count', 'distinct', 'sum', 'percentage', 'cadence', 'referral-stage']),
  /** The target of the plan above (the national programme's) this one carries up, when it says so. */
  carriesUp: Identifier.optional(),
  achieved: z.number().finite(),
  percent: z.number().finite(),
  status: TargetStatus,
  /** Events counted towards it, each once. */
  events: z.int().min(0),
  /** What the site's lower plans carry up to it (`rollUp` on the site's board). */
  rollUp: z.strictObject({ achieved: z.number().finite(), plans: z.int().min(0) }).optional(),
});

export const SiteSummaryPlan = z.strictObject({
  id: Identifier,
  number: Label,
  level: PlanLevel,
  area: AreaCode,
  implements: Label.optional(),
  period: z.strictObject({ start: IsoDate, end: IsoDate }),
  title: LocalizedText,
  targets: z.array(SiteSummaryTarget).max(200),
  /** Its lower plans, counted by status (`implementation.counts` on the site's board). */
  lowerPlans: z.strictObject({ 'on-time': z.int().min(0), late: z.int().min(0), missing: z.int().min(0), awaited: z.int().min(0) }).optional(),
});

export const SiteSummary = z.strictObject({
  /** The site's JetStream domain: `p` and its province code (`p12`). */
  site: z.string().regex(/^p\d{2}$/, 'must be p and a two-digit province code, e.g. p12'),
  /** When the site's coordination made it (its clock). */
  asOf: z.iso.datetime({ offset: true }),
  /** Events the site's coordination has applied, each once. */
  events: z.int().min(0),
  plans: z.array(SiteSummaryPlan).max(100),
});

export type SiteSummary = z.infer<typeof SiteSummary>;
export type SiteSummaryPlan = z.infer<typeof SiteSummaryPlan>;
export type SiteSummaryTarget = z.infer<typeof SiteSummaryTarget>;
