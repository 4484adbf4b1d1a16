import { eventKey, type BusEvent } from '@lienganh/contracts';
import type { TrackedTarget } from '../board/coordination-state.js';
import { referralStageOf } from '../referrals/referral-funnel.js';
import type { ReferralRecord } from '../store/coordination-store.js';
import { countedFor, factOf, type Counted } from './target-tally.js';

/** One event that counted towards a target, and what it added (`Counted`: its distinct value, numerator or denominator). */
export interface ContributingEvent extends Counted {
  targetKey: string;
  /** `eventKey` (source + id). */
  eventKey: string;
  eventId: string;
  source: string;
  type: string;
  /** The event's own `time` (when it happened), not when it arrived. */
  time: string;
  /** The agency that stated it. */
  agency: string;
  areaCode?: string;
}

/**
 * A target's latest contributing events as read back from the streams (ADR 0023): what each
 * added is worked out again from the event and the target, as when it was counted; a referral's
 * answer is placed where and when its referral was made. An event the stream no longer holds, or
 * that no longer counts (its referral forgotten), is left out.
 */
export function contributingEvents(tracked: TrackedTarget, events: readonly (BusEvent | undefined)[], referrals: ReadonlyMap<string, ReferralRecord>): ContributingEvent[] {
  const shown: ContributingEvent[] = [];
  for (const event of events) {
    if (!event) continue;
    const fact = factOf(event, placement(event, referrals));
    const counted = countedFor(tracked.target, fact, tracked.context);
    if (!counted) continue;
    shown.push({
      targetKey: tracked.key,
      eventKey: eventKey(event),
      eventId: event.id,
      source: event.source,
      type: event.type,
      time: event.time,
      agency: event.type.split('.')[2]!,
      ...(fact.areaCode ? { areaCode: fact.areaCode } : {}),
      ...counted,
    });
  }
  return shown;
}

/** A referral's answer counts where and when its referral was made (ADR 0010, 3). */
function placement(event: BusEvent, referrals: ReadonlyMap<string, ReferralRecord>): { areaCode: string; time: string } | undefined {
  const stage = referralStageOf(event);
  if (!stage || stage === 'made') return undefined;
  const referral = referrals.get((event.data as { referralId: string }).referralId);
  return referral?.made && referral.areaCode ? { areaCode: referral.areaCode, time: referral.made } : undefined;
}
