import type { AgencyService } from '@lienganh/contracts';
import type { Random } from './random.js';

/**
 * What the five agencies report of their own work for the Ba Đình 2021 plan: activities held,
 * progress on the tasks they lead, and those tasks done with a document reference. Task ids are
 * the plan's (services/coordination/demo/ba-dinh-2021.plan.yaml), each led by that agency, so
 * that simulated completions land on the board; the test checks them against the plan.
 */

export const BA_DINH_PLAN_ID = 'kh-ba-dinh-2021';

/** The tasks of the Ba Đình plan each agency leads (chủ trì). */
export const BA_DINH_TASKS_LED: Record<AgencyService, readonly string[]> = {
  police: ['nv-chung-02', 'nv-chung-03', 'nv-chung-04', 'nv-ca-01', 'nv-ca-02', 'nv-ca-03', 'nv-ca-04', 'nv-ca-05', 'nv-ca-06', 'nv-ca-07'],
  labour: ['nv-chung-05', 'nv-chung-06', 'nv-chung-07', 'nv-chung-08', 'nv-ldtbxh-01', 'nv-ldtbxh-02', 'nv-ldtbxh-03', 'nv-ldtbxh-04', 'nv-ldtbxh-05', 'nv-ldtbxh-06', 'nv-ldtbxh-07', 'nv-ldtbxh-08', 'nv-ldtbxh-09'],
  health: ['nv-yt-01', 'nv-yt-02', 'nv-yt-03'],
  culture: ['nv-chung-01', 'nv-vhtt-01', 'nv-vhtt-02', 'nv-vhtt-03', 'nv-vhtt-04', 'nv-vhtt-05', 'nv-vhtt-06'],
  justice: ['nv-tp-01', 'nv-tp-02', 'nv-tp-03', 'nv-vks-ta-01'],
};

type Weighted<T> = readonly (readonly [number, T])[];

/** What each agency holds most: police and justice sessions, labour training, culture publications. */
const ACTIVITY_KINDS: Record<AgencyService, Weighted<string>> = {
  police: [[50, 'awareness-session'], [30, 'campaign'], [20, 'training-course']],
  labour: [[40, 'training-course'], [25, 'pilot-model'], [20, 'review-conference'], [15, 'guidance-issued']],
  health: [[60, 'awareness-session'], [40, 'training-course']],
  culture: [[35, 'media-publication'], [30, 'business-commitment-signing'], [25, 'awareness-session'], [10, 'programme-integration']],
  justice: [[60, 'awareness-session'], [25, 'dialogue'], [15, 'training-course']],
};

/** Document symbols of each agency's reports (số/ký hiệu văn bản). */
export const DOCUMENT_SUFFIX: Record<AgencyService, string> = {
  police: 'BC-CAQ',
  labour: 'BC-LDTBXH',
  health: 'BC-TTYT',
  culture: 'BC-VHTT',
  justice: 'BC-PTP',
};

export interface BodyWorkDraft {
  random: Random;
  agency: AgencyService;
  /** The record's day (YYYY-MM-DD) and month (1-12). */
  date: string;
  month: number;
  seq: number;
  tag: string;
  areas: readonly string[];
  district: string;
}

const pad = (n: number, width = 4) => String(n).padStart(width, '0');
const task = (draft: BodyWorkDraft) => draft.random.pick(BA_DINH_TASKS_LED[draft.agency]);
const evidence = (draft: BodyWorkDraft) => ({ documentNumber: `${draft.seq}/${DOCUMENT_SUFFIX[draft.agency]}`, issuedOn: draft.date });

export function activityRecord(draft: BodyWorkDraft): Record<string, unknown> {
  const { random, agency } = draft;
  const kind = random.weighted(ACTIVITY_KINDS[agency]);
  const counts =
    kind === 'media-publication' ? { publications: random.int(1, 6) }
    : kind === 'business-commitment-signing' ? { businesses: random.int(5, 40) }
    : kind === 'training-course' ? { officers: random.int(15, 60), sessions: random.int(1, 3) }
    : { participants: random.int(30, 300) };
  const forTask = random.next() < 0.5;
  return {
    activityId: `hd-${agency}-ba-dinh-2021-${draft.tag}-${pad(draft.seq)}`,
    kind,
    areaCode: random.next() < 0.4 ? draft.district : random.pick(draft.areas),
    organiser: agency,
    partners: [],
    counts,
    ...(kind === 'media-publication' ? { channel: random.pick(['newspaper', 'television', 'radio', 'website', 'loudspeaker'] as const) } : {}),
    ...(forTask ? { planId: BA_DINH_PLAN_ID, taskId: task(draft) } : {}),
  };
}

/** Progress grows through the year: about a twelfth a month, never above 95 % before completion. */
export function progressRecord(draft: BodyWorkDraft): Record<string, unknown> {
  const percent = Math.min(95, Math.round((draft.month / 12) * 100 * (0.6 + draft.random.next() * 0.4)));
  return { planId: BA_DINH_PLAN_ID, taskId: task(draft), percentDone: percent, ...(draft.random.next() < 0.5 ? { evidence: evidence(draft) } : {}) };
}

export function completionRecord(draft: BodyWorkDraft): Record<string, unknown> {
  return { planId: BA_DINH_PLAN_ID, taskId: task(draft), completedOn: draft.date, evidence: evidence(draft) };
}
