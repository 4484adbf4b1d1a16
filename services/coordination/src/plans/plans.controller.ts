import { BadRequestException, Body, Controller, HttpCode, HttpException, Inject, Post } from '@nestjs/common';
import { ContractError } from '@lienganh/contracts';
import { Roles } from '@lienganh/platform';
import { PLAN_IMPORT } from '../http/tokens.js';
import { PlanExistsError, PlanNotVisibleError, type PlanImport, type PlanImported } from './plan-import.js';

/** The secretariat imports a year's plan (kế hoạch); `npx lienganh plan import` posts here. */
@Controller('api/v1/plans')
@Roles('secretariat')
export class PlansController {
  constructor(@Inject(PLAN_IMPORT) private readonly plans: PlanImport) {}

  @Post()
  @HttpCode(201)
  async import(@Body() body: unknown): Promise<PlanImported> {
    try {
      return await this.plans.import(body);
    } catch (error) {
      throw httpErrorOf(error);
    }
  }
}

function httpErrorOf(error: unknown): unknown {
  if (error instanceof ContractError) {
    return new BadRequestException({ error: 'invalid-plan', message: `Kế hoạch không hợp lệ / invalid plan: ${error.issues.length} problem(s)`, issues: error.issues });
  }
  if (error instanceof PlanExistsError) {
    const next = error.currentRevision + 1;
    const message = `Kế hoạch đã có, đang ở bản sửa đổi lần ${error.currentRevision}; để sửa đổi, nhập revision.number ${next} / ${error.message}`;
    return new HttpException({ error: 'conflict', message, planId: error.planId, currentRevision: error.currentRevision, path: 'revision.number' }, 409);
  }
  if (error instanceof PlanNotVisibleError) return new HttpException({ error: 'not-visible-yet', message: `Kế hoạch đã lưu, chưa hiển thị / ${error.message}` }, 504);
  // The stream did not take it (NATS unreachable): nothing stored, the client may retry.
  return new HttpException({ error: 'unavailable', message: 'Chưa lưu được kế hoạch, hãy thử lại / the plan could not be stored, retry' }, 503);
}
