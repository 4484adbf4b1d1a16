import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { LeaseBucket, LeaseHolder } from './lease-bucket.js';

export interface LeaseOptions {
  /**
   * Whether a key someone else holds may be taken at once rather than after its TTL: a
   * previous incarnation of this holder, known to be gone.
   */
  mayTakeOver?: (holder: LeaseHolder) => boolean;
  /** How often the holder renews and a standby tries (default a third of the bucket's TTL). */
  renewEveryMs?: number;
  logger: { warn(message: string): void };
}

/** Holders alive in this process (several services may run in one, as tests do). */
const liveTokens = new Set<string>();

/** This process as a lease holder for `instance`; `retireHolder` when its service closes. */
export function newHolder(instance: string): LeaseHolder {
  const holder = { instance, host: hostname(), pid: process.pid, token: randomBytes(8).toString('hex') };
  liveTokens.add(holder.token);
  return holder;
}

export function retireHolder(holder: LeaseHolder): void {
  liveTokens.delete(holder.token);
}

/**
 * Whether the process that wrote `holder` is gone, as far as this machine can tell: one on this
 * host that no longer runs (or this very process, if that holder was retired). A holder on
 * another host is only known gone when its TTL removes it.
 */
export function holderIsGone(holder: LeaseHolder): boolean {
  if (holder.host !== hostname()) return false;
  if (holder.pid === process.pid) return !liveTokens.has(holder.token);
  try {
    process.kill(holder.pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * One key of the lease bucket, held by at most one holder at a time. The holder renews it
 * (compare-and-set on its revision) every third of the TTL; a standby tries to take it when it
 * is free: never written, released, or removed by the TTL after its holder stopped renewing.
 *
 * `held` is judged on this side too: it lapses a TTL after the last renewal that was sent, which
 * is before the server can remove the entry (its clock starts when the write arrives), so a
 * holder cut off from NATS stops acting before anyone else may take over.
 */
export class Lease {
  private revision: number | undefined;
  private validUntil = 0;
  private attempts: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private wasHeld = false;
  private readonly listeners = new Set<(held: boolean) => void>();
  /** Who held the key at the last attempt that found it taken (for messages). */
  lastSeenHolder: LeaseHolder | undefined;

  constructor(
    private readonly bucket: LeaseBucket,
    readonly key: string,
    readonly holder: LeaseHolder,
    private readonly options: LeaseOptions,
  ) {}

  get held(): boolean {
    return this.revision !== undefined && performance.now() < this.validUntil;
  }

  get renewEveryMs(): number {
    return this.options.renewEveryMs ?? Math.max(50, Math.floor(this.bucket.ttlMs / 3));
  }

  /** Called with the new state whenever `held` is found to have changed (after an attempt). */
  onChange(listener: (held: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** One attempt now (renew if held, take if free); resolves with `held`. Attempts run one at a time. */
  attempt(): Promise<boolean> {
    this.attempts = this.attempts.then(() => this.attemptOnce());
    return this.attempts.then(() => this.held);
  }

  /** Keeps attempting every `renewEveryMs` until `stop` or `release`. */
  start(): void {
    if (this.running) return;
    this.running = true;
    const next = () => {
      if (!this.running) return;
      this.timer = setTimeout(() => void this.attempt().finally(next), this.renewEveryMs);
    };
    next();
  }

  /** Stops attempting; the key is kept until its TTL (what a crash does). */
  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    await this.attempts;
  }

  /** Stops attempting and lets go of the key, so that a standby takes it at its next attempt. */
  async release(): Promise<void> {
    await this.stop();
    const revision = this.revision;
    this.revision = undefined;
    if (revision !== undefined) {
      await this.bucket.release(this.key, revision).catch((error: unknown) => this.options.logger.warn(`lease ${this.key}: release failed (${String(error)}); it lapses after ${this.bucket.ttlMs} ms`));
    }
    this.notify();
  }

  private async attemptOnce(): Promise<void> {
    const sentAt = performance.now();
    try {
      if (this.revision !== undefined) {
        const renewed = await this.bucket.put(this.key, this.holder, this.revision);
        // Someone wrote after the entry lapsed (or a renewal whose answer was lost moved it): looked at below.
        this.revision = renewed;
        if (renewed !== undefined) this.validUntil = sentAt + this.bucket.ttlMs;
      }
      if (this.revision === undefined) {
        const entry = await this.bucket.get(this.key);
        const holder = entry?.holder;
        if (!holder || holder.token === this.holder.token || this.options.mayTakeOver?.(holder)) {
          const taken = await this.bucket.put(this.key, this.holder, entry?.revision ?? 0);
          if (taken !== undefined) {
            this.revision = taken;
            this.validUntil = sentAt + this.bucket.ttlMs;
          }
        } else {
          this.lastSeenHolder = holder;
        }
      }
    } catch (error) {
      // NATS unreachable: `held` lapses on its own; the next attempt tries again.
      this.options.logger.warn(`lease ${this.key}: ${String(error)}`);
    }
    this.notify();
  }

  private notify(): void {
    const held = this.held;
    if (held === this.wasHeld) return;
    this.wasHeld = held;
    for (const listener of this.listeners) listener(held);
  }
}
