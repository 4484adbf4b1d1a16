import { Controller, Get, Inject, Query } from '@nestjs/common';
import { AgencyCode, AreaCode, DeadlineKind } from '@lienganh/contracts';
import { CurrentUser, type User } from '@lienganh/platform';
import { z } from 'zod';
import { PERSON_RECORDS, type PersonRecordPolicy } from '../access/person-records.js';
import { parseQuery } from '../http/request-query.js';
import { PROJECTOR } from '../http/tokens.js';
import type { CoordinationProjection } from '../projection/coordination-projection.js';
import type { CoordinationProjector } from '../projection/coordination-projector.js';
import type { AlertRecord } from '../store/coordination-store.js';
import type { DeadlineRecord } from './deadline-book.js';

const AlertQuery = z.strictObject({
  /** The agency that owes the awaited action. */
  agency: AgencyCode.optional(),
  kind: z.enum(['approaching', 'overdue', 'escalated', 'resolved']).optional(),
  deadlineKind: DeadlineKind.optional(),
  /** `open`: its deadline is not resolved yet; `resolved`: it is. */
  status: z.enum(['open', 'resolved']).optional(),
  area: AreaCode.optional(),
});

export interface AlertView extends Omit<AlertRecord, 'deadlineId'> {
  status: 'open' | 'resolved';
  deadline: Omit<DeadlineRecord, 'raised'>;
}

/** Alerts on missed and coming deadlines, oldest first. */
@Controller('api/v1/alerts')
export class AlertsController {
  constructor(
    @Inject(PROJECTOR) private readonly projector: CoordinationProjector,
    @Inject(PERSON_RECORDS) private readonly policy: PersonRecordPolicy,
  ) {}

  @Get()
  list(@Query() query: unknown, @CurrentUser() user: User): { alerts: AlertView[] } {
    const filter = parseQuery(AlertQuery, query);
    const { projection } = this.projector;
    const alerts = [...projection.alerts.values()]
      .map((alert) => alertView(alert, projection))
      .filter(
        (alert) =>
          (!filter.agency || alert.deadline.agency === filter.agency) &&
          (!filter.kind || alert.kind === filter.kind) &&
          (!filter.deadlineKind || alert.deadline.kind === filter.deadlineKind) &&
          (!filter.status || alert.status === filter.status) &&
          (!filter.area || projection.areas.isWithin(alert.deadline.areaCode, filter.area)),
      )
      .sort((a, b) => Date.parse(a.time) - Date.parse(b.time) || (a.id < b.id ? -1 : 1))
      // A referral's id only for the agencies of the case (and the secretariat).
      .map((alert) => this.policy.alert(alert, user, projection.referrals));
    return { alerts };
  }
}

export function alertView(alert: AlertRecord, projection: CoordinationProjection): AlertView {
  const { raised, ...deadline } = projection.deadlines.deadlines.get(alert.deadlineId)!;
  const { deadlineId: _deadlineId, ...rest } = alert;
  return { ...rest, status: raised.some((id) => id.endsWith(':resolved')) ? 'resolved' : 'open', deadline };
}
