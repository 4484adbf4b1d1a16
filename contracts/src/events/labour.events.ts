import { bodyWorkEvents } from './body-work.events.js';
import { z } from 'zod';
import { AgencyCode, AreaCode, Business, Count, Identifier, InspectionOutcome, Label, Violation } from '../common.js';
import { defineEvent } from '../define.js';
import {
  businessSanctioned,
  referralAccepted,
  referralDeclined,
  referralMade,
  referralServiceDelivered,
  reportSubmitted,
} from './shared.events.js';

export const labourJointInspectionCompleted = defineEvent({
  agency: 'labour',
  entity: 'joint-inspection',
  action: 'completed',
  subjectField: 'inspectionId',
  description: {
    vi: 'Đội kiểm tra liên ngành 178 đã kiểm tra một cơ sở kinh doanh',
    en: 'Joint inspection team 178 inspected a business',
  },
  schema: z.strictObject({
    inspectionId: Identifier,
    teamId: Identifier.describe('Joint inspection team, e.g. doi-178-ba-dinh'),
    areaCode: AreaCode,
    business: Business,
    participatingAgencies: z.array(AgencyCode).min(1).max(20),
    outcome: InspectionOutcome,
    violations: z.array(Violation).max(50),
  }),
  example: {
    inspectionId: 'kt178-ba-dinh-2021-0001',
    teamId: 'doi-178-ba-dinh',
    areaCode: 'hn-ba-dinh-kim-ma',
    business: { businessId: '0107654321', kind: 'massage' },
    participatingAgencies: ['labour', 'police', 'culture', 'health'],
    outcome: 'violations-found',
    violations: [{ category: 'medical-conditions' }],
  },
});

export const labourFollowUpCheckCompleted = defineEvent({
  agency: 'labour',
  entity: 'follow-up-check',
  action: 'completed',
  subjectField: 'checkId',
  description: {
    vi: 'Đã hậu kiểm cơ sở vi phạm sau kiểm tra',
    en: 'Follow-up check of a business found in violation completed',
  },
  schema: z.strictObject({
    checkId: Identifier,
    inspectionId: Identifier.describe('The inspection whose findings are being followed up'),
    areaCode: AreaCode,
    business: Business,
    outcome: z.enum(['remedied', 'still-violating', 'ceased-trading']),
  }),
  example: {
    checkId: 'hk-ba-dinh-2021-0001',
    inspectionId: 'kt178-ba-dinh-2021-0001',
    areaCode: 'hn-ba-dinh-kim-ma',
    business: { businessId: '0107654321', kind: 'massage' },
    outcome: 'remedied',
  },
});

export const labourBusinessSanctioned = businessSanctioned('labour', {
  vi: 'Quyết định xử phạt cơ sở kinh doanh sau kiểm tra liên ngành',
  en: 'Sanction decision against a business after a joint inspection',
});

export const labourReferralAccepted = referralAccepted('labour');
export const labourReferralDeclined = referralDeclined('labour');
export const labourReferralServiceDelivered = referralServiceDelivered('labour');

export const labourReferralMade = referralMade('labour', 'health', {
  vi: 'Lao động - TB&XH chuyển gửi người được hỗ trợ sang cơ sở y tế hoặc dịch vụ khác',
  en: 'Labour refers a supported person on to health or another service',
});

export const labourReferralClosed = defineEvent({
  agency: 'labour',
  entity: 'referral',
  action: 'closed',
  subjectField: 'referralId',
  description: { vi: 'Kết thúc hồ sơ hỗ trợ', en: 'Support case closed' },
  schema: z.strictObject({
    referralId: Identifier,
    outcome: z.enum(['reintegrated', 'services-completed', 'person-withdrew', 'lost-contact', 'other']),
  }),
  example: { referralId: 'cg-police-2021-0001', outcome: 'reintegrated' },
});

export const labourTrainingHeld = defineEvent({
  agency: 'labour',
  entity: 'training',
  action: 'held',
  subjectField: 'trainingId',
  description: { vi: 'Tổ chức tập huấn nâng cao năng lực cán bộ', en: 'Capacity-building training held' },
  schema: z.strictObject({
    trainingId: Identifier,
    areaCode: AreaCode,
    audience: z.enum(['staff', 'ward-officials', 'collaborators', 'peer-educators', 'business-owners']),
    participants: Count,
    topic: Label,
  }),
  example: {
    trainingId: 'th-ba-dinh-2021-01',
    areaCode: 'hn-ba-dinh',
    audience: 'ward-officials',
    participants: 45,
    topic: 'Phòng, chống mại dâm và hỗ trợ người bán dâm',
  },
});

export const labourReportSubmitted = reportSubmitted('labour');

export const labourEvents = [
  labourJointInspectionCompleted,
  labourFollowUpCheckCompleted,
  labourBusinessSanctioned,
  labourReferralAccepted,
  labourReferralDeclined,
  labourReferralServiceDelivered,
  labourReferralMade,
  labourReferralClosed,
  labourTrainingHeld,
  labourReportSubmitted,
  ...bodyWorkEvents('labour'),
] as const;
