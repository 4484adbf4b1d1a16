import { z } from 'zod';
import { IsoDate } from '../common.js';

/**
 * A plan amended during its period (kế hoạch sửa đổi, bổ sung) is imported again under the same
 * id with a higher `revision.number`: it supersedes the version in force from `effectiveFrom` on
 * (targets, goals and tasks are the new version's, figures are re-counted from the events;
 * deadlines due before that day stand: ADR 0005, amendment on revisions). A plan without
 * `revision` is the first version (1), in force from its period's start.
 */
export const PlanRevision = z.strictObject({
  /** 2 for the first amendment: the original is 1. */
  number: z.int().min(2).max(999),
  /** The first day (Vietnam time) the amended version governs; within the plan's period. */
  effectiveFrom: IsoDate,
});
export type PlanRevision = z.infer<typeof PlanRevision>;

/** The revision number of a plan: 1 when it carries none. */
export const revisionNumberOf = (plan: { revision?: { number: number } }): number => plan.revision?.number ?? 1;

/** The first day a plan's version governs: its `revision.effectiveFrom`, else its period's start. */
export const revisionEffectiveFrom = (plan: { revision?: { effectiveFrom: string }; period: { start: string } }): string => plan.revision?.effectiveFrom ?? plan.period.start;
