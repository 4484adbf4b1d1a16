import { createHash } from 'node:crypto';
import {
  buildEvent,
  cultureAwarenessActivityHeld,
  cultureBusinessSanctioned,
  cultureCommitmentSigned,
  cultureInspectionCompleted,
  culturePublicationPublished,
  cultureReportSubmitted,
  cultureWardAssessmentCompleted,
  eventsOf,
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
  consentRefOf,
  subjectRefOf,
  type AgencyService,
  type BusEvent,
  type BusinessKind,
  type EventDefinition,
  type SupportService,
} from '@lienganh/contracts';
import { getEventDefinition } from '@lienganh/contracts';
import { activityRecord, completionRecord, progressRecord, type BodyWorkDraft } from './body-work-records.js';
import { Random } from './random.js';

/**
 * Realistic records of one agency, as its own systems would post them: Ba Đình district's
 * fourteen wards, a pool of businesses weighted towards the lines the plans target,
 * hotspots, pseudonymous people, cases and referrals, times spread over 2021 in order, and a
 * mix of types weighted like real work (many inspections, few cases). Pure: no I/O, and the
 * same seed gives the same records. Entities (businesses, people, cases, referrals) depend on
 * the seed only, not on the agency, so runs of several agencies with one seed refer to each
 * other: justice tries the cases police opened, labour answers the referrals police made.
 */

export const BA_DINH = 'hn-ba-dinh';

export const BA_DINH_WARDS = [
  'phuc-xa', 'truc-bach', 'vinh-phuc', 'cong-vi', 'lieu-giai', 'nguyen-trung-truc', 'quan-thanh',
  'ngoc-ha', 'dien-bien', 'doi-can', 'ngoc-khanh', 'kim-ma', 'giang-vo', 'thanh-cong',
].map((ward) => `${BA_DINH}-${ward}`);

type Weighted<T> = readonly (readonly [number, T])[];

/** The commercial wards along Kim Mã, Liễu Giai and Giảng Võ hold most hotels and karaoke bars. */
const BUSINESS_WARDS: Weighted<string> = BA_DINH_WARDS.map((ward) => [/(kim-ma|lieu-giai|ngoc-khanh|giang-vo)$/.test(ward) ? 3 : 1, ward]);

const BUSINESS_KINDS: Weighted<BusinessKind> = [
  [30, 'karaoke'], [20, 'massage'], [15, 'guesthouse'], [10, 'hotel'], [8, 'bar'],
  [5, 'hair-salon'], [4, 'sauna'], [4, 'dance-hall'], [2, 'cafe'], [2, 'restaurant'],
];

const HOTSPOTS = [
  { hotspotId: 'td-lieu-giai', place: 'Phố Liễu Giai', kind: 'street', areaCode: `${BA_DINH}-lieu-giai` },
  { hotspotId: 'td-to-lich', place: 'Ven sông Tô Lịch, đường Bưởi', kind: 'riverside', areaCode: `${BA_DINH}-ngoc-khanh` },
  { hotspotId: 'td-thu-le', place: 'Công viên Thủ Lệ', kind: 'park', areaCode: `${BA_DINH}-ngoc-khanh` },
  { hotspotId: 'td-thanh-nien', place: 'Đường Thanh Niên, ven hồ Trúc Bạch', kind: 'street', areaCode: `${BA_DINH}-truc-bach` },
  { hotspotId: 'td-kim-ma', place: 'Phố Kim Mã', kind: 'street', areaCode: `${BA_DINH}-kim-ma` },
  { hotspotId: 'td-doi-can', place: 'Phố Đội Cấn', kind: 'street', areaCode: `${BA_DINH}-doi-can` },
] as const;

/** Sizes of the entity pools other agencies answer to (police opens ~20 cases in 1,000 records). */
const BUSINESS_COUNT = 120;
const PEOPLE_COUNT = 400;
const CASE_SPAN = 12;
const POLICE_REFERRAL_SPAN = 40;
const LABOUR_REFERRAL_SPAN = 20;
const RECENT_VIOLATIONS = 200;

export interface RecordGeneratorOptions {
  /** Same seed, same records. */
  seed?: number;
  /** How many records the run will ask for: their times are spread over 2021 in that many steps. */
  count?: number;
}

export interface RecordGenerator {
  readonly agency: AgencyService;
  readonly seed: number;
  /** The next record. A plain closure: `Array.from({ length }, generator.next)` works. */
  next(): BusEvent;
}

interface SimBusiness {
  businessId: string;
  kind: BusinessKind;
  areaCode: string;
}

/** One record being made: its time and the randomness, ids and memory of the run. */
interface Draft {
  random: Random;
  time: LocalTime;
  world: World;
  run: RunMemory;
  /** The next number of this type in the run, for ids that must not repeat. */
  seq: number;
}

