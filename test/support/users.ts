import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AGENCY_SERVICES } from '@lienganh/contracts';
import { tokenDigest, type Role, type UserEntry } from '@lienganh/platform';

/**
 * Users for tests of coordination's API: a secretariat user, a committee member and an officer
 * per agency service, each with a fixed token. `startCoordinationService({ users: TEST_USERS })`,
 * then `tokens.secretariat` etc. in `Authorization: Bearer`.
 */
export const tokens = {
  secretariat: 'test-token-secretariat-0123456789',
  committee: 'test-token-committee-0123456789',
  labour: 'test-token-officer-labour-0123456789',
  police: 'test-token-officer-police-0123456789',
  health: 'test-token-officer-health-0123456789',
  culture: 'test-token-officer-culture-0123456789',
  justice: 'test-token-officer-justice-0123456789',
} as const;

const entry = (id: string, role: Role, token: string, agency?: string): UserEntry => ({ id, name: id, role, ...(agency ? { agency } : {}), tokenSha256: tokenDigest(token) });

export const TEST_USERS: UserEntry[] = [
  entry('test-secretariat', 'secretariat', tokens.secretariat),
  entry('test-committee', 'committee-member', tokens.committee),
  ...AGENCY_SERVICES.map((agency) => entry(`test-officer-${agency}`, 'agency-officer', tokens[agency], agency)),
];

/** `Authorization: Bearer <token>` (the secretariat's by default). */
export const asUser = (token: string = tokens.secretariat) => ({ authorization: `Bearer ${token}` });

/** GET with a user's token; the status and the parsed JSON body. */
export async function getAs(url: string, token: string = tokens.secretariat): Promise<{ status: number; body: any }> {
  const response = await fetch(url, { headers: { accept: 'application/json', ...asUser(token) } });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

/** TEST_USERS as a `LIENGANH_USERS_FILE` in `dir`, for a coordination service run as its own process; returns its path. */
export function writeUsersFile(dir: string): string {
  const file = join(dir, 'users.json');
  writeFileSync(file, JSON.stringify({ users: TEST_USERS }), { mode: 0o600 });
  return file;
}
