import { bodyWorkEvents } from './body-work.events.js';
import { z } from 'zod';
import { AreaCode, Count, CriminalOffence, Identifier, Label, ReportingPeriod } from '../common.js';
import { defineEvent } from '../define.js';
import { reportSubmitted } from './shared.events.js';

export const justiceCaseProsecuted = defineEvent({
  agency: 'justice',
  entity: 'case',
  action: 'prosecuted',
  subjectField: 'caseId',
  description: { vi: 'Viện kiểm sát truy tố vụ án', en: 'Procuracy prosecutes the case' },
  schema: z.strictObject({
    caseId: Identifier.describe('Case number given when police opened it'),
    areaCode: AreaCode,
    defendants: Count.min(1),
    offences: z.array(CriminalOffence).min(1).max(7),
  }),
  example: { caseId: 'va-cap-ba-dinh-2021-001', areaCode: 'hn-ba-dinh-kim-ma', defendants: 2, offences: ['harbouring'] },
});

export const justiceCaseTried = defineEvent({
  agency: 'justice',
  entity: 'case',
  action: 'tried',
  subjectField: 'caseId',
  description: {
    vi: 'Tòa án xét xử vụ án (có đánh dấu xét xử lưu động, án điểm)',
    en: 'Court tries the case (mobile and exemplary trials flagged)',
  },
  schema: z.strictObject({
    caseId: Identifier,
    areaCode: AreaCode,
    defendants: Count.min(1),
    mobileTrial: z.boolean().describe('Xét xử lưu động: held in the community'),
    exemplaryTrial: z.boolean().describe('Án điểm: chosen as an example for deterrence'),
    verdict: z.enum(['convicted', 'acquitted', 'returned-for-investigation']),
  }),
  example: {
    caseId: 'va-cap-ba-dinh-2021-001',
    areaCode: 'hn-ba-dinh-kim-ma',
    defendants: 2,
    mobileTrial: true,
    exemplaryTrial: false,
    verdict: 'convicted',
  },
});

export const justiceLegalAidReported = defineEvent({
  agency: 'justice',
  entity: 'legal-aid',
  action: 'reported',
  subjectField: 'batchId',
  description: { vi: 'Trợ giúp pháp lý (tổng hợp theo địa bàn, kỳ)', en: 'Legal aid given (aggregated per area and period)' },
  schema: z.strictObject({
    batchId: Identifier,
    areaCode: AreaCode,
    period: ReportingPeriod,
    peopleAssisted: Count,
    referredBySupportServices: Count.describe('Of which referred on by labour’s support services'),
  }),
  example: { batchId: 'tgpl-ba-dinh-2021-Q2', areaCode: 'hn-ba-dinh', period: '2021-Q2', peopleAssisted: 6, referredBySupportServices: 3 },
});

export const justiceLegalDisseminationHeld = defineEvent({
  agency: 'justice',
  entity: 'legal-dissemination',
  action: 'held',
  subjectField: 'sessionId',
  description: { vi: 'Tổ chức phổ biến, giáo dục pháp luật', en: 'Legal dissemination session held' },
  schema: z.strictObject({
    sessionId: Identifier,
    areaCode: AreaCode,
    audience: z.enum(['residents', 'business-owners', 'workers', 'students', 'officials']),
    participants: Count,
    topic: Label,
  }),
  example: {
    sessionId: 'pbpl-ba-dinh-2021-02',
    areaCode: 'hn-ba-dinh-doi-can',
    audience: 'business-owners',
    participants: 60,
    topic: 'Bộ luật Hình sự: các tội liên quan đến mại dâm',
  },
});

export const justiceReportSubmitted = reportSubmitted('justice');

export const justiceEvents = [
  justiceCaseProsecuted,
  justiceCaseTried,
  justiceLegalAidReported,
  justiceLegalDisseminationHeld,
  justiceReportSubmitted,
  ...bodyWorkEvents('justice'),
] as const;
