import type { PlanTarget } from '@lienganh/contracts';
import type { TargetTally } from './target-tally.js';

export type TargetStatus = 'on-track' | 'at-risk' | 'overdue' | 'achieved';

export interface TargetProgress {
  achieved: number;
  /** Progress towards the goal, 0-100 (capped). */
  percent: number;
  status: TargetStatus;
}

export interface ProgressContext {
  /** Now, from the injected clock: status depends on how much of the period has gone. */
  now: Date;
  periodStart: string;
  periodEnd: string;
  /** The areas of a level below the plan's area, for "every ward" denominators. */
  areasBelow(level: string): string[];
  isWithin(areaCode: string, ancestor: string): boolean;
}

const DAY_MS = 86_400_000;

export function progressOf(target: PlanTarget, tally: TargetTally, context: ProgressContext): TargetProgress {
  const achieved = round(achievedValue(target, tally, context));
  const { min, max } = target.goal;
  const ended = context.now.getTime() >= Date.parse(`${context.periodEnd}T23:59:59+07:00`);

  if (min === undefined) {
    // A ceiling ("no hotspot re-activated"): met until it is broken.
    const within = achieved <= max!;
    return { achieved, percent: within ? 100 : 0, status: within ? (ended ? 'achieved' : 'on-track') : ended ? 'overdue' : 'at-risk' };
  }
  const percent = min === 0 ? 100 : Math.min(100, round((achieved / min) * 100));
  if (achieved >= min) return { achieved, percent, status: 'achieved' };
  if (ended) return { achieved, percent, status: 'overdue' };
  const start = Date.parse(`${context.periodStart}T00:00:00+07:00`);
  const end = Date.parse(`${context.periodEnd}T23:59:59+07:00`) + 1_000;
  const elapsed = Math.max(0, Math.min(1, (context.now.getTime() - start) / Math.max(end - start, DAY_MS)));
  return { achieved, percent, status: achieved >= min * elapsed ? 'on-track' : 'at-risk' };
}

function achievedValue(target: PlanTarget, tally: TargetTally, context: ProgressContext): number {
  const { measure } = target;
  switch (measure.kind) {
    case 'count':
      return tally.numeratorCount;
    case 'distinct':
    case 'cadence':
      return tally.numeratorValues.size;
    case 'percentage':
      return percentageOf(measure, tally, context);
  }
}

/**
 * A percentage of a set counts only members of that set, so it is never above 100 (ADR 0010, 4):
 * distinct values found in both parts; areas of the level with an event in or below them; a
 * ratio of two counts, at most 100.
 */
function percentageOf(measure: Extract<PlanTarget['measure'], { kind: 'percentage' }>, tally: TargetTally, context: ProgressContext): number {
  const { numerator, denominator } = measure;
  let members: number;
  let total: number;
  if (denominator.kind === 'areas') {
    const areas = context.areasBelow(denominator.level);
    total = areas.length;
    members = areas.filter((area) => [...tally.numeratorValues].some((code) => context.isWithin(code, area))).length;
  } else if (numerator.kind === 'distinct' && denominator.kind === 'distinct') {
    total = tally.denominatorValues.size;
    members = 0;
    for (const value of tally.numeratorValues) if (tally.denominatorValues.has(value)) members++;
  } else {
    total = denominator.kind === 'count' ? tally.denominatorCount : tally.denominatorValues.size;
    members = Math.min(total, numerator.kind === 'count' ? tally.numeratorCount : tally.numeratorValues.size);
  }
  return total === 0 ? 0 : (members / total) * 100;
}

const round = (value: number) => Math.round(value * 100) / 100;