interface TypeSpec {
  weight: number;
  build: (draft: Draft) => Record<string, unknown>;
  /** Inspections, patrols and sanctions happen at night, when the businesses are open. */
  night?: boolean;
  /** Unit of the agency that states the fact, in `source` (/pcmd/justice/001/toa-an). */
  unit?: string;
  /** A fact that comes first: until the run has one, that one is made instead (a case is opened before it is transferred). */
  after?: EventDefinition;
}

export function createRecordGenerator(agency: AgencyService, options: RecordGeneratorOptions = {}): RecordGenerator {
  const seed = options.seed ?? 1;
  const span = Math.max(1, options.count ?? 1_000);
  const world = createWorld(seed);
  const random = new Random(hash32(`${seed}/${agency}/records`));
  const mix = eventsOf(agency).map((definition) => [specOf(definition).weight, definition] as const);
  const run: RunMemory = { counts: new Map(), violations: [] };
  let index = 0;

  const next = (): BusEvent => {
    const definition = firstThings(random.weighted(mix), run);
    const spec = specOf(definition);
    const seq = (run.counts.get(definition.type) ?? 0) + 1;
    run.counts.set(definition.type, seq);
    const slot = ((index % span) + random.next()) / span;
    const draft: Draft = { random, world, run, seq, time: localTime(random, slot, spec.night === true) };
    const data = spec.build(draft);
    index++;
    return buildEvent(definition, data as never, {
      id: `sim-s${seed}-${agency}-${String(index).padStart(6, '0')}`,
      time: draft.time.iso,
      unit: spec.unit ?? DEFAULT_UNITS[agency],
    });
  };
  return { agency, seed, next };
}

/** Every event type the generator makes realistic records of (others fall back to their example). */
export function simulatedTypes(): string[] {
  return [...SPECS.keys()];
}

// ---------------------------------------------------------------------------------------
// The world: entities that depend on the seed only, shared by every agency.

interface World {
  businesses: SimBusiness[];
  /** A deterministic source for entity number n of a kind (case 3, referral 17…). */
  facts(kind: string, n: number): Random;
  /** What an agency's edge makes of its own record key (`subjectRefOf`, one key per simulated world). */
  person(recordKey: string): string;
  /** The same for a consent record (`consentRefOf`). */
  consent(recordKey: string): string;
  tag: string;
}

interface RunMemory {
  counts: Map<string, number>;
  /** Inspections of this run that found violations: sanctions and follow-up checks come after them. */
  violations: { inspectionId: string; business: SimBusiness }[];
}

function createWorld(seed: number): World {
  const random = new Random(hash32(`${seed}/world`));
  const personKey = `lienganh-simulate/${seed}`;
  return {
    businesses: businessPool(random),
    facts: (kind, n) => new Random(hash32(`${seed}/${kind}/${n}`)),
    person: (recordKey) => subjectRefOf(personKey, recordKey),
    consent: (recordKey) => consentRefOf(personKey, recordKey),
    tag: `s${seed}`,
  };
}

function businessPool(random: Random): SimBusiness[] {
  const pool = new Map<string, SimBusiness>();
  while (pool.size < BUSINESS_COUNT) {
    // Enterprise codes of Hanoi: ten digits starting with 01.
    const businessId = `01${String(random.int(0, 99_999_999)).padStart(8, '0')}`;
    pool.set(businessId, { businessId, kind: random.weighted(BUSINESS_KINDS), areaCode: random.weighted(BUSINESS_WARDS) });
  }
  return [...pool.values()];
}

function hash32(text: string): number {
  return createHash('sha256').update(text).digest().readUInt32BE(0);
}

const pad = (n: number, width = 4) => String(n).padStart(width, '0');
const business = ({ businessId, kind }: SimBusiness) => ({ businessId, kind });

/** Person number `n` of the district's records: people recur (the same person sanctioned twice). */
const personRef = (world: World, n: number) => world.person(`ho-so/${n}`);

// Cases: police open them, transfer them to the procuracy, which prosecutes; the court tries.
const caseId = (world: World, n: number) => `va-ba-dinh-2021-${world.tag}-${pad(n, 3)}`;

function caseFacts(world: World, n: number) {
  const random = world.facts('case', n);
  const suspects = random.int(1, 4);
  const offences = distinct(random, random.int(1, 2), [[35, 'brokering'], [30, 'harbouring'], [20, 'organising'], [8, 'trafficking'], [4, 'forcing'], [3, 'sex-with-minor']] as const);
  const place = random.next() < 0.5 ? random.pick(world.businesses) : undefined;
  return {
    caseId: caseId(world, n),
    areaCode: place?.areaCode ?? random.pick(BA_DINH_WARDS),
    offences,
    suspects,
    defendants: Math.max(1, suspects - random.int(0, 1)),
    ...(place ? { businessId: place.businessId } : {}),
  };
}

// Sanctions and rescues: the people police may refer to labour, with their consent.
const sanctionId = (world: World, n: number) => `xp-ca-ba-dinh-2021-${world.tag}-${pad(n)}`;
const rescueId = (world: World, n: number) => `gc-2021-${world.tag}-${pad(n, 3)}`;

