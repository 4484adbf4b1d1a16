import { Command } from 'commander';
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
  const alerts = new Command('alerts').description('The alert work queue (cảnh báo): acknowledge, note or assign an alert by its deadline id');
  const act = async (deadline: string, action: string, body: unknown, options: Connection) => {
    const answer = await call('POST', `${coordinationEndpoint(options.url, ALERTS_PATH)}/${encodeURIComponent(deadline)}/${action}`, options.token, body);
    process.exitCode = report(answer, options.json, (answered) => rowLine(answered.alert));
  };
  withConnection(alerts.command('ack <deadline>').description('Xác nhận đã biết / acknowledge the alert at its current stage')).action((deadline: string, options: Connection) => act(deadline, 'acknowledge', {}, options));
  withConnection(alerts.command('note <deadline> <text>').description('Ghi chú / add a note (one line, no personal data: refused with the reason)')).action((deadline: string, text: string, options: Connection) => act(deadline, 'notes', { text }, options));
  withConnection(alerts.command('assign <deadline> <body>').description('Giao cho / assign the alert to a body of its plan (its code, e.g. police)')).action((deadline: string, body: string, options: Connection) => act(deadline, 'assign', { body }, options));
  return alerts;
}
