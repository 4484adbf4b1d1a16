// What the memory, heap and restart profiles start from: the bench's own nats-server with the Ba
// Đình 2021 plan, ten generated district plans of 1,000 tasks, and `events` police inspections.
import { BenchEnvironment } from '../cli/dist/bench/environment.js';
import { loadAgencyEvents, publishPlans } from '../cli/dist/bench/bulk-load.js';
import { baDinhPlan } from '../cli/dist/bench/coordination.js';
import { generatePlans } from '../cli/dist/bench/generated-plans.js';

/** Steps on stderr, no progress bars. */
export const quietReporter = { step: (s) => console.error(s), bar: () => ({ update() {}, stop() {} }) };

/** The environment (close it when done) and the Ba Đình plan, the streams loaded. */
export async function benchStream(events) {
  const env = await BenchEnvironment.start();
  try {
    const plan = baDinhPlan();
    await publishPlans(env, [plan, ...generatePlans(plan, 10)]);
    await loadAgencyEvents(env, quietReporter, { from: 0, to: events, total: events });
    return { env, plan };
  } catch (error) {
    await env.close();
    throw error;
  }
}
