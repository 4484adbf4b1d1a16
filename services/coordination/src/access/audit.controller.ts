import { Controller, Get, Header, Inject, Query } from '@nestjs/common';
import { AgencyCode } from '@lienganh/contracts';
import { AUDIT_TRAIL, Roles } from '@lienganh/platform';
import { z } from 'zod';
import { parseQuery } from '../http/request-query.js';
import type { AuditEntry, StreamAuditTrail } from './stream-audit-trail.js';

const AuditQuery = z.strictObject({
  userId: z.string().max(64).optional(),
  /** Entries about this agency's cases, or by its officers. */
  agency: AgencyCode.optional(),
  resource: z.enum(['agency-referrals', 'target-contributions', 'periodic-report']).optional(),
  limit: z.coerce.number().int().min(1).max(10_000).default(100),
});

/** The audit trail of reads and exports of person-related data, newest first: for the secretariat. */
@Controller('api/v1/audit')
@Roles('secretariat')
export class AuditController {
  constructor(@Inject(AUDIT_TRAIL) private readonly trail: StreamAuditTrail) {}

  @Get()
  @Header('Cache-Control', 'no-store') // person-related: no copy in a cache on the way
  async list(@Query() query: unknown): Promise<{ total: number; entries: AuditEntry[] }> {
    return this.trail.list(parseQuery(AuditQuery, query));
  }
}
