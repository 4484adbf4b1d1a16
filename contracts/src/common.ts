import { z } from 'zod';
import { refusePersonalData } from './personal-data.js';

/**
 * Building blocks shared by the event schemas. Every object is strict (unknown keys are
 * rejected), every string bounded: together that is what keeps personal data from
 * riding along in an extra field or a free-text note.
 */

/** An identifier made by the emitting system: inspection number, case number, business registration… */
export const Identifier = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$/, 'must be 1-128 letters, digits or . _ : / - (no spaces)')
  .superRefine(refusePersonalData)
  .describe('Identifier assigned by the emitting system');

/**
 * Number and symbol of an administrative document, as Decree 30/2020 writes them: 59/KH-UBND,
 * 178/2004/NĐ-CP, 45/BC-HLHPN (letters, digits, Đ, and . / _ -; no spaces).
 */
export const DocumentNumber = z
  .string()
  .regex(/^[0-9A-Za-zĐđ][0-9A-Za-zĐđ./_-]{0,63}$/u, 'must be a document number and symbol such as 59/KH-UBND or 178/2004/NĐ-CP')
  .superRefine(refusePersonalData)
  .describe('Number and symbol of an administrative document');

/** Code of a body in the agency registry (data, not code): `police`, `border-guard`, `womens-union`… */
export const AgencyCode = z
  .string()
  .regex(/^[a-z][a-z0-9-]{1,47}$/, 'must be a lower-case agency code such as "police" or "border-guard"')
  .superRefine(refusePersonalData)
  .describe('Code of a body in the agency registry');

/** Code of an area (province, district, commune or ward) in the area registry. */
export const AreaCode = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'must be a lower-case area code such as "hn-ba-dinh-lieu-giai"')
  // The official codes (data/administrative-units) and the plans' own pass; a number or a name in its place does not.
  .superRefine(refusePersonalData)
  .describe('Code of an area (province, district, commune or ward) in the area registry');

/**
 * A person is never named on the bus. The agency's edge turns its own record key into
 * `sr_` + base64url(HMAC-SHA256(agency key, record key)); the key never leaves the agency.
 */
export const SubjectRef = z
  .string()
  .regex(/^sr_[A-Za-z0-9_-]{43}$/, 'must be a pseudonymous subject reference: "sr_" and 43 base64url characters')
  .describe('Pseudonymous subject reference (keyed hash made at the agency edge)');

/**
 * Reference to the consent record an agency keeps for a person it refers on. Pseudonymous as a
 * subject reference is, and made the same way at the agency edge: `cr_` + base64url(HMAC-SHA256(
 * agency key, "consent" + LF + record key)). A raw record key could name the person's file.
 */
export const ConsentRef = z
  .string()
  .regex(/^cr_[A-Za-z0-9_-]{43}$/, 'must be a pseudonymous consent reference: "cr_" and 43 base64url characters (or send {"recordKey": …} to the agency service)')
  .describe('Pseudonymous reference to the recorded consent (keyed hash made at the agency edge)');

export const IsoDate = z.iso.date().describe('Calendar date, YYYY-MM-DD');

/** A reporting period: `2021`, `2021-H1`, `2021-Q2` or `2021-05`. */
export const ReportingPeriod = z
  .string()
  .regex(/^\d{4}(-(0[1-9]|1[0-2])|-Q[1-4]|-H[12])?$/, 'must be a period such as 2021, 2021-H1, 2021-Q2 or 2021-05')
  .describe('Reporting period: year, half (H1/H2), quarter (Q1-Q4) or month');

export const Count = z.int().nonnegative().max(10_000_000);
export const AmountVnd = z.int().nonnegative().max(100_000_000_000).describe('Amount in Vietnamese đồng');

/** Short label for a place, an outlet or a topic; never a person. */
export const Label = z.string().trim().min(1).max(200).superRefine(refusePersonalData);

/** A title or a name in both languages (plans, bodies, tasks): free text, so checked by the detector too. */
export const LocalizedText = z.strictObject({
  vi: z.string().trim().min(1).max(500).superRefine(refusePersonalData),
  en: z.string().trim().min(1).max(500).superRefine(refusePersonalData),
});

