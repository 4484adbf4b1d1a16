import { Controller, Get, HttpException, Inject, Param, Query } from '@nestjs/common';
import { z } from 'zod';
import { parseQuery } from '../http/request-query.js';
import { CLOCK, type Clock } from '../http/tokens.js';
import type { NationalUnits } from './national-units.js';

export const NATIONAL_UNITS = Symbol('NATIONAL_UNITS');

const AreasQuery = z.strictObject({
  level: z.enum(['province', 'district', 'commune']).optional(),
  at: z.iso.date('must be a date YYYY-MM-DD').optional(),
  parent: z.string().regex(/^\d{2,5}$/, 'must be an official code of 2, 3 or 5 digits').optional(),
});
const AreaQuery = AreasQuery.pick({ at: true });
const CODE = /^\d{2}(\d|\d{3})?$/;

/**
 * The country's administrative units as of a date (issue #24): `GET /api/v1/areas?level=province&at=2026-01-01`
 * lists the 34 provinces of the two-tier list, `at=2025-01-01` the 63 before the reform;
 * `GET /api/v1/areas/00010?at=2025-01-01` is Phường Kim Mã with the wards it went into, `partial` where split.
 */
@Controller('api/v1/areas')
export class AreasController {
  constructor(
    @Inject(NATIONAL_UNITS) private readonly units: NationalUnits,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get()
  list(@Query() query: unknown) {
    const { level, at = this.today(), parent } = parseQuery(AreasQuery, query);
    const areas = this.units.find(at, { ...(level ? { level } : {}), ...(parent ? { parent } : {}) });
    return { at, list: this.units.listAt(at).since, count: areas.length, areas };
  }

  @Get(':code')
  one(@Param('code') code: string, @Query() query: unknown) {
    const { at = this.today() } = parseQuery(AreaQuery, query);
    const unit = CODE.test(code) ? this.units.unit(code, at) : undefined;
    if (!unit) throw new HttpException({ error: 'not-found', message: `Không có đơn vị hành chính mã này vào ngày ${at} / no administrative unit with this code on ${at}` }, 404);
    return unit;
  }

  /** Today in Vietnam (UTC+7, no daylight saving). */
  private today(): string {
    return new Date(this.clock.now().getTime() + 7 * 3_600_000).toISOString().slice(0, 10);
  }
}
