import type { Plan } from '@lienganh/contracts';

/** What linking plans needs of the area registry. */
export interface AreaHierarchy {
  isWithin(code: string, ancestor: string): boolean;
}

/**
 * Whether `lower` implements `upper`: it names `upper`'s number as the plan it implements, its area
 * lies below `upper`'s, and their periods meet. A plan number ("26/KH-UBND") is unique only within
 * its issuing body, hence the area: the same number in another province is another plan.
 */
export function implementsPlan(lower: Plan, upper: Plan, areas: AreaHierarchy): boolean {
  return (
    lower.id !== upper.id &&
    lower.implements === upper.number &&
    lower.area !== upper.area &&
    areas.isWithin(lower.area, upper.area) &&
    lower.period.start <= upper.period.end &&
    upper.period.start <= lower.period.end
  );
}

/** The plans held that implement `upper`, in the order of their areas then issue dates. */
export function lowerPlansOf(upper: Plan, plans: Iterable<Plan>, areas: AreaHierarchy): Plan[] {
  return [...plans].filter((plan) => implementsPlan(plan, upper, areas)).sort((a, b) => a.area.localeCompare(b.area) || a.issuedOn.localeCompare(b.issuedOn) || a.id.localeCompare(b.id));
}

/** The plan held that `lower` implements, if any (the nearest one above when several match). */
export function upperPlanOf(lower: Plan, plans: Iterable<Plan>, areas: AreaHierarchy): Plan | undefined {
  const candidates = [...plans].filter((plan) => implementsPlan(lower, plan, areas));
  // The nearest: the candidate whose area lies within every other's.
  return candidates.find((candidate) => candidates.every((other) => areas.isWithin(candidate.area, other.area)));
}

/**
 * What is wrong with the targets `lower` carries up to `upper` (path, message), as an import
 * refuses them: each must name a target of `upper` measured the same way (a count adds to a count).
 */
export function carriedTargetProblems(lower: Plan, upper: Plan): [string, string][] {
  const problems: [string, string][] = [];
  lower.targets.forEach((target, index) => {
    if (target.carriesUp === undefined) return;
    const into = upper.targets.find((candidate) => candidate.id === target.carriesUp);
    if (!into) problems.push([`targets.${index}.carriesUp`, `names no target of ${upper.number} (plan "${upper.id}"): ${upper.targets.map((candidate) => candidate.id).join(', ')}`]);
    else if (into.measure.kind !== target.measure.kind) problems.push([`targets.${index}.carriesUp`, `"${into.id}" of ${upper.number} is a ${into.measure.kind}, this target a ${target.measure.kind}: only like measures add up`]);
  });
  return problems;
}
