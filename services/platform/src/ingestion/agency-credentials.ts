import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { AGENCY_SERVICES, type AgencyService } from '@lienganh/contracts';

/** Agency → ingestion API key. Real identity hardening comes with the security issue. */
export type AgencyKeys = Partial<Record<AgencyService, string>>;

export const DEMO_CREDENTIALS_FILE = '.data/demo-credentials.json';

/**
 * Keys come from `LIENGANH_AGENCY_KEYS` (JSON object agency → key) or from the credentials
 * file (`LIENGANH_CREDENTIALS_FILE`, by default the demo file `npm start` writes).
 */
export function loadAgencyKeys(env: NodeJS.ProcessEnv = process.env): AgencyKeys {
  const inline = env.LIENGANH_AGENCY_KEYS;
  if (inline) return parseKeys(inline, 'LIENGANH_AGENCY_KEYS');
  const file = env.LIENGANH_CREDENTIALS_FILE ?? DEMO_CREDENTIALS_FILE;
  if (!existsSync(file)) return {};
  const content = JSON.parse(readFileSync(file, 'utf8')) as { agencyKeys?: unknown };
  return parseKeys(JSON.stringify(content.agencyKeys ?? {}), file);
}

function parseKeys(json: string, origin: string): AgencyKeys {
  const parsed = JSON.parse(json) as Record<string, unknown>;
  const keys: AgencyKeys = {};
  for (const [agency, key] of Object.entries(parsed)) {
    if (!(AGENCY_SERVICES as readonly string[]).includes(agency) || typeof key !== 'string' || key.length < 16) {
      throw new Error(`${origin}: "${agency}" must be an agency service with a key of at least 16 characters`);
    }
    keys[agency as AgencyService] = key;
  }
  return keys;
}

/** Writes random demo keys for the five agencies unless the file exists; returns the keys. */
export function ensureDemoCredentials(file = DEMO_CREDENTIALS_FILE): AgencyKeys {
  if (existsSync(file)) return loadAgencyKeys({ LIENGANH_CREDENTIALS_FILE: file });
  const agencyKeys = Object.fromEntries(AGENCY_SERVICES.map((agency) => [agency, `demo-${agency}-${randomBytes(18).toString('base64url')}`]));
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify({ note: 'Demo keys only: Authorization: Bearer <key>', agencyKeys }, null, 2)}\n`, { mode: 0o600 });
  return agencyKeys as AgencyKeys;
}

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Which agency a bearer key belongs to, compared in constant time. */
export function agencyOfKey(keys: AgencyKeys, presented: string): AgencyService | undefined {
  const presentedDigest = digest(presented);
  let match: AgencyService | undefined;
  for (const [agency, key] of Object.entries(keys)) {
    if (key && timingSafeEqual(digest(key), presentedDigest)) match = agency as AgencyService;
  }
  return match;
}
