import {
  buildEvent,
  coordinationPlanPublished,
  cultureAwarenessActivityHeld,
  cultureBusinessSanctioned,
  cultureCommitmentSigned,
  cultureInspectionCompleted,
  culturePublicationPublished,
  cultureReportSubmitted,
  cultureWardAssessmentCompleted,
  healthChecksReported,
  healthHivStiServicesReported,
  healthReferralAccepted,
  healthReferralDeclined,
  healthReferralServiceDelivered,
  healthReportSubmitted,
  justiceCaseProsecuted,
  justiceCaseTried,
  justiceLegalAidReported,
  justiceLegalDisseminationHeld,
  justiceReportSubmitted,
  labourBusinessSanctioned,
  labourFollowUpCheckCompleted,
  labourJointInspectionCompleted,
  labourReferralAccepted,
  labourReferralClosed,
  labourReferralDeclined,
  labourReferralMade,
  labourReferralServiceDelivered,
  labourReportSubmitted,
  labourTrainingHeld,
  policeBusinessRegistered,
  policeCaseOpened,
  policeCaseTransferred,
  policeHotspotCleared,
  policeHotspotPatrolled,
  policeHotspotReactivated,
  policeHotspotReported,
  policeInspectionCompleted,
  policeReferralMade,
  policeReportSubmitted,
  policeSanctionIssued,
  policeTipOffReceived,
  policeTipOffVerified,
  policeVictimRescued,
  getEventDefinition,
  reportingReportSubmitted,
  consentRefOf,
  subjectRefOf,
  type BusEvent,
  type EventDefinition,
  type Plan,
} from '@lienganh/contracts';
import { Random } from '../simulation/random.js';
import { CT, HN, OUTSIDE, PLAN_A_ID, PLAN_B_ID, oraclePlans } from './plans.js';

/**
 * Seeded event streams for the figures oracle (ADR 0010): the same seed gives the same stream,
 * run after run (mulberry32, never Math.random). Each stream is the two oracle plans and a few
 * thousand agency events of every relevant catalog type, built with `buildEvent` (so the data is
 * valid), with what production brings:
 * - events in both jurisdictions, in a sibling district, in a province no plan names, at each
 *   plan's own level (district, province), and in the province above the district plan;
 * - times from two months before the first plan to two months after the last, some a few hours
 *   around Vietnam's midnight at month and quarter boundaries, written with `+07:00`, `Z` or
 *   another offset;
 * - the same `id` from different sources: every source numbers its own events from 1001 (two
 *   agencies, and two police units `/pcmd/police/001` and `/pcmd/police/002`);
 * - referrals police → labour and labour → health and their answers (accepted, declined,
 *   service-delivered, closed: no area), some answering a referral that is never made, some
 *   arriving before the referral they answer;
 * - an arrival order that is not the order of `time`, and re-sends (the identical event, same
 *   source and id, delivered again later).
 */

export interface GeneratorOptions {
  /** Distinct agency events to generate (re-sends come on top). */
  events: number;
}

export interface GeneratedStream {
  seed: number;
  plans: Plan[];
  /** The plans' `coordination.plan.published` events, fed first. */
  planEvents: BusEvent[];
  /** Agency events in arrival order, re-sends included. */
  arrivals: BusEvent[];
  /** The board's clock: after every event. */
  now: Date;
}

export const DEFAULT_EVENTS = 3_000;
export const NOW = new Date('2026-12-01T00:00:00.000Z');

const FIRST_INSTANT = Date.parse('2024-05-01T00:00:00+07:00');
const LAST_INSTANT = Date.parse('2026-02-28T23:59:59+07:00');
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
/** Vietnam's midnights where figures change: months and quarters around the plans' periods, their starts and ends. */
const BOUNDARIES = [
  '2024-07-01', '2024-08-01', '2024-10-01', '2025-01-01', '2025-02-01', '2025-04-01', '2025-05-01',
  '2025-07-01', '2025-10-01', '2025-12-01', '2026-01-01',
].map((day) => Date.parse(`${day}T00:00:00+07:00`));

