import { SiteSummary, siteSummarySubject } from '@lienganh/contracts';
import type { JetStreamClient } from '@nats-io/jetstream';
import type { Observable, Subscription } from 'rxjs';

export interface SiteSummaryPublisherOptions {
  /** At most one summary per interval while the board changes (default 1 s). */
  intervalMs?: number;
  /** A summary also this often when nothing changes: statuses move with the days, and the hub sees the site alive (default 60 s). */
  heartbeatMs?: number;
  logger: { warn(message: string): void };
}

/**
 * Publishes a province site's summary (issue #24) on `pcmd.summary.<site>`, into the site's own
 * stream, which keeps the latest: it is taken whether or not the hub is reachable, and the hub's
 * source fetches it when the link returns. A summary replaces the last, so a lost or repeated one
 * never counts anything twice.
 */
export class SiteSummaryPublisher {
  private timer: NodeJS.Timeout | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private subscription: Subscription | undefined;
  private publishing: Promise<void> = Promise.resolve();
  private readonly intervalMs: number;

  constructor(
    private readonly js: JetStreamClient,
    private readonly site: string,
    private readonly summarise: () => SiteSummary,
    private readonly options: SiteSummaryPublisherOptions,
  ) {
    this.intervalMs = options.intervalMs ?? 1_000;
  }

  /** Publishes now, then after each change of the board (`changes`), and on the heartbeat. */
  start(changes: Observable<unknown>): void {
    this.subscription = changes.subscribe({ next: () => this.schedule() });
    this.heartbeat = setInterval(() => this.schedule(), this.options.heartbeatMs ?? 60_000);
    this.heartbeat.unref();
    this.publishing = this.publishOnce();
  }

  /** Stops, with a last summary of the board as it stands. */
  async stop(): Promise<void> {
    this.subscription?.unsubscribe();
    clearInterval(this.heartbeat);
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.publishing;
    await this.publishOnce();
  }

  private schedule(): void {
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.publishing = this.publishing.then(() => this.publishOnce());
    }, this.intervalMs);
  }

  private async publishOnce(): Promise<void> {
    try {
      const summary = SiteSummary.parse(this.summarise());
      await this.js.publish(siteSummarySubject(this.site), JSON.stringify(summary));
    } catch (error) {
      // The next change or heartbeat tries again; the summary is the board as it then stands.
      this.options.logger.warn(`coordination: summary of site ${this.site} not published: ${String(error)}`);
    }
  }
}
