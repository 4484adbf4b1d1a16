export { emptyTally, evolveTally, vietnamDate, type TallyContext, type TargetTally } from './targets/target-tally.js';
export { progressOf, type ProgressContext, type TargetProgress, type TargetStatus } from './targets/target-progress.js';
