import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { DEMO_PLAN_FILES, startCoordinationService, type RunningCoordinationService } from '@lienganh/coordination';
import { postJson } from '../support/http.js';
import { startNatsFixture, type NatsFixture } from '../support/nats.js';
import { getAs, TEST_USERS, tokens } from '../support/users.js';

/**
 * Two plans of one province across the 2025 reform: the 2016 plan's districts were abolished on
 * 2025-07-01 (`until`), the 2026 plan's wards and communes formed then (`since`). On one board,
 * each plan lists only the areas of its own time.
 */
const planOf = (name: string) => parseYaml(readFileSync(DEMO_PLAN_FILES.find((file) => file.endsWith(name))!, 'utf8'));
const plan2016 = planOf('can-tho-2016.plan.yaml');
const plan2026 = planOf('can-tho-2026.plan.yaml');

let nats: NatsFixture;
let coordination: RunningCoordinationService;

beforeAll(async () => {
  nats = await startNatsFixture();
  coordination = await startCoordinationService({ ...nats.identity('coordination'), port: 0, clock: { now: () => new Date('2026-07-10T09:00:00+07:00') }, deadlineTickMs: 0, users: TEST_USERS });
  for (const plan of [plan2016, plan2026]) expect((await postJson(`${coordination.url}/api/v1/plans`, plan, tokens.secretariat)).status).toBe(201);
});
afterAll(async () => {
  await coordination?.close();
  await nats?.close();
});

it('lists the 2016 districts under the 2016 plan and the 2026 wards and communes under the 2026 plan, never both', async () => {
  const { body } = await getAs(`${coordination.url}/api/v1/committee/overview`);
  const rowsOf = (id: string) => body.plans.find((plan: { id: string }) => plan.id === id).areas.map((area: { code: string }) => area.code).sort();
  const own = (plan: { area: string; areas: { code: string; parent?: string }[] }) => plan.areas.filter((area) => area.parent === plan.area).map((area) => area.code).sort();
  expect(rowsOf(plan2016.id)).toEqual(own(plan2016));
  expect(rowsOf(plan2016.id)).toHaveLength(9);
  expect(rowsOf(plan2026.id)).toEqual(own(plan2026));
});
