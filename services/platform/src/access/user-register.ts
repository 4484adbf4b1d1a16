import { randomBytes } from 'node:crypto';
import type { NatsConnection } from '@nats-io/transport-node';
import { KvMirror } from '../nats/kv-mirror.js';
import { USERS_BUCKET } from './access-buckets.js';
import { tokenDigest, type Role } from './users.js';

/**
 * A user as the register of users keeps it (ADR 0013): issued at run time, or a user of the
 * users file (the seed) whose token was rotated or revoked since. Never a token: its SHA-256.
 */
export interface UserRecord {
  id: string;
  name: string;
  role: Role;
  agency?: string;
  /** `issued`: made at run time; `seed`: from the users file (or the demo users), changed at run time. */
  origin: 'issued' | 'seed';
  /** The token in force; none once revoked. */
  token?: { sha256: string; issuedAt: string; issuedBy: string };
  /** The last revocation. */
  revoked?: { at: string; by: string };
}

/** A fresh user token: 256 random bits, shown once to whoever issued it. */
export function newUserToken(): { token: string; sha256: string } {
  const token = `lgu_${randomBytes(32).toString('base64url')}`;
  return { token, sha256: tokenDigest(token) };
}

/**
 * The register of users as this process sees it: the `PCMD_USERS` bucket kept in memory by a
 * watch, so that a token issued on one coordination instance works on every other at once and a
 * revoked one is refused as soon as the watch brings the revocation (the tests require 5 s).
 */
export class UserRegister {
  /** SHA-256 of each token in force → the user's id. */
  private readonly byDigest = new Map<string, string>();
  private readonly digestOf = new Map<string, string>();

  private constructor(private readonly mirror: KvMirror<UserRecord>) {}

  static async open(nc: NatsConnection, logger?: { warn(message: string): void }): Promise<UserRegister> {
    let register: UserRegister | undefined;
    const seen: [string, UserRecord | undefined][] = [];
    const mirror = await KvMirror.open<UserRecord>(nc, USERS_BUCKET, {
      // Entries the watch brings before the register exists are indexed once it does.
      onEntry: (id, record) => (register ? register.index(id, record) : seen.push([id, record])),
      ...(logger ? { logger } : {}),
    });
    register = new UserRegister(mirror);
    for (const [id, record] of seen) register.index(id, record);
    return register;
  }

  get(id: string): { record: UserRecord; revision: number } | undefined {
    const entry = this.mirror.get(id);
    return entry && { record: entry.value, revision: entry.revision };
  }

  all(): UserRecord[] {
    return [...this.mirror.entries()].map(([, entry]) => entry.value);
  }

  /**
   * The user whose token has this SHA-256, if it is in force. A lookup by digest: the digest of a
   * guess says nothing about a real token, so no constant-time loop is needed (as for bodies' keys).
   */
  userOfDigest(sha256: string): UserRecord | undefined {
    const id = this.byDigest.get(sha256);
    return id === undefined ? undefined : this.mirror.get(id)?.value;
  }

  /** The entry as the bucket has it now, with its revision (0: none), for a compare-and-set write. */
  async read(id: string): Promise<{ record: UserRecord; revision: number } | undefined> {
    const entry = await this.mirror.read(id);
    return entry && { record: entry.value, revision: entry.revision };
  }

  /** `revision` 0 creates the entry (fails if another did), otherwise compare-and-set. */
  write(record: UserRecord, revision: number): Promise<number> {
    return this.mirror.write(record.id, record, revision);
  }

  close(): void {
    this.mirror.close();
  }

  private index(id: string, record: UserRecord | undefined): void {
    const previous = this.digestOf.get(id);
    if (previous !== undefined) this.byDigest.delete(previous);
    this.digestOf.delete(id);
    if (record?.token) {
      this.byDigest.set(record.token.sha256, id);
      this.digestOf.set(id, record.token.sha256);
    }
  }
}