function sanctionFacts(world: World, n: number) {
  const random = world.facts('sanction', n);
  return { person: personRef(world, random.int(1, PEOPLE_COUNT)), areaCode: random.weighted(BUSINESS_WARDS) };
}

function rescueFacts(world: World, n: number) {
  const random = world.facts('rescue', n);
  return { person: world.person(`nan-nhan/${n}`), areaCode: random.pick(BA_DINH_WARDS) };
}

const policeReferralId = (world: World, n: number) => `cg-police-2021-${world.tag}-${pad(n)}`;
const labourReferralId = (world: World, n: number) => `cg-labour-2021-${world.tag}-${pad(n)}`;

function policeReferralFacts(world: World, n: number) {
  const random = world.facts('police-referral', n);
  const rescued = random.next() < 0.1;
  const origin = rescued ? rescueFacts(world, n) : sanctionFacts(world, n);
  const services: SupportService[] = rescued
    ? ['counselling', 'shelter', 'health-check', 'reintegration']
    : distinct(random, random.int(1, 3), [[30, 'counselling'], [25, 'vocational-training'], [15, 'health-check'], [10, 'loan'], [10, 'job-placement'], [10, 'legal-aid']] as const);
  return {
    referralId: policeReferralId(world, n),
    subjectRef: origin.person,
    consentRef: world.consent(`DY-police-2021-${world.tag}-${pad(n)}`),
    areaCode: origin.areaCode,
    toAgency: 'labour',
    reason: rescued ? 'rescued' : 'sanctioned',
    relatedId: rescued ? rescueId(world, n) : sanctionId(world, n),
    servicesRequested: services,
  };
}

/** Labour refers on to health some of the people police referred to it. */
function labourReferralFacts(world: World, n: number) {
  const random = world.facts('labour-referral', n);
  const from = policeReferralFacts(world, random.int(1, POLICE_REFERRAL_SPAN));
  return {
    referralId: labourReferralId(world, n),
    subjectRef: from.subjectRef,
    consentRef: world.consent(`DY-labour-2021-${world.tag}-${pad(n)}`),
    areaCode: from.areaCode,
    toAgency: 'health',
    reason: 'support-plan',
    relatedId: from.referralId,
    servicesRequested: distinct(random, random.int(1, 2), [[50, 'health-check'], [35, 'hiv-sti-care'], [15, 'methadone']] as const),
  };
}

const tipOffId = (world: World, n: number) => `tb-2021-${world.tag}-${pad(n)}`;

function tipOffFacts(world: World, n: number) {
  const random = world.facts('tip-off', n);
  return {
    tipOffId: tipOffId(world, n),
    areaCode: random.pick(BA_DINH_WARDS),
    channel: random.weighted([[40, 'hotline'], [20, 'in-person'], [25, 'online'], [5, 'mail'], [10, 'other']] as const),
    category: random.weighted([[60, 'prostitution'], [15, 'brokering'], [15, 'trafficking'], [10, 'other']] as const),
  };
}

// ---------------------------------------------------------------------------------------
// Time: Hanoi local time (+07:00), spread over 2021 in record order.

interface LocalTime {
  year: number;
  month: number;
  day: number;
  iso: string;
}

function localTime(random: Random, slot: number, night: boolean): LocalTime {
  const dayOfYear = Math.min(364, Math.floor(slot * 365));
  const date = new Date(Date.UTC(2021, 0, 1 + dayOfYear));
  const hour = night ? random.int(19, 23) : random.int(8, 16);
  const [year, month, day] = [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate()];
  return { year, month, day, iso: `${year}-${pad(month, 2)}-${pad(day, 2)}T${pad(hour, 2)}:${pad(random.int(0, 59), 2)}:00+07:00` };
}

/** The last complete period before `time` in a cadence: what a report sent then covers. */
function previousPeriod(time: LocalTime, cadence: 'monthly' | 'quarterly' | 'half-yearly' | 'annual'): string {
  const { year, month } = time;
  switch (cadence) {
    case 'monthly':
      return month === 1 ? `${year - 1}-12` : `${year}-${pad(month - 1, 2)}`;
    case 'quarterly': {
      const quarter = Math.ceil(month / 3) - 1;
      return quarter === 0 ? `${year - 1}-Q4` : `${year}-Q${quarter}`;
    }
    case 'half-yearly':
      return month <= 6 ? `${year - 1}-H2` : `${year}-H1`;
    case 'annual':
      return month >= 11 ? `${year}` : `${year - 1}`; // the year's report is due in December
  }
}

const isoDate = (time: LocalTime, plusDays: number) => new Date(Date.UTC(time.year, time.month - 1, time.day + plusDays)).toISOString().slice(0, 10);

// ---------------------------------------------------------------------------------------
// Small random helpers.

