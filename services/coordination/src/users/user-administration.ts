import { randomUUID } from 'node:crypto';
import { AgencyCode, ContractError, contractErrorMap, coordinationUserTokenChanged, issuesFromZod, STREAMS, type EventData } from '@lienganh/contracts';
import { listingOf, newUserToken, replayEvents, ROLES, UserId, type AccountListing, type SessionStore, type User, type UserAccounts, type UserRecord, type UserRegister } from '@lienganh/platform';
import type { NatsConnection } from '@nats-io/transport-node';
import { z } from 'zod';
import type { Clock } from '../http/tokens.js';
import type { CoordinationPublisher } from '../publishing/coordination-publisher.js';

/** What the secretariat sends to issue a user: who, never a token (the service makes it). */
const NewUser = z
  .strictObject({ id: UserId, name: z.string().trim().min(1).max(200), role: z.enum(ROLES), agency: AgencyCode.optional() })
  .refine((user) => (user.role === 'agency-officer') === (user.agency !== undefined), { message: 'an agency officer needs "agency"; other roles have none', path: ['agency'] });

export class UserExistsError extends Error {
  override readonly name = 'UserExistsError';
}
/** Revoking it would leave no secretariat user to issue tokens. */
export class LastSecretariatError extends Error {
  override readonly name = 'LastSecretariatError';
}
export class UnknownUserError extends Error {
  override readonly name = 'UnknownUserError';
}
/** The change could not be recorded in the audit trail: nothing was changed. */
export class ChangeNotRecordedError extends Error {
  override readonly name = 'ChangeNotRecordedError';
}

/** A token as issued or rotated: in this answer only. */
export interface IssuedToken {
  user: User;
  token: string;
  issuedAt: string;
}

/** One step of the audit trail of users' tokens. */
export type TokenChange = { id: string; time: string } & Omit<EventData<typeof coordinationUserTokenChanged>, 'changeId'>;

/**
 * The secretariat's administration of users (ADR 0013): tokens issued, rotated and revoked at run
 * time in the `PCMD_USERS` bucket, in force on every coordination instance within the watch's
 * delivery. Each change is recorded first as `coordination.user-token.changed` on coordination's
 * stream (who, whose, what, when; never the token): a change the trail cannot keep is not made.
 * Rotating or revoking a token ends the user's sessions.
 */
export class UserAdministration {
  constructor(
    private readonly accounts: UserAccounts,
    private readonly register: UserRegister,
    private readonly sessions: SessionStore,
    private readonly agencies: () => { has(code: string): boolean },
    private readonly publisher: CoordinationPublisher,
    private readonly nc: NatsConnection,
    private readonly clock: Clock,
  ) {}

  list(): AccountListing[] {
    return this.accounts.list();
  }

  /** A new user with a token (or a revoked user's new token): 400 naming the field, 409 when the user has a token in force. */
  async issue(input: unknown, by: User): Promise<IssuedToken> {
    const parsed = NewUser.safeParse(input, { error: contractErrorMap });
    if (!parsed.success) throw new ContractError(issuesFromZod(parsed.error, 'body'));
    const { id, name, role, agency } = parsed.data;
    if (agency !== undefined && !this.agencies().has(agency)) {
      throw new ContractError([{ path: 'body.agency', message: `no body "${agency}" in the registry: an officer works for an agency service or a body a plan names or the secretariat registered` }]);
    }
    if (this.accounts.byId(id)) throw new UserExistsError(`user "${id}" already has a token in force: rotate it (POST /api/v1/users/${id}/token) or revoke it first`);
    const stored = await this.register.read(id);
    const origin = stored?.record.origin ?? (this.accounts.seed.get(id) ? 'seed' : 'issued');
    const user: User = { id, name, role, ...(agency ? { agency } : {}) };
    return this.withNewToken({ ...user, origin }, stored?.revision ?? 0, 'issued', by);
  }

  /** A new token for a user with one in force (the old one stops working, its sessions end): 404 otherwise. */
  async rotate(id: string, by: User): Promise<IssuedToken> {
    const { record, revision } = await this.current(id);
    return this.withNewToken(record, revision, 'rotated', by);
  }

