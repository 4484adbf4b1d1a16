export { emptyTally, evolveTally, vietnamDate, type TallyContext, type TargetTally } from './targets/target-tally.js';
export { progressOf, type ProgressContext, type TargetProgress, type TargetStatus } from './targets/target-progress.js';
export { AgencyRegistry, type AgencyEntry } from './registry/agency-registry.js';
export { AreaRegistry, type AreaEntry } from './registry/area-registry.js';
export { checkPlanReferences, registerPlan, type PlanRegistration } from './registry/plan-registration.js';
