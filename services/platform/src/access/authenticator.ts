import type { Request } from 'express';
import { bearerToken, sessionCookie } from './presented-token.js';
import type { SessionStore } from './session-store.js';
import type { UserAccounts } from './user-accounts.js';
import type { User } from './users.js';

/** Injection token of coordination's `Authenticator`. */
export const AUTHENTICATOR = Symbol('AUTHENTICATOR');

/**
 * Who a request is (ADR 0013): the user of its bearer token, else of its dashboard session, as
 * they stand now (a token revoked or rotated on any instance is refused as soon as the register's
 * watch brings it; so is a session of that token). Decided once per request: the rate limit (per
 * user) and the guard ask the same.
 */
export class Authenticator {
  private readonly decided = new WeakMap<Request, Promise<User | undefined>>();

  constructor(
    readonly accounts: UserAccounts,
    readonly sessions: SessionStore,
  ) {}

  userOf(request: Request): Promise<User | undefined> {
    let user = this.decided.get(request);
    if (!user) {
      user = this.decide(request);
      this.decided.set(request, user);
    }
    return user;
  }

  /**
   * Who the request is now, decided again (not the answer kept for the request): for a live stream
   * that must end once its session or token does. Does not count as a use of the session.
   */
  recheck(request: Request): Promise<User | undefined> {
    return this.decide(request, false);
  }

  /** A session for the user whose token this is; undefined for an unknown or revoked token. */
  async signIn(token: string): Promise<{ user: User; session: { id: string; maxAgeSeconds: number } } | undefined> {
    const account = this.accounts.find(token);
    if (!account) return undefined;
    return { user: account.user, session: await this.sessions.begin(account) };
  }

  /** Ends the request's session, if it has one. */
  async signOut(request: Request): Promise<void> {
    const id = sessionCookie(request);
    if (id) await this.sessions.end(id);
  }

  private async decide(request: Request, touch = true): Promise<User | undefined> {
    const token = bearerToken(request);
    if (token) return this.accounts.find(token)?.user;
    const id = sessionCookie(request);
    if (!id) return undefined;
    const session = await this.sessions.resolve(id, { touch });
    if (!session) return undefined;
    const account = this.accounts.byId(session.userId);
    return account && account.credential === session.credential ? account.user : undefined;
  }
}
