import { createHmac, randomBytes } from 'node:crypto';
import { HttpException } from '@nestjs/common';
import { findEventDefinition, type Plan } from '@lienganh/contracts';
import type { User } from '@lienganh/platform';
import type { TaskBoardEntry } from '../board/committee-view.js';
import type { AlertView } from '../deadlines/alerts.controller.js';
import type { ReferralRecord } from '../store/coordination-store.js';
import type { ContributingEvent } from '../targets/contributing-events.js';

export const PERSON_RECORDS = Symbol('PERSON_RECORDS');

const personRelated = new Map<string, boolean>();

/**
 * An event about one person: its data carries a subject reference (a sanction, a rescue, a
 * referral made), or it is a step of a referral (one person's hand-over).
 */
export function isPersonRelatedType(type: string): boolean {
  let known = personRelated.get(type);
  if (known === undefined) {
    const definition = findEventDefinition(type);
    known = definition !== undefined && (definition.entity === 'referral' || 'subjectRef' in definition.schema.shape);
    personRelated.set(type, known);
  }
  return known;
}

/** A contribution whose event id is withheld from this user. */
export type ShownContribution = ContributingEvent & { hidden?: true };

/**
 * Who may see what about people (DOMAIN.md, "People in the data": access to anything
 * person-related is limited to the agencies that handle that person's case).
 *
 * Person-related records are referral records (with subject references) and the events about
 * one person. The secretariat sees all of them; an agency officer those of cases its agency is
 * a party to (it referred or received the person, or stated the event); a committee member none.
 * Aggregated views stay open to every role; a hand-over alert names its referral by the case
 * reference (ADR 0021), and the referral's id only for those who may see the case; where a view
 * names an event about a person, a user who may not see the case gets a stand-in for its id,
 * stable while the service runs and meaningless outside it.
 */
export class PersonRecordPolicy {
  private readonly key = randomBytes(32);

  maySeeCasesOf(user: User, ...parties: (string | undefined)[]): boolean {
    if (user.role === 'secretariat') return true;
    return user.role === 'agency-officer' && parties.includes(user.agency);
  }

  /** 403 naming why, unless the user may read the person-related records of `agency`'s cases. */
  assertMayReadCasesOf(user: User, agency: string): void {
    if (this.maySeeCasesOf(user, agency)) return;
    const message =
      user.role === 'committee-member'
        ? 'Thành viên Ban Chỉ đạo chỉ xem số liệu tổng hợp, không xem hồ sơ liên quan đến cá nhân / committee members see aggregated figures only, not person-related records'
        : `Cán bộ ${user.agency} chỉ xem hồ sơ liên quan đến cá nhân của các vụ việc do ${user.agency} xử lý, không của ${agency} / a ${user.agency} officer sees person-related records of ${user.agency}'s cases only, not ${agency}'s`;
    throw new HttpException({ error: 'forbidden', message }, 403);
  }

  /** A stand-in for a case identifier: `an-` ("ẩn", hidden) and a keyed hash. */
  pseudonym(id: string): string {
    return `an-${createHmac('sha256', this.key).update(id).digest('base64url').slice(0, 16)}`;
  }

  /**
   * A referral hand-over is named everywhere by its case reference (ADR 0021); the referral's own
   * id is shown only to its two agencies and the secretariat.
   */
  alert<V extends { deadline: Pick<AlertView['deadline'], 'kind' | 'agency' | 'referralId'> }>(view: V, user: User, referrals: ReadonlyMap<string, ReferralRecord>): V & { hidden?: true } {
    const { referralId, ...deadline } = view.deadline;
    if (referralId === undefined || this.maySeeCasesOf(user, deadline.agency, referrals.get(referralId)?.fromAgency)) return view;
    // `hidden`: the case is withheld from this user (its notes' text too: alert-history.ts).
    return { ...view, deadline, hidden: true };
  }

  /** The id of a task's last event is withheld when its targets count events about people the user may not see. */
  task(entry: TaskBoardEntry, user: User, plan: Plan | undefined): TaskBoardEntry {
    if (!entry.lastContributingEvent || user.role === 'secretariat' || !plan) return entry;
    const task = plan.tasks.find((candidate) => candidate.id === entry.taskId);
    const types = (task?.targets ?? []).flatMap((id) => measuredTypes(plan.targets.find((target) => target.id === id)?.measure));
    const hidden = types.some((type) => isPersonRelatedType(type) && !this.maySeeCasesOf(user, agencyOfType(type)));
    if (!hidden) return entry;
    const { lastContributingEvent: _withheld, ...rest } = entry;
    return rest;
  }

  /** An event about a person keeps its time, type, agency and area; its id only for those who may see the case. */
  contribution(contribution: ContributingEvent, user: User): ShownContribution {
    if (!isPersonRelatedType(contribution.type) || this.maySeeCasesOf(user, contribution.agency)) return contribution;
    return { ...contribution, eventId: this.pseudonym(contribution.eventId), hidden: true };
  }
}

const agencyOfType = (type: string) => type.split('.')[2]!;

function measuredTypes(measure: Plan['targets'][number]['measure'] | undefined): string[] {
  if (!measure) return [];
  const selections = measure.kind === 'percentage' ? [measure.numerator, measure.denominator] : [measure];
  return selections.flatMap((selection) => ('eventType' in selection ? [selection.eventType] : []));
}
