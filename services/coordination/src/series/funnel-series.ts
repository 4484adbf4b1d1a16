import type { Plan } from '@lienganh/contracts';
import { referralAsOf, referralFunnel, referralsOfPlan, type ReferralFunnel } from '../referrals/referral-funnel.js';
import type { ReferralRecord } from '../store/coordination-store.js';
import { vietnamDate } from '../targets/target-tally.js';
import { termMonths } from './term-months.js';

/**
 * A plan's referral funnel month by month (the board's chart): at the end of each month of its
 * term up to now, the referrals made by then and the stages they had reached by then, counted as
 * the overview counts its funnel (the plan's referrals, `referralsOfPlan`; stages cumulative, ADR
 * 0010, 6: made ≥ accepted ≥ served ≥ closed at every point, declined beside). The last point,
 * taken now, is the overview's funnel while the term runs.
 */
export interface FunnelSeries {
  generatedAt: string;
  planId: string;
  term: { start: string; end: string };
  points: FunnelSeriesPoint[];
}

export interface FunnelSeriesPoint extends ReferralFunnel {
  /** `2021-05` */
  month: string;
  /** The month's last instant, or now for the month in progress (ISO). */
  asOf: string;
  /** Its day, Vietnam time. */
  day: string;
}

export interface FunnelSeriesInputs {
  plan: Plan;
  referrals: Iterable<ReferralRecord>;
  isWithin(code: string, ancestor: string): boolean;
  now: Date;
}

export function funnelSeries({ plan, referrals, isWithin, now }: FunnelSeriesInputs): FunnelSeries {
  const months = termMonths(plan.period, now);
  const records = referralsOfPlan(plan, referrals, isWithin);
  const points = months.map((month): FunnelSeriesPoint => {
    const asOf = new Date(month.asOf);
    const standing = records.map((record) => referralAsOf(record, month.asOf)).filter((record) => record !== undefined);
    return { month: month.key, asOf: asOf.toISOString(), day: vietnamDate(asOf.toISOString()), ...referralFunnel(standing, () => true) };
  });
  return { generatedAt: now.toISOString(), planId: plan.id, term: { start: plan.period.start, end: plan.period.end }, points };
}
