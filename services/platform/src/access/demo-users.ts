import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { AGENCY_SERVICES } from '@lienganh/contracts';
import { DEMO_CREDENTIALS_FILE } from '../ingestion/agency-credentials.js';
import { tokenDigest, type Role, type UserEntry } from './users.js';

/** The users file `npm start` writes beside the demo credentials: `LIENGANH_USERS_FILE` format, hashes only. */
export const DEMO_USERS_FILE = '.data/demo-users.json';

/** A demo user as `.data/demo-credentials.json` keeps it: with its token, for the person trying the system. */
export interface DemoUser {
  id: string;
  name: string;
  role: Role;
  agency?: string;
  token: string;
}

const AGENCY_NAMES: Record<string, string> = { labour: 'Lao động - TB&XH / labour', police: 'Công an / police', health: 'Y tế / health', culture: 'Văn hóa / culture', justice: 'Tư pháp / justice' };

function demoUsers(): DemoUser[] {
  const token = () => `lg_${randomBytes(24).toString('base64url')}`;
  return [
    { id: 'demo-secretariat', name: 'Thường trực BCĐ 138 (demo) / Committee 138 secretariat (demo)', role: 'secretariat', token: token() },
    { id: 'demo-committee', name: 'Thành viên BCĐ 138 (demo) / committee member (demo)', role: 'committee-member', token: token() },
    ...AGENCY_SERVICES.map((agency): DemoUser => ({ id: `demo-officer-${agency}`, name: `Cán bộ ${AGENCY_NAMES[agency]} (demo)`, role: 'agency-officer', agency, token: token() })),
  ];
}

/**
 * Adds demo users (a secretariat user, a committee member, an officer per agency service) with
 * random tokens to the demo credentials file unless it has them, keeping what else it holds
 * (mode 600), and writes their token hashes to `usersFile`. Returns the users file's entries.
 */
export function ensureDemoUsers(credentialsFile = DEMO_CREDENTIALS_FILE, usersFile = DEMO_USERS_FILE): UserEntry[] {
  const credentials = existsSync(credentialsFile) ? (JSON.parse(readFileSync(credentialsFile, 'utf8')) as Record<string, unknown>) : {};
  let users = Array.isArray(credentials.users) ? (credentials.users as DemoUser[]) : undefined;
  if (!users || users.length === 0) {
    users = demoUsers();
    mkdirSync(dirname(credentialsFile), { recursive: true });
    writeFileSync(credentialsFile, `${JSON.stringify({ ...credentials, users }, null, 2)}\n`, { mode: 0o600 });
    chmodSync(credentialsFile, 0o600); // `mode` applies only to a new file
  }
  const entries: UserEntry[] = users.map(({ token, ...user }) => ({ ...user, tokenSha256: tokenDigest(token) }));
  mkdirSync(dirname(usersFile), { recursive: true });
  writeFileSync(usersFile, `${JSON.stringify({ users: entries }, null, 2)}\n`, { mode: 0o600 });
  chmodSync(usersFile, 0o600);
  return entries;
}

/** The token of the first demo user with `role` in the credentials file, if the file and the user exist. */
export function demoUserToken(role: Role = 'secretariat', credentialsFile = DEMO_CREDENTIALS_FILE): string | undefined {
  if (!existsSync(credentialsFile)) return undefined;
  try {
    const { users } = JSON.parse(readFileSync(credentialsFile, 'utf8')) as { users?: DemoUser[] };
    return users?.find((user) => user.role === role)?.token;
  } catch {
    return undefined;
  }
}