/** Where a place is, within its area (`areaCode`): a street, a park, a market; bounded, never a person. */
export const PlaceDescription = Label.pipe(z.string().max(120)).describe('A public place within the area, e.g. "phố Liễu Giai"; never a person');

/** Conditional business lines named by the plans (ngành nghề kinh doanh có điều kiện). */
export const BusinessKind = z.enum([
  'karaoke',
  'bar',
  'dance-hall',
  'massage',
  'sauna',
  'hotel',
  'guesthouse',
  'restaurant',
  'hair-salon',
  'cafe',
  'other',
]);

export const Business = z.strictObject({
  businessId: Identifier.describe('Business registration number'),
  kind: BusinessKind,
});

export const ViolationCategory = z.enum([
  'licensing',
  'worker-registration',
  'prostitution-related',
  'security-order',
  'fire-safety',
  'medical-conditions',
  'cultural-content',
  'other',
]);

/**
 * A legal citation as Vietnamese documents write one: optional point, clause and article, then an
 * instrument by its number (Nghị định 144/2021/NĐ-CP, Thông tư 12/2019/TT-BLĐTBXH) or by its title
 * and year (Bộ luật Hình sự 2015, Luật Phòng, chống mua bán người năm 2011); up to five of them
 * separated by "; ". Examples: "Điều 25 Nghị định 144/2021/NĐ-CP", "Điểm a Khoản 2 Điều 327 Bộ
 * luật Hình sự 2015". Nothing else fits: free text is where a name or a number would ride along.
 */
const CITED_PART = '(?:Điểm [a-zđ]|Khoản \\d{1,3}|Điều \\d{1,4}[a-z]?),? ';
const INSTRUMENT = '(?:Nghị định|Thông tư liên tịch|Thông tư|Quyết định|Nghị quyết|Chỉ thị|Pháp lệnh|Bộ luật|Luật|Hiến pháp)';
const CITATION = `(?:${CITED_PART})*${INSTRUMENT}(?: (?:số )?\\d{1,5}/[0-9A-Za-zĐđ./_-]{1,40}| [\\p{L}][\\p{L} ,-]{1,119}?(?: (?:năm )?(?:19|20)\\d{2})?)`;
export const LEGAL_CITATION = new RegExp(`^${CITATION}(?:; ${CITATION}){0,4}$`, 'iu');

export const LegalCitation = z
  .string()
  .trim()
  .min(1)
  .max(300)
  // One issue for a citation that is not one: the detector runs on those that are.
  .regex(LEGAL_CITATION, { message: 'must be a legal citation such as "Điều 25 Nghị định 144/2021/NĐ-CP" or "Điều 327 Bộ luật Hình sự 2015"', abort: true })
  .superRefine(refusePersonalData)
  .describe('Legal citation: [Điểm …] [Khoản …] [Điều …] and an instrument by number or by title and year');

export const Violation = z.strictObject({
  category: ViolationCategory,
  legalBasis: LegalCitation.optional().describe('Article and decree, e.g. "Điều 25 Nghị định 144/2021/NĐ-CP"'),
});

export const InspectionOutcome = z.enum(['compliant', 'violations-found', 'closed-down']);

/** The support services a referred person can be connected to. */
export const SupportService = z.enum([
  'counselling',
  'legal-aid',
  'health-check',
  'hiv-sti-care',
  'methadone',
  'vocational-training',
  'loan',
  'job-placement',
  'shelter',
  'reintegration',
]);

export const ReferralDeclineReason = z.enum(['person-declined', 'not-eligible', 'unreachable', 'capacity', 'other']);

/** Offences in the Penal Code chapters the plans target. */
export const CriminalOffence = z.enum([
  'brokering',
  'harbouring',
  'organising',
  'forcing',
  'trafficking',
  'sex-with-minor',
  'other',
]);


export const AgeGroup = z.enum(['minor', 'adult', 'unknown']);

export type BusinessKind = z.infer<typeof BusinessKind>;
export type SupportService = z.infer<typeof SupportService>;

