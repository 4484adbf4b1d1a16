import { z } from 'zod';
import { AgencyCode, AreaCode, Identifier, IsoDate, LocalizedText, ReportingPeriod } from '../common.js';
import { defineEvent } from '../define.js';
import { refusePersonalData } from '../personal-data.js';
import { Plan, Recurrence } from '../plans/plan.schema.js';

/** Coordination's own facts: plans, tasks, target progress and deadline alerts. */

export const TaskStatus = z.enum(['not-started', 'in-progress', 'awaiting-confirmation', 'done', 'reopened', 'overdue']);
export const TargetStatus = z.enum(['on-track', 'at-risk', 'overdue', 'achieved']);
export const DeadlineKind = z.enum(['task', 'referral-handover', 'follow-up-check', 'periodic-report', 'hotspot-patrol']);

/** The whole plan travels as the event's data: replaying the stream restores every plan. */
export const coordinationPlanPublished = defineEvent({
  agency: 'coordination',
  entity: 'plan',
  action: 'published',
  subjectField: 'id',
  description: { vi: 'Ban hành (nhập) kế hoạch phòng, chống mại dâm', en: 'Prostitution-prevention plan issued (imported)' },
  schema: Plan,
  example: {
    id: 'kh-ba-dinh-2021',
    number: '59/KH-UBND',
    issuedOn: '2021-03-01',
    issuingBody: 'ubnd-ba-dinh',
    level: 'district',
    area: 'hn-ba-dinh',
    period: { start: '2021-01-01', end: '2021-12-31' },
    title: { vi: 'Kế hoạch phòng, chống tệ nạn mại dâm năm 2021', en: 'Prostitution prevention plan 2021' },
    bodies: [{ code: 'ubnd-ba-dinh', name: { vi: 'UBND quận Ba Đình', en: 'Ba Đình District People’s Committee' } }],
    areas: [{ code: 'hn-ba-dinh', name: { vi: 'Quận Ba Đình', en: 'Ba Đình District' }, level: 'district' }],
    targets: [
      {
        id: 'ct-kiem-tra-hanh-chinh-400',
        title: { vi: 'Kiểm tra hành chính 400 lượt cơ sở', en: '400 administrative inspections' },
        agency: 'police',
        measure: { kind: 'count', eventType: 'vn.pcmd.police.inspection.completed.v1' },
        goal: { min: 400 },
      },
    ],
    tasks: [
      {
        id: 'nv-kiem-tra',
        title: { vi: 'Kiểm tra hành chính cơ sở kinh doanh có điều kiện', en: 'Administrative inspections of conditional businesses' },
        lead: 'police',
        supporting: ['culture', 'labour'],
        due: '2021-12-15',
        targets: ['ct-kiem-tra-hanh-chinh-400'],
      },
    ],
  },
});

export const coordinationTaskAssigned = defineEvent({
  agency: 'coordination',
  entity: 'task',
  action: 'assigned',
  subjectField: 'taskId',
  description: { vi: 'Giao nhiệm vụ cho cơ quan chủ trì và cơ quan phối hợp', en: 'Task assigned to a lead agency and supporting agencies' },
  schema: z.strictObject({
    taskId: Identifier,
    planId: Identifier,
    title: LocalizedText,
    leadAgency: AgencyCode,
    supportingAgencies: z.array(AgencyCode).max(30),
    areaCode: AreaCode,
    dueDate: IsoDate.optional(),
    recurrence: Recurrence.optional(),
  }),
  example: {
    taskId: 'kh-ba-dinh-2021/t-ca-01',
    planId: 'kh-ba-dinh-2021',
    title: { vi: 'Kiểm tra hành chính cơ sở kinh doanh có điều kiện', en: 'Administrative inspections of conditional businesses' },
    leadAgency: 'police',
    supportingAgencies: ['culture', 'labour'],
    areaCode: 'hn-ba-dinh',
    dueDate: '2021-12-15',
  },
});

/** Who in the secretariat acted: a staff account, never a person in the records. */
const StaffAccount = Identifier.describe('Account of the secretariat user who acted');

/** The secretariat confirms a task its lead body reported done: the board shows it done. */
export const coordinationTaskConfirmed = defineEvent({
  agency: 'coordination',
  entity: 'task',
  action: 'confirmed',
  subjectField: 'taskId',
  description: { vi: 'Thường trực xác nhận nhiệm vụ đã hoàn thành', en: 'Task completion confirmed by the secretariat' },
  schema: z.strictObject({ planId: Identifier, taskId: Identifier, confirmedBy: StaffAccount }),
  example: { planId: 'kh-ba-dinh-2021', taskId: 'nv-tuyen-truyen', confirmedBy: 'thu-ky-01' },
});

