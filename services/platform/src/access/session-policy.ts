import { SESSION_MAX_HOURS_LIMIT } from './access-buckets.js';

/** How long a dashboard session lasts (ADR 0013). */
export interface SessionPolicy {
  /** A session unused this long ends. */
  idleMs: number;
  /** A session ends this long after sign-in, however much it is used. */
  maxMs: number;
  /** Milliseconds since the epoch; tests inject one to pass the hours without waiting. */
  clock: () => number;
}

export const DEFAULT_SESSION_POLICY: SessionPolicy = { idleMs: 30 * 60_000, maxMs: 12 * 3_600_000, clock: Date.now };

export class SessionPolicyError extends Error {
  override readonly name = 'SessionPolicyError';
}

/** `LIENGANH_SESSION_IDLE_MINUTES` (default 30) and `LIENGANH_SESSION_MAX_HOURS` (default 12, at most a week). */
export function sessionPolicyFromEnv(env: NodeJS.ProcessEnv = process.env): SessionPolicy {
  const idle = numberFrom(env.LIENGANH_SESSION_IDLE_MINUTES, 'LIENGANH_SESSION_IDLE_MINUTES', 30, 24 * 60);
  const max = numberFrom(env.LIENGANH_SESSION_MAX_HOURS, 'LIENGANH_SESSION_MAX_HOURS', 12, SESSION_MAX_HOURS_LIMIT);
  if (idle * 60_000 > max * 3_600_000) throw new SessionPolicyError(`LIENGANH_SESSION_IDLE_MINUTES (${idle}) must not be longer than LIENGANH_SESSION_MAX_HOURS (${max} h)`);
  return { idleMs: idle * 60_000, maxMs: max * 3_600_000, clock: Date.now };
}

function numberFrom(setting: string | undefined, name: string, fallback: number, most: number): number {
  const raw = setting?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0 || value > most) throw new SessionPolicyError(`${name} must be a number above 0 and at most ${most}, got "${raw}"`);
  return value;
}