/** Where an event happens. */
type Place = 'hn-ward' | 'hn-district' | 'hn-province' | 'hn-sibling' | 'ct-ward' | 'ct-commune' | 'ct-province' | 'outside';
const PLACES: readonly (readonly [number, Place])[] = [
  [30, 'hn-ward'],
  [5, 'hn-district'],
  [2, 'hn-province'],
  [6, 'hn-sibling'],
  [26, 'ct-ward'],
  [9, 'ct-commune'],
  [5, 'ct-province'],
  [7, 'outside'],
];

const BUSINESS_KINDS = ['karaoke', 'bar', 'dance-hall', 'massage', 'sauna', 'hotel', 'guesthouse', 'restaurant', 'hair-salon', 'cafe', 'other'] as const;
const OUTCOMES = ['compliant', 'violations-found', 'closed-down'] as const;
const SERVICES = ['counselling', 'legal-aid', 'health-check', 'hiv-sti-care', 'methadone', 'vocational-training', 'loan', 'job-placement', 'shelter', 'reintegration'] as const;
const CLOSE_OUTCOMES = ['reintegrated', 'services-completed', 'person-withdrew', 'lost-contact', 'other'] as const;
const AUDIENCES = ['staff', 'ward-officials', 'collaborators', 'peer-educators', 'business-owners'] as const;

interface Business {
  id: string;
  kind: (typeof BUSINESS_KINDS)[number];
  area: string;
}

/** One event before it gets its id: what it says, who says it, when. */
interface Draft {
  definition: EventDefinition;
  data: Record<string, unknown>;
  source: string;
  time: number;
  /** Sent last, whatever its time (a `made` that comes after its answers). */
  late?: boolean;
  /** Never sent (the answers of a referral that is never made). */
  withheld?: boolean;
}

export function generateStream(seed: number, options: GeneratorOptions = { events: DEFAULT_EVENTS }): GeneratedStream {
  const random = new Random(seed * 7919 + 17);
  const plans = oraclePlans();
  const world = new World(random);
  const drafts: Draft[] = [];
  // How much of each kind of fact this seed has: some seeds leave wards without an activity, months without news.
  const mix = world.mix();
  while (drafts.length < options.events) drafts.push(...world.draft(random.weighted(mix)));
  drafts.length = Math.min(drafts.length, options.events + 8);

  // Ids: every source numbers its own events from 1001, so two sources often send the same id.
  const counters = new Map<string, number>();
  const events = drafts.map((draft) => {
    const next = (counters.get(draft.source) ?? 1000) + 1;
    counters.set(draft.source, next);
    return { draft, event: buildEvent(draft.definition, draft.data as never, { source: draft.source, id: String(next), time: world.formatTime(draft.time) }) };
  });

  // Arrival: by time, jittered by days (or by months for a few), the late ones last; then re-sends.
  const keyed = events
    .filter(({ draft }) => !draft.withheld)
    .map(({ draft, event }) => {
      const jitter = random.next() < 0.1 ? (random.next() - 0.5) * 600 * DAY_MS : (random.next() - 0.5) * 20 * DAY_MS;
      return { event, key: draft.late ? LAST_INSTANT + random.next() * 60 * DAY_MS : draft.time + jitter };
    })
    .sort((a, b) => a.key - b.key);
  const arrivals = keyed.map(({ event }) => event);
  const resends = Math.round(arrivals.length * 0.05);
  for (let count = 0; count < resends; count++) {
    const position = random.int(0, arrivals.length - 1);
    const later = random.int(position + 1, arrivals.length);
    arrivals.splice(later, 0, structuredClone(arrivals[position]!));
  }

  const planEvents = plans.map((plan) =>
    buildEvent(coordinationPlanPublished, plan, { id: `plan-${plan.id}`, source: '/pcmd/coordination', time: `${plan.issuedOn}T09:00:00+07:00` }),
  );
  return { seed, plans, planEvents, arrivals, now: NOW };
}

