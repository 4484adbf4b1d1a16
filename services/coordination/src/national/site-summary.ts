import type { SiteSummary } from '@lienganh/contracts';
import { committeeSummary } from '../board/committee-summary.js';
import { targetKey } from '../board/coordination-state.js';
import { upperPlanOf } from '../plans/plan-hierarchy.js';
import type { CoordinationProjection } from '../projection/coordination-projection.js';

/**
 * The site's board in figures (issue #24): its top plans (those implementing no plan it holds:
 * the province's own), per target its own figure, its events and the roll-up of the plans below.
 * The same figures as the site's committee overview at `now`, which the national view adds up.
 */
export function siteSummaryOf(site: string, projection: CoordinationProjection, now: Date): SiteSummary {
  const { state, areas } = projection;
  const board = committeeSummary(projection, now);
  const plans = [...state.plans.values()].filter((plan) => !upperPlanOf(plan, state.plans.values(), areas));
  return {
    site,
    asOf: now.toISOString(),
    events: state.applied.size,
    plans: plans.map((plan) => {
      const lowerPlans = board.plans.find((entry) => entry.id === plan.id)?.implementation?.counts;
      return {
        id: plan.id,
        number: plan.number,
        level: plan.level,
        area: plan.area,
        ...(plan.implements ? { implements: plan.implements } : {}),
        period: plan.period,
        title: plan.title,
        targets: plan.targets.map((target) => {
          const shown = board.targets.find((entry) => entry.planId === plan.id && entry.id === target.id)!;
          return {
            id: target.id,
            title: target.title,
            agency: target.agency,
            measure: target.measure.kind,
            ...(target.carriesUp ? { carriesUp: target.carriesUp } : {}),
            achieved: shown.achieved,
            percent: shown.percent,
            status: shown.status,
            events: state.targets.get(targetKey(plan.id, target.id))!.tally.events,
            ...(shown.rollUp ? { rollUp: { achieved: shown.rollUp.achieved, plans: shown.rollUp.from.length } } : {}),
          };
        }),
        ...(lowerPlans ? { lowerPlans } : {}),
      };
    }),
  };
}
