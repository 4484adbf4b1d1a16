import { createHash, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { AgencyCode, contractErrorMap, issuesFromZod } from '@lienganh/contracts';
import { z } from 'zod';

/**
 * Users of the dashboard and the coordination API. The secretariat (văn phòng thường trực
 * BCĐ 138) sees and does everything; an agency officer (cán bộ cơ quan) sees the aggregated
 * views and the person-related records of its own agency's cases; a committee member
 * (thành viên Ban Chỉ đạo) sees aggregates only.
 */
export const ROLES = ['secretariat', 'agency-officer', 'committee-member'] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_NAMES: Record<Role, { vi: string; en: string }> = {
  secretariat: { vi: 'thường trực Ban Chỉ đạo 138', en: 'Committee 138 secretariat' },
  'agency-officer': { vi: 'cán bộ cơ quan', en: 'agency officer' },
  'committee-member': { vi: 'thành viên Ban Chỉ đạo', en: 'committee member' },
};

/** Who is asking, as the guard attaches it to the request; never the token. */
export interface User {
  id: string;
  name: string;
  role: Role;
  /** The agency an officer works for (a body code of the registry: `police`, `border-guard`…). */
  agency?: string;
}

export const UserId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'must be 1-64 letters, digits or . _ - (no spaces)');

export const UserEntry = z
  .strictObject({
    id: UserId,
    name: z.string().trim().min(1).max(200),
    role: z.enum(ROLES),
    agency: AgencyCode.optional(),
    /** SHA-256 of the user's bearer token, hex: the file never holds a token. */
    tokenSha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be the SHA-256 of the token, 64 lower-case hex digits'),
  })
  .refine((user) => (user.role === 'agency-officer') === (user.agency !== undefined), {
    message: 'an agency officer needs "agency"; other roles have none',
    path: ['agency'],
  });
export type UserEntry = z.infer<typeof UserEntry>;

/** `LIENGANH_USERS_FILE`: `{ "users": [{ "id", "name", "role", "agency"?, "tokenSha256" }] }`. */
export const UsersFile = z.strictObject({ users: z.array(UserEntry).max(10_000) }).superRefine((file, context) => {
  const ids = new Set<string>();
  const hashes = new Set<string>();
  file.users.forEach((user, index) => {
    if (ids.has(user.id)) context.addIssue({ code: 'custom', message: `user id "${user.id}" appears twice`, path: ['users', index, 'id'] });
    if (hashes.has(user.tokenSha256)) context.addIssue({ code: 'custom', message: 'two users share one token', path: ['users', index, 'tokenSha256'] });
    ids.add(user.id);
    hashes.add(user.tokenSha256);
  });
});

export class UsersFileError extends Error {
  override readonly name = 'UsersFileError';
}

export const tokenDigest = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

/** The users a service knows; finds the one a presented token belongs to, in constant time. */
export class UserDirectory {
  private readonly entries: { user: User; digest: Buffer }[];

  constructor(users: readonly UserEntry[] = []) {
    this.entries = users.map(({ tokenSha256, ...user }) => ({ user: Object.freeze({ ...user }), digest: Buffer.from(tokenSha256, 'hex') }));
  }

  get size(): number {
    return this.entries.length;
  }

  /** The user whose token this is; every entry is compared, so the time says nothing about which matched. */
  find(token: string): User | undefined {
    return this.findEntry(token)?.user;
  }

  /** The user whose token this is, with the token's SHA-256 (hex), compared in constant time as `find`. */
  findEntry(token: string): { user: User; tokenSha256: string } | undefined {
    const presented = createHash('sha256').update(token, 'utf8').digest();
    let match: { user: User; digest: Buffer } | undefined;
    for (const entry of this.entries) if (timingSafeEqual(entry.digest, presented)) match = entry;
    return match && { user: match.user, tokenSha256: match.digest.toString('hex') };
  }

  /** A user by id, with its token's SHA-256. */
  get(id: string): { user: User; tokenSha256: string } | undefined {
    const entry = this.entries.find((candidate) => candidate.user.id === id);
    return entry && { user: entry.user, tokenSha256: entry.digest.toString('hex') };
  }

  /** Users and roles, without their token hashes (for logs at start). */
  describe(): User[] {
    return this.entries.map((entry) => entry.user);
  }
}

/** Parses a users file's content; every problem is named (`users.2.agency: …`). */
export function parseUsers(json: string, origin: string): UserEntry[] {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new UsersFileError(`${origin}: không phải JSON / not JSON`);
  }
  const result = UsersFile.safeParse(value, { error: contractErrorMap });
  if (!result.success) {
    const problems = issuesFromZod(result.error, '').map((issue) => `${issue.path || '(file)'}: ${issue.message}`);
    throw new UsersFileError(`${origin}: tệp người dùng không hợp lệ / invalid users file: ${problems.join('; ')}`);
  }
  return result.data.users;
}

/**
 * The users named by `LIENGANH_USERS_FILE`. Without it the directory is empty and the API
 * refuses every request (secure by default); a file that cannot be read or is invalid throws.
 */
export function loadUserDirectory(env: NodeJS.ProcessEnv = process.env): UserDirectory {
  const file = env.LIENGANH_USERS_FILE;
  if (!file) return new UserDirectory();
  if (!existsSync(file)) throw new UsersFileError(`LIENGANH_USERS_FILE: không có tệp / no such file: ${file}`);
  return new UserDirectory(parseUsers(readFileSync(file, 'utf8'), file));
}
