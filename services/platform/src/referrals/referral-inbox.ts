import { eventKey, type AgencyService, type BusEvent, type EventDefinition, type SupportService } from '@lienganh/contracts';

/**
 * An agency's inbox of people referred to it for support: police → labour after a sanction
 * or a rescue, labour → health for HIV/STI care. State is derived from events only:
 * `evolve` applies one, `decide` turns an officer's command into the next event or refuses
 * it. Both are pure; `ReferralInboxSpec` says which agency and which event types.
 */
export interface ReferralInboxSpec {
  receiver: AgencyService;
  /** `referral.made` types of the agencies that refer people to the receiver. */
  incoming: readonly EventDefinition[];
  /** The receiver's own answers. */
  answers: {
    accepted: EventDefinition;
    declined: EventDefinition;
    serviceDelivered: EventDefinition;
    closed?: EventDefinition;
  };
}

export type ReferralStatus = 'received' | 'accepted' | 'declined' | 'closed';

export interface Referral {
  referralId: string;
  fromAgency: string;
  subjectRef: string;
  areaCode: string;
  servicesRequested: SupportService[];
  respondBy?: string;
  receivedAt: string;
  status: ReferralStatus;
  plannedServices: SupportService[];
  servicesDelivered: SupportService[];
}

export interface ReferralInboxState {
  referrals: Map<string, Referral>;
  /** Applied events by `eventKey` (source + id): a redelivered or replayed event changes nothing. */
  applied: Set<string>;
  /**
   * Answers read before the referral they answer, by referral: each replica reads referrals and
   * answers (another replica's among them) through two consumers, which need not keep pace.
   * Applied, in order, when the referral comes.
   */
  early: Map<string, BusEvent[]>;
}

export const emptyInbox = (): ReferralInboxState => ({ referrals: new Map(), applied: new Set(), early: new Map() });

interface MadeData {
  referralId: string;
  subjectRef: string;
  areaCode: string;
  toAgency: string;
  servicesRequested: SupportService[];
  respondBy?: string;
}

export function evolve(spec: ReferralInboxSpec, state: ReferralInboxState, event: BusEvent): void {
  if (state.applied.has(eventKey(event))) return;
  const made = spec.incoming.find((definition) => definition.type === event.type);
  const { answers } = spec;
  const data = event.data as { referralId: string };
  const referral = state.referrals.get(data.referralId);
  if (made) {
    const referred = event.data as MadeData;
    if (referred.toAgency !== spec.receiver || referral) return;
    state.referrals.set(referred.referralId, {
      referralId: referred.referralId,
      fromAgency: made.agency,
      subjectRef: referred.subjectRef,
      areaCode: referred.areaCode,
      servicesRequested: referred.servicesRequested,
      ...(referred.respondBy ? { respondBy: referred.respondBy } : {}),
      receivedAt: event.time,
      status: 'received',
      plannedServices: [],
      servicesDelivered: [],
    });
    state.applied.add(eventKey(event));
    const early = state.early.get(referred.referralId) ?? [];
    state.early.delete(referred.referralId);
    for (const answer of early) evolve(spec, state, answer);
    return;
  } else if (!referral) {
    const isAnswer = [answers.accepted, answers.declined, answers.serviceDelivered, answers.closed].some((definition) => definition?.type === event.type);
    const early = state.early.get(data.referralId) ?? [];
    if (isAnswer && !early.some((answer) => answer.id === event.id && answer.source === event.source)) state.early.set(data.referralId, [...early, event]);
    return;
  } else if (event.type === answers.accepted.type) {
    referral.status = 'accepted';
    referral.plannedServices = (event.data as { plannedServices: SupportService[] }).plannedServices;
  } else if (event.type === answers.declined.type) {
    referral.status = 'declined';
  } else if (event.type === answers.serviceDelivered.type) {
    referral.servicesDelivered.push((event.data as { service: SupportService }).service);
  } else if (event.type === answers.closed?.type) {
    referral.status = 'closed';
  } else {
    return;
  }
  state.applied.add(eventKey(event));
}

export type ReferralCommand =
  | { kind: 'accept'; plannedServices: SupportService[] }
  | { kind: 'decline'; reason: string }
  | { kind: 'deliver-service'; service: SupportService }
  | { kind: 'close'; outcome: string };

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
  spec: ReferralInboxSpec,
  referral: Referral | undefined,
  referralId: string,
  command: ReferralCommand,
): { definition: EventDefinition; data: Record<string, unknown> } {
  if (!referral) throw new ReferralNotFoundError(`referral "${referralId}" is not in ${spec.receiver}'s inbox`);
  if (!ALLOWED[command.kind].includes(referral.status)) {
    throw new ReferralStateError(`cannot ${command.kind} a referral that is ${referral.status}`);
  }
  const { kind, ...fields } = command;
  const definition = {
    accept: spec.answers.accepted,
    decline: spec.answers.declined,
    'deliver-service': spec.answers.serviceDelivered,
    close: spec.answers.closed,
  }[kind];
  if (!definition) throw new ReferralStateError(`${spec.receiver} does not close referrals`);
  return { definition, data: { referralId, ...fields } };
}