  /** Revokes a user's token: refused everywhere within seconds, the user's sessions ended. */
  async revoke(id: string, by: User): Promise<AccountListing> {
    const { record, revision } = await this.current(id);
    // Without a secretariat user nobody could issue a token again short of editing the users file and restarting.
    const secretariat = this.accounts.list().filter((user) => user.role === 'secretariat' && user.state === 'active');
    if (record.role === 'secretariat' && secretariat.length <= 1) throw new LastSecretariatError(`"${id}" is the last secretariat user with a token in force: issue another secretariat user first`);
    const { token: _token, ...rest } = record;
    const revoked: UserRecord = { ...rest, revoked: { at: this.clock.now().toISOString(), by: by.id } };
    await this.madeAfterRecording(record, 'revoked', by, () => this.register.write(revoked, revision));
    await this.sessions.endAllOf(id);
    return listingOf(revoked);
  }

  /** Who issued, rotated or revoked a user's token, and when, oldest first (every user's when `userId` is absent). */
  async history(userId?: string): Promise<TokenChange[]> {
    const changes: TokenChange[] = [];
    await replayEvents(this.nc, STREAMS.coordinationEvents.name, coordinationUserTokenChanged.subject, (event) => {
      if (event.type !== coordinationUserTokenChanged.type) return;
      const { changeId: _id, ...data } = event.data as EventData<typeof coordinationUserTokenChanged>;
      if (userId === undefined || data.userId === userId) changes.push({ id: event.id, time: event.time, ...data });
    });
    return changes;
  }

  private async withNewToken(base: Omit<UserRecord, 'token' | 'revoked'> & Partial<UserRecord>, revision: number, change: 'issued' | 'rotated', by: User): Promise<IssuedToken> {
    const { token, sha256 } = newUserToken();
    const issuedAt = this.clock.now().toISOString();
    const { revoked: _revoked, token: _old, ...rest } = base;
    const record: UserRecord = { ...rest, token: { sha256, issuedAt, issuedBy: by.id } };
    await this.madeAfterRecording(record, change, by, () => this.register.write(record, revision));
    if (change === 'rotated') await this.sessions.endAllOf(record.id);
    return { user: { id: record.id, name: record.name, role: record.role, ...(record.agency ? { agency: record.agency } : {}) }, token, issuedAt };
  }

  /** A user with a token in force, as the register has it (made from the seed's entry for a user of the users file). */
  private async current(id: string): Promise<{ record: UserRecord; revision: number }> {
    const account = this.accounts.byId(id);
    if (!account) throw new UnknownUserError(`no user "${id}" with a token in force`);
    const stored = await this.register.read(id);
    if (stored) return stored;
    return { record: { ...account.user, origin: 'seed' }, revision: 0 };
  }

  /**
   * The audit trail first (a change that cannot be recorded is not made), then the change; when
   * the register cannot be written after all, a second record takes the first back, so the trail
   * never shows a change that was not made.
   */
  private async madeAfterRecording(record: Pick<UserRecord, 'id' | 'role' | 'agency'>, change: 'issued' | 'rotated' | 'revoked', by: User, make: () => Promise<unknown>): Promise<void> {
    const recorded = await this.recordChange(record, change, by).catch((error: unknown) => {
      throw new ChangeNotRecordedError(`the change could not be recorded in the audit trail: ${error instanceof Error ? error.message : String(error)}`);
    });
    try {
      await make();
    } catch (error) {
      await this.recordChange(record, change, by, recorded);
      throw error;
    }
  }

  /** Publishes one record of the audit trail; its changeId. */
  private async recordChange(record: Pick<UserRecord, 'id' | 'role' | 'agency'>, change: 'issued' | 'rotated' | 'revoked', by: User, withdraws?: string): Promise<string> {
    const changeId = `ut-${randomUUID()}`;
    await this.publisher.publish(
      coordinationUserTokenChanged,
      { changeId, userId: record.id, role: record.role, ...(record.agency ? { userAgency: record.agency } : {}), change, changedBy: by.id, ...(withdraws ? { withdraws } : {}) },
      { id: changeId, time: this.clock.now() },
    );
    return changeId;
  }
}
