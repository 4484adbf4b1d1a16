import { createHash } from 'node:crypto';
import { HttpException, Injectable, Module, type ExecutionContext, type Type } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import type { ThrottlerLimitDetail, ThrottlerStorage } from '@nestjs/throttler';
import type { Request, Response } from 'express';
import { presentedToken } from '../access/presented-token.js';

/**
 * Requests one client may make per window; a client is its signed-in user (whatever token or
 * session it uses, when the service knows users), else its bearer key or token (or session), else its address.
 */
export interface RateLimit {
  limit: number;
  windowMs: number;
}

export const DEFAULT_RATE_LIMIT: RateLimit = { limit: 6_000, windowMs: 60_000 };
/** One address may make this many times a client's limit: keys made up on the fly do not escape the limit. */
export const ADDRESS_FACTOR = 10;
/** Probes and scrapes are never limited. */
const UNLIMITED_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * `LIENGANH_RATE_LIMIT` (requests per client per window, default 6,000; `off` for none) and
 * `LIENGANH_RATE_LIMIT_WINDOW_MS` (default 60,000).
 */
export function rateLimitFromEnv(env: NodeJS.ProcessEnv = process.env): RateLimit | false {
  const raw = env.LIENGANH_RATE_LIMIT?.trim();
  if (raw === 'off') return false;
  const limit = raw ? Number(raw) : DEFAULT_RATE_LIMIT.limit;
  const windowMs = env.LIENGANH_RATE_LIMIT_WINDOW_MS ? Number(env.LIENGANH_RATE_LIMIT_WINDOW_MS) : DEFAULT_RATE_LIMIT.windowMs;
  if (!Number.isSafeInteger(limit) || limit < 1) throw new Error(`LIENGANH_RATE_LIMIT must be a whole number of requests (or "off"), got "${raw}"`);
  if (!Number.isSafeInteger(windowMs) || windowMs < 1) throw new Error(`LIENGANH_RATE_LIMIT_WINDOW_MS must be a whole number of milliseconds, got "${env.LIENGANH_RATE_LIMIT_WINDOW_MS}"`);
  return { limit, windowMs };
}

/** A counter per client and window: O(1) a request (the library's own storage keeps a timestamp per hit). */
export class FixedWindowStorage implements ThrottlerStorage {
  private readonly windows = new Map<string, { endsAt: number; hits: number }>();

  constructor(private readonly clock: () => number = Date.now) {}

  async increment(key: string, ttl: number, limit: number): Promise<Omit<ThrottlerLimitDetail, 'ttl' | 'limit' | 'key' | 'tracker'>> {
    const now = this.clock();
    let window = this.windows.get(key);
    if (!window || now >= window.endsAt) {
      if (this.windows.size >= 10_000) this.sweep(now);
      window = { endsAt: now + ttl, hits: 0 };
      this.windows.set(key, window);
    }
    window.hits++;
    const timeToExpire = Math.max(1, Math.ceil((window.endsAt - now) / 1000));
    const isBlocked = window.hits > limit;
    return { totalHits: window.hits, timeToExpire, isBlocked, timeToBlockExpire: isBlocked ? timeToExpire : 0 };
  }

  private sweep(now: number): void {
    for (const [key, window] of this.windows) if (window.endsAt <= now) this.windows.delete(key);
  }
}

const digest = (value: string) => createHash('sha256').update(value).digest('hex').slice(0, 32);
/** The client's address: behind a proxy named by `TRUST_PROXY`, the one the proxy forwarded (`trust-proxy.ts`). */
const addressOf = (request: Request) => `ip:${request.ip ?? request.socket.remoteAddress ?? 'unknown'}`;

/** The signed-in user a request is, if the service knows users (coordination): its id. */
export type UserOfRequest = (request: Request) => Promise<string | undefined>;

/**
 * `module` behind the rate limit: a per-client throttler and a per-address one (ADDRESS_FACTOR
 * times larger), answering 429 with `Retry-After` and a bilingual message.
 */
export async function withRateLimit(module: Type, rateLimit: RateLimit, userOf?: UserOfRequest): Promise<Type> {
  // @nestjs/throttler is CommonJS requiring @nestjs/common (ESM only): loaded once Nest is, since
  // Jest cannot link that pair statically (a require(esm) cycle).
  const { ThrottlerGuard, ThrottlerModule } = await import('@nestjs/throttler');

  @Injectable()
  class ClientThrottlerGuard extends ThrottlerGuard {
    protected override async shouldSkip(context: ExecutionContext): Promise<boolean> {
      return context.getType() !== 'http' || UNLIMITED_PATHS.has(context.switchToHttp().getRequest<Request>().path);
    }

    protected override async getTracker(request: Record<string, any>): Promise<string> {
      // Per user: a user's tokens and sessions share one limit (signing in again does not reset it).
      const user = userOf ? await userOf(request as Request) : undefined;
      if (user !== undefined) return `user:${digest(user)}`;
      const token = presentedToken(request as Request);
      return token ? `key:${digest(token)}` : addressOf(request as Request);
    }

    protected override async throwThrottlingException(context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
      context.switchToHttp().getResponse<Response>().setHeader('Retry-After', String(detail.timeToBlockExpire));
      throw new HttpException(
        {
          error: 'too-many-requests',
          message: `Quá nhiều yêu cầu, thử lại sau ${detail.timeToBlockExpire} giây / too many requests: at most ${detail.limit} per ${detail.ttl / 1000} s, retry after ${detail.timeToBlockExpire} s`,
        },
        429,
      );
    }
  }

  @Module({
    imports: [
      module,
      ThrottlerModule.forRoot({
        throttlers: [
          { name: 'default', limit: rateLimit.limit, ttl: rateLimit.windowMs },
          { name: 'address', limit: rateLimit.limit * ADDRESS_FACTOR, ttl: rateLimit.windowMs, getTracker: (request) => addressOf(request as Request) },
        ],
        storage: new FixedWindowStorage(),
        // Per client across every route (the library's default counts each route apart).
        generateKey: (_context, tracker, name) => `${name}|${tracker}`,
      }),
    ],
    providers: [{ provide: APP_GUARD, useClass: ClientThrottlerGuard }],
  })
  class RateLimitedModule {}
  return RateLimitedModule;
}
