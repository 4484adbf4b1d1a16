import type { BusLink, ReadinessCheck } from '@lienganh/platform';
import { Subject, type Observable } from 'rxjs';
import type { CoordinationProjector } from '../projection/coordination-projector.js';

/** Whether the board is current, and if not, since when it may lack what happened (the dashboard's notice). */
export interface BoardFreshness {
  current: boolean;
  /** When it stopped being current: the bus went unreachable, or the store stopped taking commits. */
  asOf?: string;
  bus: 'connected' | 'unreachable';
  store: 'writable' | 'cannot-write';
}

/**
 * The truth about coordination's board. While it cannot consume (the bus is unreachable) or its
 * store cannot write, what it serves is stale: readiness is 503 with the reason, so a load balancer
 * sends readers to an instance that is current, and the dashboard says since when.
 */
export class BoardHealth {
  private readonly subject = new Subject<BoardFreshness>();
  private readonly unfollow: () => void;

  constructor(
    private readonly bus: BusLink,
    private readonly projector: Pick<CoordinationProjector, 'storeHealth'>,
  ) {
    this.unfollow = bus.onChange(() => this.subject.next(this.freshness()));
  }

  /** Every change of the bus's state, as the dashboard's stream sends it. */
  get changes(): Observable<BoardFreshness> {
    return this.subject.asObservable();
  }

  freshness(): BoardFreshness {
    const bus = this.bus.state;
    const store = this.projector.storeHealth;
    const staleSince = [bus.connected ? undefined : bus.since, store.writable ? undefined : store.since].filter((since) => since !== undefined);
    const asOf = staleSince.length > 0 ? new Date(Math.min(...staleSince.map((since) => since.getTime()))).toISOString() : undefined;
    return { current: asOf === undefined, ...(asOf ? { asOf } : {}), bus: bus.connected ? 'connected' : 'unreachable', store: store.writable ? 'writable' : 'cannot-write' };
  }

  readiness(detail: Record<string, unknown>): ReturnType<ReadinessCheck> {
    const freshness = this.freshness();
    const store = this.projector.storeHealth;
    const all = { ...detail, ...freshness, ...(store.writable ? {} : { storeError: store.error }) };
    if (freshness.bus === 'unreachable') return { ready: false, reason: 'bus-unreachable', detail: all };
    if (freshness.store === 'cannot-write') return { ready: false, reason: 'store-cannot-write', detail: all };
    return { ready: true, detail: all };
  }

  close(): void {
    this.unfollow();
    this.subject.complete();
  }
}
