import { createHash } from 'node:crypto';
import type { UserRecord, UserRegister } from './user-register.js';
import { tokenDigest, type User, type UserDirectory } from './users.js';

/**
 * A user with what its sessions are bound to: `credential` changes whenever its token is rotated
 * or revoked, so that a session started with the old token ends with it, on every instance.
 */
export interface Account {
  user: User;
  credential: string;
}

/** A user as `GET /api/v1/users` lists it: never a token or its digest. */
export interface AccountListing extends User {
  origin: 'file' | 'issued';
  state: 'active' | 'revoked';
  issuedAt?: string;
  issuedBy?: string;
  revokedAt?: string;
  revokedBy?: string;
}

/** Not the token's digest itself, which only the users file and the register hold. */
const credentialOf = (tokenSha256: string) => createHash('sha256').update(`lienganh-session-credential:${tokenSha256}`).digest('hex').slice(0, 32);

const userOf = (record: UserRecord): User => Object.freeze({ id: record.id, name: record.name, role: record.role, ...(record.agency ? { agency: record.agency } : {}) });

/**
 * The users coordination knows: the seed (the users file, or the demo users) overlaid by the
 * register of users (issued, rotated and revoked at run time, ADR 0013). An entry in the register
 * wins over the seed's user of the same id: a rotated seed user's old token no longer works, a
 * revoked one none, also after a restart, since the register outlives the process.
 */
export class UserAccounts {
  constructor(
    readonly seed: UserDirectory,
    private readonly register?: UserRegister,
  ) {}

  /** Users with a token in force. */
  get size(): number {
    return this.list().filter((listing) => listing.state === 'active').length;
  }

  /** The account whose token this is, if it is in force. */
  find(token: string): Account | undefined {
    const registered = this.register?.userOfDigest(tokenDigest(token));
    if (registered?.token) return { user: userOf(registered), credential: credentialOf(registered.token.sha256) };
    const seeded = this.seed.findEntry(token);
    if (!seeded || this.register?.get(seeded.user.id)) return undefined; // changed at run time: the register says
    return { user: seeded.user, credential: credentialOf(seeded.tokenSha256) };
  }

  /** The account of a user id as it stands now (none when unknown or revoked). */
  byId(id: string): Account | undefined {
    const registered = this.register?.get(id)?.record;
    if (registered) return registered.token ? { user: userOf(registered), credential: credentialOf(registered.token.sha256) } : undefined;
    const seeded = this.seed.get(id);
    return seeded && { user: seeded.user, credential: credentialOf(seeded.tokenSha256) };
  }

  /** Every user, the seed's and the register's, by id. */
  list(): AccountListing[] {
    const listed = new Map<string, AccountListing>();
    for (const user of this.seed.describe()) listed.set(user.id, { ...user, origin: 'file', state: 'active' });
    for (const record of this.register?.all() ?? []) listed.set(record.id, listingOf(record));
    return [...listed.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
  }
}

export function listingOf(record: UserRecord): AccountListing {
  return {
    ...userOf(record),
    origin: record.origin === 'seed' ? 'file' : 'issued',
    state: record.token ? 'active' : 'revoked',
    ...(record.token ? { issuedAt: record.token.issuedAt, issuedBy: record.token.issuedBy } : {}),
    ...(record.revoked && !record.token ? { revokedAt: record.revoked.at, revokedBy: record.revoked.by } : {}),
  };
}
