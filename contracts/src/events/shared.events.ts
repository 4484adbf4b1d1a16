import { z } from 'zod';
import type { ProducerAgency } from '../agencies.js';
import {
  AgencyCode,
  AreaCode,
  Business,
  ConsentRef,
  DocumentNumber,
  Identifier,
  InspectionOutcome,
  IsoDate,
  ReferralDeclineReason,
  ReportingPeriod,
  SubjectRef,
  SupportService,
  Violation,
} from '../common.js';
import { defineEvent } from '../define.js';

/** Facts that several agencies state in the same shape; each agency gets its own type. */

export const EXAMPLE_SUBJECT_REF = 'sr_an-Zd5QkL9P8vhiAmgMh13v6hZ1pUROHb3xXAzwPPeg';
/** `consentRefOf('example-key', 'DY-2021-0001')`. */
export const EXAMPLE_CONSENT_REF = 'cr_rJLN9HwHY72vhoaC0yyU7cUWzxpva4kJo1m27FBqOjk';

export const ReportCadence = z.enum(['monthly', 'quarterly', 'half-yearly', 'annual', 'ad-hoc']);

const PERIOD_SHAPE: Record<Exclude<z.infer<typeof ReportCadence>, 'ad-hoc'>, RegExp> = {
  monthly: /^\d{4}-\d{2}$/,
  quarterly: /^\d{4}-Q[1-4]$/,
  'half-yearly': /^\d{4}-H[12]$/,
  annual: /^\d{4}$/,
};

/** Periodic report (báo cáo định kỳ) sent to labour, which compiles it for Steering Committee 138. */
export function reportSubmitted(agency: ProducerAgency) {
  return defineEvent({
    agency,
    entity: 'report',
    action: 'submitted',
    subjectField: 'reportId',
    description: {
      vi: 'Đã gửi báo cáo định kỳ (tháng, quý, 6 tháng, năm) hoặc đột xuất',
      en: 'Periodic (monthly, quarterly, 6-monthly, annual) or ad-hoc report submitted',
    },
    schema: z
      .strictObject({
        reportId: Identifier,
        reportingBody: AgencyCode.describe('Body whose report this is (labour may record a ward committee’s report)'),
        areaCode: AreaCode,
        cadence: ReportCadence,
        period: ReportingPeriod,
        documentRef: DocumentNumber.optional().describe('Number of the report document, e.g. 123/BC-CAQ'),
      })
      .refine((report) => report.cadence === 'ad-hoc' || PERIOD_SHAPE[report.cadence].test(report.period), {
        path: ['period'],
        message: 'does not match the cadence (monthly 2021-05, quarterly 2021-Q2, half-yearly 2021-H1, annual 2021)',
      }),
    example: {
      reportId: `bc-${agency}-2021-05`,
      reportingBody: agency === 'reporting' ? 'womens-union' : agency,
      areaCode: 'hn-ba-dinh',
      cadence: 'monthly',
      period: '2021-05',
    },
  });
}

/** An inspection of one business by one agency's own team. */
export function inspectionCompleted(agency: ProducerAgency, description: { vi: string; en: string }) {
  return defineEvent({
    agency,
    entity: 'inspection',
    action: 'completed',
    subjectField: 'inspectionId',
    description,
    schema: z.strictObject({
      inspectionId: Identifier,
      areaCode: AreaCode,
      business: Business,
      outcome: InspectionOutcome,
      violations: z.array(Violation).max(50),
    }),
    example: {
      inspectionId: `kt-${agency}-2021-0001`,
      areaCode: 'hn-ba-dinh-lieu-giai',
      business: { businessId: '0101234567', kind: 'karaoke' },
      outcome: 'violations-found',
      violations: [{ category: 'worker-registration', legalBasis: 'Nghị định 144/2021/NĐ-CP' }],
    },
  });
}

export const SanctionMeasure = z.enum(['warning', 'fine', 'licence-suspended', 'closed-down']);

