import {
  coordinationDeadlineApproaching,
  coordinationDeadlineEscalated,
  coordinationDeadlineOverdue,
  coordinationDeadlineResolved,
  type BusEvent,
  type EventData,
} from '@lienganh/contracts';

/** The four deadline alert types share one data schema. */
export type DeadlineAlertData = EventData<typeof coordinationDeadlineOverdue>;

/** A deadline alert as it comes off the bus; its `id` is the deterministic alert id (e.g. `referral:cg-1:overdue`). */
export type DeadlineAlert = BusEvent<DeadlineAlertData>;

export const DEADLINE_ALERT_DEFINITIONS = [
  coordinationDeadlineApproaching,
  coordinationDeadlineOverdue,
  coordinationDeadlineEscalated,
  coordinationDeadlineResolved,
] as const;

const ALERT_TYPES: ReadonlySet<string> = new Set(DEADLINE_ALERT_DEFINITIONS.map((definition) => definition.type));

export function isDeadlineAlert(event: BusEvent): event is DeadlineAlert {
  return ALERT_TYPES.has(event.type);
}

/**
 * One way of handing alerts to people: an agency's webhook, the service log, later perhaps
 * e-mail or Zalo. A channel is a small class: who should get an alert, and how to hand it to
 * one of them. `AlertDelivery` does the rest (retries with backoff, skipping receivers that
 * already have it, the delivery record).
 */
export interface Notifier {
  /** Channel name; for a notifier that records deliveries, one the `alert.delivered` event knows. */
  readonly channel: string;
  /**
   * Whether a successful delivery is stored as a `coordination.alert.delivered` event, so that a
   * restarted service does not hand the alert over again. False for best-effort channels (the log).
   */
  readonly recordsDelivery: boolean;
  /** The receivers (agency codes, or `committee`) this alert goes to on this channel; none is fine. */
  receiversOf(alert: DeadlineAlert): string[];
  /** Hands the alert to one receiver; resolves once the receiver has it, throws otherwise. */
  deliver(alert: DeadlineAlert, receiver: string): Promise<void>;
}