/** `count` different items, drawn by weight. */
function distinct<T>(random: Random, count: number, items: Weighted<T>): T[] {
  const chosen = new Set<T>();
  while (chosen.size < Math.min(count, items.length)) chosen.add(random.weighted(items));
  return [...chosen];
}

const chance = (random: Random, probability: number) => random.next() < probability;
const roundTo = (value: number, step: number) => Math.round(value / step) * step;

// ---------------------------------------------------------------------------------------
// Inspections and business sanctions, shared by police, culture and labour.

const LEGAL_BASIS: Partial<Record<AgencyService, (time: LocalTime) => string>> = {
  police: () => 'Nghị định 167/2013/NĐ-CP',
  labour: () => 'Nghị định 167/2013/NĐ-CP',
  // Decree 38/2021 replaced 158/2013 for cultural violations on 1 June 2021.
  culture: (time) => (time.month < 6 ? 'Nghị định 158/2013/NĐ-CP' : 'Nghị định 38/2021/NĐ-CP'),
};

const VIOLATIONS: Record<'police' | 'culture' | 'labour', Weighted<string>> = {
  police: [[30, 'worker-registration'], [25, 'security-order'], [15, 'fire-safety'], [15, 'licensing'], [15, 'prostitution-related']],
  culture: [[30, 'cultural-content'], [30, 'licensing'], [15, 'worker-registration'], [10, 'fire-safety'], [10, 'security-order'], [5, 'prostitution-related']],
  labour: [[25, 'worker-registration'], [20, 'licensing'], [20, 'medical-conditions'], [10, 'fire-safety'], [10, 'security-order'], [10, 'prostitution-related'], [5, 'cultural-content']],
};

function violations(draft: Draft, agency: 'police' | 'culture' | 'labour', site: SimBusiness, count: number) {
  // Medical conditions are checked where the body is touched: massage, sauna, hair salons.
  const eligible = VIOLATIONS[agency].filter(([, category]) => category !== 'medical-conditions' || ['massage', 'sauna', 'hair-salon'].includes(site.kind));
  return distinct(draft.random, count, eligible).map((category) =>
    chance(draft.random, 0.6) ? { category, legalBasis: LEGAL_BASIS[agency]!(draft.time) } : { category },
  );
}

function inspection(draft: Draft, agency: 'police' | 'culture' | 'labour', inspectionId: string) {
  const site = draft.random.pick(draft.world.businesses);
  const outcome = draft.random.weighted([[60, 'compliant'], [36, 'violations-found'], [4, 'closed-down']] as const);
  const found = outcome === 'compliant' ? [] : violations(draft, agency, site, draft.random.int(1, 3));
  if (found.length > 0) {
    draft.run.violations.push({ inspectionId, business: site });
    if (draft.run.violations.length > RECENT_VIOLATIONS) draft.run.violations.shift(); // sanctions follow recent findings
  }
  return { inspectionId, areaCode: site.areaCode, business: business(site), outcome, violations: found };
}

/** A sanction follows an inspection of this run that found violations, or stands alone. */
function businessSanction(draft: Draft, agency: 'culture' | 'labour') {
  const { random, world, seq } = draft;
  const after = draft.run.violations.length > 0 ? random.pick(draft.run.violations) : undefined;
  const site = after?.business ?? random.pick(world.businesses);
  const measures: string[] = [...random.weighted([[70, ['fine']], [12, ['warning']], [12, ['fine', 'licence-suspended']], [6, ['fine', 'closed-down']]] as const)];
  return {
    decisionId: `qd-${agency}-ba-dinh-2021-${world.tag}-${pad(seq)}`,
    ...(after ? { inspectionId: after.inspectionId } : {}),
    areaCode: site.areaCode,
    business: business(site),
    violations: violations(draft, agency, site, random.int(1, 2)),
    measures,
    ...(measures.includes('fine') ? { fineVnd: roundTo(random.int(2_000_000, 40_000_000), 500_000) } : {}),
  };
}

function report(draft: Draft, agency: AgencyService, documentSuffix: string) {
  const cadence = draft.random.weighted([[8, 'monthly'], [3, 'quarterly'], [1, 'half-yearly'], [1, 'annual']] as const);
  const period = previousPeriod(draft.time, cadence);
  return {
    reportId: `bc-${agency}-${period}-${draft.world.tag}-${pad(draft.seq, 3)}`,
    reportingBody: agency,
    areaCode: BA_DINH,
    cadence,
    period,
    documentRef: `${draft.seq}/${documentSuffix}`,
  };
}

