import {
  buildEvent,
  labourReferralAccepted,
  labourReferralClosed,
  labourReferralDeclined,
  labourReferralServiceDelivered,
  policeReferralMade,
  type BusEvent,
} from '@lienganh/contracts';
import {
  decideReferral,
  emptyInbox,
  evolveReferralInbox,
  ReferralNotFoundError,
  ReferralStateError,
  type ReferralCommand,
  type ReferralInboxSpec,
} from '../src/index.js';

const labourInbox: ReferralInboxSpec = {
  receiver: 'labour',
  incoming: [policeReferralMade],
  answers: { accepted: labourReferralAccepted, declined: labourReferralDeclined, serviceDelivered: labourReferralServiceDelivered, closed: labourReferralClosed },
};

// Given events, when a command, then an event or a refusal.
function given(...events: BusEvent[]) {
  const state = emptyInbox();
  for (const event of events) evolveReferralInbox(labourInbox, state, event);
  return {
    state,
    when: (command: ReferralCommand, referralId = 'cg-1') => () => decideReferral(labourInbox, state.referrals.get(referralId), referralId, command),
  };
}

const made = buildEvent(policeReferralMade, { ...policeReferralMade.example, referralId: 'cg-1' });
const accepted = buildEvent(labourReferralAccepted, { referralId: 'cg-1', plannedServices: ['counselling'] });

describe('referral inbox', () => {
  it('takes in a police referral as received', () => {
    expect(given(made).state.referrals.get('cg-1')).toMatchObject({ status: 'received', fromAgency: 'police', subjectRef: made.data.subjectRef });
  });

  it('ignores a referral meant for another agency, and answers to referrals it never had', () => {
    const toHealth = buildEvent(policeReferralMade, { ...policeReferralMade.example, referralId: 'cg-9', toAgency: 'health' });
    expect(given(toHealth, accepted).state.referrals.size).toBe(0);
  });

  it('applies a redelivered event once', () => {
    const delivered = buildEvent(labourReferralServiceDelivered, { referralId: 'cg-1', service: 'counselling' });
    expect(given(made, accepted, delivered, delivered).state.referrals.get('cg-1')!.servicesDelivered).toEqual(['counselling']);
  });

  it('applies the same id from two units as two events: an event is its source + id', () => {
    const fromUnitA = buildEvent(policeReferralMade, { ...policeReferralMade.example, referralId: 'cg-a' }, { id: '1001', unit: '001' });
    const fromUnitB = buildEvent(policeReferralMade, { ...policeReferralMade.example, referralId: 'cg-b' }, { id: '1001', unit: '002' });
    const deliveredA = buildEvent(labourReferralServiceDelivered, { referralId: 'cg-a', service: 'counselling' }, { id: '2002', unit: '001' });
    const deliveredB = buildEvent(labourReferralServiceDelivered, { referralId: 'cg-a', service: 'loan' }, { id: '2002', unit: '002' });
    const { state } = given(fromUnitA, fromUnitB, fromUnitB, deliveredA, deliveredB, deliveredA);
    expect([...state.referrals.keys()]).toEqual(['cg-a', 'cg-b']);
    expect(state.referrals.get('cg-a')!.servicesDelivered).toEqual(['counselling', 'loan']);
  });

  it('keeps an answer read before its referral (another replica answered it) and applies it, once, when the referral comes', () => {
    const delivered = buildEvent(labourReferralServiceDelivered, { referralId: 'cg-1', service: 'counselling' });
    const { state } = given(accepted, delivered, accepted, made, delivered);
    expect(state.referrals.get('cg-1')).toMatchObject({ status: 'accepted', plannedServices: ['counselling'], servicesDelivered: ['counselling'] });
    expect(state.early.size).toBe(0);
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

  it('refuses to close where the agency has no closing event', () => {
    const noClose = { ...labourInbox, answers: { ...labourInbox.answers, closed: undefined } };
    const state = emptyInbox();
    evolveReferralInbox(noClose, state, made);
    evolveReferralInbox(noClose, state, accepted);
    expect(() => decideReferral(noClose, state.referrals.get('cg-1'), 'cg-1', { kind: 'close', outcome: 'other' })).toThrow('does not close referrals');
  });
});