export const TaskReopenReason = z.enum(['evidence-missing', 'evidence-insufficient', 'work-incomplete', 'reported-by-mistake', 'other']);

/** The secretariat reopens a task reported (or confirmed) done: the lead body owes it again. */
export const coordinationTaskReopened = defineEvent({
  agency: 'coordination',
  entity: 'task',
  action: 'reopened',
  subjectField: 'taskId',
  description: { vi: 'Thường trực mở lại nhiệm vụ (chưa đạt yêu cầu)', en: 'Task reopened by the secretariat (not done as required)' },
  schema: z.strictObject({ planId: Identifier, taskId: Identifier, reopenedBy: StaffAccount, reason: TaskReopenReason }),
  example: { planId: 'kh-ba-dinh-2021', taskId: 'nv-tuyen-truyen', reopenedBy: 'thu-ky-01', reason: 'evidence-missing' },
});

/** A body registered by the secretariat at run time (a plan registers the bodies it names by itself). */
export const BodyKind = z.enum(['agency', 'department', 'mass-organisation', 'media', 'peoples-committee', 'armed-force', 'judicial', 'other']);

export const coordinationBodyRegistered = defineEvent({
  agency: 'coordination',
  entity: 'body',
  action: 'registered',
  subjectField: 'code',
  description: { vi: 'Đăng ký cơ quan, tổ chức tham gia', en: 'Body registered' },
  schema: z.strictObject({ code: AgencyCode, title: LocalizedText.describe('Name of the body'), kind: BodyKind.default('other'), registeredBy: StaffAccount }),
  example: {
    code: 'womens-union',
    title: { vi: 'Hội Liên hiệp Phụ nữ', en: "Women's Union" },
    kind: 'mass-organisation',
    registeredBy: 'thu-ky-01',
  },
});

export const coordinationTargetProgressed = defineEvent({
  agency: 'coordination',
  entity: 'target',
  action: 'progressed',
  subjectField: 'targetId',
  description: { vi: 'Tiến độ thực hiện chỉ tiêu thay đổi', en: 'Progress towards a target changed' },
  schema: z.strictObject({
    targetId: Identifier,
    planId: Identifier,
    areaCode: AreaCode,
    achieved: z.number().min(0),
    goal: z.number().positive(),
    percent: z.number().min(0),
    status: TargetStatus,
  }),
  example: {
    targetId: 'kh-ba-dinh-2021/ct-kiem-tra-hanh-chinh',
    planId: 'kh-ba-dinh-2021',
    areaCode: 'hn-ba-dinh',
    achieved: 37,
    goal: 400,
    percent: 9.25,
    status: 'at-risk',
  },
});

/** How coordination names a person's case (a referral) in its deadline alerts: `hs-` ("hồ sơ") and a keyed digest (ADR 0021). */
export const CASE_REFERENCE = /^hs-[0-9a-f]{20}$/;

const deadlineAlert = (action: string, description: { vi: string; en: string }) =>
  defineEvent({
    agency: 'coordination',
    entity: 'deadline',
    action,
    subjectField: 'deadlineId',
    description,
    schema: z.strictObject({
      deadlineId: Identifier,
      kind: DeadlineKind,
      agency: AgencyCode.describe('Agency that owes the awaited action'),
      areaCode: AreaCode,
      dueAt: z.iso.datetime({ offset: true }),
      refId: Identifier.describe(
        'Task, inspection, report period or hotspot the deadline belongs to; a referral by its case reference (hs- and 20 hex digits, ADR 0021), never by its id',
      ),
      planId: Identifier.optional().describe('The plan whose rule set the deadline'),
      leadDays: z.int().min(1).max(90).optional().describe('For "approaching": days before the deadline'),
    })
      // A person's case is never named by the referral's id in what coordination publishes (ADR 0021).
      .refine((alert) => alert.kind !== 'referral-handover' || (CASE_REFERENCE.test(alert.refId) && alert.deadlineId === `referral:${alert.refId}`), {
        path: ['refId'],
        message: 'a referral hand-over is named by its case reference (hs- and 20 hex digits), and its deadlineId is referral:<that reference>',
      }),
    example: {
      deadlineId: 'referral:hs-540e361ce171ec520bf5',
      kind: 'referral-handover',
      agency: 'labour',
      areaCode: 'hn-ba-dinh-lieu-giai',
      dueAt: '2021-06-10T17:00:00+07:00',
      refId: 'hs-540e361ce171ec520bf5',
    },
  });