/** A second arrival order of the same stream for the replay check: shuffled, with every event sent twice. */
export function reorderedArrivals(stream: GeneratedStream): BusEvent[] {
  const random = new Random(stream.seed * 104729 + 3);
  const events = [...stream.arrivals, ...stream.arrivals.map((event) => structuredClone(event))];
  for (let index = events.length - 1; index > 0; index--) {
    const other = random.int(0, index);
    [events[index], events[other]] = [events[other]!, events[index]!];
  }
  return events;
}

type Kind =
  | 'police-inspection'
  | 'police-registration'
  | 'police-other'
  | 'case'
  | 'joint-inspection'
  | 'labour-other'
  | 'training'
  | 'health'
  | 'culture-inspection'
  | 'commitment'
  | 'awareness'
  | 'publication'
  | 'assessment'
  | 'justice'
  | 'report'
  | 'referral'
  | 'body-work';

class World {
  private readonly businesses = { hn: [] as Business[], ct: [] as Business[], outside: [] as Business[] };
  private readonly subjects: string[] = [];
  private referrals = 0;
  private records = 0;

  constructor(private readonly random: Random) {
    for (const [region, prefix, count] of [
      ['hn', '0101', 70],
      ['ct', '1801', 70],
      ['outside', '0401', 20],
    ] as const) {
      for (let index = 0; index < count; index++) {
        this.businesses[region].push({ id: `${prefix}${String(100_000 + index)}`, kind: random.pick(BUSINESS_KINDS), area: this.areaOf(this.placeIn(region)) });
      }
    }
    for (let index = 0; index < 60; index++) this.subjects.push(subjectRefOf('oracle-check-key', `HS-${index}`));
  }

  /** Weights of each kind of fact for this seed (rare ones stay rare, so that gaps happen). */
  mix(): (readonly [number, Kind])[] {
    const spread = (weight: number) => weight * (0.3 + this.random.next() * 1.4);
    return [
      [spread(16), 'police-inspection'],
      [spread(6), 'police-registration'],
      [spread(8), 'police-other'],
      [spread(4), 'case'],
      [spread(8), 'joint-inspection'],
      [spread(3), 'labour-other'],
      [spread(0.6), 'training'],
      [spread(3), 'health'],
      [spread(6), 'culture-inspection'],
      [spread(4), 'commitment'],
      [spread(0.5), 'awareness'],
      [spread(0.8), 'publication'],
      [spread(0.7), 'assessment'],
      [spread(4), 'justice'],
      [spread(2), 'report'],
      [spread(4), 'referral'],
      [spread(8), 'body-work'],
    ];
  }

