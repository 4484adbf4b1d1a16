import { Controller, Get, HttpException, Inject } from '@nestjs/common';
import { CLOCK, type Clock } from '../http/tokens.js';
import type { NationalSummaries } from './national-summaries.js';
import { nationalView, type NationalView } from './national-view.js';

export const NATIONAL_SUMMARIES = Symbol('NATIONAL_SUMMARIES');

/** The national view on the hub's coordination (issue #24): `GET /api/v1/national`, from the provinces' summaries. */
@Controller('api/v1/national')
export class NationalController {
  constructor(
    @Inject(NATIONAL_SUMMARIES) private readonly summaries: NationalSummaries | null,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get()
  async view(): Promise<NationalView> {
    if (!this.summaries) {
      throw new HttpException({ error: 'not-national', message: 'Phiên bản này không phải cấp quốc gia (LIENGANH_NATIONAL) / this instance is not the national one (LIENGANH_NATIONAL)' }, 404);
    }
    return nationalView(await this.summaries.latest(), this.clock.now());
  }
}
