import { bodyWorkEvents } from './body-work.events.js';
import { z } from 'zod';
import { AreaCode, Count, Identifier, ReportingPeriod } from '../common.js';
import { defineEvent } from '../define.js';
import { referralAccepted, referralDeclined, referralServiceDelivered, reportSubmitted } from './shared.events.js';

/** Health data never names a person: only aggregated counts per area and period travel on the bus. */

export const healthChecksReported = defineEvent({
  agency: 'health',
  entity: 'health-checks',
  action: 'reported',
  subjectField: 'batchId',
  description: {
    vi: 'Số lượt khám sức khỏe định kỳ (tổng hợp theo địa bàn, kỳ)',
    en: 'Health checks carried out (aggregated per area and period)',
  },
  schema: z
    .strictObject({
      batchId: Identifier,
      areaCode: AreaCode,
      period: ReportingPeriod,
      group: z.enum(['business-workers', 'referred-people', 'registered-people']),
      checked: Count,
      referredForTreatment: Count,
    })
    .refine((batch) => batch.referredForTreatment <= batch.checked, {
      path: ['referredForTreatment'],
      message: 'cannot exceed checked',
    }),
  example: {
    batchId: 'ks-ba-dinh-2021-05',
    areaCode: 'hn-ba-dinh',
    period: '2021-05',
    group: 'business-workers',
    checked: 120,
    referredForTreatment: 4,
  },
});

export const healthHivStiServicesReported = defineEvent({
  agency: 'health',
  entity: 'hiv-sti-services',
  action: 'reported',
  subjectField: 'batchId',
  description: {
    vi: 'Dịch vụ dự phòng, xét nghiệm, điều trị HIV/STI và methadone (tổng hợp)',
    en: 'HIV/STI prevention, testing and treatment, and methadone (aggregated)',
  },
  schema: z
    .strictObject({
      batchId: Identifier,
      areaCode: AreaCode,
      period: ReportingPeriod,
      hivTests: Count,
      hivPositive: Count,
      stiTreated: Count,
      methadonePatients: Count,
      condomsDistributed: Count,
    })
    .refine((batch) => batch.hivPositive <= batch.hivTests, { path: ['hivPositive'], message: 'cannot exceed hivTests' }),
  example: {
    batchId: 'hiv-ba-dinh-2021-05',
    areaCode: 'hn-ba-dinh',
    period: '2021-05',
    hivTests: 85,
    hivPositive: 1,
    stiTreated: 7,
    methadonePatients: 32,
    condomsDistributed: 1500,
  },
});

export const healthReferralAccepted = referralAccepted('health');
export const healthReferralDeclined = referralDeclined('health');
export const healthReferralServiceDelivered = referralServiceDelivered('health');
export const healthReportSubmitted = reportSubmitted('health');

export const healthEvents = [
  healthChecksReported,
  healthHivStiServicesReported,
  healthReferralAccepted,
  healthReferralDeclined,
  healthReferralServiceDelivered,
  healthReportSubmitted,
  ...bodyWorkEvents('health'),
] as const;