  draft(kind: Kind): Draft[] {
    const random = this.random;
    const time = this.time();
    const n = ++this.records;
    const place = random.weighted(PLACES);
    const areaCode = this.areaOf(place);
    const one = (definition: EventDefinition, data: Record<string, unknown>, source = sourceOf(definition, random)) => [{ definition, data, source, time }];
    switch (kind) {
      case 'police-inspection': {
        const business = this.business(place);
        const outcome = random.pick(OUTCOMES);
        return one(policeInspectionCompleted, { inspectionId: `kt-${n}`, areaCode: business.area, business: { businessId: business.id, kind: business.kind }, outcome, violations: violations(outcome, random) });
      }
      case 'police-registration': {
        const business = this.business(place);
        return one(policeBusinessRegistered, { businessId: business.id, kind: business.kind, areaCode: business.area, atRisk: random.next() < 0.7 });
      }
      case 'police-other':
        return one(...this.policeOther(n, areaCode));
      case 'case': {
        const caseId = `va-${n}`;
        const drafts: Draft[] = [{ definition: policeCaseOpened, data: { caseId, areaCode, offences: [random.pick(['brokering', 'harbouring', 'organising'] as const)], suspects: random.int(1, 4) }, source: sourceOf(policeCaseOpened, random), time }];
        if (random.next() < 0.6) drafts.push({ definition: justiceCaseTried, data: { caseId, areaCode, defendants: random.int(1, 3), mobileTrial: random.next() < 0.3, exemplaryTrial: false, verdict: 'convicted' }, source: '/pcmd/justice', time: time + random.int(10, 120) * DAY_MS });
        return drafts;
      }
      case 'joint-inspection': {
        const business = this.business(place);
        const outcome = random.pick(OUTCOMES);
        return one(labourJointInspectionCompleted, {
          inspectionId: `kt178-${n}`,
          teamId: 'doi-178',
          areaCode: business.area,
          business: { businessId: business.id, kind: business.kind },
          participatingAgencies: ['labour', 'police'],
          outcome,
          violations: violations(outcome, random),
        });
      }
      case 'labour-other': {
        const business = this.business(place);
        return random.next() < 0.5
          ? one(labourFollowUpCheckCompleted, { checkId: `hk-${n}`, inspectionId: `kt178-${n}`, areaCode: business.area, business: { businessId: business.id, kind: business.kind }, outcome: 'remedied' })
          : one(labourBusinessSanctioned, { decisionId: `qd-${n}`, areaCode: business.area, business: { businessId: business.id, kind: business.kind }, violations: [{ category: 'licensing' }], measures: ['fine'], fineVnd: 5_000_000 });
      }
      case 'training':
        return one(labourTrainingHeld, { trainingId: `th-${n}`, areaCode, audience: random.pick(AUDIENCES), participants: random.int(5, 80), topic: 'Phòng, chống mại dâm' });
      case 'health': {
        const period = vietnamDay(time).slice(0, 7);
        return random.next() < 0.5
          ? one(healthChecksReported, { batchId: `ks-${n}`, areaCode, period, group: 'business-workers', checked: 40, referredForTreatment: 2 })
          : one(healthHivStiServicesReported, { batchId: `hiv-${n}`, areaCode, period, hivTests: 20, hivPositive: 1, stiTreated: 3, methadonePatients: 10, condomsDistributed: 300 });
      }
      case 'culture-inspection': {
        const business = this.business(place);
        const outcome = random.pick(OUTCOMES);
        if (random.next() < 0.15) {
          return one(cultureBusinessSanctioned, { decisionId: `qdvh-${n}`, areaCode: business.area, business: { businessId: business.id, kind: business.kind }, violations: [{ category: 'cultural-content' }], measures: ['warning'] });
        }
        return one(cultureInspectionCompleted, { inspectionId: `ktvh-${n}`, areaCode: business.area, business: { businessId: business.id, kind: business.kind }, outcome, violations: violations(outcome, random) });
      }
      case 'commitment': {
        const business = this.business(place);
        return one(cultureCommitmentSigned, { commitmentId: `cc-${n}`, areaCode: business.area, businessId: business.id, kind: business.kind, workersRegistered: random.int(0, 20) });
      }
      case 'awareness':
        return one(cultureAwarenessActivityHeld, { activityId: `tt-${n}`, areaCode, format: 'meeting', topic: 'Tác hại của tệ nạn mại dâm' });
      case 'publication':
        return one(culturePublicationPublished, { publicationId: `bt-${n}`, areaCode, outlet: 'Cổng thông tin', medium: 'website', topic: 'Phòng, chống mại dâm' });
      case 'assessment': {
        const year = Number(vietnamDay(time).slice(0, 4)) - (random.next() < 0.25 ? 1 : 0);
        const healthy = random.next() < 0.7;
        return one(cultureWardAssessmentCompleted, { assessmentId: `dg-${n}`, areaCode, year, score: healthy ? 90 : 60, result: healthy ? 'healthy' : 'not-yet-healthy' });
      }
      case 'justice': {
        const roll = random.next();
        if (roll < 0.3) return one(justiceCaseProsecuted, { caseId: `va-x-${n}`, areaCode, defendants: 1, offences: ['brokering'] });
        if (roll < 0.55) return one(justiceCaseTried, { caseId: `va-x-${n}`, areaCode, defendants: 1, mobileTrial: true, exemplaryTrial: random.next() < 0.2, verdict: 'convicted' });
        if (roll < 0.8) return one(justiceLegalDisseminationHeld, { sessionId: `pbpl-${n}`, areaCode, audience: 'residents', participants: 30, topic: 'Pháp luật phòng, chống mại dâm' });
        return one(justiceLegalAidReported, { batchId: `tgpl-${n}`, areaCode, period: vietnamDay(time).slice(0, 7), peopleAssisted: 3, referredBySupportServices: 1 });
      }
      case 'report': {
        const definition = random.pick([policeReportSubmitted, labourReportSubmitted, healthReportSubmitted, cultureReportSubmitted, justiceReportSubmitted, reportingReportSubmitted]);
        const body = definition.agency === 'reporting' ? random.pick(REPORTING_BODIES) : definition.agency;
        const source = definition.agency === 'reporting' ? `/pcmd/reporting/${body}` : sourceOf(definition, random);
        return one(definition, { reportId: `bc-${n}`, reportingBody: body, areaCode, cadence: 'monthly', period: vietnamDay(time - 10 * DAY_MS).slice(0, 7) }, source);
      }
      case 'body-work':
        return this.bodyWork(n, time, areaCode);
      case 'referral':
        return this.referral(time, areaCode);
    }
  }