/** Answers to referrals another agency made: accepted, declined, a service, closed. */
function referralAnswers(
  kind: 'police' | 'labour',
): Record<'accepted' | 'declined' | 'serviceDelivered' | 'closed', (draft: Draft) => Record<string, unknown>> {
  const referral = (draft: Draft) =>
    kind === 'police'
      ? policeReferralFacts(draft.world, draft.random.int(1, POLICE_REFERRAL_SPAN))
      : labourReferralFacts(draft.world, draft.random.int(1, LABOUR_REFERRAL_SPAN));
  return {
    accepted: (draft) => {
      const { referralId, servicesRequested } = referral(draft);
      return { referralId, plannedServices: distinct(draft.random, draft.random.int(1, servicesRequested.length), servicesRequested.map((service) => [1, service] as const)) };
    },
    declined: (draft) => ({
      referralId: referral(draft).referralId,
      reason: draft.random.weighted([[45, 'person-declined'], [25, 'unreachable'], [15, 'not-eligible'], [5, 'capacity'], [10, 'other']] as const),
    }),
    serviceDelivered: (draft) => {
      const { referralId, servicesRequested } = referral(draft);
      return { referralId, service: draft.random.pick(servicesRequested) };
    },
    closed: (draft) => ({
      referralId: referral(draft).referralId,
      outcome: draft.random.weighted([[40, 'services-completed'], [30, 'reintegrated'], [15, 'lost-contact'], [10, 'person-withdrew'], [5, 'other']] as const),
    }),
  };
}

// ---------------------------------------------------------------------------------------
// The records of each type, and how often each happens.

/** Each agency's unit of Quận Ba Đình (official code 001), as `source` names it (ADR 0016). */
const DEFAULT_UNITS: Record<AgencyService, string> = {
  police: '001',
  labour: '001/lao-dong',
  health: '001/trung-tam-y-te',
  culture: '001',
  justice: '001/tu-phap',
};

const TRAINING_TOPICS = ['Phòng, chống mại dâm và hỗ trợ người bán dâm', 'Kỹ năng tư vấn, hỗ trợ người bị mua bán trở về', 'Quy trình kiểm tra liên ngành 178', 'Giảm hại và dự phòng lây nhiễm HIV'];
const AWARENESS_TOPICS = ['Tác hại của tệ nạn mại dâm', 'Phòng, chống mua bán người', 'Xây dựng phường lành mạnh không có tệ nạn mại dâm', 'Trách nhiệm của chủ cơ sở kinh doanh dịch vụ nhạy cảm'];
const LAW_TOPICS = ['Bộ luật Hình sự: các tội liên quan đến mại dâm', 'Luật Phòng, chống mua bán người', 'Xử phạt vi phạm hành chính về phòng, chống tệ nạn mại dâm', 'Quyền được trợ giúp pháp lý'];
const OUTLETS = [
  { outlet: 'Cổng thông tin điện tử quận Ba Đình', medium: 'website' },
  { outlet: 'Báo Hànộimới', medium: 'newspaper' },
  { outlet: 'Đài Phát thanh và Truyền hình Hà Nội', medium: 'television' },
  { outlet: 'Đài truyền thanh phường', medium: 'radio' },
  { outlet: 'Trang tin Phòng Văn hóa - Thông tin quận Ba Đình', medium: 'social-media' },
  { outlet: 'Bản tin Ba Đình', medium: 'bulletin' },
] as const;

const labourAnswers = referralAnswers('police');
const healthAnswers = referralAnswers('labour');

