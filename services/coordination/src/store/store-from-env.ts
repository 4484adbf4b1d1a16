import type { CoordinationStore } from './coordination-store.js';
import { InMemoryCoordinationStore } from './in-memory-coordination.store.js';

/**
 * `MONGODB_URI` set: the MongoDB store; otherwise the in-memory default. Each coordination
 * instance keeps its own read models: with `COORDINATION_INSTANCE_ID` its collections are
 * `<id>.checkpoints`, `<id>.tallies`, … (none: the unprefixed names a lone instance always had).
 */
export async function storeFromEnv(env: NodeJS.ProcessEnv): Promise<CoordinationStore> {
  if (!env.MONGODB_URI) return new InMemoryCoordinationStore();
  // Loaded only when asked for, so that the default start does not load the driver.
  const { MongoCoordinationStore } = await import('./mongo-coordination.store.js');
  return MongoCoordinationStore.connect(env.MONGODB_URI, env.COORDINATION_INSTANCE_ID ? { collectionPrefix: `${env.COORDINATION_INSTANCE_ID}.` } : {});
}
