import type { BusEvent, Plan } from '@lienganh/contracts';
import { isEarlier, vietnamDate } from '../targets/target-tally.js';
import type { ReferralRecord } from '../store/coordination-store.js';

/**
 * The referral funnel (made → accepted → service delivered → closed), from the referral
 * events of every agency. Each stage keeps the earliest `time` that reached it, so a
 * redelivered, replayed or late event changes nothing it should not.
 */

export type ReferralStage = 'made' | 'accepted' | 'declined' | 'serviceDelivered' | 'closed';

const STAGE_OF_ACTION: Record<string, ReferralStage> = {
  made: 'made',
  accepted: 'accepted',
  declined: 'declined',
  'service-delivered': 'serviceDelivered',
  closed: 'closed',
};

/** The stage a referral event marks, or undefined for any other event. */
export function referralStageOf(event: BusEvent): ReferralStage | undefined {
  const [, , , entity, action] = event.type.split('.');
  // Own keys only: an action named like an Object.prototype member ("constructor") is no stage.
  return entity === 'referral' && action !== undefined && Object.hasOwn(STAGE_OF_ACTION, action) ? STAGE_OF_ACTION[action] : undefined;
}

/** Pure: the record after the event; the same object when the event changes nothing. */
export function evolveReferral(record: ReferralRecord | undefined, event: BusEvent, stage: ReferralStage): ReferralRecord {
  const data = event.data as { referralId: string; subjectRef?: string; toAgency?: string; areaCode?: string };
  const current: ReferralRecord = record ?? { referralId: data.referralId };
  const earlier = current[stage];
  const next: ReferralRecord = { ...current };
  if (!earlier || isEarlier(event.time, earlier)) next[stage] = event.time;
  if (stage === 'made') {
    next.fromAgency = agencyOfType(event.type);
    if (data.subjectRef) next.subjectRef = data.subjectRef;
    if (data.toAgency) next.toAgency = data.toAgency;
    if (data.areaCode) next.areaCode = data.areaCode;
  } else if (!next.toAgency && stage !== 'closed') {
    // The receiving agency answers; known before the `made` event arrives, if it is late. Not from
    // `closed`: labour closes its support case whichever side of the referral it was on.
    next.toAgency = agencyOfType(event.type);
  }
  return JSON.stringify(next) === JSON.stringify(current) && record ? record : next;
}


export interface ReferralFunnel {
  made: number;
  accepted: number;
  declined: number;
  serviceDelivered: number;
  closed: number;
}

export const emptyFunnel = (): ReferralFunnel => ({ made: 0, accepted: 0, declined: 0, serviceDelivered: 0, closed: 0 });

/**
 * Counts referrals by the stages they reached; `include` picks the referrals (by area, period,
 * agency). Stages are cumulative (ADR 0010, 6): a referral served was also accepted, a closed one
 * also served, so made ≥ accepted ≥ served ≥ closed whatever events were lost or late; declined
 * stands beside them. A referral whose `made` is unknown is in no funnel.
 */
export function referralFunnel(records: Iterable<ReferralRecord>, include: (record: ReferralRecord) => boolean): ReferralFunnel {
  const funnel = emptyFunnel();
  for (const record of records) if (record.made && include(record)) addTo(funnel, record);
  return funnel;
}

/**
 * The referrals a plan's funnel counts: those made in its area (or below) on a day of its period,
 * wherever and whenever they were answered (ADR 0010, 3 and 6).
 */
export function referralsOfPlan(plan: Pick<Plan, 'area' | 'period'>, referrals: Iterable<ReferralRecord>, isWithin: (code: string, ancestor: string) => boolean): ReferralRecord[] {
  return [...referrals].filter((referral) => {
    if (!referral.made || !referral.areaCode || !isWithin(referral.areaCode, plan.area)) return false;
    const day = vietnamDate(referral.made);
    return day >= plan.period.start && day <= plan.period.end;
  });
}

const STAGES = ['made', 'accepted', 'declined', 'serviceDelivered', 'closed'] as const;

/** A referral as it stood at `instant` (ms): the stages it had reached by then; undefined when it was not yet made. */
export function referralAsOf(record: ReferralRecord, instant: number): ReferralRecord | undefined {
  if (!record.made || Date.parse(record.made) > instant) return undefined;
  const asOf: ReferralRecord = { ...record };
  for (const stage of STAGES) if (asOf[stage] && Date.parse(asOf[stage]) > instant) delete asOf[stage];
  return asOf;
}

/** Adds one referral to a funnel, by the furthest stage it reached. */
export function addTo(funnel: ReferralFunnel, record: ReferralRecord): void {
  funnel.made++;
  if (record.accepted || record.serviceDelivered || record.closed) funnel.accepted++;
  if (record.serviceDelivered || record.closed) funnel.serviceDelivered++;
  if (record.closed) funnel.closed++;
  if (record.declined) funnel.declined++;
}

/** `vn.pcmd.<agency>.…`: the agency that states a fact is part of its type. */
export const agencyOfType = (type: string): string => type.split('.')[2]!;
