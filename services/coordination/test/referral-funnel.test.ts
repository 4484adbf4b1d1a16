import {
  buildEvent,
  coordinationDeadlineOverdue,
  EXAMPLE_SUBJECT_REF,
  healthReferralAccepted,
  healthReferralDeclined,
  healthReferralServiceDelivered,
  labourReferralAccepted,
  labourReferralClosed,
  labourReferralDeclined,
  labourReferralMade,
  labourReferralServiceDelivered,
  policeInspectionCompleted,
  policeReferralMade,
  policeReportSubmitted,
  type BusEvent,
} from '@lienganh/contracts';
import { evolveReferral, referralFunnel, referralStageOf, type ReferralRecord } from '../src/index.js';

// The referral funnel (chuyển gửi): police → labour → health, from the referral events of every agency.

const made = (time: string, referralId = 'cg-ca-1', areaCode = 'hn-ba-dinh-lieu-giai') =>
  buildEvent(policeReferralMade, { ...policeReferralMade.example, referralId, areaCode }, { id: `evt-made-${referralId}-${time}`, time });
const accepted = (time: string, referralId = 'cg-ca-1') => buildEvent(labourReferralAccepted, { referralId, plannedServices: ['counselling'] }, { id: `evt-accepted-${referralId}-${time}`, time });
const delivered = (time: string, referralId = 'cg-ca-1', service: 'counselling' | 'legal-aid' = 'counselling') =>
  buildEvent(labourReferralServiceDelivered, { referralId, service }, { id: `evt-delivered-${referralId}-${service}-${time}`, time });
const closed = (time: string, referralId = 'cg-ca-1') => buildEvent(labourReferralClosed, { referralId, outcome: 'reintegrated' }, { id: `evt-closed-${referralId}-${time}`, time });

/** Folds events into one referral's record, as the projection does. */
function recordOf(events: BusEvent[]): ReferralRecord | undefined {
  let record: ReferralRecord | undefined;
  for (const event of events) {
    const stage = referralStageOf(event);
    if (stage) record = evolveReferral(record, event, stage);
  }
  return record;
}

describe('referralStageOf', () => {
  it('reads the stage from the type of every agency’s referral events', () => {
    expect(referralStageOf(made('2021-03-01T09:00:00+07:00'))).toBe('made');
    expect(referralStageOf(buildEvent(labourReferralMade, labourReferralMade.example))).toBe('made');
    expect(referralStageOf(accepted('2021-03-01T09:00:00+07:00'))).toBe('accepted');
    expect(referralStageOf(buildEvent(healthReferralAccepted, healthReferralAccepted.example))).toBe('accepted');
    expect(referralStageOf(buildEvent(labourReferralDeclined, labourReferralDeclined.example))).toBe('declined');
    expect(referralStageOf(buildEvent(healthReferralDeclined, healthReferralDeclined.example))).toBe('declined');
    expect(referralStageOf(delivered('2021-03-01T09:00:00+07:00'))).toBe('serviceDelivered');
    expect(referralStageOf(buildEvent(healthReferralServiceDelivered, healthReferralServiceDelivered.example))).toBe('serviceDelivered');
    expect(referralStageOf(closed('2021-03-01T09:00:00+07:00'))).toBe('closed');
  });

  it('gives no stage for unrelated events, even those that mention a referral', () => {
    expect(referralStageOf(buildEvent(policeInspectionCompleted, policeInspectionCompleted.example))).toBeUndefined();
    expect(referralStageOf(buildEvent(policeReportSubmitted, policeReportSubmitted.example))).toBeUndefined();
    // A coordination alert about a referral hand-over is about a deadline, not a stage.
    const overdue = buildEvent(coordinationDeadlineOverdue, { ...coordinationDeadlineOverdue.example, kind: 'referral-handover' });
    expect(referralStageOf(overdue)).toBeUndefined();
  });

  it('gives no stage for a referral action it does not know, whatever its name', () => {
    const base = made('2021-03-01T09:00:00+07:00');
    for (const action of ['reopened', 'constructor', 'tostring', 'valueof']) {
      expect(referralStageOf({ ...base, type: `vn.pcmd.labour.referral.${action}.v1` })).toBeUndefined();
    }
    expect(referralStageOf({ ...base, type: 'vn.pcmd.labour.referral' })).toBeUndefined();
  });
});

