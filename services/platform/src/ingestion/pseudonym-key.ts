import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MIN_PSEUDONYM_KEY_BYTES, type AgencyService } from '@lienganh/contracts';

/**
 * An agency service's pseudonymisation key: with it the service turns the record keys its
 * agency's systems send into `sr_…` subject references (`subjectRefOf`). It is the agency's
 * alone and never leaves the service: not on the bus, not in the outbox, not in a log.
 */
export class PseudonymKeyError extends Error {
  override readonly name = 'PseudonymKeyError';
}

/**
 * `LIENGANH_PSEUDONYM_KEY` (inline, for tests and development) or the file named by
 * `LIENGANH_PSEUDONYM_KEY_FILE`; none: the service runs but refuses record keys.
 */
export function pseudonymKeyFromEnv(env: NodeJS.ProcessEnv = process.env): Buffer | undefined {
  if (env.LIENGANH_PSEUDONYM_KEY) return parsePseudonymKey(env.LIENGANH_PSEUDONYM_KEY, 'LIENGANH_PSEUDONYM_KEY');
  const file = env.LIENGANH_PSEUDONYM_KEY_FILE;
  if (!file) return undefined;
  let content: string;
  try {
    content = readFileSync(file, 'utf8');
  } catch (error) {
    throw new PseudonymKeyError(`LIENGANH_PSEUDONYM_KEY_FILE: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  return parsePseudonymKey(content, `LIENGANH_PSEUDONYM_KEY_FILE (${file})`);
}

/** Hex (an even number of hex digits) or base64/base64url, of at least 32 bytes; the key itself is never in a message. */
export function parsePseudonymKey(text: string, origin: string): Buffer {
  const value = text.trim();
  let key: Buffer | undefined;
  if (/^(?:[0-9a-fA-F]{2})+$/.test(value)) key = Buffer.from(value, 'hex');
  else if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(value)) key = Buffer.from(value, 'base64'); // Node reads base64url's alphabet too
  if (!key || key.length < MIN_PSEUDONYM_KEY_BYTES) {
    throw new PseudonymKeyError(
      `${origin}: must hold at least ${MIN_PSEUDONYM_KEY_BYTES} random bytes as hex or base64 (e.g. openssl rand -base64 32)`,
    );
  }
  return key;
}

export function pseudonymKeyFileOf(dir: string, agency: AgencyService): string {
  return join(dir, `${agency}.key`);
}

/** The key kept in `<dir>/<agency>.key` (mode 600), made once: what `npm start` gives each agency service. */
export function ensurePseudonymKey(dir: string, agency: AgencyService): Buffer {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = pseudonymKeyFileOf(dir, agency);
  if (existsSync(file)) {
    chmodSync(file, 0o600);
    return parsePseudonymKey(readFileSync(file, 'utf8'), file);
  }
  const key = randomBytes(MIN_PSEUDONYM_KEY_BYTES);
  writeFileSync(file, `${key.toString('base64')}\n`, { mode: 0o600 });
  return key;
}
