import { bodyWorkEvents } from './body-work.events.js';
import { z } from 'zod';
import { AgeGroup, AmountVnd, AreaCode, BusinessKind, Count, CriminalOffence, Identifier, Label, PlaceDescription, SubjectRef } from '../common.js';
import { defineEvent } from '../define.js';
import { EXAMPLE_SUBJECT_REF, inspectionCompleted, referralMade, reportSubmitted } from './shared.events.js';

export const policeInspectionCompleted = inspectionCompleted('police', {
  vi: 'Công an đã kiểm tra hành chính một cơ sở kinh doanh có điều kiện',
  en: 'Police administrative inspection of a conditional business completed',
});

export const policeBusinessRegistered = defineEvent({
  agency: 'police',
  entity: 'business',
  action: 'registered',
  subjectField: 'businessId',
  description: {
    vi: 'Cơ sở kinh doanh có điều kiện về an ninh trật tự được đăng ký quản lý',
    en: 'Conditional business registered for security and order oversight',
  },
  schema: z.strictObject({
    businessId: Identifier.describe('Business registration number'),
    kind: BusinessKind,
    areaCode: AreaCode,
    atRisk: z.boolean().describe('Business line at risk of prostitution (counted in coverage targets)'),
  }),
  example: { businessId: '0101234567', kind: 'karaoke', areaCode: 'hn-ba-dinh-lieu-giai', atRisk: true },
});

export const policeSanctionIssued = defineEvent({
  agency: 'police',
  entity: 'sanction',
  action: 'issued',
  subjectField: 'sanctionId',
  description: {
    vi: 'Xử phạt vi phạm hành chính về mại dâm (Nghị định 167/2013, 144/2021)',
    en: 'Administrative sanction for prostitution (Decree 167/2013, 144/2021)',
  },
  schema: z.strictObject({
    sanctionId: Identifier,
    areaCode: AreaCode,
    subjectRef: SubjectRef,
    decree: z.enum(['167/2013/ND-CP', '144/2021/ND-CP']),
    violation: z.enum(['selling-sex', 'buying-sex', 'harbouring', 'other']),
    measure: z.enum(['warning', 'fine']),
    fineVnd: AmountVnd.optional(),
  }),
  example: {
    sanctionId: 'xp-cap-ba-dinh-2021-0001',
    areaCode: 'hn-ba-dinh-lieu-giai',
    subjectRef: EXAMPLE_SUBJECT_REF,
    decree: '144/2021/ND-CP',
    violation: 'selling-sex',
    measure: 'fine',
    fineVnd: 1_000_000,
  },
});

export const policeCaseOpened = defineEvent({
  agency: 'police',
  entity: 'case',
  action: 'opened',
  subjectField: 'caseId',
  description: {
    vi: 'Khởi tố vụ án liên quan đến mại dâm hoặc mua bán người',
    en: 'Criminal case related to prostitution or trafficking opened',
  },
  schema: z.strictObject({
    caseId: Identifier,
    areaCode: AreaCode,
    offences: z.array(CriminalOffence).min(1).max(7),
    suspects: Count,
    businessId: Identifier.optional().describe('Business where the offence took place, if any'),
  }),
  example: { caseId: 'va-cap-ba-dinh-2021-001', areaCode: 'hn-ba-dinh-kim-ma', offences: ['harbouring'], suspects: 2 },
});

export const policeCaseTransferred = defineEvent({
  agency: 'police',
  entity: 'case',
  action: 'transferred',
  subjectField: 'caseId',
  description: {
    vi: 'Chuyển hồ sơ vụ án sang Viện kiểm sát đề nghị truy tố',
    en: 'Case file transferred to the procuracy with a recommendation to prosecute',
  },
  schema: z.strictObject({
    caseId: Identifier,
    areaCode: AreaCode,
    procuracyUnit: Identifier.describe('Procuracy receiving the file, e.g. vks-ba-dinh'),
    defendants: Count,
  }),
  example: { caseId: 'va-cap-ba-dinh-2021-001', areaCode: 'hn-ba-dinh-kim-ma', procuracyUnit: 'vks-ba-dinh', defendants: 2 },
});

const HotspotKind = z.enum(['street', 'park', 'riverside', 'business', 'residential', 'other']);

export const policeHotspotReported = defineEvent({
  agency: 'police',
  entity: 'hotspot',
  action: 'reported',
  subjectField: 'hotspotId',
  description: { vi: 'Phát hiện tụ điểm mại dâm', en: 'Prostitution hotspot identified' },
  schema: z.strictObject({
    hotspotId: Identifier,
    areaCode: AreaCode,
    place: PlaceDescription,
    kind: HotspotKind,
    detectedBy: z.enum(['patrol', 'tip-off', 'ward', 'media', 'other']),
  }),
  example: {
    hotspotId: 'td-lieu-giai',
    areaCode: 'hn-ba-dinh-lieu-giai',
    place: 'Phố Liễu Giai',
    kind: 'street',
    detectedBy: 'patrol',
  },
});

