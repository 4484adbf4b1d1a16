import { Command } from 'commander';
import { text } from '../cli-language.js';
import { call, coordinationEndpoint, report, withConnection, type Connection } from '../coordination-api.js';

const ALERTS_PATH = '/api/v1/alerts';

/** A queue row in one line: the deadline, its stage, and what the secretariat did about it. */
function rowLine(row: { id: string; stage: string; acknowledged?: { by: string }; assignedTo?: { body: string }; notes?: unknown[] }): string {
  const parts = [`${row.id}\t${row.stage}`];
  parts.push(row.acknowledged ? `đã xác nhận / acknowledged (${row.acknowledged.by})` : 'chưa xác nhận / not acknowledged');
  if (row.assignedTo) parts.push(`giao cho / assigned to ${row.assignedTo.body}`);
  parts.push(`${row.notes?.length ?? 0} ghi chú / notes`);
  return parts.join('\t');
}

/**
 * `lienganh alerts`: the secretariat works the alert queue from a terminal (ADR 0019), as on the
 * board: acknowledge, note, assign. Exit 0 done, 1 the service could not be reached or failed, 2 bad
 * input or refused (400 naming the field, 403, 404, 409).
 */
export function alertsCommand(): Command {
  const alerts = new Command('alerts').description(text({ vi: 'Hàng việc cảnh báo: xác nhận đã biết, ghi chú hoặc giao một cảnh báo theo mã thời hạn của nó', en: 'The alert work queue (cảnh báo): acknowledge, note or assign an alert by its deadline id' }));
  const act = async (deadline: string, action: string, body: unknown, options: Connection) => {
    const answer = await call('POST', `${coordinationEndpoint(options.url, ALERTS_PATH)}/${encodeURIComponent(deadline)}/${action}`, options.token, body);
    process.exitCode = report(answer, options.json, (answered) => rowLine(answered.alert));
  };
  withConnection(alerts.command('ack <deadline>').description(text({ vi: 'Xác nhận đã biết cảnh báo ở giai đoạn hiện tại', en: 'Acknowledge the alert at its current stage' }))).action((deadline: string, options: Connection) => act(deadline, 'acknowledge', {}, options));
  withConnection(alerts.command('note <deadline> <text>').description(text({ vi: 'Thêm ghi chú (một dòng, không có dữ liệu cá nhân: bị từ chối kèm lý do)', en: 'Add a note (one line, no personal data: refused with the reason)' }))).action((deadline: string, text: string, options: Connection) => act(deadline, 'notes', { text }, options));
  withConnection(alerts.command('assign <deadline> <body>').description(text({ vi: 'Giao cảnh báo cho một cơ quan của kế hoạch (theo mã, vd. police)', en: 'Assign the alert to a body of its plan (its code, e.g. police)' }))).action((deadline: string, body: string, options: Connection) => act(deadline, 'assign', { body }, options));
  return alerts;
}
