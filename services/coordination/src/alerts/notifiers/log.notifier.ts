import { findEventDefinition } from '@lienganh/contracts';
import type { DeadlineAlert, Notifier } from './notifier.js';

/** What the log notifier needs of a logger; pino's `Logger` fits. */
export interface AlertLogger {
  info(fields: object, message: string): void;
}

export const LOG_RECEIVER = 'log';

/**
 * Writes every alert to the service log, one line in Vietnamese and English, e.g.
 * `Quá hạn / Deadline missed (overdue): referral-handover · labour · hn-ba-dinh-lieu-giai · hạn/due 2021-06-10T17:00:00+07:00`.
 * Best effort: nothing is recorded, so a restart may log an alert again.
 */
export class LogNotifier implements Notifier {
  readonly channel = 'log';
  readonly recordsDelivery = false;

  constructor(private readonly logger: AlertLogger) {}

  receiversOf(_alert: DeadlineAlert): string[] {
    return [LOG_RECEIVER];
  }

  async deliver(alert: DeadlineAlert, _receiver: string = LOG_RECEIVER): Promise<void> {
    const { deadlineId, kind, agency, areaCode, dueAt, refId, planId, leadDays } = alert.data;
    const description = findEventDefinition(alert.type)?.description ?? { vi: 'Cảnh báo thời hạn', en: 'Deadline alert' };
    const lead = leadDays !== undefined ? ` · còn ${leadDays} ngày/${leadDays} days left` : '';
    this.logger.info(
      { alertId: alert.id, type: alert.type, deadlineId, kind, agency, areaCode, dueAt, refId, ...(planId ? { planId } : {}), ...(leadDays !== undefined ? { leadDays } : {}) },
      `${description.vi} / ${description.en}: ${kind} · ${agency} · ${areaCode} · hạn/due ${dueAt}${lead}`,
    );
  }
}
