import type { Plan } from '@lienganh/contracts';
import { lowerPlansOf } from '../plans/plan-hierarchy.js';
import type { AreaRegistry } from '../registry/area-registry.js';
import type { BodyCompliance } from '../reporting/report-compliance.js';
import { judgeFigure, progressOf, type TargetStatus } from '../targets/target-progress.js';
import { planProgressContext } from './committee-view.js';
import { targetKey, type CoordinationState } from './coordination-state.js';

/**
 * Plans that implement plans (issue #24): the upper plan's board shows which plans of the level
 * below it holds, which are late or missing, and per target the roll-up of the targets they carry
 * up. Computed when asked, from the plans held: the order plans were imported in changes nothing.
 */

export type LowerPlanStatus = 'on-time' | 'late' | 'missing' | 'awaited';

export interface LowerPlanRow {
  /** The unit of the level below (a commune of the province) the plan is expected from, or the held plan's own area. */
  area: string;
  name?: { vi: string; en: string };
  /** on-time / late: issued by `implementedBy.due` or after it; missing: none held and the day has passed; awaited: not yet due. */
  status: LowerPlanStatus;
  plan?: { id: string; number: string; issuedOn: string };
  /** Its periodic reports under the upper plan's duty per area (`reporting.eachArea` at this level). */
  reporting: BodyCompliance[];
}

export interface PlanImplementation {
  /** What the plan asks of the level below (`implementedBy`); absent when it asks nothing and plans implement it anyway. */
  level?: 'district' | 'commune';
  due?: string;
  counts: Record<LowerPlanStatus, number>;
  lowerPlans: LowerPlanRow[];
}

export interface TargetRollUp {
  /** The sum of what the lower plans' carried targets achieved (their baselines included). */
  achieved: number;
  percent: number;
  status: TargetStatus;
  from: { planId: string; number: string; area: string; targetId: string; achieved: number; status: TargetStatus }[];
}

/** The area levels of a plan level: a commune plan is a commune's, a ward's or a town's. */
const AREA_LEVELS = { district: ['district'], commune: ['commune', 'ward'] } as const;

/** Undefined when the plan neither asks for lower plans nor has any. */
export function planImplementation(plan: Plan, state: CoordinationState, areas: AreaRegistry, reporting: readonly BodyCompliance[], now: Date): PlanImplementation | undefined {
  const lower = lowerPlansOf(plan, state.plans.values(), areas);
  const asked = plan.implementedBy;
  if (!asked && lower.length === 0) return undefined;
  const today = new Date(now.getTime() + 7 * 3_600_000).toISOString().slice(0, 10);
  const expected = asked ? areas.matching(plan.area, plan.period.start, AREA_LEVELS[asked.level], undefined) : [];
  const codes = expected.map((area) => area.code);
  const rows = new Map<string, LowerPlanRow>(expected.map((area) => [area.code, { area: area.code, name: area.name, status: asked && today > asked.due ? 'missing' : 'awaited', reporting: [] }]));
  for (const held of lower) {
    const area = areas.placeUnder(held.area, codes) ?? held.area;
    const row = rows.get(area) ?? { area, ...(areas.get(area) ? { name: areas.get(area)!.name } : {}), status: 'on-time', reporting: [] };
    if (row.plan) continue; // the earliest issued stands for its area
    row.plan = { id: held.id, number: held.number, issuedOn: held.issuedOn };
    row.status = asked && held.issuedOn > asked.due ? 'late' : 'on-time';
    rows.set(area, row);
  }
  for (const duty of reporting) rows.get(duty.area)?.reporting.push(duty);
  const lowerPlans = [...rows.values()].sort((a, b) => a.area.localeCompare(b.area));
  const counts = { 'on-time': 0, late: 0, missing: 0, awaited: 0 };
  for (const row of lowerPlans) counts[row.status]++;
  return { ...(asked ? { level: asked.level, due: asked.due } : {}), counts, lowerPlans };
}

/** Per target (`targetKey`) of every plan held that lower plans carry targets up to: its roll-up. */
export function targetRollUps(state: CoordinationState, areas: AreaRegistry, now: Date): Map<string, TargetRollUp> {
  const rollUps = new Map<string, TargetRollUp>();
  for (const upper of state.plans.values()) {
    const lower = lowerPlansOf(upper, state.plans.values(), areas);
    if (lower.length === 0) continue;
    const context = planProgressContext(upper, areas, now);
    for (const target of upper.targets) {
      const from: TargetRollUp['from'] = [];
      for (const plan of lower) {
        for (const carried of plan.targets) {
          if (carried.carriesUp !== target.id || carried.measure.kind !== target.measure.kind) continue;
          const tracked = state.targets.get(targetKey(plan.id, carried.id))!;
          const progress = progressOf(carried, tracked.tally, planProgressContext(plan, areas, now));
          from.push({ planId: plan.id, number: plan.number, area: plan.area, targetId: carried.id, achieved: progress.achieved, status: progress.status });
        }
      }
      if (from.length === 0) continue;
      const achieved = from.reduce((sum, entry) => sum + entry.achieved, 0);
      rollUps.set(targetKey(upper.id, target.id), { achieved: Math.round(achieved * 100) / 100, ...judgeFigure(target, achieved, context), from });
    }
  }
  return rollUps;
}
