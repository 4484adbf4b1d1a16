import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createUser, fromSeed } from '@nats-io/nkeys';
import { NATS_IDENTITIES, nkeyVariableOf, type NatsIdentity } from './nats-permissions.js';

/** One identity's nkey pair: the seed is its secret, the public key goes into the server's environment. */
export interface NatsKey {
  seed: string;
  publicKey: string;
}

export type NatsKeys = Record<NatsIdentity, NatsKey>;

/** The file of public keys, `LIENGANH_NKEY_<IDENTITY>=U…` a line, that nats-server's environment takes. */
export const NKEYS_ENV_FILE = 'nkeys.env';

/** Fresh keys for every identity, in memory (the test harness makes new ones per server). */
export function createNatsKeys(): NatsKeys {
  return Object.fromEntries(NATS_IDENTITIES.map((identity) => [identity, keyOf(createUser().getSeed())])) as NatsKeys;
}

/** The server's environment for these keys: each identity's public key under its variable. */
export function natsKeysEnv(keys: NatsKeys): Record<string, string> {
  return Object.fromEntries(NATS_IDENTITIES.map((identity) => [nkeyVariableOf(identity), keys[identity].publicKey]));
}

export function seedFileOf(dir: string, identity: NatsIdentity): string {
  return join(dir, `${identity}.nk`);
}

/**
 * Keys kept in `dir`: `<identity>.nk` holds a seed (mode 600), made once and kept; `nkeys.env`
 * the public keys. What `npm start` uses under .data/ and `npx lienganh nats keys` writes.
 */
export function ensureNatsKeys(dir: string): NatsKeys {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const keys = Object.fromEntries(
    NATS_IDENTITIES.map((identity) => {
      const file = seedFileOf(dir, identity);
      if (existsSync(file)) {
        chmodSync(file, 0o600);
        return [identity, keyOf(new TextEncoder().encode(readFileSync(file, 'utf8').trim()))];
      }
      const key = keyOf(createUser().getSeed());
      writeFileSync(file, `${key.seed}\n`, { mode: 0o600 });
      return [identity, key];
    }),
  ) as NatsKeys;
  const env = Object.entries(natsKeysEnv(keys)).map(([name, value]) => `${name}=${value}\n`);
  writeFileSync(join(dir, NKEYS_ENV_FILE), `# Public nkeys of the NATS identities (not secret): nats-server's environment for deploy/nats/auth.conf\n${env.join('')}`);
  return keys;
}

function keyOf(seed: Uint8Array): NatsKey {
  return { seed: new TextDecoder().decode(seed), publicKey: fromSeed(seed).getPublicKey() };
}
