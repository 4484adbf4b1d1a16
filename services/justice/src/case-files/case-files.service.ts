import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { policeCaseTransferred, STREAMS, type BusEvent } from '@lienganh/contracts';
import { NATS_CONNECTION, replayEvents } from '@lienganh/platform';
import type { NatsConnection } from '@nats-io/transport-node';
import { emptyCaseFiles, evolve, type CaseFile, type CaseFileStatus } from './case-file.js';

/** Case files in memory; rebuilt from the stream at start, then kept current by events. */
@Injectable()
export class CaseFilesService implements OnApplicationBootstrap {
  private readonly state = emptyCaseFiles();

  constructor(@Inject(NATS_CONNECTION) private readonly nc: NatsConnection) {}

  async onApplicationBootstrap(): Promise<void> {
    const stream = STREAMS.agencyEvents.name;
    await replayEvents(this.nc, stream, policeCaseTransferred.subject, (event) => this.apply(event));
    await replayEvents(this.nc, stream, 'pcmd.events.justice.case.>', (event) => this.apply(event));
  }

  apply(event: BusEvent): void {
    evolve(this.state, event);
  }

  get(caseId: string): CaseFile | undefined {
    return this.state.cases.get(caseId);
  }

  list(status?: CaseFileStatus): CaseFile[] {
    return [...this.state.cases.values()].filter((file) => !status || file.status === status);
  }
}