/** A sanction decision against a business (not a person). */
export function businessSanctioned(agency: ProducerAgency, description: { vi: string; en: string }) {
  return defineEvent({
    agency,
    entity: 'business',
    action: 'sanctioned',
    subjectField: 'decisionId',
    description,
    schema: z.strictObject({
      decisionId: Identifier,
      inspectionId: Identifier.optional(),
      areaCode: AreaCode,
      business: Business,
      violations: z.array(Violation).min(1).max(50),
      measures: z.array(SanctionMeasure).min(1).max(4),
      fineVnd: z.int().nonnegative().max(100_000_000_000).optional(),
    }),
    example: {
      decisionId: `qd-${agency}-2021-0001`,
      inspectionId: `kt-${agency}-2021-0001`,
      areaCode: 'hn-ba-dinh-lieu-giai',
      business: { businessId: '0101234567', kind: 'karaoke' },
      violations: [{ category: 'worker-registration' }],
      measures: ['fine'],
      fineVnd: 15_000_000,
    },
  });
}

/** A person referred to another agency for support. Needs recorded consent: it carries a subject reference. */
export function referralMade(agency: ProducerAgency, toAgency: string, description: { vi: string; en: string }) {
  return defineEvent({
    agency,
    entity: 'referral',
    action: 'made',
    subjectField: 'referralId',
    description,
    schema: z.strictObject({
      referralId: Identifier,
      subjectRef: SubjectRef,
      consentRef: ConsentRef,
      areaCode: AreaCode,
      toAgency: AgencyCode,
      reason: z.enum(['sanctioned', 'rescued', 'tip-off', 'support-plan', 'other']),
      relatedId: Identifier.optional().describe('Sanction, rescue or earlier referral that led to this one'),
      servicesRequested: z.array(SupportService).min(1).max(10),
      respondBy: IsoDate.optional().describe('Hand-over deadline set by the referring agency'),
    }),
    example: {
      referralId: `cg-${agency}-2021-0001`,
      subjectRef: EXAMPLE_SUBJECT_REF,
      consentRef: EXAMPLE_CONSENT_REF,
      areaCode: 'hn-ba-dinh-lieu-giai',
      toAgency,
      reason: agency === 'police' ? 'sanctioned' : 'support-plan',
      servicesRequested: agency === 'police' ? ['counselling', 'vocational-training'] : ['health-check', 'hiv-sti-care'],
    },
  });
}

export function referralAccepted(agency: ProducerAgency) {
  return defineEvent({
    agency,
    entity: 'referral',
    action: 'accepted',
    subjectField: 'referralId',
    description: { vi: 'Đã tiếp nhận người được chuyển gửi', en: 'Referred person taken on' },
    schema: z.strictObject({
      referralId: Identifier,
      plannedServices: z.array(SupportService).min(1).max(10),
    }),
    example: { referralId: 'cg-police-2021-0001', plannedServices: ['counselling'] },
  });
}

export function referralDeclined(agency: ProducerAgency) {
  return defineEvent({
    agency,
    entity: 'referral',
    action: 'declined',
    subjectField: 'referralId',
    description: { vi: 'Từ chối hoặc không thể tiếp nhận chuyển gửi', en: 'Referral declined or could not be taken on' },
    schema: z.strictObject({ referralId: Identifier, reason: ReferralDeclineReason }),
    example: { referralId: 'cg-police-2021-0002', reason: 'person-declined' },
  });
}

export function referralServiceDelivered(agency: ProducerAgency) {
  return defineEvent({
    agency,
    entity: 'referral',
    action: 'service-delivered',
    subjectField: 'referralId',
    description: { vi: 'Đã cung cấp dịch vụ hỗ trợ cho người được chuyển gửi', en: 'Support service delivered to a referred person' },
    schema: z.strictObject({ referralId: Identifier, service: SupportService }),
    example: { referralId: 'cg-police-2021-0001', service: 'counselling' },
  });
}
