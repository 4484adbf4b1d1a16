import { HttpException } from '@nestjs/common';
import type { User } from './users.js';

export const AUDIT_TRAIL = Symbol('AUDIT_TRAIL');

/** What one read or export of person-related data (or a report) was: never the data itself. */
export interface AccessRecord {
  action: 'read' | 'export';
  resource: 'agency-referrals' | 'target-contributions' | 'periodic-report';
  /** Whose cases were read, when one agency's. */
  agencyScope?: string;
  targetId?: string;
  period?: string;
  areaCode?: string;
  format?: 'json' | 'csv' | 'xlsx' | 'docx';
  /** How many person-related records (or report rows) were served. */
  records: number;
}

/**
 * The audit trail's port: `record` resolves once the record is durably kept, and an endpoint
 * serves the data only after that, so no read goes unrecorded. It rejects when it cannot keep it.
 */
export interface AuditTrail {
  record(user: User, access: AccessRecord): Promise<void>;
}

/** The trail could not keep a record: the data is not served. */
export class AuditUnavailableError extends Error {
  override readonly name = 'AuditUnavailableError';
}

/** Records the access, or refuses the request (503) when the trail cannot keep it: the data is served only after. */
export async function recordAccessOrRefuse(trail: AuditTrail, user: User, access: AccessRecord): Promise<void> {
  try {
    await trail.record(user, access);
  } catch {
    throw new HttpException(
      { error: 'audit-unavailable', message: 'Chưa ghi được nhật ký truy cập nên không trả dữ liệu, hãy thử lại / the access could not be recorded in the audit trail, so nothing is served: retry' },
      503,
    );
  }
}
