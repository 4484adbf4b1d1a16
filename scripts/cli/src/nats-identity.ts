import { natsSeedFromEnv, NatsSeedError } from '@lienganh/platform';
import { UsageError } from './usage-error.js';

/** The NATS identity a command connects with (`NATS_NKEY_SEED` or `NATS_NKEY_SEED_FILE`); a bad seed is bad usage (exit 2). */
export function natsSeedOfCommand(env: NodeJS.ProcessEnv = process.env): string | undefined {
  try {
    return natsSeedFromEnv(env);
  } catch (error) {
    if (error instanceof NatsSeedError) throw new UsageError(error.message);
    throw error;
  }
}
