import { createHmac } from 'node:crypto';
import { buildEvent, eventsOf, type AgencyService, type BusEvent, type BusinessKind, type EventDefinition } from '@lienganh/contracts';
import { Random } from './random.js';

/**
 * Realistic records of one agency, as its systems would post them: Ba Đình district's
 * wards, a pool of businesses weighted towards the lines the plans target, hotspots,
 * pseudonymous people, times spread over 2021, and a mix of types weighted like real work
 * (many inspections, few trials). Pure and deterministic per seed.
 */

export const BA_DINH_WARDS = [
  'phuc-xa', 'truc-bach', 'vinh-phuc', 'cong-vi', 'lieu-giai', 'nguyen-trung-truc', 'quan-thanh',
  'ngoc-ha', 'dien-bien', 'doi-can', 'ngoc-khanh', 'kim-ma', 'giang-vo', 'thanh-cong',
].map((ward) => `hn-ba-dinh-${ward}`);

const BUSINESS_KINDS: readonly (readonly [number, BusinessKind])[] = [
  [30, 'karaoke'], [20, 'massage'], [15, 'guesthouse'], [10, 'hotel'], [8, 'bar'],
  [5, 'hair-salon'], [4, 'sauna'], [4, 'dance-hall'], [2, 'cafe'], [2, 'restaurant'],
];

const HOTSPOTS = ['Phố Liễu Giai', 'Ven sông Tô Lịch', 'Công viên Thủ Lệ', 'Phố Kim Mã', 'Phố Đội Cấn'];

/** How often each kind of fact happens, by event type (the rest weigh 1). */
const WEIGHTS: Record<string, number> = {
  'vn.pcmd.police.inspection.completed.v1': 40,
  'vn.pcmd.police.hotspot.patrolled.v1': 8,
  'vn.pcmd.police.sanction.issued.v1': 8,
  'vn.pcmd.police.referral.made.v1': 5,
  'vn.pcmd.police.tip-off.received.v1': 4,
  'vn.pcmd.police.business.registered.v1': 4,
  'vn.pcmd.labour.joint-inspection.completed.v1': 20,
  'vn.pcmd.labour.follow-up-check.completed.v1': 8,
  'vn.pcmd.labour.referral.service-delivered.v1': 6,
  'vn.pcmd.labour.referral.accepted.v1': 5,
  'vn.pcmd.health.health-checks.reported.v1': 10,
  'vn.pcmd.health.hiv-sti-services.reported.v1': 10,
  'vn.pcmd.health.referral.service-delivered.v1': 5,
  'vn.pcmd.culture.inspection.completed.v1': 20,
  'vn.pcmd.culture.business-commitment.signed.v1': 10,
  'vn.pcmd.culture.awareness-activity.held.v1': 8,
  'vn.pcmd.justice.legal-dissemination.held.v1': 6,
  'vn.pcmd.justice.case.prosecuted.v1': 3,
};

const YEAR_START = Date.UTC(2021, 0, 1) - 7 * 3_600_000; // 1 January 2021, 00:00 in Hanoi
const YEAR_MS = 365 * 24 * 3_600_000;

export interface RecordGenerator {
  next(): BusEvent;
}

export function createRecordGenerator(agency: AgencyService, seed = 1): RecordGenerator {
  const random = new Random(seed);
  const definitions = eventsOf(agency);
  const mix = definitions.map((definition) => [WEIGHTS[definition.type] ?? 1, definition] as const);
  const businesses = Array.from({ length: 60 }, (_, index) => ({
    businessId: `01${String(seed % 1000).padStart(3, '0')}${String(index).padStart(5, '0')}`,
    kind: random.weighted(BUSINESS_KINDS),
  }));
  let counter = 0;

  const personRef = (n: number) => `sr_${createHmac('sha256', `simulation-${seed}`).update(`person-${n}`).digest('base64url')}`;

  return {
    next() {
      counter++;
      const definition = random.weighted(mix);
      const time = new Date(YEAR_START + Math.floor(random.next() * YEAR_MS));
      const data = vary(definition, time);
      return buildEvent(definition, data as never, { id: `sim-${seed}-${agency}-${counter}`, time });
    },
  };

  /** Starts from the type's example and changes what differs from one record to the next. */
  function vary(definition: EventDefinition, time: Date): Record<string, unknown> {
    const data = structuredClone(definition.example) as Record<string, unknown>;
    const scale = 0.5 + random.next() * 1.5;
    for (const [field, value] of Object.entries(data)) {
      if (field === definition.subjectField) data[field] = `${String(value).slice(0, 24)}-s${seed}-${counter}`;
      else if (field === 'areaCode') data[field] = 'period' in data ? 'hn-ba-dinh' : random.pick(BA_DINH_WARDS); // aggregated facts are district-wide
      else if (field === 'business') data[field] = random.pick(businesses);
      else if (field === 'businessId') Object.assign(data, random.pick(businesses));
      else if (field === 'subjectRef') data[field] = personRef(random.int(1, 400));
      else if (field === 'referralId') data[field] = `cg-sim-${seed}-${random.int(1, 300)}`;
      else if (field === 'caseId') data[field] = `va-sim-${seed}-${random.int(1, 40)}`;
      else if (field === 'place') data[field] = random.pick(HOTSPOTS);
      else if (field === 'period') data[field] = periodOf(time, data.cadence as string | undefined);
      else if (field === 'year') data[field] = time.getUTCFullYear();
      else if (typeof value === 'number' && Number.isInteger(value) && value > 1 && field !== 'score') data[field] = Math.floor(value * scale);
      else if (typeof value === 'boolean') data[field] = random.next() < (value ? 0.7 : 0.2);
    }
    return data;
  }
}

function periodOf(time: Date, cadence = 'monthly'): string {
  const year = time.getUTCFullYear();
  const month = time.getUTCMonth() + 1;
  switch (cadence) {
    case 'quarterly':
      return `${year}-Q${Math.ceil(month / 3)}`;
    case 'half-yearly':
      return `${year}-H${month <= 6 ? 1 : 2}`;
    case 'annual':
      return `${year}`;
    default:
      return `${year}-${String(month).padStart(2, '0')}`;
  }
}
