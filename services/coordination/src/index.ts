export { emptyTally, evolveTally, vietnamDate, type TallyContext, type TargetTally } from './targets/target-tally.js';
export { progressOf, type ProgressContext, type TargetProgress, type TargetStatus } from './targets/target-progress.js';
export { AgencyRegistry, type AgencyEntry } from './registry/agency-registry.js';
export { AreaRegistry, type AreaEntry } from './registry/area-registry.js';
export { checkPlanReferences, registerPlan, type PlanRegistration } from './registry/plan-registration.js';
export { addPlan, applyEvent, emptyCoordinationState, targetKey, type CoordinationState, type TrackedTarget } from './board/coordination-state.js';
export { committeeOverview, taskBoard, type TargetOverview, type TaskBoardEntry, type TaskStatus } from './board/committee-view.js';