describe('evolveReferral', () => {
  it("records who referred to whom, the person's pseudonymous reference, where, and when each stage was reached", () => {
    const record = recordOf([made('2021-03-02T10:00:00+07:00'), accepted('2021-03-04T09:00:00+07:00'), delivered('2021-04-01T09:00:00+07:00'), closed('2021-10-01T09:00:00+07:00')]);
    expect(record).toEqual({
      referralId: 'cg-ca-1',
      subjectRef: EXAMPLE_SUBJECT_REF,
      fromAgency: 'police',
      toAgency: 'labour',
      areaCode: 'hn-ba-dinh-lieu-giai',
      made: '2021-03-02T10:00:00+07:00',
      accepted: '2021-03-04T09:00:00+07:00',
      serviceDelivered: '2021-04-01T09:00:00+07:00',
      closed: '2021-10-01T09:00:00+07:00',
    });
  });

  it('keeps the earliest time of a stage, by instant, whatever the order or the offset', () => {
    // 08:00 in Hanoi written in UTC is earlier than 10:00 in Hanoi, though its string is larger than "…T00…".
    const first = delivered('2021-04-01T01:00:00Z', 'cg-ca-1', 'legal-aid');
    const second = delivered('2021-04-01T10:00:00+07:00');
    expect(recordOf([second, first])!.serviceDelivered).toBe('2021-04-01T01:00:00Z');
    expect(recordOf([first, second])!.serviceDelivered).toBe('2021-04-01T01:00:00Z');
  });

  it('returns the same record when an event changes nothing (a redelivery, or a later event of a stage reached)', () => {
    const record = recordOf([made('2021-03-02T10:00:00+07:00'), delivered('2021-04-01T09:00:00+07:00')])!;
    expect(evolveReferral(record, delivered('2021-04-01T09:00:00+07:00'), 'serviceDelivered')).toBe(record);
    expect(evolveReferral(record, delivered('2021-05-01T09:00:00+07:00', 'cg-ca-1', 'legal-aid'), 'serviceDelivered')).toBe(record);
    expect(evolveReferral(record, made('2021-03-02T10:00:00+07:00'), 'made')).toBe(record);
  });

  it('does not change the record it is given', () => {
    const record = recordOf([made('2021-03-02T10:00:00+07:00')])!;
    const before = structuredClone(record);
    const next = evolveReferral(record, accepted('2021-03-01T09:00:00+07:00'), 'accepted');
    expect(next).not.toBe(record);
    expect(record).toEqual(before);
  });

  it('holds the same time whatever the order when two events reach a stage at the same instant in two offsets', () => {
    const inHanoi = delivered('2021-06-10T09:00:00+07:00');
    const inUtc = delivered('2021-06-10T02:00:00Z', 'cg-ca-1', 'legal-aid');
    expect(recordOf([inHanoi, inUtc])).toEqual(recordOf([inUtc, inHanoi]));
  });

  it('fills fromAgency, toAgency and areaCode from a made event that arrives after the answer', () => {
    const record = recordOf([accepted('2021-03-04T09:00:00+07:00'), delivered('2021-03-20T09:00:00+07:00'), made('2021-03-02T10:00:00+07:00')]);
    expect(record).toEqual(recordOf([made('2021-03-02T10:00:00+07:00'), accepted('2021-03-04T09:00:00+07:00'), delivered('2021-03-20T09:00:00+07:00')]));
    expect(record).toMatchObject({ fromAgency: 'police', toAgency: 'labour', areaCode: 'hn-ba-dinh-lieu-giai', made: '2021-03-02T10:00:00+07:00' });
  });

  it('knows the receiving agency from its answer before the made event arrives', () => {
    const answer = buildEvent(healthReferralAccepted, { referralId: 'cg-ld-1', plannedServices: ['hiv-sti-care'] }, { id: 'evt-yt-1', time: '2021-04-06T08:00:00+07:00' });
    expect(recordOf([answer])).toEqual({ referralId: 'cg-ld-1', accepted: '2021-04-06T08:00:00+07:00', toAgency: 'health' });
  });

  it('does not take labour closing its case for the receiving agency, so that the order does not matter', () => {
    // Labour referred to health; health accepted; labour closed its support case. The made event is not here yet.
    const answer = buildEvent(healthReferralAccepted, { referralId: 'cg-ld-1', plannedServices: ['hiv-sti-care'] }, { id: 'evt-yt-1', time: '2021-04-06T08:00:00+07:00' });
    const closing = closed('2021-09-01T08:00:00+07:00', 'cg-ld-1');
    expect(recordOf([closing, answer])).toEqual(recordOf([answer, closing]));
    expect(recordOf([closing, answer])!.toAgency).toBe('health');
    expect(recordOf([closing])!.toAgency).toBeUndefined();
    // And the made event names it, whatever came before.
    const labourMade = buildEvent(labourReferralMade, { ...labourReferralMade.example, referralId: 'cg-ld-1' }, { id: 'evt-ld-made', time: '2021-04-05T08:00:00+07:00' });
    expect(recordOf([closing, labourMade])).toMatchObject({ fromAgency: 'labour', toAgency: 'health' });
  });
});

