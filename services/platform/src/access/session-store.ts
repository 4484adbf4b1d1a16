import { createHash, randomBytes } from 'node:crypto';
import type { NatsConnection } from '@nats-io/transport-node';
import { KvMirror } from '../nats/kv-mirror.js';
import { SESSIONS_BUCKET } from './access-buckets.js';
import type { SessionPolicy } from './session-policy.js';
import type { Account } from './user-accounts.js';

/** A session as the bucket keeps it, under the SHA-256 of its id: whose it is, never the id or a token. */
export interface SessionRecord {
  userId: string;
  /** The user's credential when the session began: a rotated or revoked token ends the session. */
  credential: string;
  startedAt: string;
  lastSeenAt: string;
}

/** 256 random bits, base64url: what the cookie holds. */
const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;
const keyOf = (id: string) => createHash('sha256').update(id).digest('hex');

/**
 * The dashboard's sessions (ADR 0013), in the `PCMD_SESSIONS` bucket, which every coordination
 * instance watches: a session begun on one instance is known to the others, and one ended
 * (signed out, expired, its user revoked) is refused by all of them as soon as the watch brings it.
 * The key is the SHA-256 of the session id: whoever reads the bucket cannot present a session.
 */
export class SessionStore {
  /** How often a session in use rewrites its `lastSeenAt`: not at every request of a dashboard. */
  private readonly touchEveryMs: number;
  private readonly sweeper: NodeJS.Timeout;

  private constructor(
    private readonly mirror: KvMirror<SessionRecord>,
    readonly policy: SessionPolicy,
    private readonly logger?: { warn(message: string): void },
  ) {
    this.touchEveryMs = Math.min(60_000, policy.idleMs / 4);
    // Entries the bucket's age limit removes are not told to watches: forget the expired ones here.
    this.sweeper = setInterval(() => this.sweep(), 60_000).unref();
  }

  static async open(nc: NatsConnection, policy: SessionPolicy, logger?: { warn(message: string): void }): Promise<SessionStore> {
    return new SessionStore(await KvMirror.open<SessionRecord>(nc, SESSIONS_BUCKET, logger ? { logger } : {}), policy, logger);
  }

  /** Begins a session for the account: its id, for the cookie only. */
  async begin(account: Account): Promise<{ id: string; maxAgeSeconds: number }> {
    const id = randomBytes(32).toString('base64url');
    const now = new Date(this.policy.clock()).toISOString();
    await this.mirror.write(keyOf(id), { userId: account.user.id, credential: account.credential, startedAt: now, lastSeenAt: now }, 0);
    return { id, maxAgeSeconds: Math.floor(this.policy.maxMs / 1000) };
  }

  /**
   * The session with this id while it lasts (not idle too long, not past its longest life);
   * undefined otherwise. `touch: false` for a check that is not the user's doing (an open live
   * stream asking whether its session still holds), which must not keep an idle session alive.
   */
  async resolve(id: string, options: { touch?: boolean } = {}): Promise<SessionRecord | undefined> {
    if (!SESSION_ID.test(id)) return undefined;
    const key = keyOf(id);
    // Begun a moment ago on another instance, it may not have come through the watch yet.
    let entry = this.mirror.get(key) ?? (await this.mirror.read(key).catch(() => undefined));
    if (!entry) return undefined;
    const now = this.policy.clock();
    // Used a moment ago on another instance, its new lastSeenAt may not have come through the watch yet: the bucket decides.
    if (this.expired(entry.value, now)) entry = await this.mirror.read(key).catch(() => entry);
    if (!entry) return undefined;
    if (this.expired(entry.value, now)) {
      void this.mirror.remove(key).catch(() => undefined);
      return undefined;
    }
    if (options.touch !== false && now - Date.parse(entry.value.lastSeenAt) >= this.touchEveryMs) {
      // Compare-and-set: a session ended meanwhile (signed out elsewhere) is not brought back.
      void this.mirror.write(key, { ...entry.value, lastSeenAt: new Date(now).toISOString() }, entry.revision).catch(() => undefined);
    }
    return entry.value;
  }

  /** Ends a session (sign-out): every instance refuses it once the watch brings the removal. */
  async end(id: string): Promise<void> {
    if (SESSION_ID.test(id)) await this.mirror.remove(keyOf(id));
  }

  /** Ends every session of a user (its token revoked or rotated): tidiness, since they no longer resolve to the user anyway. */
  async endAllOf(userId: string): Promise<number> {
    const keys = [...this.mirror.entries()].filter(([, entry]) => entry.value.userId === userId).map(([key]) => key);
    for (const key of keys) await this.mirror.remove(key).catch((error) => this.logger?.warn(`a session could not be removed: ${String(error)}`));
    return keys.length;
  }

  close(): void {
    clearInterval(this.sweeper);
    this.mirror.close();
  }

  private expired(session: SessionRecord, now: number): boolean {
    return now - Date.parse(session.startedAt) >= this.policy.maxMs || now - Date.parse(session.lastSeenAt) >= this.policy.idleMs;
  }

  private sweep(): void {
    const now = this.policy.clock();
    for (const [key, entry] of [...this.mirror.entries()]) if (this.expired(entry.value, now)) this.mirror.forget(key);
  }
}
