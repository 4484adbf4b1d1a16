import type { CoordinationStore } from './coordination-store.js';
import { ProjectionOnlyStore } from './projection-only.store.js';

/**
 * `MONGODB_URI` set: the MongoDB store; otherwise the projection in memory alone (nothing kept at exit). Each coordination
 * instance keeps its own read models: with `COORDINATION_INSTANCE_ID` its collections are
 * `<id>.checkpoints`, `<id>.tallies`, … (none: the unprefixed names a lone instance always had).
 */
export async function storeFromEnv(env: NodeJS.ProcessEnv): Promise<CoordinationStore> {
  if (!env.MONGODB_URI) return new ProjectionOnlyStore();
  // Loaded only when asked for, so that the default start does not load the driver.
  const { MongoCoordinationStore } = await import('./mongo-coordination.store.js');
  return MongoCoordinationStore.connect(env.MONGODB_URI, env.COORDINATION_INSTANCE_ID ? { collectionPrefix: `${env.COORDINATION_INSTANCE_ID}.` } : {});
}

/**
 * The service's store from the environment: MongoDB with `MONGODB_URI`; otherwise none given, so
 * that the service keeps its default (in memory, kept across restarts by snapshots, ADR 0022), or
 * the same without snapshots when `LIENGANH_SNAPSHOTS=off` (every start replays the streams).
 */
export async function storeOptionsFromEnv(env: NodeJS.ProcessEnv): Promise<{ store?: CoordinationStore; snapshots?: false }> {
  if (env.MONGODB_URI) return { store: await storeFromEnv(env) };
  return env.LIENGANH_SNAPSHOTS === 'off' ? { snapshots: false } : {};
}
