import type { ContractIssue, Plan } from '@lienganh/contracts';
import type { AgencyRegistry } from './agency-registry.js';
import type { AreaRegistry } from './area-registry.js';

export interface PlanRegistration {
  bodiesAdded: string[];
  areasAdded: string[];
}

/**
 * What a plan needs from the registries: every body and area it names must be known or
 * declared by the plan itself. Returns every missing one (nothing is registered then), or
 * registers the plan's new bodies and areas.
 */
export function checkPlanReferences(plan: Plan, agencies: AgencyRegistry, areas: AreaRegistry): ContractIssue[] {
  const declaredBodies = new Set(plan.bodies.map((body) => body.code));
  const declaredAreas = new Set(plan.areas.map((area) => area.code));
  const issues: ContractIssue[] = [];
  const body = (code: string, path: string) => {
    if (!agencies.has(code) && !declaredBodies.has(code)) issues.push({ path, message: `body "${code}" is neither registered nor declared under bodies` });
  };
  const area = (code: string | undefined, path: string) => {
    if (code && !areas.has(code) && !declaredAreas.has(code)) issues.push({ path, message: `area "${code}" is neither registered nor declared under areas` });
  };
  body(plan.issuingBody, 'issuingBody');
  area(plan.area, 'area');
  plan.areas.forEach((entry, index) => area(entry.parent, `areas.${index}.parent`));
  plan.targets.forEach((target, index) => {
    body(target.agency, `targets.${index}.agency`);
    const measure = target.measure;
    const selections = measure.kind === 'percentage' ? [measure.numerator, measure.denominator] : [measure];
    selections.forEach((selection) => 'area' in selection && area(selection.area, `targets.${index}.measure.area`));
  });
  plan.tasks.forEach((task, index) => {
    body(task.lead, `tasks.${index}.lead`);
    task.supporting.forEach((code, position) => body(code, `tasks.${index}.supporting.${position}`));
    area(task.area, `tasks.${index}.area`);
  });
  if (plan.reporting) {
    body(plan.reporting.to, 'reporting.to');
    plan.reporting.from?.forEach((code, position) => body(code, `reporting.from.${position}`));
  }
  if (plan.roles) {
    body(plan.roles.standingBody, 'roles.standingBody');
    if (plan.roles.reportReceiver) body(plan.roles.reportReceiver, 'roles.reportReceiver');
    plan.roles.referralReceivers?.forEach((code, position) => body(code, `roles.referralReceivers.${position}`));
  }
  return issues;
}

export function registerPlan(plan: Plan, agencies: AgencyRegistry, areas: AreaRegistry): PlanRegistration {
  const bodiesAdded = plan.bodies.filter((body) => agencies.register(body, plan.area) === 'added').map((body) => body.code);
  const areasAdded = plan.areas.filter((entry) => areas.register(entry) === 'added').map((entry) => entry.code);
  return { bodiesAdded, areasAdded };
}
