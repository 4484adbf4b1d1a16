import type { NatsConnection, QueuedIterator, Status } from '@nats-io/transport-node';

/** Whether the connection to NATS is up, and since when (for readiness and "data as of"). */
export interface BusLinkState {
  connected: boolean;
  /** When it last connected or disconnected. */
  since: Date;
}

/**
 * Follows a connection's disconnects and reconnects. A connection that reconnects for ever is
 * never closed while the server is down, so `isClosed()` alone says nothing of a dead bus.
 */
export class BusLink {
  private current: BusLinkState;
  private readonly listeners = new Set<(state: BusLinkState) => void>();
  private readonly statuses: AsyncIterable<Status> & Partial<Pick<QueuedIterator<Status>, 'stop'>>;

  constructor(
    private readonly nc: NatsConnection,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.current = { connected: !nc.isClosed(), since: now() };
    this.statuses = nc.status() as AsyncIterable<Status> & Partial<Pick<QueuedIterator<Status>, 'stop'>>;
    void this.follow();
  }

  get state(): BusLinkState {
    return this.nc.isClosed() && this.current.connected ? { connected: false, since: this.now() } : this.current;
  }

  /** Called at each change; returns how to stop listening. */
  onChange(listener: (state: BusLinkState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    this.statuses.stop?.();
    this.listeners.clear();
  }

  private async follow(): Promise<void> {
    for await (const status of this.statuses) {
      if (status.type !== 'disconnect' && status.type !== 'reconnect') continue;
      const connected = status.type === 'reconnect';
      if (connected === this.current.connected) continue;
      this.current = { connected, since: this.now() };
      for (const listener of this.listeners) listener(this.current);
    }
  }
}