  /**
   * What any body does (ADR 0012's sums and the plans' tasks): an activity held with counts, or
   * progress or completion of a task, from one of the five agencies or from a body reporting
   * through the reporting service (`/pcmd/reporting/<body>`). Task facts move no figure.
   */
  private bodyWork(n: number, time: number, areaCode: string): Draft[] {
    const random = this.random;
    // Labour's trainings (officers trained) and the reporting bodies' activities (participants) are what plans sum most.
    const producer = random.pick(['labour', 'labour', 'police', 'health', 'culture', 'justice', 'reporting', 'reporting', 'reporting'] as const);
    const body = producer === 'reporting' ? random.pick(REPORTING_BODIES) : producer;
    const source = producer === 'reporting' ? `/pcmd/reporting/${body}` : producer === 'police' ? random.pick(['/pcmd/police/001', '/pcmd/police']) : `/pcmd/${producer}`;
    const day = vietnamDay(time);
    const roll = random.next();
    if (roll < 0.7) {
      const kind = random.weighted<string>([
        [6, 'training-course'],
        [6, 'awareness-session'],
        [1, 'campaign'],
        [1, 'media-publication'],
        [1, 'business-commitment-signing'],
        [1, 'programme-integration'],
        [1, 'pilot-model'],
        [1, 'review-conference'],
        [1, 'dialogue'],
        [1, 'guidance-issued'],
      ]);
      const counts: Record<string, number> = {};
      for (const count of ['participants', 'officers', 'businesses', 'publications', 'sessions']) if (random.next() < 0.6) counts[count] = random.int(0, 120);
      const data: Record<string, unknown> = { activityId: `hd-${n}`, kind, areaCode, organiser: body, partners: random.next() < 0.3 ? ['labour'] : [], counts };
      if (kind === 'media-publication') data['channel'] = random.pick(['newspaper', 'television', 'website'] as const);
      if (random.next() < 0.3) Object.assign(data, { planId: PLAN_A_ID, taskId: 'nv-a-phuong' });
      if (random.next() < 0.2) data['evidence'] = { documentNumber: `${n}/BC-HD`, issuedOn: day };
      return [{ definition: getEventDefinition(`vn.pcmd.${producer}.activity.held.v1`), data, source, time }];
    }
    const [planId, taskId] = random.pick([
      [PLAN_A_ID, 'nv-a-tai-chinh'],
      [PLAN_A_ID, 'nv-a-phuong'],
      [PLAN_B_ID, 'nv-b-tai-chinh'],
      [PLAN_B_ID, 'nv-b-xa-phuong'],
    ] as const);
    const evidence = { documentNumber: `${n}/BC-NV`, issuedOn: day };
    if (roll < 0.85) {
      return [{ definition: getEventDefinition(`vn.pcmd.${producer}.task.progress-reported.v1`), data: { planId, taskId, areaCode, percentDone: random.int(0, 100), ...(random.next() < 0.5 ? { evidence } : {}) }, source, time }];
    }
    return [{ definition: getEventDefinition(`vn.pcmd.${producer}.task.completed.v1`), data: { planId, taskId, completedOn: day, evidence, ...(random.next() < 0.5 ? { areaCode } : {}) }, source, time }];
  }

