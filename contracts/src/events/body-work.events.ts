import { z } from 'zod';
import type { ProducerAgency } from '../agencies.js';
import { AgencyCode, AreaCode, Count, DocumentNumber, Identifier, IsoDate } from '../common.js';
import { defineEvent } from '../define.js';

/**
 * What any body does for a plan, in the same shape whoever states it: an activity held, progress
 * on a task, a task done. Every producer (the five agencies and the reporting service that the
 * other bodies report through) gets its own type of each. No field can hold a person: counts,
 * codes and document numbers only.
 */

/** What kind of activity the plans ask of bodies (DOMAIN.md, "Who reports"). */
export const ActivityKind = z.enum([
  'awareness-session',
  'campaign',
  'training-course',
  'media-publication',
  'business-commitment-signing',
  'programme-integration',
  'pilot-model',
  'review-conference',
  'dialogue',
  'guidance-issued',
]);

/** How many took part or were reached; each a count, none a name. */
export const ActivityCounts = z
  .strictObject({
    participants: Count.optional(),
    officers: Count.optional().describe('Officers or staff trained or reached'),
    businesses: Count.optional(),
    publications: Count.optional().describe('News items, broadcasts, leaflets'),
    sessions: Count.optional(),
  })
  .describe('Counts of the activity (sums are measured with `kind: sum`)');

export const MediaChannel = z.enum(['newspaper', 'television', 'radio', 'website', 'social-media', 'loudspeaker', 'print']);

/** A document that shows the work done: its number and date (e.g. 45/BC-HLHPN, 2026-06-30). */
export const Evidence = z.strictObject({
  documentNumber: DocumentNumber,
  issuedOn: IsoDate,
});

/** The plan task a fact is about: the plan's id and the task's id in it. */
const TaskRef = { planId: Identifier, taskId: Identifier };

export function activityHeld(agency: ProducerAgency) {
  return defineEvent({
    agency,
    entity: 'activity',
    action: 'held',
    subjectField: 'activityId',
    description: {
      vi: 'Đã tổ chức hoạt động (tuyên truyền, chiến dịch, tập huấn, đăng tin, ký cam kết, lồng ghép, mô hình, hội nghị)',
      en: 'Activity held (awareness session, campaign, training, publication, commitment signing, integration, pilot model, conference)',
    },
    schema: z.strictObject({
      activityId: Identifier,
      kind: ActivityKind,
      areaCode: AreaCode,
      organiser: AgencyCode.describe('Body that organised it (the sender, or the body it reports for)'),
      partners: z.array(AgencyCode).max(40).default([]).describe('Bodies that took part'),
      counts: ActivityCounts.default({}),
      channel: MediaChannel.optional().describe('For a media publication'),
      planId: Identifier.optional().describe('The plan the activity carries out'),
      taskId: Identifier.optional().describe('The task of that plan'),
      evidence: Evidence.optional(),
    }),
    example: {
      activityId: `hd-${agency}-2026-0001`,
      kind: 'awareness-session',
      areaCode: 'hn-ba-dinh-lieu-giai',
      organiser: agency === 'reporting' ? 'womens-union' : agency,
      partners: [],
      counts: { participants: 120 },
    },
  });
}

export function taskProgressReported(agency: ProducerAgency) {
  return defineEvent({
    agency,
    entity: 'task',
    action: 'progress-reported',
    subjectField: 'taskId',
    description: { vi: 'Báo cáo tiến độ thực hiện nhiệm vụ', en: 'Progress on a task reported' },
    schema: z.strictObject({
      ...TaskRef,
      areaCode: AreaCode.optional().describe('Where the work was done, when the task is for one area'),
      percentDone: z.number().min(0).max(100).optional(),
      evidence: Evidence.optional(),
    }),
    example: { planId: 'kh-ba-dinh-2021', taskId: 'nv-tuyen-truyen', percentDone: 50 },
  });
}

export function taskCompleted(agency: ProducerAgency) {
  return defineEvent({
    agency,
    entity: 'task',
    action: 'completed',
    subjectField: 'taskId',
    description: {
      vi: 'Cơ quan chủ trì báo cáo đã hoàn thành nhiệm vụ (kèm số, ngày văn bản), chờ thường trực xác nhận',
      en: 'The lead body reports a task done (with the document number and date), awaiting confirmation',
    },
    schema: z.strictObject({
      ...TaskRef,
      areaCode: AreaCode.optional(),
      completedOn: IsoDate,
      evidence: Evidence,
    }),
    example: {
      planId: 'kh-ba-dinh-2021',
      taskId: 'nv-tuyen-truyen',
      completedOn: '2021-11-30',
      evidence: { documentNumber: '45/BC-VHTT', issuedOn: '2021-11-30' },
    },
  });
}

/** The three facts of body work for one producer. */
export const bodyWorkEvents = (agency: ProducerAgency) => [activityHeld(agency), taskProgressReported(agency), taskCompleted(agency)];