export const coordinationDeadlineApproaching = deadlineAlert('approaching', { vi: 'Sắp đến thời hạn', en: 'Deadline approaching' });
export const coordinationDeadlineOverdue = deadlineAlert('overdue', { vi: 'Quá hạn', en: 'Deadline missed (overdue)' });
export const coordinationDeadlineEscalated = deadlineAlert('escalated', {
  vi: 'Quá hạn kéo dài, báo cáo Ban Chỉ đạo 138',
  en: 'Overdue for too long, escalated to Steering Committee 138',
});
export const coordinationDeadlineResolved = deadlineAlert('resolved', {
  vi: 'Việc chờ đã được thực hiện (đúng hạn hoặc muộn)',
  en: 'Awaited action done (on time or late)',
});

/** A notifier handed an alert to a receiver (e.g. an agency's webhook answered 2xx): the delivery record. */
export const coordinationAlertDelivered = defineEvent({
  agency: 'coordination',
  entity: 'alert',
  action: 'delivered',
  subjectField: 'alertId',
  description: { vi: 'Đã gửi cảnh báo tới nơi nhận', en: 'Alert delivered to a receiver' },
  schema: z.strictObject({
    alertId: Identifier.describe('Id of the deadline alert event'),
    deadlineId: Identifier,
    receiver: AgencyCode.describe('Agency (or committee) whose receiver took it'),
    channel: z.enum(['webhook']),
    attempts: z.int().min(1).max(1_000),
  }),
  example: { alertId: 'hh-cg-police-2021-0001-overdue', deadlineId: 'hh-cg-police-2021-0001', receiver: 'labour', channel: 'webhook', attempts: 1 },
});

/** The roles of coordination's users, as the audit trail names them. */
export const UserRole = z.enum(['secretariat', 'agency-officer', 'committee-member']);

/** A pseudonymous subject or consent reference (`sr_…`, `cr_…`) names a person's case: never in a note. */
const PERSON_REFERENCE_IN_TEXT = /(?:^|[^A-Za-z0-9_])(?:sr|cr)_[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])/;

/**
 * The secretariat's note on an alert (ghi chú): free text, so checked by the personal-data detector
 * (phone and ID numbers, emails, dates of birth, people's names are refused), one line, bounded, and
 * never a person's pseudonymous reference.
 */
export const AlertNoteText = z
  .string()
  .trim()
  .min(1)
  .max(500)
  .regex(/^[^\p{Cc}]*$/u, 'must be one line of text (no control characters)')
  .refine((text) => !PERSON_REFERENCE_IN_TEXT.test(text), 'must not carry a subject or consent reference (sr_…, cr_…): a note is about the duty, not a person')
  .superRefine(refusePersonalData)
  .describe("The secretariat's note on an alert; never personal data");

/** The alert stages the secretariat can acknowledge (a resolved alert needs nothing). */
export const AcknowledgedStage = z.enum(['approaching', 'overdue', 'escalated']);

/**
 * The secretariat has seen an alert at its current stage (ADR 0019): the work queue shows it
 * acknowledged until the deadline moves to a further stage, which needs acknowledging afresh.
 */
export const coordinationAlertAcknowledged = defineEvent({
  agency: 'coordination',
  entity: 'alert',
  action: 'acknowledged',
  subjectField: 'deadlineId',
  description: { vi: 'Thường trực xác nhận đã biết cảnh báo', en: 'Alert acknowledged by the secretariat' },
  schema: z.strictObject({
    deadlineId: Identifier.describe('The deadline whose alert is acknowledged (one work-queue row)'),
    stage: AcknowledgedStage.describe('The stage the alert was at when acknowledged'),
    acknowledgedBy: StaffAccount,
    role: UserRole,
  }),
  example: { deadlineId: 'task:kh-ba-dinh-2021:nv-kiem-tra', stage: 'overdue', acknowledgedBy: 'thu-ky-01', role: 'secretariat' },
});

/** The secretariat adds a note to an alert: what was done or agreed about the late duty. */
export const coordinationAlertNoted = defineEvent({
  agency: 'coordination',
  entity: 'alert',
  action: 'noted',
  subjectField: 'deadlineId',
  description: { vi: 'Thường trực ghi chú về cảnh báo', en: 'Note added to an alert by the secretariat' },
  schema: z.strictObject({
    deadlineId: Identifier.describe('The deadline whose alert is noted (one work-queue row)'),
    note: AlertNoteText,
    notedBy: StaffAccount,
    role: UserRole,
  }),
  example: { deadlineId: 'task:kh-ba-dinh-2021:nv-kiem-tra', note: 'Đã gọi điện đôn đốc Công an quận, hẹn nộp báo cáo trước 25/6', notedBy: 'thu-ky-01', role: 'secretariat' },
});

