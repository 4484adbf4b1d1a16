import { bodyWorkEvents } from './body-work.events.js';
import { z } from 'zod';
import { AreaCode, BusinessKind, Count, Identifier, Label } from '../common.js';
import { defineEvent } from '../define.js';
import { businessSanctioned, inspectionCompleted, reportSubmitted } from './shared.events.js';

export const cultureInspectionCompleted = inspectionCompleted('culture', {
  vi: 'Văn hóa đã kiểm tra cơ sở kinh doanh dịch vụ văn hóa, giải trí, lưu trú',
  en: 'Culture inspection of an entertainment, cultural or lodging business completed',
});

export const cultureBusinessSanctioned = businessSanctioned('culture', {
  vi: 'Xử phạt vi phạm hành chính trong lĩnh vực văn hóa đối với cơ sở kinh doanh',
  en: 'Cultural administrative sanction against a business',
});

export const cultureCommitmentSigned = defineEvent({
  agency: 'culture',
  entity: 'business-commitment',
  action: 'signed',
  subjectField: 'commitmentId',
  description: {
    vi: 'Cơ sở kinh doanh ký cam kết không để xảy ra mại dâm và đăng ký người lao động',
    en: 'Business signs the no-prostitution commitment and registers its workers',
  },
  schema: z.strictObject({
    commitmentId: Identifier,
    areaCode: AreaCode,
    businessId: Identifier.describe('Business registration number'),
    kind: BusinessKind,
    workersRegistered: Count,
  }),
  example: {
    commitmentId: 'cc-ba-dinh-2021-0001',
    areaCode: 'hn-ba-dinh-lieu-giai',
    businessId: '0101234567',
    kind: 'karaoke',
    workersRegistered: 12,
  },
});

export const cultureAwarenessActivityHeld = defineEvent({
  agency: 'culture',
  entity: 'awareness-activity',
  action: 'held',
  subjectField: 'activityId',
  description: { vi: 'Tổ chức hoạt động tuyên truyền phòng, chống mại dâm', en: 'Prostitution-prevention awareness activity held' },
  schema: z.strictObject({
    activityId: Identifier,
    areaCode: AreaCode,
    format: z.enum(['meeting', 'loudspeaker', 'banner', 'leaflet', 'performance', 'social-media', 'other']),
    participants: Count.optional(),
    topic: Label,
  }),
  example: {
    activityId: 'tt-lieu-giai-2021-03',
    areaCode: 'hn-ba-dinh-lieu-giai',
    format: 'meeting',
    participants: 150,
    topic: 'Tác hại của tệ nạn mại dâm',
  },
});

export const culturePublicationPublished = defineEvent({
  agency: 'culture',
  entity: 'publication',
  action: 'published',
  subjectField: 'publicationId',
  description: { vi: 'Đăng tin, bài về phòng, chống mại dâm trên phương tiện thông tin', en: 'News item on prostitution prevention published' },
  schema: z.strictObject({
    publicationId: Identifier,
    areaCode: AreaCode,
    outlet: Label.describe('Newspaper, station or website'),
    medium: z.enum(['newspaper', 'television', 'radio', 'website', 'social-media', 'bulletin']),
    topic: Label,
  }),
  example: {
    publicationId: 'bt-2021-05-01',
    areaCode: 'hn-ba-dinh',
    outlet: 'Cổng thông tin điện tử quận Ba Đình',
    medium: 'website',
    topic: 'Ra quân kiểm tra cơ sở kinh doanh dịch vụ nhạy cảm',
  },
});

export const cultureWardAssessmentCompleted = defineEvent({
  agency: 'culture',
  entity: 'ward-assessment',
  action: 'completed',
  subjectField: 'assessmentId',
  description: {
    vi: 'Đánh giá xã, phường lành mạnh không có tệ nạn mại dâm (Nghị quyết liên tịch 01/2008)',
    en: 'Commune/ward assessed as healthy and free of prostitution (Joint Resolution 01/2008)',
  },
  schema: z.strictObject({
    assessmentId: Identifier,
    areaCode: AreaCode.describe('The commune or ward assessed'),
    year: z.int().min(2000).max(2100),
    score: z.number().min(0).max(100),
    result: z.enum(['healthy', 'not-yet-healthy']),
  }),
  example: { assessmentId: 'dg-lieu-giai-2021', areaCode: 'hn-ba-dinh-lieu-giai', year: 2021, score: 92, result: 'healthy' },
});

export const cultureReportSubmitted = reportSubmitted('culture');

export const cultureEvents = [
  cultureInspectionCompleted,
  cultureBusinessSanctioned,
  cultureCommitmentSigned,
  cultureAwarenessActivityHeld,
  culturePublicationPublished,
  cultureWardAssessmentCompleted,
  cultureReportSubmitted,
  ...bodyWorkEvents('culture'),
] as const;