  /** A referral and the answers it gets: made → (accepted | declined) → service delivered → closed, with gaps. */
  private referral(time: number, areaCode: string): Draft[] {
    const random = this.random;
    const fromPolice = random.next() < 0.65;
    const referralId = `cg-${fromPolice ? 'police' : 'labour'}-${++this.referrals}`;
    const made = fromPolice ? policeReferralMade : labourReferralMade;
    const drafts: Draft[] = [
      {
        definition: made,
        data: {
          referralId,
          subjectRef: random.pick(this.subjects),
          consentRef: consentRefOf('oracle-check-key', `DY-${this.referrals}`),
          areaCode,
          toAgency: fromPolice ? 'labour' : 'health',
          reason: fromPolice ? 'sanctioned' : 'support-plan',
          servicesRequested: [random.pick(SERVICES)],
        },
        source: sourceOf(made, random),
        time,
        ...(random.next() < 0.08 ? { late: true } : {}),
        ...(random.next() < 0.05 ? { withheld: true } : {}),
      },
    ];
    const answers = fromPolice
      ? { accepted: labourReferralAccepted, declined: labourReferralDeclined, served: labourReferralServiceDelivered }
      : { accepted: healthReferralAccepted, declined: healthReferralDeclined, served: healthReferralServiceDelivered };
    let at = time;
    const answer = (definition: EventDefinition, data: Record<string, unknown>) => {
      at += random.int(1, 20) * DAY_MS + random.int(0, 23) * HOUR_MS;
      drafts.push({ definition, data: { referralId, ...data }, source: sourceOf(definition, random), time: at });
    };
    const path = random.weighted<string>([
      [15, ''],
      [10, 'd'],
      [3, 'dc'],
      [18, 'a'],
      [22, 'as'],
      [14, 'asc'],
      [6, 's'],
      [3, 'sc'],
      [5, 'c'],
      [4, 'ad'],
    ]);
    for (const step of path) {
      if (step === 'a') answer(answers.accepted, { plannedServices: [random.pick(SERVICES)] });
      if (step === 'd') answer(answers.declined, { reason: 'person-declined' });
      if (step === 's') for (let times = random.int(1, 3); times > 0; times--) answer(answers.served, { service: random.pick(SERVICES) });
      if (step === 'c') answer(labourReferralClosed, { outcome: random.pick(CLOSE_OUTCOMES) });
    }
    return drafts;
  }

  private policeOther(n: number, areaCode: string): [EventDefinition, Record<string, unknown>] {
    const random = this.random;
    const hotspotId = `td-${random.int(1, 12)}`;
    switch (random.int(0, 9)) {
      case 0:
        return [policeSanctionIssued, { sanctionId: `xp-${n}`, areaCode, subjectRef: random.pick(this.subjects), decree: '144/2021/ND-CP', violation: 'selling-sex', measure: 'warning' }];
      case 1:
        return [policeCaseTransferred, { caseId: `va-${n}`, areaCode, procuracyUnit: 'vks', defendants: 1 }];
      case 2:
        return [policeHotspotReported, { hotspotId, areaCode, place: 'Phố ven hồ', kind: 'street', detectedBy: 'patrol' }];
      case 3:
        return [policeHotspotCleared, { hotspotId, areaCode }];
      case 4:
        return [policeHotspotPatrolled, { hotspotId, areaCode, activityObserved: random.next() < 0.2 }];
      case 5:
        return [policeHotspotReactivated, { hotspotId, areaCode }];
      case 6:
        return [policeTipOffReceived, { tipOffId: `tb-${n}`, areaCode, channel: 'hotline', category: 'prostitution' }];
      case 7:
        return [policeTipOffVerified, { tipOffId: `tb-${n}`, areaCode, outcome: 'confirmed' }];
      default:
        return [policeVictimRescued, { rescueId: `gc-${n}`, areaCode, subjectRef: random.pick(this.subjects), ageGroup: 'adult' }];
    }
  }

