import type { Lease } from './lease.js';

export interface LeadershipOptions {
  /** The `leader` key of the lease bucket. */
  lease: Lease;
  /**
   * Whether this instance has applied everything on coordination's stream so far (alerts a
   * previous leader raised among them): a new leader rules on deadlines only after that.
   */
  settled: () => Promise<boolean>;
  /** Singleton work starts (alert delivery); awaited before `leads` is true. */
  onLead: () => Promise<void>;
  /** Singleton work stops; awaited. */
  onFollow: () => Promise<void>;
  logger: { info(message: string): void; warn(message: string): void };
  /** How often `settled` is asked while waiting (default 50 ms). */
  settlePollMs?: number;
}

/**
 * Which coordination instance does the work that must happen once: raising deadline alerts and
 * delivering them. Every instance keeps its own read models and serves reads; the holder of the
 * `leader` lease does the rest. When it closes it releases the lease and a standby takes over at
 * its next attempt; when it dies, once the lease's TTL has passed.
 */
export class Leadership {
  private leading = false;
  private transitions: Promise<void> = Promise.resolve();
  private stopping = false;
  private readonly unsubscribe: () => void;

  constructor(private readonly options: LeadershipOptions) {
    this.unsubscribe = options.lease.onChange(() => void this.follow());
  }

  /** True while this instance holds the lease and its singleton work runs. */
  get leads(): boolean {
    return this.leading && this.options.lease.held;
  }

  /** Tries once (and waits for the outcome, so that a lone instance leads when this resolves), then keeps trying. */
  async start(): Promise<void> {
    await this.options.lease.attempt();
    await this.follow();
    this.options.lease.start();
  }

  /** Stops the singleton work, then releases the lease for a standby. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.unsubscribe();
    await this.options.lease.stop();
    await this.follow();
    await this.options.lease.release();
  }

  /** Brings the singleton work in line with the lease; one transition at a time. */
  private follow(): Promise<void> {
    this.transitions = this.transitions.then(() => this.transition()).catch((error: unknown) => this.options.logger.warn(`leadership: ${String(error)}`));
    return this.transitions;
  }

  private async transition(): Promise<void> {
    const { lease } = this.options;
    const shouldLead = lease.held && !this.stopping;
    if (shouldLead && !this.leading) {
      if (!(await this.waitUntilSettled())) return;
      await this.options.onLead();
      this.leading = true;
      this.options.logger.info(`leadership: ${lease.holder.instance} leads (raises and delivers alerts)`);
    } else if (!shouldLead && this.leading) {
      this.leading = false;
      await this.options.onFollow();
      this.options.logger.info(`leadership: ${lease.holder.instance} no longer leads`);
    }
  }

  /** Waits while the lease is held; false if it was lost (or the service stops) first. */
  private async waitUntilSettled(): Promise<boolean> {
    const started = Date.now();
    let warned = false;
    for (;;) {
      if (!this.options.lease.held || this.stopping) return false;
      if (await this.options.settled().catch(() => false)) return true;
      if (!warned && Date.now() - started > 10_000) {
        warned = true;
        this.options.logger.warn('leadership: holding the lease but still reading coordination stream; alerts wait until it has caught up');
      }
      await new Promise((resolve) => setTimeout(resolve, this.options.settlePollMs ?? 50));
    }
  }
}
