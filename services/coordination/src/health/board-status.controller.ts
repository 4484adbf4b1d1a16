import { Controller, Get, Header, Inject } from '@nestjs/common';
import type { BoardFreshness, BoardHealth } from './board-health.js';

export const BOARD_HEALTH = Symbol('BOARD_HEALTH');

/** Whether the board is current (any signed-in user): the dashboard's "data as of HH:MM" notice. */
@Controller('api/v1/status')
export class BoardStatusController {
  constructor(@Inject(BOARD_HEALTH) private readonly health: BoardHealth) {}

  @Get()
  @Header('Cache-Control', 'no-store')
  status(): BoardFreshness {
    return this.health.freshness();
  }
}
