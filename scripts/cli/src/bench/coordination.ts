import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parsePlanDocument, type Plan } from '@lienganh/contracts';
import { DEMO_PLAN_FILES, ProjectionOnlyStore, startCoordinationService, targetKey, type CoordinationStore, type RunningCoordinationService, type TrackedTarget } from '@lienganh/coordination';
import { createLogger, tokenDigest, type UserEntry } from '@lienganh/platform';

/** The bench's user of coordination's API (the secretariat), with a token made for the run. */
export const BENCH_TOKEN = `bench-${randomBytes(16).toString('hex')}`;
const BENCH_USERS: UserEntry[] = [{ id: 'bench', name: 'lienganh bench', role: 'secretariat', tokenSha256: tokenDigest(BENCH_TOKEN) }];

/** The bench's user as a `LIENGANH_USERS_FILE` in `dir`, for coordination as a child process. */
export function writeBenchUsers(dir: string): string {
  const file = join(dir, 'users.json');
  writeFileSync(file, JSON.stringify({ users: BENCH_USERS }), { mode: 0o600 });
  return file;
}

/** The Ba Đình district 2021 demo plan, and its target that counts every police inspection. */
export const baDinhPlan = (): Plan => parsePlanDocument(readFileSync(DEMO_PLAN_FILES[0]!, 'utf8'), 'yaml');
export const INSPECTIONS_TARGET = 'ct-kiem-tra-hanh-chinh-400';

/**
 * Coordination in this process: no deadline ticks (the deadline scan is measured on its own),
 * logs at error level only (they would mix with the table); by default the projection in memory
 * alone, without snapshots (what `LIENGANH_SNAPSHOTS=off` runs): each start replays the streams.
 */
export function startCoordination(natsUrl: string, options: { consumerPrefix?: string; store?: CoordinationStore } = {}): Promise<RunningCoordinationService> {
  return startCoordinationService({
    natsUrl,
    port: 0,
    store: options.store ?? new ProjectionOnlyStore(),
    deadlineTickMs: 0,
    logger: createLogger('coordination', 'error'),
    users: BENCH_USERS,
    ...(options.consumerPrefix ? { consumerPrefix: options.consumerPrefix } : {}),
  });
}

/** The tracked target that counts police inspections on the Ba Đình board. */
export function inspectionsTarget(coordination: RunningCoordinationService, plan: Plan): TrackedTarget {
  const tracked = coordination.projector.projection.state.targets.get(targetKey(plan.id, INSPECTIONS_TARGET));
  if (!tracked) throw new Error(`target ${INSPECTIONS_TARGET} of plan ${plan.id} is not on the board`);
  return tracked;
}
