#!/usr/bin/env node
// Issue #23: the projection's own work per event (CoordinationProjection.apply), without NATS or
// decoding: the bench's police inspections, decoded beforehand, applied to a projection holding
// the Ba Đình 2021 plan and `plans - 1` generated district plans (each inspection counts for 2
// targets per plan). `node --cpu-prof` for a profile.
//   node_modules/.bin/node scripts/profile/apply-micro.mjs [events=100000] [plans=11] [rounds=3]
import { buildEvent, coordinationPlanPublished } from '@lienganh/contracts';
import { CaseReferences, CoordinationProjection } from '@lienganh/coordination';
import { baDinhPlan } from '../cli/dist/bench/coordination.js';
import { inspectionEvent } from '../cli/dist/bench/events.js';
import { generatePlans } from '../cli/dist/bench/generated-plans.js';

const events = Number(process.argv[2] ?? 100_000);
const planCount = Number(process.argv[3] ?? 11);
const rounds = Number(process.argv[4] ?? 3);
const plan = baDinhPlan();
const plans = [plan, ...generatePlans(plan, planCount - 1)];
const inspections = Array.from({ length: events }, (_, index) => inspectionEvent('apply', index, events));
for (let round = 1; round <= rounds; round++) {
  const projection = new CoordinationProjection(CaseReferences.ephemeral());
  for (const each of plans) {
    const published = projection.apply(buildEvent(coordinationPlanPublished, each, { id: `plan-published-${each.id}`, time: `${each.period.start}T00:00:00+07:00` }));
    if (published.plan) projection.planReady(published.plan.id);
  }
  const started = performance.now();
  for (let seq = 1; seq <= events; seq++) {
    projection.apply(inspections[seq - 1], { stream: 'PCMD_AGENCY_EVENTS', seq });
    if (seq % 500 === 0 && projection.hasChanges()) projection.takeChanges(); // as the projector's group commits
  }
  const ms = performance.now() - started;
  console.log(`round ${round}: ${events} events, ${plans.length} plans in ${ms.toFixed(0)} ms = ${Math.round((events / ms) * 1000).toLocaleString('en')} events/s (${((ms * 1000) / events).toFixed(1)} µs each), ${projection.deadlines.deadlines.size} deadlines`);
}
