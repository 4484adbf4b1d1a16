import { BadRequestException, Body, Controller, HttpCode, HttpException, Inject, NotFoundException, Param, Post } from '@nestjs/common';
import { AgencyCode, AlertNoteText, contractErrorMap, issuesFromZod } from '@lienganh/contracts';
import { CurrentUser, Roles, type User } from '@lienganh/platform';
import { z } from 'zod';
import { PROJECTOR } from '../http/tokens.js';
import type { CoordinationProjector } from '../projection/coordination-projector.js';
import { ALERT_HANDLING, AlertCommandNotVisibleError, AlertCommandRefusedError, type AlertHandlingDecisions } from './alert-handling-decisions.js';
import type { AlertCommand } from './alert-handling.js';
import { queueRow, type AlertQueueRow } from './alert-queue.js';

const AcknowledgeBody = z.strictObject({});
const NoteBody = z.strictObject({ text: AlertNoteText });
const AssignBody = z.strictObject({ body: AgencyCode });

const CONFLICTS = {
  'alert-resolved': 'Cảnh báo đã được xử lý, không cần xác nhận hay giao nữa / the alert is resolved: nothing left to acknowledge or assign',
  'already-acknowledged': 'Cảnh báo đã được xác nhận ở giai đoạn này / the alert is acknowledged at this stage already',
  'already-assigned': 'Cảnh báo đã được giao cho cơ quan này / the alert is assigned to this body already',
} as const;

/**
 * The secretariat works the alert queue (ADR 0019): acknowledges an alert, adds a note, assigns it
 * to a body of its plan. Each is an event on coordination's stream; the answer is the queue row once
 * this instance shows it. Refused input (400), an unknown deadline (404), a row that does not allow
 * it (409): nothing is published, and a refused note is neither kept nor logged.
 */
@Controller('api/v1/alerts')
export class AlertHandlingController {
  constructor(
    @Inject(PROJECTOR) private readonly projector: CoordinationProjector,
    @Inject(ALERT_HANDLING) private readonly decisions: AlertHandlingDecisions,
  ) {}

  /** Xác nhận đã biết: the secretariat has seen the alert at its current stage. */
  @Post(':id/acknowledge')
  @Roles('secretariat')
  @HttpCode(200)
  acknowledge(@Param('id') id: string, @Body() body: unknown, @CurrentUser() user: User): Promise<{ alert: AlertQueueRow }> {
    parseBody(AcknowledgeBody, body ?? {});
    return this.take(id, { kind: 'acknowledge', by: user.id, role: user.role });
  }

  /** Ghi chú: a note, checked for personal data. */
  @Post(':id/notes')
  @Roles('secretariat')
  @HttpCode(200)
  note(@Param('id') id: string, @Body() body: unknown, @CurrentUser() user: User): Promise<{ alert: AlertQueueRow }> {
    const { text } = parseBody(NoteBody, body ?? {});
    return this.take(id, { kind: 'note', by: user.id, role: user.role, note: text });
  }

  /** Giao cho: a body of the deadline's plan follows the alert up. */
  @Post(':id/assign')
  @Roles('secretariat')
  @HttpCode(200)
  assign(@Param('id') id: string, @Body() body: unknown, @CurrentUser() user: User): Promise<{ alert: AlertQueueRow }> {
    const { body: assignee } = parseBody(AssignBody, body ?? {});
    return this.take(id, { kind: 'assign', by: user.id, role: user.role, assignee });
  }

  private async take(id: string, command: AlertCommand): Promise<{ alert: AlertQueueRow }> {
    try {
      await this.decisions.take(id, command);
    } catch (error) {
      throw httpErrorOf(error, id);
    }
    const { projection } = this.projector;
    return { alert: queueRow(projection.deadlines.deadlines.get(id)!, projection)! };
  }
}

function parseBody<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input, { error: contractErrorMap });
  if (result.success) return result.data;
  throw new BadRequestException({ error: 'invalid-body', message: 'Yêu cầu không hợp lệ / invalid request', issues: issuesFromZod(result.error, 'body') });
}

function httpErrorOf(error: unknown, id: string): unknown {
  if (error instanceof AlertCommandRefusedError) {
    if (error.refusal === 'not-found') return new NotFoundException({ error: 'not-found', message: `Không có cảnh báo nào về thời hạn "${id}" / no alert about deadline "${id}"` });
    if (error.refusal === 'not-a-body-of-the-plan') {
      const message = `không phải cơ quan của kế hoạch ${error.planId} / is not a body of plan ${error.planId}`;
      return new BadRequestException({ error: 'invalid-body', message: 'Yêu cầu không hợp lệ / invalid request', issues: [{ path: 'body.body', message }] });
    }
    return new HttpException({ error: error.refusal, message: CONFLICTS[error.refusal] }, 409);
  }
  if (error instanceof AlertCommandNotVisibleError) return new HttpException({ error: 'not-visible-yet', message: `Đã lưu, chưa hiển thị / ${error.message}` }, 504);
  // The stream did not take it (NATS unreachable): nothing stored, the client may retry.
  return new HttpException({ error: 'unavailable', message: 'Chưa lưu được, hãy thử lại / could not be stored, retry' }, 503);
}
