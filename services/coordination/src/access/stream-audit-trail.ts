import { randomUUID } from 'node:crypto';
import { coordinationAccessRecorded, STREAMS, type EventData } from '@lienganh/contracts';
import { AuditUnavailableError, replayEvents, type AccessRecord, type AuditTrail, type User } from '@lienganh/platform';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Clock } from '../http/tokens.js';
import type { CoordinationPublisher } from '../publishing/coordination-publisher.js';

/** One entry of the audit trail as `GET /api/v1/audit` shows it. */
export type AuditEntry = { id: string; time: string } & Omit<EventData<typeof coordinationAccessRecorded>, 'accessId'>;

export interface AuditQuery {
  userId?: string;
  /** Entries whose scope or user is this agency's. */
  agency?: string;
  resource?: AccessRecord['resource'];
  limit: number;
}

/**
 * The audit trail on coordination's own stream: each access is a `coordination.access.recorded`
 * event, acknowledged by JetStream before `record` resolves, so it is as durable as the plans
 * and alerts, replicated with them, and never rewritten. Reading it replays that one subject.
 */
export class StreamAuditTrail implements AuditTrail {
  constructor(
    private readonly nc: NatsConnection,
    private readonly publisher: CoordinationPublisher,
    private readonly clock: Clock,
  ) {}

  async record(user: User, access: AccessRecord): Promise<void> {
    const accessId = `tc-${randomUUID()}`;
    try {
      await this.publisher.publish(
        coordinationAccessRecorded,
        { accessId, userId: user.id, role: user.role, ...(user.agency ? { userAgency: user.agency } : {}), ...access },
        { id: accessId, time: this.clock.now() },
      );
    } catch (error) {
      throw new AuditUnavailableError(`the audit record could not be stored: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** Matching entries, newest first, at most `limit`; `total` counts every match. */
  async list(query: AuditQuery): Promise<{ total: number; entries: AuditEntry[] }> {
    const matches: AuditEntry[] = [];
    await replayEvents(this.nc, STREAMS.coordinationEvents.name, coordinationAccessRecorded.subject, (event) => {
      if (event.type !== coordinationAccessRecorded.type) return;
      const { accessId: _id, ...data } = event.data as EventData<typeof coordinationAccessRecorded>;
      if (query.userId && data.userId !== query.userId) return;
      if (query.agency && data.agencyScope !== query.agency && data.userAgency !== query.agency) return;
      if (query.resource && data.resource !== query.resource) return;
      matches.push({ id: event.id, time: event.time, ...data });
    });
    return { total: matches.length, entries: matches.reverse().slice(0, query.limit) };
  }
}