/** The secretariat gives an alert to a body of its plan to follow up (giao cho); a later assignment replaces it. */
export const coordinationAlertAssigned = defineEvent({
  agency: 'coordination',
  entity: 'alert',
  action: 'assigned',
  subjectField: 'deadlineId',
  description: { vi: 'Thường trực giao cảnh báo cho cơ quan theo dõi, xử lý', en: 'Alert assigned to a body of the plan to follow up' },
  schema: z.strictObject({
    deadlineId: Identifier.describe('The deadline whose alert is assigned (one work-queue row)'),
    planId: Identifier.describe("The deadline's plan, whose bodies an alert may be assigned to"),
    assignee: AgencyCode.describe('The body of the plan now in charge of following the alert up'),
    assignedBy: StaffAccount,
    role: UserRole,
  }),
  example: { deadlineId: 'task:kh-ba-dinh-2021:nv-kiem-tra', planId: 'kh-ba-dinh-2021', assignee: 'police', assignedBy: 'thu-ky-01', role: 'secretariat' },
});

/**
 * Someone read or exported person-related data (or a periodic report) through coordination's API:
 * the audit trail. Who (account, role, agency), what (which resource, whose cases, how many
 * records) and when (the event's `time`); never the records themselves, so no personal data.
 */
export const coordinationAccessRecorded = defineEvent({
  agency: 'coordination',
  entity: 'access',
  action: 'recorded',
  subjectField: 'accessId',
  description: { vi: 'Ghi nhật ký truy cập dữ liệu liên quan đến cá nhân hoặc xuất báo cáo', en: 'Read or export of person-related data (or a report) recorded for the audit trail' },
  schema: z.strictObject({
    accessId: Identifier,
    userId: Identifier.describe('Account of the user (a staff account, not a person in the records)'),
    role: z.enum(['secretariat', 'agency-officer', 'committee-member']),
    userAgency: AgencyCode.optional().describe("An agency officer's agency"),
    action: z.enum(['read', 'export']),
    resource: z.enum(['agency-referrals', 'target-contributions', 'periodic-report']),
    agencyScope: AgencyCode.optional().describe('Whose cases were read, when one agency\'s'),
    targetId: Identifier.optional().describe('For target-contributions: the target'),
    period: ReportingPeriod.optional().describe('For periodic-report: the period'),
    areaCode: AreaCode.optional(),
    format: z.enum(['json', 'csv', 'xlsx', 'docx']).optional(),
    records: z.int().min(0).max(10_000_000).describe('Person-related records (or report rows) served'),
  }),
  example: {
    accessId: 'tc-7f3a9c2e-0b1d-4e5f-8a6b-1c2d3e4f5a6b',
    userId: 'cb-cong-an-01',
    role: 'agency-officer',
    userAgency: 'police',
    action: 'read',
    resource: 'agency-referrals',
    agencyScope: 'police',
    records: 12,
  },
});

/**
 * The secretariat issued, rotated or revoked a user's token for the dashboard and coordination's
 * API (ADR 0013): the audit trail of who may sign in. Who acted, whose token, what, when (the
 * event's `time`); never the token or its digest, and no name: accounts only.
 */
export const coordinationUserTokenChanged = defineEvent({
  agency: 'coordination',
  entity: 'user-token',
  action: 'changed',
  subjectField: 'changeId',
  description: { vi: 'Cấp, đổi hoặc thu hồi mã truy cập của người dùng', en: "User's access token issued, rotated or revoked" },
  schema: z.strictObject({
    changeId: Identifier,
    userId: Identifier.describe('Account whose token changed (a staff account, not a person in the records)'),
    role: z.enum(['secretariat', 'agency-officer', 'committee-member']),
    userAgency: AgencyCode.optional().describe("An agency officer's agency"),
    change: z.enum(['issued', 'rotated', 'revoked']),
    changedBy: StaffAccount,
    withdraws: Identifier.optional().describe(
      'Set when this record takes back an earlier one: the changeId of a change recorded (the audit comes first) but not made, because the register could not be written',
    ),
  }),
  example: { changeId: 'ut-5b2e8f1a-3c4d-4e6f-9a0b-1c2d3e4f5a6b', userId: 'cb-y-te-02', role: 'agency-officer', userAgency: 'health', change: 'issued', changedBy: 'thu-ky-01' },
});

export const coordinationEvents = [
  coordinationPlanPublished,
  coordinationTaskAssigned,
  coordinationTaskConfirmed,
  coordinationTaskReopened,
  coordinationBodyRegistered,
  coordinationTargetProgressed,
  coordinationDeadlineApproaching,
  coordinationDeadlineOverdue,
  coordinationDeadlineEscalated,
  coordinationDeadlineResolved,
  coordinationAlertDelivered,
  coordinationAlertAcknowledged,
  coordinationAlertNoted,
  coordinationAlertAssigned,
  coordinationAccessRecorded,
  coordinationUserTokenChanged,
] as const;
