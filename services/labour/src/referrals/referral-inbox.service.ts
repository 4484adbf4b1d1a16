import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { STREAMS, type BusEvent } from '@lienganh/contracts';
import { NATS_CONNECTION, replayEvents } from '@lienganh/platform';
import type { NatsConnection } from '@nats-io/transport-node';
import { emptyInbox, evolve, type Referral, type ReferralStatus } from './referral-inbox.js';

/** Holds the inbox in memory; rebuilt from the stream at start, then kept current by events. */
@Injectable()
export class ReferralInboxService implements OnApplicationBootstrap {
  private readonly state = emptyInbox();

  constructor(@Inject(NATS_CONNECTION) private readonly nc: NatsConnection) {}

  async onApplicationBootstrap(): Promise<void> {
    // Referrals first, then labour's answers to them: an answer always finds its referral.
    const stream = STREAMS.agencyEvents.name;
    await replayEvents(this.nc, stream, 'pcmd.events.police.referral.made', (event) => this.apply(event));
    await replayEvents(this.nc, stream, 'pcmd.events.labour.referral.>', (event) => this.apply(event));
  }

  apply(event: BusEvent): void {
    evolve(this.state, event);
  }

  get(referralId: string): Referral | undefined {
    return this.state.referrals.get(referralId);
  }

  list(status?: ReferralStatus): Referral[] {
    return [...this.state.referrals.values()].filter((referral) => !status || referral.status === status);
  }
}
