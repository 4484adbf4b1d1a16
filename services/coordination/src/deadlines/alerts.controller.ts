import { Controller, Get, Inject, NotFoundException, Param, Query } from '@nestjs/common';
import { AgencyCode, AreaCode, DeadlineKind, Identifier } from '@lienganh/contracts';
import { CurrentUser, type User } from '@lienganh/platform';
import { z } from 'zod';
import { PERSON_RECORDS, type PersonRecordPolicy } from '../access/person-records.js';
import { parseQuery } from '../http/request-query.js';
import { PROJECTOR } from '../http/tokens.js';
import type { CoordinationProjection } from '../projection/coordination-projection.js';
import type { CoordinationProjector } from '../projection/coordination-projector.js';
import type { AlertRecord } from '../store/coordination-store.js';
import { handlingViews, withHandling, withheldNotes, type HandlingView } from './alert-history.js';
import { ALERT_STAGES, alertQueue, alertsOf, queueRow, type AlertQueueRow, type StageCounts } from './alert-queue.js';
import type { DeadlineRecord } from './deadline-book.js';

/** The work queue's query: one row per deadline, filtered, sorted by due date, paged by offset. */
const QueueQuery = z.strictObject({
  /** One stage, or several with commas (`approaching,overdue,escalated`: every open one). */
  stage: z
    .string()
    .max(100)
    .transform((text) => text.split(','))
    .pipe(z.array(z.enum(ALERT_STAGES)).min(1))
    .optional(),
  /** `open`: every stage but resolved. */
  status: z.enum(['open', 'resolved']).optional(),
  /** The body that owes the awaited action. */
  body: AgencyCode.optional(),
  area: AreaCode.optional(),
  /** The deadline's kind (task, referral-handover…). */
  kind: DeadlineKind.optional(),
  plan: Identifier.optional(),
  /** Acknowledged at its current stage (`true`), or not yet (`false`): ADR 0019. */
  acknowledged: z.enum(['true', 'false']).transform((value) => value === 'true').optional(),
  /** Assigned to this body. */
  assignedTo: AgencyCode.optional(),
  sort: z.enum(['due', '-due']).default('due'),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

/** The log's query (every alert raised, as before the work queue; ADR 0018). */
const LogQuery = z.strictObject({
  /** The agency that owes the awaited action. */
  agency: AgencyCode.optional(),
  kind: z.enum(ALERT_STAGES).optional(),
  deadlineKind: DeadlineKind.optional(),
  /** `open`: its deadline is not resolved yet; `resolved`: it is. */
  status: z.enum(['open', 'resolved']).optional(),
  area: AreaCode.optional(),
});

export interface AlertView extends Omit<AlertRecord, 'deadlineId'> {
  status: 'open' | 'resolved';
  deadline: Omit<DeadlineRecord, 'raised'>;
}

/** An entry of a deadline's history: an alert raised, or what the secretariat did about it (ADR 0019). */
export type HistoryEntry = AlertView | HandlingView;

/** A view whose case is withheld from the user (PersonRecordPolicy). */
type Shown<V> = V & { hidden?: true };

export interface AlertQueuePage {
  alerts: Shown<AlertQueueRow>[];
  /** Rows matching the filter (all pages). */
  total: number;
  offset: number;
  limit: number;
  /** The next page's offset; absent on the last page. */
  nextOffset?: number;
  /** Rows at each stage for the filter in force, whatever its `stage`. */
  counts: StageCounts;
}

/** Alerts on missed and coming deadlines: the secretariat's work queue, a deadline's history, and the log. */
@Controller('api/v1/alerts')
export class AlertsController {
  constructor(
    @Inject(PROJECTOR) private readonly projector: CoordinationProjector,
    @Inject(PERSON_RECORDS) private readonly policy: PersonRecordPolicy,
  ) {}

  @Get()
  queue(@Query() query: unknown, @CurrentUser() user: User): AlertQueuePage {
    const { sort, limit, offset, ...filter } = parseQuery(QueueQuery, query);
    const { projection } = this.projector;
    const { rows, counts } = alertQueue(projection, filter, sort);
    const page = rows.slice(offset, offset + limit).map((row) => withheldNotes(this.policy.alert(row, user, projection.referrals)));
    return { alerts: page, total: rows.length, offset, limit, ...(offset + limit < rows.length ? { nextOffset: offset + limit } : {}), counts };
  }

  /** Every alert raised, oldest first: one row per alert, not per deadline. */
  @Get('log')
  log(@Query() query: unknown, @CurrentUser() user: User): { alerts: Shown<AlertView>[] } {
    const filter = parseQuery(LogQuery, query);
    const { projection } = this.projector;
    const alerts = [...projection.alerts.values()]
      .filter((alert) => projection.deadlines.deadlines.has(alert.deadlineId))
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
      // A referral's own id only for the agencies of the case (and the secretariat).
      .map((alert) => this.policy.alert(alert, user, projection.referrals));
    return { alerts };
  }

  /** One deadline's row and its history (every alert raised about it, oldest first). */
  @Get(':id')
  history(@Param('id') id: string, @CurrentUser() user: User): { alert: Shown<AlertQueueRow>; history: Shown<HistoryEntry>[] } {
    const { projection } = this.projector;
    const deadline = projection.deadlines.deadlines.get(id);
    const row = deadline && queueRow(deadline, projection);
    if (!deadline || !row) throw new NotFoundException({ error: 'not-found', message: `Không có cảnh báo nào về thời hạn "${id}" / no alert about deadline "${id}"` });
    const shown = this.policy.alert(row, user, projection.referrals);
    const history = withHandling(alertsOf(deadline, projection).map((alert) => alertView(alert, projection)), handlingViews(deadline, projection));
    return { alert: withheldNotes(shown), history: history.map((entry) => withheldNotes(this.policy.alert(entry, user, projection.referrals))) };
  }
}

export function alertView(alert: AlertRecord, projection: CoordinationProjection): AlertView {
  const { raised, ...deadline } = projection.deadlines.deadlines.get(alert.deadlineId)!;
  const { deadlineId: _deadlineId, ...rest } = alert;
  return { ...rest, status: raised.some((id) => id.endsWith(':resolved')) ? 'resolved' : 'open', deadline };
}
