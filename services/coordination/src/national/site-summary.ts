import type { SiteSummary } from '@lienganh/contracts';
import { targetOverview } from '../board/committee-view.js';
import { targetKey } from '../board/coordination-state.js';
import { planImplementation, targetRollUps } from '../board/plan-implementation.js';
import { upperPlanOf } from '../plans/plan-hierarchy.js';
import type { CoordinationProjection } from '../projection/coordination-projection.js';

/**
 * The site's board in figures (issue #24): its top plans (those implementing no plan it holds:
 * the province's own), per target its own figure, its events and the roll-up of the plans below.
 * The same figures as the site's committee overview at `now`, which the national view adds up;
 * made each second while the board changes, so only what the summary carries is computed (not
 * the overview's reporting, backlog or funnel).
 */
export function siteSummaryOf(site: string, projection: CoordinationProjection, now: Date): SiteSummary {
  const { state, areas } = projection;
  const rollUps = targetRollUps(state, areas, now);
  const plans = [...state.plans.values()].filter((plan) => !upperPlanOf(plan, state.plans.values(), areas));
  return {
    site,
    asOf: now.toISOString(),
    events: state.applied.size,
    plans: plans.map((plan) => {
      const lowerPlans = planImplementation(plan, state, areas, [], now)?.counts;
      return {
        id: plan.id,
        number: plan.number,
        level: plan.level,
        area: plan.area,
        ...(plan.implements ? { implements: plan.implements } : {}),
        period: plan.period,
        title: plan.title,
        targets: plan.targets.map((target) => {
          const key = targetKey(plan.id, target.id);
          const tracked = state.targets.get(key)!;
          const shown = targetOverview(tracked, areas, now);
          const rollUp = rollUps.get(key);
          return {
            id: target.id,
            title: target.title,
            agency: target.agency,
            measure: target.measure.kind,
            ...(target.carriesUp ? { carriesUp: target.carriesUp } : {}),
            achieved: shown.achieved,
            percent: shown.percent,
            status: shown.status,
            events: tracked.tally.events,
            ...(rollUp ? { rollUp: { achieved: rollUp.achieved, plans: rollUp.from.length } } : {}),
          };
        }),
        ...(lowerPlans ? { lowerPlans } : {}),
      };
    }),
  };
}