  /** A business of the region of `place` (its own registered area), now and then one of another region. */
  private business(place: Place): Business {
    const region = place.startsWith('hn') ? 'hn' : place.startsWith('ct') ? 'ct' : 'outside';
    return this.random.pick(this.businesses[this.random.next() < 0.05 ? 'outside' : region]);
  }

  private placeIn(region: 'hn' | 'ct' | 'outside'): Place {
    const roll = this.random.next();
    if (region === 'hn') return roll < 0.85 ? 'hn-ward' : roll < 0.93 ? 'hn-district' : 'hn-sibling';
    if (region === 'ct') return roll < 0.7 ? 'ct-ward' : roll < 0.9 ? 'ct-commune' : 'ct-province';
    return 'outside';
  }

  private areaOf(place: Place): string {
    const random = this.random;
    switch (place) {
      case 'hn-ward':
        // Uneven: the last ward sees little, so that "every ward" is not always reached.
        return random.next() < 0.03 ? HN.wards[HN.wards.length - 1]! : random.pick(HN.wards.slice(0, -1));
      case 'hn-district':
        return HN.district;
      case 'hn-province':
        return HN.province;
      case 'hn-sibling':
        return random.pick([HN.sibling, ...HN.siblingWards]);
      case 'ct-ward':
        return random.pick(CT.wards);
      case 'ct-commune':
        return random.pick(CT.communes);
      case 'ct-province':
        return CT.province;
      case 'outside':
        return random.pick(OUTSIDE);
    }
  }

  /** Mostly anywhere in the span; one in six a few hours either side of a Vietnam midnight where a month or quarter turns. */
  private time(): number {
    const random = this.random;
    if (random.next() < 1 / 6) return random.pick(BOUNDARIES) + Math.round((random.next() - 0.5) * 6 * HOUR_MS / 1000) * 1000;
    return FIRST_INSTANT + Math.floor((random.next() * (LAST_INSTANT - FIRST_INSTANT)) / 1000) * 1000;
  }

  /** The same instant written as Vietnam time, UTC or another offset. */
  formatTime(instant: number): string {
    const roll = this.random.next();
    const offsetMinutes = roll < 0.5 ? 420 : roll < 0.85 ? 0 : this.random.pick([540, -300, 330]);
    if (offsetMinutes === 0) return new Date(instant).toISOString();
    const local = new Date(instant + offsetMinutes * 60_000).toISOString().slice(0, 19);
    const sign = offsetMinutes < 0 ? '-' : '+';
    const absolute = Math.abs(offsetMinutes);
    return `${local}${sign}${String(Math.floor(absolute / 60)).padStart(2, '0')}:${String(absolute % 60).padStart(2, '0')}`;
  }
}

/** Bodies without a service of their own, reporting through the reporting service. */
const REPORTING_BODIES = ['womens-union', 'ubnd-phuong', 'ubnd-xa-phuong', 'finance'] as const;

/** Police speak through two units (each numbering its own events) and the department; every other agency as itself. */
function sourceOf(definition: EventDefinition, random: Random): string {
  if (definition.agency === 'police') return random.pick(['/pcmd/police/001', '/pcmd/police/002', '/pcmd/police']);
  return `/pcmd/${definition.agency}`;
}

function violations(outcome: (typeof OUTCOMES)[number], random: Random): { category: string }[] {
  return outcome === 'compliant' ? [] : [{ category: random.pick(['licensing', 'worker-registration', 'prostitution-related'] as const) }];
}

const vietnamDay = (instant: number) => new Date(instant + 7 * HOUR_MS).toISOString().slice(0, 10);
