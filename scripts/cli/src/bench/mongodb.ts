import { storeFromEnv, type CoordinationStore } from '@lienganh/coordination';

/** MONGODB_URI from the environment, or undefined: the MongoDB measurements are then skipped. */
export const mongoUri = (): string | undefined => process.env.MONGODB_URI || undefined;

export const MONGODB_SKIPPED = 'MONGODB_URI is not set (no MongoDB server here): set it to measure projection and replay with the MongoDB store';

/**
 * A MongoDB store on a database of its own (`lienganh_bench_<pid>`, emptied first), so that
 * the benchmark never touches the read models of a running system on the same server.
 */
export async function benchMongoStore(uri: string): Promise<CoordinationStore> {
  const store = await storeFromEnv({ MONGODB_URI: benchDatabaseUri(uri) });
  await store.clear();
  return store;
}

/** Empties the benchmark's database at the end. */
export async function clearBenchMongo(uri: string): Promise<void> {
  const store = await benchMongoStore(uri);
  await store.close();
}

/**
 * The same server and options, the database `lienganh_bench_<pid>`. A database named in the URI
 * stays the authentication database (authSource), as the driver would have used it.
 */
export function benchDatabaseUri(uri: string): string {
  const match = /^(mongodb(?:\+srv)?:\/\/[^/?]+)(?:\/([^?]*))?(?:\?(.*))?$/.exec(uri);
  if (!match) throw new Error('MONGODB_URI is not a mongodb:// or mongodb+srv:// URI');
  const [, server, database, query] = match;
  const params = new URLSearchParams(query ?? '');
  if (database && !params.has('authSource')) params.set('authSource', decodeURIComponent(database));
  const options = params.toString();
  return `${server}/lienganh_bench_${process.pid}${options ? `?${options}` : ''}`;
}
