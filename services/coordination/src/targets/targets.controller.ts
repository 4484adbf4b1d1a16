import { Controller, Get, Header, HttpException, Inject, Param, Query } from '@nestjs/common';
import { AUDIT_TRAIL, CurrentUser, recordAccessOrRefuse, type AuditTrail, type User } from '@lienganh/platform';
import { z } from 'zod';
import { isPersonRelatedType, PERSON_RECORDS, type PersonRecordPolicy, type ShownContribution } from '../access/person-records.js';
import { targetOverview, type TargetOverview } from '../board/committee-view.js';
import { targetKey, type CoordinationState, type TrackedTarget } from '../board/coordination-state.js';
import { parseQuery } from '../http/request-query.js';
import { CLOCK, PROJECTOR, type Clock } from '../http/tokens.js';
import type { CoordinationProjector } from '../projection/coordination-projector.js';

const TargetQuery = z.strictObject({
  /** Needed only when two plans have a target with this id. */
  plan: z.string().max(100).optional(),
  /** Contributing events returned, the latest received first (default 100; the last 10,000 are kept). */
  limit: z.coerce.number().int().min(0).max(10_000).default(100),
});

export interface TargetDetail extends TargetOverview {
  source?: string;
  measure: string;
  definition: TrackedTarget['target']['measure'];
  byArea: Record<string, number>;
  /** Events about a person keep their id only for the agencies of the case and the secretariat (`hidden` otherwise). */
  contributingEvents: { total: number; events: ShownContribution[] };
}

@Controller('api/v1/targets')
export class TargetsController {
  constructor(
    @Inject(PROJECTOR) private readonly projector: CoordinationProjector,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(PERSON_RECORDS) private readonly policy: PersonRecordPolicy,
    @Inject(AUDIT_TRAIL) private readonly audit: AuditTrail,
  ) {}

  /** One target: its progress and the events that counted towards it; reading events about people is audited. */
  @Get(':id')
  @Header('Cache-Control', 'no-store') // person-related: no copy in a cache on the way
  async get(@Param('id') id: string, @Query() query: unknown, @CurrentUser() user: User): Promise<TargetDetail> {
    const { plan, limit } = parseQuery(TargetQuery, query);
    const tracked = this.find(id, plan);
    const key = targetKey(tracked.plan.id, tracked.target.id);
    const events = (await this.projector.contributingEvents(tracked, limit)).map((contribution) => this.policy.contribution(contribution, user));
    const aboutPeople = events.filter((event) => !event.hidden && isPersonRelatedType(event.type)).length;
    if (aboutPeople > 0) await recordAccessOrRefuse(this.audit, user, { action: 'read', resource: 'target-contributions', targetId: key, records: aboutPeople });
    return {
      ...targetOverview(tracked, this.projector.projection.areas, this.clock.now()),
      ...(tracked.target.source ? { source: tracked.target.source } : {}),
      definition: tracked.target.measure,
      byArea: Object.fromEntries(tracked.tally.byArea),
      contributingEvents: { total: tracked.tally.events, events },
    };
  }

  private find(id: string, planId: string | undefined): TrackedTarget {
    return findTarget(this.projector.projection.state, id, planId);
  }
}

/** A target by its id, in the plan named (needed only when two plans have a target with this id): 404, or 409 listing the plans. */
export function findTarget(state: CoordinationState, id: string, planId: string | undefined): TrackedTarget {
  const matches = planId ? [state.targets.get(targetKey(planId, id))].filter((target) => target !== undefined) : [...state.targets.values()].filter((target) => target.target.id === id);
  if (matches.length === 0) throw new HttpException({ error: 'not-found', message: `Không có chỉ tiêu / no target "${id}"` }, 404);
  if (matches.length > 1) {
    throw new HttpException(
      { error: 'ambiguous', message: `Chỉ tiêu thuộc nhiều kế hoạch / target "${id}" is in several plans: add ?plan=`, plans: matches.map((target) => target.plan.id) },
      409,
    );
  }
  return matches[0]!;
}
