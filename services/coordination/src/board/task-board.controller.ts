import { Controller, Get, Inject, Query } from '@nestjs/common';
import { AgencyCode, AreaCode, IsoDate } from '@lienganh/contracts';
import { CurrentUser, type User } from '@lienganh/platform';
import { z } from 'zod';
import { PERSON_RECORDS, type PersonRecordPolicy } from '../access/person-records.js';
import { CLOCK, PROJECTOR, type Clock } from '../http/tokens.js';
import { parseQuery } from '../http/request-query.js';
import type { CoordinationProjector } from '../projection/coordination-projector.js';
import { taskBoard, type TaskBoardEntry } from './committee-view.js';

const TaskQuery = z.strictObject({
  /** Lead or supporting agency. */
  agency: AgencyCode.optional(),
  status: z.enum(['not-started', 'in-progress', 'done', 'overdue']).optional(),
  /** Tasks in this area or below it. */
  area: AreaCode.optional(),
  /** Tasks due before this date (recurring tasks without a date are due at the plan's end). */
  dueBefore: IsoDate.optional(),
  plan: z.string().max(100).optional(),
});

/** The shared task board: every task of every plan, as computed now. */
@Controller('api/v1/tasks')
export class TaskBoardController {
  constructor(
    @Inject(PROJECTOR) private readonly projector: CoordinationProjector,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(PERSON_RECORDS) private readonly policy: PersonRecordPolicy,
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
}
