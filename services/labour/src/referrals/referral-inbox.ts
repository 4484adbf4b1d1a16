import {
  labourReferralAccepted,
  labourReferralClosed,
  labourReferralDeclined,
  labourReferralServiceDelivered,
  policeReferralMade,
  type BusEvent,
  type EventData,
  type EventDefinition,
  type SupportService,
} from '@lienganh/contracts';

/**
 * Labour's inbox of people referred to it for support (by police after a sanction or a
 * rescue). State is derived from events only: `evolve` applies one, `decide` turns an
 * officer's command into the next event or refuses it. Both are pure.
 */
export type ReferralStatus = 'received' | 'accepted' | 'declined' | 'closed';

export interface Referral {
  referralId: string;
  fromAgency: string;
  subjectRef: string;
  areaCode: string;
  servicesRequested: SupportService[];
  receivedAt: string;
  status: ReferralStatus;
  plannedServices: SupportService[];
  servicesDelivered: SupportService[];
}

export interface ReferralInboxState {
  referrals: Map<string, Referral>;
  /** Ids of applied events: a redelivered or replayed event changes nothing. */
  applied: Set<string>;
}

export const emptyInbox = (): ReferralInboxState => ({ referrals: new Map(), applied: new Set() });

/** The referral events the inbox is built from. */
export const INBOX_EVENT_TYPES = [
  policeReferralMade,
  labourReferralAccepted,
  labourReferralDeclined,
  labourReferralServiceDelivered,
  labourReferralClosed,
].map((definition) => definition.type);

export function evolve(state: ReferralInboxState, event: BusEvent): void {
  if (state.applied.has(event.id)) return;
  state.applied.add(event.id);
  const data = event.data as { referralId: string };
  const referral = state.referrals.get(data.referralId);
  switch (event.type) {
    case policeReferralMade.type: {
      const made = event.data as EventData<typeof policeReferralMade>;
      if (made.toAgency !== 'labour' || referral) return;
      state.referrals.set(made.referralId, {
        referralId: made.referralId,
        fromAgency: 'police',
        subjectRef: made.subjectRef,
        areaCode: made.areaCode,
        servicesRequested: made.servicesRequested,
        receivedAt: event.time,
        status: 'received',
        plannedServices: [],
        servicesDelivered: [],
      });
      return;
    }
    case labourReferralAccepted.type:
      if (referral) Object.assign(referral, { status: 'accepted', plannedServices: (event.data as EventData<typeof labourReferralAccepted>).plannedServices });
      return;
    case labourReferralDeclined.type:
      if (referral) referral.status = 'declined';
      return;
    case labourReferralServiceDelivered.type:
      referral?.servicesDelivered.push((event.data as EventData<typeof labourReferralServiceDelivered>).service);
      return;
    case labourReferralClosed.type:
      if (referral) referral.status = 'closed';
  }
}

export type ReferralCommand =
  | { kind: 'accept'; plannedServices: SupportService[] }
  | { kind: 'decline'; reason: EventData<typeof labourReferralDeclined>['reason'] }
  | { kind: 'deliver-service'; service: SupportService }
  | { kind: 'close'; outcome: EventData<typeof labourReferralClosed>['outcome'] };

export class ReferralNotFoundError extends Error {
  override readonly name = 'ReferralNotFoundError';
}

/** The command does not fit the referral's status (e.g. a service for a declined referral). */
export class ReferralStateError extends Error {
  override readonly name = 'ReferralStateError';
}

const ALLOWED: Record<ReferralCommand['kind'], ReferralStatus[]> = {
  accept: ['received'],
  decline: ['received'],
  'deliver-service': ['accepted'],
  close: ['accepted', 'declined'],
};

export function decide(
  referral: Referral | undefined,
  referralId: string,
  command: ReferralCommand,
): { definition: EventDefinition; data: Record<string, unknown> } {
  if (!referral) throw new ReferralNotFoundError(`referral "${referralId}" is not in labour's inbox`);
  if (!ALLOWED[command.kind].includes(referral.status)) {
    throw new ReferralStateError(`cannot ${command.kind} a referral that is ${referral.status}`);
  }
  switch (command.kind) {
    case 'accept':
      return { definition: labourReferralAccepted, data: { referralId, plannedServices: command.plannedServices } };
    case 'decline':
      return { definition: labourReferralDeclined, data: { referralId, reason: command.reason } };
    case 'deliver-service':
      return { definition: labourReferralServiceDelivered, data: { referralId, service: command.service } };
    case 'close':
      return { definition: labourReferralClosed, data: { referralId, outcome: command.outcome } };
  }
}
