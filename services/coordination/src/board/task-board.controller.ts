import { BadRequestException, Body, Controller, Get, HttpCode, HttpException, Inject, NotFoundException, Param, Post, Query } from '@nestjs/common';
import { AgencyCode, AreaCode, contractErrorMap, Identifier, IsoDate, issuesFromZod, TaskReopenReason, TaskStatus } from '@lienganh/contracts';
import { CurrentUser, Roles, type User } from '@lienganh/platform';
import { z } from 'zod';
import { PERSON_RECORDS, type PersonRecordPolicy } from '../access/person-records.js';
import { CLOCK, PROJECTOR, type Clock } from '../http/tokens.js';
import { parseQuery } from '../http/request-query.js';
import type { CoordinationProjector } from '../projection/coordination-projector.js';
import { taskBoard, type TaskBoardEntry } from './committee-view.js';
import { TASK_DECISIONS, TaskDecisionNotVisibleError, TaskDecisionRefusedError, TaskNotFoundError, type TaskDecisions } from './task-decisions.js';

const TaskQuery = z.strictObject({
  /** Lead or supporting agency. */
  agency: AgencyCode.optional(),
  status: TaskStatus.optional(),
  /** Tasks in this area or below it. */
  area: AreaCode.optional(),
  /** Tasks due before this date (recurring tasks without a date are due at the plan's end). */
  dueBefore: IsoDate.optional(),
  plan: z.string().max(100).optional(),
});

const TaskParams = z.strictObject({ planId: Identifier, taskId: Identifier });
const ConfirmBody = z.strictObject({});
const ReopenBody = z.strictObject({ reason: TaskReopenReason });

const REFUSALS = {
  'not-reported-done': 'Nhiệm vụ chưa được cơ quan chủ trì báo cáo hoàn thành / the lead body has not reported the task done',
  'already-confirmed': 'Nhiệm vụ đã được xác nhận hoàn thành / the task is confirmed done already',
  'already-reopened': 'Nhiệm vụ đã được mở lại / the task is reopened already',
} as const;

/** The shared task board: every task of every plan, as computed now; the secretariat confirms or reopens a task reported done. */
@Controller('api/v1/tasks')
export class TaskBoardController {
  constructor(
    @Inject(PROJECTOR) private readonly projector: CoordinationProjector,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(PERSON_RECORDS) private readonly policy: PersonRecordPolicy,
    @Inject(TASK_DECISIONS) private readonly decisions: TaskDecisions,
  ) {}

  @Get()
  list(@Query() query: unknown, @CurrentUser() user: User): { tasks: TaskBoardEntry[] } {
    const filter = parseQuery(TaskQuery, query);
    const { state, areas } = this.projector.projection;
    const tasks = taskBoard(state, areas, this.clock.now())
      .map((task) => this.policy.task(task, user, state.plans.get(task.planId)))
      .filter(
      (task) =>
        (!filter.agency || task.lead === filter.agency || task.supporting.includes(filter.agency)) &&
        (!filter.status || task.status === filter.status) &&
        (!filter.area || areas.isWithin(task.area, filter.area)) &&
        (!filter.dueBefore || (task.due ?? state.plans.get(task.planId)!.period.end) < filter.dueBefore) &&
        (!filter.plan || task.planId === filter.plan),
    );
    return { tasks };
  }

  /** Thường trực xác nhận hoàn thành: 200 with the task once the board shows it done. */
  @Post(':planId/:taskId/confirm')
  @Roles('secretariat')
  @HttpCode(200)
  async confirm(@Param() params: unknown, @Body() body: unknown, @CurrentUser() user: User): Promise<{ task: TaskBoardEntry }> {
    const { planId, taskId } = parseInput(TaskParams, params, 'path');
    parseInput(ConfirmBody, body ?? {}, 'body');
    return this.decide(planId, taskId, () => this.decisions.take(planId, taskId, { kind: 'confirm', by: user.id }), user);
  }

  /** Thường trực mở lại nhiệm vụ, with a reason from a fixed list (no free text: no personal data). */
  @Post(':planId/:taskId/reopen')
  @Roles('secretariat')
  @HttpCode(200)
  async reopen(@Param() params: unknown, @Body() body: unknown, @CurrentUser() user: User): Promise<{ task: TaskBoardEntry }> {
    const { planId, taskId } = parseInput(TaskParams, params, 'path');
    const { reason } = parseInput(ReopenBody, body ?? {}, 'body');
    return this.decide(planId, taskId, () => this.decisions.take(planId, taskId, { kind: 'reopen', by: user.id, reason }), user);
  }

  private async decide(planId: string, taskId: string, take: () => Promise<void>, user: User): Promise<{ task: TaskBoardEntry }> {
    try {
      await take();
    } catch (error) {
      throw httpErrorOf(error);
    }
    const { state, areas } = this.projector.projection;
    const task = taskBoard(state, areas, this.clock.now()).find((entry) => entry.planId === planId && entry.taskId === taskId)!;
    return { task: this.policy.task(task, user, state.plans.get(planId)) };
  }
}

function parseInput<S extends z.ZodType>(schema: S, input: unknown, where: 'path' | 'body'): z.infer<S> {
  const result = schema.safeParse(input, { error: contractErrorMap });
  if (result.success) return result.data;
  throw new BadRequestException({ error: `invalid-${where}`, message: 'Yêu cầu không hợp lệ / invalid request', issues: issuesFromZod(result.error, where) });
}

function httpErrorOf(error: unknown): unknown {
  if (error instanceof TaskNotFoundError) return new NotFoundException({ error: 'not-found', message: `Không có nhiệm vụ này / ${error.message}` });
  if (error instanceof TaskDecisionRefusedError) return new HttpException({ error: error.refusal, message: REFUSALS[error.refusal], status: error.status }, 409);
  if (error instanceof TaskDecisionNotVisibleError) return new HttpException({ error: 'not-visible-yet', message: `Đã lưu, chưa hiển thị / ${error.message}` }, 504);
  // The stream did not take it (NATS unreachable): nothing stored, the client may retry.
  return new HttpException({ error: 'unavailable', message: 'Chưa lưu được quyết định, hãy thử lại / the decision could not be stored, retry' }, 503);
}