describe('referralFunnel', () => {
  const records: ReferralRecord[] = [
    { referralId: 'cg-1', areaCode: 'hn-ba-dinh-lieu-giai', made: '2021-03-02T10:00:00+07:00', accepted: '2021-03-04T09:00:00+07:00', serviceDelivered: '2021-03-20T09:00:00+07:00', closed: '2021-10-01T09:00:00+07:00' },
    { referralId: 'cg-2', areaCode: 'hn-ba-dinh-kim-ma', made: '2021-06-01T10:00:00+07:00', accepted: '2021-06-02T10:00:00+07:00', serviceDelivered: '2021-06-10T10:00:00+07:00' },
    { referralId: 'cg-3', areaCode: 'hn-ba-dinh-kim-ma', made: '2021-07-01T10:00:00+07:00', declined: '2021-07-03T10:00:00+07:00' },
    { referralId: 'cg-4', areaCode: 'hn-ba-dinh-doi-can', made: '2021-11-01T10:00:00+07:00' },
    { referralId: 'cg-5', areaCode: 'hn-ba-dinh-doi-can', made: '2020-12-20T10:00:00+07:00', accepted: '2021-01-05T10:00:00+07:00' }, // made in 2020
    { referralId: 'cg-6', areaCode: 'hn-tay-ho-quang-an', made: '2021-05-05T10:00:00+07:00', accepted: '2021-05-06T10:00:00+07:00' }, // another district
    { referralId: 'cg-7', accepted: '2021-05-06T10:00:00+07:00', toAgency: 'labour' }, // made not arrived yet
  ];
  const inBaDinh2021 = (record: ReferralRecord) =>
    record.made !== undefined && record.areaCode?.startsWith('hn-ba-dinh-') === true && record.made >= '2021-01-01' && record.made < '2022-01-01';

  it('counts the referrals the filter includes, by every stage they reached', () => {
    expect(referralFunnel(records, inBaDinh2021)).toEqual({ made: 4, accepted: 2, declined: 1, serviceDelivered: 2, closed: 1 });
  });

  it('counts everything when the filter takes everything, and nothing when it takes nothing', () => {
    // cg-7's `made` is not known: it is in no funnel.
    expect(referralFunnel(records, () => true)).toEqual({ made: 6, accepted: 4, declined: 1, serviceDelivered: 2, closed: 1 });
    expect(referralFunnel(records, () => false)).toEqual({ made: 0, accepted: 0, declined: 0, serviceDelivered: 0, closed: 0 });
  });

  it('is cumulative: a referral served or closed was accepted, whatever answers were lost or are late (#17, defect 6)', () => {
    const skipped: ReferralRecord[] = [
      { referralId: 'cg-a', areaCode: 'hn-ba-dinh-kim-ma', made: '2021-03-02T10:00:00+07:00', serviceDelivered: '2021-03-20T09:00:00+07:00' },
      { referralId: 'cg-b', areaCode: 'hn-ba-dinh-kim-ma', made: '2021-03-02T10:00:00+07:00', closed: '2021-10-01T09:00:00+07:00' },
      { referralId: 'cg-c', areaCode: 'hn-ba-dinh-kim-ma', made: '2021-03-02T10:00:00+07:00', declined: '2021-03-03T09:00:00+07:00' },
    ];
    const funnel = referralFunnel(skipped, () => true);
    expect(funnel).toEqual({ made: 3, accepted: 2, declined: 1, serviceDelivered: 2, closed: 1 });
    expect(funnel.made >= funnel.accepted && funnel.accepted >= funnel.serviceDelivered && funnel.serviceDelivered >= funnel.closed).toBe(true);
  });

  it('counts the records evolved from events, one per referral however often an event came', () => {
    const events = [
      made('2021-03-02T10:00:00+07:00', 'cg-a'),
      accepted('2021-03-04T09:00:00+07:00', 'cg-a'),
      accepted('2021-03-04T09:00:00+07:00', 'cg-a'),
      delivered('2021-03-05T09:00:00+07:00', 'cg-a'),
      delivered('2021-03-06T09:00:00+07:00', 'cg-a', 'legal-aid'),
      made('2021-03-10T10:00:00+07:00', 'cg-b', 'hn-ba-dinh-kim-ma'),
    ];
    const byId = new Map<string, ReferralRecord>();
    for (const event of events) {
      const id = (event.data as { referralId: string }).referralId;
      byId.set(id, evolveReferral(byId.get(id), event, referralStageOf(event)!));
    }
    expect(referralFunnel(byId.values(), (record) => record.areaCode === 'hn-ba-dinh-lieu-giai')).toEqual({ made: 1, accepted: 1, declined: 0, serviceDelivered: 1, closed: 0 });
    expect(referralFunnel(byId.values(), () => true).made).toBe(2);
  });
});
