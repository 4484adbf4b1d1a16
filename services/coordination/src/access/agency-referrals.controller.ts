import { BadRequestException, Controller, Get, Header, HttpException, Inject, Param, Query } from '@nestjs/common';
import { AgencyCode } from '@lienganh/contracts';
import { AUDIT_TRAIL, CurrentUser, recordAccessOrRefuse, type AuditTrail, type User } from '@lienganh/platform';
import { z } from 'zod';
import { parseQuery } from '../http/request-query.js';
import { CLOCK, PROJECTOR, type Clock } from '../http/tokens.js';
import type { CoordinationProjector } from '../projection/coordination-projector.js';
import type { ReferralRecord } from '../store/coordination-store.js';
import { PERSON_RECORDS, type PersonRecordPolicy } from './person-records.js';

const STATUSES = ['made', 'accepted', 'declined', 'service-delivered', 'closed'] as const;
type ReferralStatus = (typeof STATUSES)[number];

const ReferralQuery = z.strictObject({
  status: z.enum(STATUSES).optional(),
  /** Newest first (by the time the referral was made), at most this many. */
  limit: z.coerce.number().int().min(1).max(10_000).default(1_000),
});

/** One person's referral as the agencies on either side of it see it. */
export interface AgencyReferral extends Omit<ReferralRecord, 'unplacedAnswers' | 'unplacedPositions'> {
  /** `sent`: the agency referred the person; `received`: the person was referred to it. */
  direction: 'sent' | 'received';
  status: ReferralStatus;
  /** The receiving agency's answer is due by `dueAt`; met when it answered. `deadlineId` names it in alerts (`referral:<case reference>`, ADR 0021). */
  handover?: { deadlineId: string; dueAt: string; metAt?: string; overdue: boolean };
}

/**
 * Person-related records: the referrals an agency sent or received, with the subject references
 * and hand-over times. The secretariat reads any agency's; an officer only its own agency's; a
 * committee member none (403). Every read is in the audit trail before it is answered.
 */
@Controller('api/v1/agencies/:agency/referrals')
export class AgencyReferralsController {
  constructor(
    @Inject(PROJECTOR) private readonly projector: CoordinationProjector,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(PERSON_RECORDS) private readonly policy: PersonRecordPolicy,
    @Inject(AUDIT_TRAIL) private readonly audit: AuditTrail,
  ) {}

  @Get()
  @Header('Cache-Control', 'no-store') // person-related: no copy in a cache on the way
  async list(@Param('agency') agency: string, @Query() query: unknown, @CurrentUser() user: User): Promise<{ agency: string; total: number; referrals: AgencyReferral[] }> {
    if (!AgencyCode.safeParse(agency).success) {
      throw new BadRequestException({ error: 'invalid-path', message: 'Mã cơ quan không hợp lệ / invalid agency code', issues: [{ path: 'params.agency', message: 'must be a lower-case agency code such as "police"' }] });
    }
    this.policy.assertMayReadCasesOf(user, agency);
    const { status, limit } = parseQuery(ReferralQuery, query);
    const { projection } = this.projector;
    if (!projection.agencies.has(agency)) throw new HttpException({ error: 'not-found', message: `Không có cơ quan / no agency "${agency}"` }, 404);
    const now = this.clock.now().getTime();
    const matching = [...projection.referrals.values()]
      .filter((referral) => referral.fromAgency === agency || referral.toAgency === agency)
      .map(({ unplacedAnswers: _waiting, unplacedPositions: _positions, ...referral }): AgencyReferral => {
        const deadline = projection.deadlines.deadlines.get(projection.deadlines.referralDeadlineId(referral.referralId));
        return {
          ...referral,
          direction: referral.fromAgency === agency ? 'sent' : 'received',
          status: statusOf(referral),
          ...(deadline ? { handover: { deadlineId: deadline.id, dueAt: deadline.dueAt, ...(deadline.metAt ? { metAt: deadline.metAt } : {}), overdue: !deadline.metAt && Date.parse(deadline.dueAt) < now } } : {}),
        };
      })
      .filter((referral) => !status || referral.status === status)
      .sort((a, b) => Date.parse(b.made ?? '1970-01-01T00:00:00Z') - Date.parse(a.made ?? '1970-01-01T00:00:00Z') || (a.referralId < b.referralId ? -1 : 1));
    const referrals = matching.slice(0, limit);
    await recordAccessOrRefuse(this.audit, user, { action: 'read', resource: 'agency-referrals', agencyScope: agency, records: referrals.length });
    return { agency, total: matching.length, referrals };
  }
}

function statusOf(referral: ReferralRecord): ReferralStatus {
  if (referral.closed) return 'closed';
  if (referral.declined) return 'declined';
  if (referral.serviceDelivered) return 'service-delivered';
  if (referral.accepted) return 'accepted';
  return 'made';
}
