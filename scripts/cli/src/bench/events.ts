import { buildEvent, encodeBinary, eventKey, getEventDefinition, MSG_ID_HEADER, policeInspectionCompleted, sourceFor, type BusEvent } from '@lienganh/contracts';
import { headers as natsHeaders, type MsgHdrs } from '@nats-io/transport-node';
import { BA_DINH_WARDS } from '../simulation/record-generator.js';
import { Random } from '../simulation/random.js';

/**
 * The benchmark's event: a police administrative inspection of a conditional business in one
 * of Ba Đình's wards, dated in 2021, so that the Ba Đình 2021 plan counts it (two targets:
 * inspections, and distinct businesses inspected). Outcomes weighted like the simulator's
 * (60% compliant, 36% violations found, 4% closed down); a violation opens a follow-up deadline.
 * Ids are `kt-<prefix>-<index>`, known in advance, so that a reader can tell when one is visible.
 */
export const BENCH_EVENT_TYPE = policeInspectionCompleted.type;

const BUSINESS_COUNT = 2_000;
const KINDS = ['karaoke', 'massage', 'guesthouse', 'hotel', 'bar', 'hair-salon', 'sauna', 'dance-hall', 'cafe', 'restaurant'] as const;
const CATEGORIES = ['licensing', 'worker-registration', 'prostitution-related', 'security-order', 'fire-safety'] as const;
const YEAR_START = Date.parse('2021-01-01T01:00:00Z');
const YEAR_MS = 364 * 86_400_000;

export const eventId = (prefix: string, index: number) => `kt-${prefix}-${String(index).padStart(7, '0')}`;

/** The unit of police that inspects: every benchmark event's `source`. */
const UNIT = '001'; // Công an quận Ba Đình
const SOURCE = sourceFor('police', UNIT);

/** The identity (`eventKey`, source + id) of benchmark event `index`: what the read models key what they applied on. */
export const benchEventKey = (prefix: string, index: number) => eventKey({ source: SOURCE, id: eventId(prefix, index) });

type Outcome = 'compliant' | 'violations-found' | 'closed-down';

/** A police inspection event; `index` of `total` places it in 2021 (in order). */
export function inspectionEvent(prefix: string, index: number, total: number, only?: Outcome): BusEvent {
  const random = new Random(hash(prefix) ^ Math.imul(index + 1, 0x9e3779b1));
  const business = random.int(0, BUSINESS_COUNT - 1);
  const drawn = random.weighted<Outcome>([[60, 'compliant'], [36, 'violations-found'], [4, 'closed-down']]);
  const outcome = only ?? drawn;
  const violations =
    outcome === 'compliant'
      ? []
      : Array.from({ length: random.int(1, 3) }, () => ({ category: random.pick(CATEGORIES), legalBasis: 'Nghị định 144/2021/NĐ-CP' }));
  const id = eventId(prefix, index);
  return buildEvent(
    policeInspectionCompleted,
    {
      inspectionId: id,
      areaCode: BA_DINH_WARDS[business % BA_DINH_WARDS.length]!,
      business: { businessId: `01${String(10_000_000 + business * 4_099).padStart(8, '0')}`, kind: KINDS[business % KINDS.length]! },
      outcome,
      violations,
    },
    { id, source: SOURCE, time: new Date(YEAR_START + Math.floor((index / Math.max(total, 1)) * YEAR_MS)) },
  );
}

/** What goes on the wire for one event: binary mode, as the agency publisher sends it. */
export interface WireMessage {
  subject: string;
  data: Uint8Array;
  headers: MsgHdrs;
  msgID: string;
  /** Body plus headers, bytes. */
  size: number;
}

export function toWire(event: BusEvent): WireMessage {
  const { subject } = getEventDefinition(event.type);
  const binary = encodeBinary(event);
  const headers = natsHeaders();
  let size = binary.data.length;
  for (const [name, value] of Object.entries(binary.headers)) {
    size += name.length + value.length + 4;
    if (name !== MSG_ID_HEADER) headers.set(name, value);
  }
  // The message id is the event's identity, source + id (`eventKey`), as the publisher sends it.
  return { subject, data: binary.data, headers, msgID: binary.headers[MSG_ID_HEADER]!, size };
}


function hash(text: string): number {
  let h = 2_166_136_261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16_777_619);
  return h >>> 0;
}