export const policeHotspotCleared = defineEvent({
  agency: 'police',
  entity: 'hotspot',
  action: 'cleared',
  subjectField: 'hotspotId',
  description: { vi: 'Đã giải tỏa tụ điểm', en: 'Hotspot cleared' },
  schema: z.strictObject({ hotspotId: Identifier, areaCode: AreaCode }),
  example: { hotspotId: 'td-lieu-giai', areaCode: 'hn-ba-dinh-lieu-giai' },
});

export const policeHotspotPatrolled = defineEvent({
  agency: 'police',
  entity: 'hotspot',
  action: 'patrolled',
  subjectField: 'hotspotId',
  description: { vi: 'Tuần tra, kiểm soát tụ điểm đã giải tỏa', en: 'Cleared hotspot patrolled' },
  schema: z.strictObject({ hotspotId: Identifier, areaCode: AreaCode, activityObserved: z.boolean() }),
  example: { hotspotId: 'td-lieu-giai', areaCode: 'hn-ba-dinh-lieu-giai', activityObserved: false },
});

export const policeHotspotReactivated = defineEvent({
  agency: 'police',
  entity: 'hotspot',
  action: 'reactivated',
  subjectField: 'hotspotId',
  description: { vi: 'Tụ điểm đã giải tỏa hoạt động trở lại', en: 'Cleared hotspot active again' },
  schema: z.strictObject({ hotspotId: Identifier, areaCode: AreaCode }),
  example: { hotspotId: 'td-to-lich', areaCode: 'hn-ba-dinh-ngoc-khanh' },
});

export const policeTipOffReceived = defineEvent({
  agency: 'police',
  entity: 'tip-off',
  action: 'received',
  subjectField: 'tipOffId',
  description: { vi: 'Tiếp nhận tin báo, tố giác', en: 'Tip-off received' },
  schema: z.strictObject({
    tipOffId: Identifier,
    areaCode: AreaCode,
    channel: z.enum(['hotline', 'in-person', 'online', 'mail', 'other']),
    category: z.enum(['prostitution', 'trafficking', 'brokering', 'other']),
  }),
  example: { tipOffId: 'tb-2021-0001', areaCode: 'hn-ba-dinh-kim-ma', channel: 'hotline', category: 'prostitution' },
});

export const policeTipOffVerified = defineEvent({
  agency: 'police',
  entity: 'tip-off',
  action: 'verified',
  subjectField: 'tipOffId',
  description: { vi: 'Đã xác minh tin báo, tố giác', en: 'Tip-off verified' },
  schema: z.strictObject({
    tipOffId: Identifier,
    areaCode: AreaCode,
    outcome: z.enum(['confirmed', 'unfounded', 'transferred']),
    caseId: Identifier.optional(),
  }),
  example: { tipOffId: 'tb-2021-0001', areaCode: 'hn-ba-dinh-kim-ma', outcome: 'confirmed' },
});

export const policeVictimRescued = defineEvent({
  agency: 'police',
  entity: 'victim',
  action: 'rescued',
  subjectField: 'rescueId',
  description: { vi: 'Giải cứu nạn nhân bị mua bán', en: 'Trafficking victim rescued' },
  schema: z.strictObject({
    rescueId: Identifier,
    areaCode: AreaCode,
    subjectRef: SubjectRef,
    ageGroup: AgeGroup,
    caseId: Identifier.optional(),
    returnedFrom: z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166 country code').optional(),
  }),
  example: {
    rescueId: 'gc-2021-0001',
    areaCode: 'hn-ba-dinh-kim-ma',
    subjectRef: EXAMPLE_SUBJECT_REF,
    ageGroup: 'adult',
    returnedFrom: 'CN',
  },
});

export const policeReferralMade = referralMade('police', 'labour', {
  vi: 'Công an chuyển gửi người bị xử phạt hoặc nạn nhân sang Lao động - TB&XH để hỗ trợ',
  en: 'Police refer a sanctioned person or a victim to labour for support',
});

export const policeReportSubmitted = reportSubmitted('police');

export const policeEvents = [
  policeInspectionCompleted,
  policeBusinessRegistered,
  policeSanctionIssued,
  policeCaseOpened,
  policeCaseTransferred,
  policeHotspotReported,
  policeHotspotCleared,
  policeHotspotPatrolled,
  policeHotspotReactivated,
  policeTipOffReceived,
  policeTipOffVerified,
  policeVictimRescued,
  policeReferralMade,
  policeReportSubmitted,
  ...bodyWorkEvents('police'),
] as const;