const SPECS = new Map<string, TypeSpec>([
  // Police: many administrative inspections, sanctions and patrols; few cases.
  [policeInspectionCompleted.type, { weight: 40, night: true, build: (d) => inspection(d, 'police', `kt-ca-ba-dinh-2021-${d.world.tag}-${pad(d.seq)}`) }],
  [policeBusinessRegistered.type, {
    weight: 6,
    build: ({ world, seq }) => {
      const site = world.businesses[(seq - 1) % world.businesses.length]!;
      return { businessId: site.businessId, kind: site.kind, areaCode: site.areaCode, atRisk: !['cafe', 'restaurant'].includes(site.kind) };
    },
  }],
  [policeSanctionIssued.type, {
    weight: 10,
    night: true,
    build: ({ world, seq, random }) => {
      const facts = sanctionFacts(world, seq);
      const violation = random.weighted([[60, 'selling-sex'], [28, 'buying-sex'], [7, 'harbouring'], [5, 'other']] as const);
      const warning = violation === 'selling-sex' && chance(random, 0.25);
      // Decree 167/2013 rates (144/2021 applies from 2022): selling sex 100-300k, buying sex 0.5-2m đồng.
      const [low, high] = { 'selling-sex': [100_000, 300_000], 'buying-sex': [500_000, 2_000_000], harbouring: [5_000_000, 20_000_000], other: [500_000, 2_000_000] }[violation];
      return {
        sanctionId: sanctionId(world, seq),
        areaCode: facts.areaCode,
        subjectRef: facts.person,
        decree: '167/2013/ND-CP',
        violation,
        measure: warning ? 'warning' : 'fine',
        ...(warning ? {} : { fineVnd: roundTo(random.int(low!, high!), 50_000) }),
      };
    },
  }],
  [policeCaseOpened.type, {
    weight: 2,
    build: ({ world, seq }) => {
      const { caseId, areaCode, offences, suspects, businessId } = caseFacts(world, seq);
      return { caseId, areaCode, offences, suspects, ...(businessId ? { businessId } : {}) };
    },
  }],
  [policeCaseTransferred.type, {
    weight: 1.5,
    after: policeCaseOpened,
    build: ({ world, run, random }) => {
      const { caseId, areaCode, defendants } = caseFacts(world, random.int(1, run.counts.get(policeCaseOpened.type) ?? 1));
      return { caseId, areaCode, procuracyUnit: 'vks-ba-dinh', defendants };
    },
  }],
  [policeHotspotReported.type, {
    weight: 1,
    night: true,
    build: ({ random }) => ({ ...random.pick(HOTSPOTS), detectedBy: random.weighted([[40, 'patrol'], [30, 'tip-off'], [20, 'ward'], [5, 'media'], [5, 'other']] as const) }),
  }],
  [policeHotspotCleared.type, { weight: 1, night: true, build: ({ random }) => hotspotRef(random) }],
  [policeHotspotPatrolled.type, { weight: 10, night: true, build: ({ random }) => ({ ...hotspotRef(random), activityObserved: chance(random, 0.08) }) }],
  [policeHotspotReactivated.type, { weight: 0.5, night: true, build: ({ random }) => hotspotRef(random) }],
  [policeTipOffReceived.type, { weight: 6, build: ({ world, seq }) => tipOffFacts(world, seq) }],
  [policeTipOffVerified.type, {
    weight: 5,
    after: policeTipOffReceived,
    build: ({ world, run, random }) => {
      const { tipOffId, areaCode } = tipOffFacts(world, random.int(1, run.counts.get(policeTipOffReceived.type) ?? 1));
      const outcome = random.weighted([[35, 'confirmed'], [50, 'unfounded'], [15, 'transferred']] as const);
      const opened = run.counts.get(policeCaseOpened.type) ?? 0;
      return { tipOffId, areaCode, outcome, ...(outcome === 'confirmed' && opened > 0 && chance(random, 0.3) ? { caseId: caseId(world, random.int(1, opened)) } : {}) };
    },
  }],
  [policeVictimRescued.type, {
    weight: 0.5,
    build: ({ world, seq, random }) => {
      const { person, areaCode } = rescueFacts(world, seq);
      const returnedFrom = random.weighted([[50, 'CN'], [10, 'LA'], [5, 'KH'], [5, 'MY'], [30, undefined]] as const);
      return {
        rescueId: rescueId(world, seq),
        areaCode,
        subjectRef: person,
        ageGroup: random.weighted([[75, 'adult'], [20, 'minor'], [5, 'unknown']] as const),
        ...(returnedFrom ? { returnedFrom } : {}),
      };
    },
  }],
  [policeReferralMade.type, {
    weight: 6,
    build: ({ world, seq, time }) => ({ ...policeReferralFacts(world, seq), respondBy: isoDate(time, 15) }),
  }],
  [policeReportSubmitted.type, { weight: 1.5, build: (d) => report(d, 'police', 'BC-CAQ') }],

  // Labour: team 178 inspections and follow-ups; the support of the people police refer.
  [labourJointInspectionCompleted.type, {
    weight: 25,
    night: true,
    build: (d) => ({
      teamId: 'doi-178-ba-dinh',
      participatingAgencies: ['labour', 'police', ...distinct(d.random, d.random.int(1, 3), [[3, 'culture'], [2, 'health'], [1, 'finance']] as const)],
      ...inspection(d, 'labour', `kt178-ba-dinh-2021-${d.world.tag}-${pad(d.seq)}`),
    }),
  }],
  [labourFollowUpCheckCompleted.type, {
    weight: 10,
    build: ({ world, run, random, seq }) => {
      // Last year's findings are followed up too, before this run has found any.
      const after = run.violations.length > 0 ? random.pick(run.violations) : undefined;
      const site = after?.business ?? random.pick(world.businesses);
      return {
        checkId: `hk-ba-dinh-2021-${world.tag}-${pad(seq)}`,
        inspectionId: after?.inspectionId ?? `kt178-ba-dinh-2020-${world.tag}-${pad(random.int(1, 300))}`,
        areaCode: site.areaCode,
        business: business(site),
        outcome: random.weighted([[65, 'remedied'], [25, 'still-violating'], [10, 'ceased-trading']] as const),
      };
    },
  }],
  [labourBusinessSanctioned.type, { weight: 5, build: (d) => businessSanction(d, 'labour') }],
  [labourReferralAccepted.type, { weight: 6, build: labourAnswers.accepted }],
  [labourReferralDeclined.type, { weight: 1.5, build: labourAnswers.declined }],
  [labourReferralServiceDelivered.type, { weight: 12, build: labourAnswers.serviceDelivered }],
  [labourReferralMade.type, { weight: 3, build: ({ world, seq, time }) => ({ ...labourReferralFacts(world, seq), respondBy: isoDate(time, 10) }) }],
  [labourReferralClosed.type, { weight: 3, build: labourAnswers.closed }],
  [labourTrainingHeld.type, {
    weight: 1.5,
    build: ({ world, seq, random }) => ({
      trainingId: `th-ba-dinh-2021-${world.tag}-${pad(seq, 3)}`,
      areaCode: chance(random, 0.6) ? BA_DINH : random.pick(BA_DINH_WARDS),
      audience: random.weighted([[30, 'ward-officials'], [25, 'staff'], [20, 'collaborators'], [15, 'peer-educators'], [10, 'business-owners']] as const),
      participants: random.int(20, 80),
      topic: random.pick(TRAINING_TOPICS),
    }),
  }],
  [labourReportSubmitted.type, { weight: 3, build: (d) => report(d, 'labour', 'BC-LDTBXH') }],

  // Health: counts per ward and period only; the referrals labour makes.
  [healthChecksReported.type, {
    weight: 8,
    build: ({ world, seq, random, time }) => {
      const checked = random.int(10, 150);
      const period = previousPeriod(time, 'monthly');
      return {
        batchId: `ks-${period}-${world.tag}-${pad(seq)}`,
        areaCode: random.pick(BA_DINH_WARDS),
        period,
        group: random.weighted([[60, 'business-workers'], [25, 'referred-people'], [15, 'registered-people']] as const),
        checked,
        referredForTreatment: random.int(0, Math.ceil(checked * 0.05)),
      };
    },
  }],
  [healthHivStiServicesReported.type, {
    weight: 6,
    build: ({ world, seq, random, time }) => {
      const hivTests = random.int(20, 120);
      const period = previousPeriod(time, 'monthly');
      return {
        batchId: `hiv-${period}-${world.tag}-${pad(seq)}`,
        areaCode: chance(random, 0.5) ? BA_DINH : random.pick(BA_DINH_WARDS),
        period,
        hivTests,
        hivPositive: random.weighted([[70, 0], [22, 1], [8, 2]] as const),
        stiTreated: random.int(0, 12),
        methadonePatients: random.int(20, 60),
        condomsDistributed: roundTo(random.int(500, 3_000), 100),
      };
    },
  }],
  [healthReferralAccepted.type, { weight: 4, build: healthAnswers.accepted }],
  [healthReferralDeclined.type, { weight: 1, build: healthAnswers.declined }],
  [healthReferralServiceDelivered.type, { weight: 10, build: healthAnswers.serviceDelivered }],
  [healthReportSubmitted.type, { weight: 2, build: (d) => report(d, 'health', 'BC-TTYT') }],

  // Culture: inspections of entertainment and lodging, commitments, awareness, the ward scores.
  [cultureInspectionCompleted.type, { weight: 30, night: true, build: (d) => inspection(d, 'culture', `kt-vh-ba-dinh-2021-${d.world.tag}-${pad(d.seq)}`) }],
  [cultureBusinessSanctioned.type, { weight: 5, build: (d) => businessSanction(d, 'culture') }],
  [cultureCommitmentSigned.type, {
    weight: 12,
    build: ({ world, seq, random }) => {
      const site = random.pick(world.businesses);
      const [low, high] = ({ karaoke: [5, 25], hotel: [5, 40], bar: [4, 20], massage: [3, 15], guesthouse: [1, 6] } as Partial<Record<BusinessKind, [number, number]>>)[site.kind] ?? [2, 12];
      return { commitmentId: `cc-ba-dinh-2021-${world.tag}-${pad(seq)}`, areaCode: site.areaCode, businessId: site.businessId, kind: site.kind, workersRegistered: random.int(low, high) };
    },
  }],
  [cultureAwarenessActivityHeld.type, {
    weight: 8,
    build: ({ world, seq, random }) => {
      const format = random.weighted([[35, 'meeting'], [20, 'loudspeaker'], [15, 'banner'], [15, 'leaflet'], [5, 'performance'], [10, 'social-media']] as const);
      const counted = format === 'meeting' || format === 'performance'; // a banner has no headcount
      return {
        activityId: `tt-ba-dinh-2021-${world.tag}-${pad(seq)}`,
        areaCode: random.pick(BA_DINH_WARDS),
        format,
        ...(counted ? { participants: random.int(50, 300) } : {}),
        topic: random.pick(AWARENESS_TOPICS),
      };
    },
  }],
  [culturePublicationPublished.type, {
    weight: 4,
    build: ({ world, seq, random }) => {
      const { outlet, medium } = random.pick(OUTLETS);
      return {
        publicationId: `bt-2021-${world.tag}-${pad(seq)}`,
        areaCode: medium === 'radio' ? random.pick(BA_DINH_WARDS) : BA_DINH,
        outlet,
        medium,
        topic: random.pick([...AWARENESS_TOPICS, 'Ra quân kiểm tra cơ sở kinh doanh dịch vụ nhạy cảm']),
      };
    },
  }],
  [cultureWardAssessmentCompleted.type, {
    weight: 1.5,
    build: ({ world, seq, random, time }) => {
      const ward = BA_DINH_WARDS[(seq - 1) % BA_DINH_WARDS.length]!; // each ward once a round
      const score = random.int(70, 100);
      return {
        assessmentId: `dg-${ward.slice(BA_DINH.length + 1)}-${time.year}-${world.tag}-${pad(seq, 3)}`,
        areaCode: ward,
        year: time.year,
        score,
        result: score >= 80 ? 'healthy' : 'not-yet-healthy',
      };
    },
  }],
  [cultureReportSubmitted.type, { weight: 2, build: (d) => report(d, 'culture', 'BC-VHTT') }],

  // Justice: the procuracy and the court follow police's cases; legal aid and dissemination.
  [justiceCaseProsecuted.type, {
    weight: 2,
    unit: '001/vien-kiem-sat',
    build: ({ world, random }) => {
      const { caseId, areaCode, defendants, offences } = caseFacts(world, random.int(1, CASE_SPAN));
      return { caseId, areaCode, defendants, offences };
    },
  }],
  [justiceCaseTried.type, {
    weight: 2,
    unit: '001/toa-an',
    build: ({ world, random }) => {
      const { caseId, areaCode, defendants } = caseFacts(world, random.int(1, CASE_SPAN));
      return {
        caseId,
        areaCode,
        defendants,
        mobileTrial: chance(random, 0.3),
        exemplaryTrial: chance(random, 0.15),
        verdict: random.weighted([[85, 'convicted'], [10, 'returned-for-investigation'], [5, 'acquitted']] as const),
      };
    },
  }],
  [justiceLegalAidReported.type, {
    weight: 4,
    build: ({ world, seq, random, time }) => {
      const period = previousPeriod(time, 'quarterly');
      const peopleAssisted = random.int(2, 15);
      return { batchId: `tgpl-${period}-${world.tag}-${pad(seq, 3)}`, areaCode: BA_DINH, period, peopleAssisted, referredBySupportServices: random.int(0, peopleAssisted) };
    },
  }],
  [justiceLegalDisseminationHeld.type, {
    weight: 8,
    build: ({ world, seq, random }) => ({
      sessionId: `pbpl-ba-dinh-2021-${world.tag}-${pad(seq, 3)}`,
      areaCode: random.pick(BA_DINH_WARDS),
      audience: random.weighted([[35, 'residents'], [25, 'business-owners'], [20, 'workers'], [10, 'students'], [10, 'officials']] as const),
      participants: random.int(30, 200),
      topic: random.pick(LAW_TOPICS),
    }),
  }],
  [justiceReportSubmitted.type, { weight: 2, build: (d) => report(d, 'justice', 'BC-PTP') }],

  // Every agency: activities held, progress on the Ba Đình tasks it leads, and those tasks done.
  ...(['police', 'labour', 'health', 'culture', 'justice'] as const).flatMap((agency): [string, TypeSpec][] => {
    const progress = getEventDefinition(`vn.pcmd.${agency}.task.progress-reported.v1`);
    return [
      [`vn.pcmd.${agency}.activity.held.v1`, { weight: 2, build: (d) => activityRecord(bodyWorkDraft(d, agency)) }],
      [progress.type, { weight: 1, build: (d) => progressRecord(bodyWorkDraft(d, agency)) }],
      [`vn.pcmd.${agency}.task.completed.v1`, { weight: 0.3, after: progress, build: (d) => completionRecord(bodyWorkDraft(d, agency)) }],
    ];
  }),
]);

function bodyWorkDraft({ random, time, seq, world }: Draft, agency: AgencyService): BodyWorkDraft {
  return { random, agency, date: time.iso.slice(0, 10), month: time.month, seq, tag: world.tag, areas: BA_DINH_WARDS, district: BA_DINH };
}

function firstThings(definition: EventDefinition, run: RunMemory): EventDefinition {
  const after = specOf(definition).after;
  return after && !run.counts.has(after.type) ? after : definition;
}

function hotspotRef(random: Random) {
  const { hotspotId, areaCode } = random.pick(HOTSPOTS);
  return { hotspotId, areaCode };
}

/**
 * A type added to the catalog after this table still gets records: its example, with a
 * subject of its own so that they are distinct facts. Rare, so that it does not skew the mix.
 */
function specOf(definition: EventDefinition): TypeSpec {
  return (
    SPECS.get(definition.type) ?? {
      weight: 0.5,
      build: ({ world, seq }) => {
        const data = structuredClone(definition.example) as Record<string, unknown>;
        data[definition.subjectField] = `${String(data[definition.subjectField]).slice(0, 60)}-${world.tag}-${pad(seq)}`;
        return data;
      },
    }
  );
}
