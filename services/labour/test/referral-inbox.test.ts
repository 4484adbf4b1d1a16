import { buildEvent, labourReferralAccepted, labourReferralDeclined, labourReferralServiceDelivered, policeReferralMade, type BusEvent } from '@lienganh/contracts';
import { decide, emptyInbox, evolve, ReferralNotFoundError, ReferralStateError, type ReferralCommand } from '../src/referrals/referral-inbox.js';

// Given events, when a command, then an event or a refusal.
function given(...events: BusEvent[]) {
  const state = emptyInbox();
  for (const event of events) evolve(state, event);
  return {
    state,
    when: (command: ReferralCommand, referralId = 'cg-1') => () => decide(state.referrals.get(referralId), referralId, command),
  };
}

const made = buildEvent(policeReferralMade, { ...policeReferralMade.example, referralId: 'cg-1' });
const accepted = buildEvent(labourReferralAccepted, { referralId: 'cg-1', plannedServices: ['counselling'] });

describe('referral inbox', () => {
  it('takes in a police referral as received', () => {
    const { state } = given(made);
    expect(state.referrals.get('cg-1')).toMatchObject({ status: 'received', fromAgency: 'police', subjectRef: made.data.subjectRef });
  });

  it('ignores a referral meant for another agency', () => {
    const toHealth = buildEvent(policeReferralMade, { ...policeReferralMade.example, referralId: 'cg-9', toAgency: 'health' });
    expect(given(toHealth).state.referrals.size).toBe(0);
  });

  it('applies a redelivered event once', () => {
    const delivered = buildEvent(labourReferralServiceDelivered, { referralId: 'cg-1', service: 'counselling' });
    const { state } = given(made, accepted, delivered, delivered);
    expect(state.referrals.get('cg-1')!.servicesDelivered).toEqual(['counselling']);
  });

  it('accepts a received referral', () => {
    expect(given(made).when({ kind: 'accept', plannedServices: ['loan'] })()).toEqual({
      definition: labourReferralAccepted,
      data: { referralId: 'cg-1', plannedServices: ['loan'] },
    });
  });

  it('records a service only once the referral is accepted', () => {
    expect(given(made).when({ kind: 'deliver-service', service: 'loan' })).toThrow(ReferralStateError);
    expect(given(made, accepted).when({ kind: 'deliver-service', service: 'loan' })().data).toEqual({ referralId: 'cg-1', service: 'loan' });
  });

  it('refuses to accept twice, or to accept a declined referral', () => {
    expect(given(made, accepted).when({ kind: 'accept', plannedServices: ['loan'] })).toThrow('cannot accept a referral that is accepted');
    const declined = buildEvent(labourReferralDeclined, { referralId: 'cg-1', reason: 'person-declined' });
    expect(given(made, declined).when({ kind: 'accept', plannedServices: ['loan'] })).toThrow(ReferralStateError);
  });

  it('knows no referral it was never sent', () => {
    expect(given().when({ kind: 'close', outcome: 'other' })).toThrow(ReferralNotFoundError);
  });
});
