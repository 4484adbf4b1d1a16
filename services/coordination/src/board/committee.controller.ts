import { Controller, Get, Inject } from '@nestjs/common';
import { CLOCK, PROJECTOR, type Clock } from '../http/tokens.js';
import type { CoordinationProjector } from '../projection/coordination-projector.js';
import { committeeSummary, type CommitteeOverview } from './committee-summary.js';

/** The view of Steering Committee 138 (Ban Chỉ đạo 138). */
@Controller('api/v1/committee')
export class CommitteeController {
  constructor(
    @Inject(PROJECTOR) private readonly projector: CoordinationProjector,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get('overview')
  overview(): CommitteeOverview {
    return committeeSummary(this.projector.projection, this.clock.now());
  }
}
