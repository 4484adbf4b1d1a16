import { Controller, Get, HttpException, Inject, Param, Query } from '@nestjs/common';
import { z } from 'zod';
import { parseQuery } from '../http/request-query.js';
import { CLOCK, PROJECTOR, type Clock } from '../http/tokens.js';
import type { CoordinationProjector } from '../projection/coordination-projector.js';
import { findTarget } from '../targets/targets.controller.js';
import { funnelSeries, type FunnelSeries } from './funnel-series.js';
import { targetSeries, type TargetSeries } from './target-series.js';

const TargetSeriesQuery = z.strictObject({
  /** Needed only when two plans have a target with this id. */
  plan: z.string().min(1).max(100).optional(),
});

const FunnelSeriesQuery = z.strictObject({
  plan: z.string().min(1).max(100),
});

/**
 * Figures month by month, for the board's charts: aggregated (no event id, no person), so open to
 * every signed-in role like the overview. Computed on request from the read model: a target's
 * series from its contributing events (one read of the store), the funnel from the referral
 * records in memory (ADR 0020).
 */
@Controller('api/v1')
export class SeriesController {
  constructor(
    @Inject(PROJECTOR) private readonly projector: CoordinationProjector,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** A target's cumulative figure at the end of each month of its plan's term, beside the straight-line path to its goal. */
  @Get('targets/:id/series')
  target(@Param('id') id: string, @Query() query: unknown): TargetSeries {
    const { plan } = parseQuery(TargetSeriesQuery, query);
    const { projection } = this.projector;
    const tracked = findTarget(projection.state, id, plan);
    return targetSeries({ plan: tracked.plan, target: tracked.target, history: tracked.history, areas: projection.areas, now: this.clock.now() });
  }

  /** The plan's referral funnel (made, accepted, served, closed; declined) at the end of each month of its term. */
  @Get('referrals/funnel/series')
  funnel(@Query() query: unknown): FunnelSeries {
    const { plan: planId } = parseQuery(FunnelSeriesQuery, query);
    const { projection } = this.projector;
    const plan = projection.state.plans.get(planId);
    if (!plan) throw new HttpException({ error: 'not-found', message: `Không có kế hoạch / no plan "${planId}"` }, 404);
    return funnelSeries({ plan, referrals: projection.referrals.values(), isWithin: (code, ancestor) => projection.areas.isWithin(code, ancestor), now: this.clock.now() });
  }
}
