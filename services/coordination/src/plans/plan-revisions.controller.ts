import { BadRequestException, Controller, Get, Inject, NotFoundException, Param } from '@nestjs/common';
import { Identifier } from '@lienganh/contracts';
import type { PlanRevisionEntry, PlanRevisionHistory } from './plan-revisions.js';

export const PLAN_REVISIONS = Symbol('PLAN_REVISIONS');

/** A plan's history of versions (kế hoạch và các bản sửa đổi, bổ sung): any signed-in user. */
@Controller('api/v1/plans')
export class PlanRevisionsController {
  constructor(@Inject(PLAN_REVISIONS) private readonly history: PlanRevisionHistory) {}

  @Get(':planId/revisions')
  async revisions(@Param('planId') planId: string): Promise<{ planId: string; revisions: PlanRevisionEntry[] }> {
    if (!Identifier.safeParse(planId).success) {
      throw new BadRequestException({ error: 'invalid-request', message: 'Mã kế hoạch không hợp lệ / invalid plan id', issues: [{ path: 'params.planId', message: 'must be 1-128 letters, digits or . _ : / -' }] });
    }
    const revisions = await this.history.revisions(planId);
    if (revisions.length === 0) throw new NotFoundException({ error: 'not-found', message: `Không có kế hoạch / no plan "${planId}"` });
    return { planId, revisions };
  }
}
