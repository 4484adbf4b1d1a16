import { AlertNoteText, buildEvent, coordinationAlertAcknowledged, coordinationAlertAssigned, coordinationAlertNoted, coordinationDeadlineEscalated, coordinationDeadlineOverdue, coordinationDeadlineResolved, coordinationPlanPublished, type BusEvent, type Plan } from '@lienganh/contracts';
import { CoordinationProjection, InMemoryCoordinationStore } from '../src/index.js';
import { decideAlertCommand, handlingOf, type AlertCommand, type AlertCommandContext } from '../src/deadlines/alert-handling.js';
import { alertQueue, queueRow } from '../src/deadlines/alert-queue.js';
import { CaseReferences } from '../src/access/case-references.js';

/** How the projection names referrals in deadlines (ADR 0021): a key of this test's own. */
const cases = CaseReferences.ephemeral();

// Given / When / Then: the secretariat acknowledges, notes and assigns alerts (ADR 0019). `decide`
// judges a command on the row; the projection folds the events, in any order, each once.

const example = coordinationPlanPublished.example as Plan;
const plan: Plan = {
  ...example,
  id: 'kh-xu-ly-2021',
  tasks: [{ id: 'nv-tre', title: { vi: 'Nhiệm vụ trễ hạn', en: 'Late task' }, lead: 'police', supporting: ['culture'], due: '2021-06-05', targets: [] } as Plan['tasks'][number]],
};
const DEADLINE = `task:${plan.id}:nv-tre`;
const published = buildEvent(coordinationPlanPublished, plan, { id: `plan-published-${plan.id}`, time: '2021-06-01T09:00:00+07:00' });
const alertData = { deadlineId: DEADLINE, kind: 'task', agency: 'police', areaCode: plan.area, dueAt: '2021-06-05T23:59:59+07:00', refId: 'nv-tre', planId: plan.id } as const;
const overdue = buildEvent(coordinationDeadlineOverdue, alertData, { id: `${DEADLINE}:overdue`, time: '2021-06-06T09:00:00+07:00' });
const escalated = buildEvent(coordinationDeadlineEscalated, alertData, { id: `${DEADLINE}:escalated`, time: '2021-06-14T09:00:00+07:00' });
const resolved = buildEvent(coordinationDeadlineResolved, alertData, { id: `${DEADLINE}:resolved`, time: '2021-06-20T09:00:00+07:00' });
const who = { role: 'secretariat' } as const;
const acknowledged = (n: number, stage: 'overdue' | 'escalated', time: string) => buildEvent(coordinationAlertAcknowledged, { deadlineId: DEADLINE, stage, acknowledgedBy: 'thu-ky-01', ...who }, { id: `acknowledged:${DEADLINE}:${n}`, time });
const noted = (n: number, note: string, time: string) => buildEvent(coordinationAlertNoted, { deadlineId: DEADLINE, note, notedBy: 'thu-ky-02', ...who }, { id: `noted:${DEADLINE}:${n}`, time });
const assigned = (n: number, assignee: string, time: string) => buildEvent(coordinationAlertAssigned, { deadlineId: DEADLINE, planId: plan.id, assignee, assignedBy: 'thu-ky-01', ...who }, { id: `assigned:${DEADLINE}:${n}:${assignee}`, time });

const given = (...events: BusEvent[]) => {
  const projection = new CoordinationProjection(cases);
  for (const event of events) projection.apply(event);
  return projection;
};
const rowOf = (projection: CoordinationProjection) => queueRow(projection.deadlines.deadlines.get(DEADLINE)!, projection)!;

describe('decideAlertCommand', () => {
  const bodies = ['ubnd-ba-dinh', 'police', 'culture', 'labour'];
  const context = (overrides: Partial<AlertCommandContext> = {}): AlertCommandContext => ({ stage: 'overdue', handling: { notes: [] }, planBodies: bodies, ...overrides });
  const ack: AlertCommand = { kind: 'acknowledge', by: 'thu-ky-01', role: 'secretariat' };
  const assign = (assignee: string): AlertCommand => ({ kind: 'assign', by: 'thu-ky-01', role: 'secretariat', assignee });

  it('given no alert about the deadline, when anything is asked, then it is not found', () => {
    for (const command of [ack, assign('police'), { kind: 'note', by: 'a', role: 'secretariat', note: 'x' } as AlertCommand]) {
      expect(decideAlertCommand(context({ stage: undefined }), command)).toEqual({ refused: 'not-found' });
    }
  });

  it('given an overdue alert, when acknowledged, then the fact names the stage; acknowledged at that stage already, it is refused', () => {
    expect(decideAlertCommand(context(), ack)).toEqual({ fact: { kind: 'acknowledged', stage: 'overdue' } });
    const seen = { notes: [], acknowledged: { by: 'thu-ky-01', role: 'secretariat', at: '2021-06-06T10:00:00+07:00', stage: 'overdue' as const } };
    expect(decideAlertCommand(context({ handling: seen }), ack)).toEqual({ refused: 'already-acknowledged' });
    // It escalated since: a new stage to acknowledge.
    expect(decideAlertCommand(context({ stage: 'escalated', handling: seen }), ack)).toEqual({ fact: { kind: 'acknowledged', stage: 'escalated' } });
  });

  it('given a resolved alert, when acknowledged or assigned, then it is refused; a note is still taken', () => {
    expect(decideAlertCommand(context({ stage: 'resolved' }), ack)).toEqual({ refused: 'alert-resolved' });
    expect(decideAlertCommand(context({ stage: 'resolved' }), assign('police'))).toEqual({ refused: 'alert-resolved' });
    expect(decideAlertCommand(context({ stage: 'resolved' }), { kind: 'note', by: 'a', role: 'secretariat', note: 'Đã nhận báo cáo' })).toEqual({ fact: { kind: 'noted', note: 'Đã nhận báo cáo' } });
  });

  it('given a note, when the same account sends the same text again (a retried request), then nothing is recorded', () => {
    const handling = { notes: [{ text: 'Đã đôn đốc', by: 'a', role: 'secretariat', at: '2021-06-06T10:00:00+07:00' }] };
    expect(decideAlertCommand(context({ handling }), { kind: 'note', by: 'a', role: 'secretariat', note: 'Đã đôn đốc' })).toEqual({ unchanged: true });
    expect(decideAlertCommand(context({ handling }), { kind: 'note', by: 'b', role: 'secretariat', note: 'Đã đôn đốc' })).toEqual({ fact: { kind: 'noted', note: 'Đã đôn đốc' } });
  });

  it('given a plan, when assigned to a body it does not name, then it is refused; to the body it has already, too', () => {
    expect(decideAlertCommand(context(), assign('health'))).toEqual({ refused: 'not-a-body-of-the-plan' });
    expect(decideAlertCommand(context({ stage: 'resolved' }), assign('health'))).toEqual({ refused: 'not-a-body-of-the-plan' });
    expect(decideAlertCommand(context(), assign('culture'))).toEqual({ fact: { kind: 'assigned', assignee: 'culture' } });
    const given = { notes: [], assignedTo: { body: 'culture', by: 'thu-ky-01', role: 'secretariat', at: '2021-06-06T10:00:00+07:00' } };
    expect(decideAlertCommand(context({ handling: given }), assign('culture'))).toEqual({ refused: 'already-assigned' });
    expect(decideAlertCommand(context({ handling: given }), assign('police'))).toEqual({ fact: { kind: 'assigned', assignee: 'police' } });
  });
});

describe('the note text', () => {
  it('refuses personal data, case references and control characters, naming why and never the value', () => {
    for (const [text, why] of [
      ['Gọi chị ấy theo số 0912 345 678', 'phone number'],
      ['CCCD 001203012345 của người được hỗ trợ', 'citizen ID'],
      ['Bà Nguyễn Thị Hoa chưa đến', 'full name'],
      ['liên hệ hoa.nguyen@example.com', 'email'],
      ['sinh năm 1998', 'date of birth'],
      [`vụ sr_${'A'.repeat(43)}`, 'subject or consent reference'],
      ['dòng 1\ndòng 2', 'one line'],
      ['', 'Too small'],
      ['x'.repeat(501), 'Too big'],
    ] as const) {
      const result = AlertNoteText.safeParse(text);
      expect([text.slice(0, 20), result.success]).toEqual([text.slice(0, 20), false]);
      const message = result.error!.issues.map((issue) => issue.message).join('; ');
      expect(message.toLowerCase()).toContain(why.toLowerCase());
      if (text.length > 5) expect(message).not.toContain(text);
    }
    expect(AlertNoteText.parse('  Đã đôn đốc Công an quận, hẹn nộp báo cáo trước 25/6  ')).toBe('Đã đôn đốc Công an quận, hẹn nộp báo cáo trước 25/6');
  });
});

describe('alert handling in the projection', () => {
  it('given an overdue alert, when acknowledged, noted twice and assigned, then its row shows who and when, notes latest first', () => {
    const projection = given(
      published,
      overdue,
      acknowledged(1, 'overdue', '2021-06-06T10:00:00+07:00'),
      noted(2, 'Đã gọi điện đôn đốc', '2021-06-06T10:05:00+07:00'),
      noted(3, 'Hẹn nộp trước 10/6', '2021-06-07T08:00:00+07:00'),
      assigned(4, 'culture', '2021-06-07T08:30:00+07:00'),
    );
    expect(rowOf(projection)).toMatchObject({
      stage: 'overdue',
      acknowledged: { by: 'thu-ky-01', role: 'secretariat', at: '2021-06-06T10:00:00+07:00', stage: 'overdue' },
      assignedTo: { body: 'culture', by: 'thu-ky-01', at: '2021-06-07T08:30:00+07:00' },
      notes: [
        { text: 'Hẹn nộp trước 10/6', by: 'thu-ky-02', at: '2021-06-07T08:00:00+07:00' },
        { text: 'Đã gọi điện đôn đốc', by: 'thu-ky-02', at: '2021-06-06T10:05:00+07:00' },
      ],
    });
  });

  it('given an acknowledged overdue alert, when it escalates, then the row is unacknowledged until acknowledged at the new stage', () => {
    const projection = given(published, overdue, acknowledged(1, 'overdue', '2021-06-06T10:00:00+07:00'), escalated);
    expect(rowOf(projection).acknowledged).toBeUndefined();
    projection.apply(acknowledged(2, 'escalated', '2021-06-14T10:00:00+07:00'));
    expect(rowOf(projection).acknowledged).toMatchObject({ stage: 'escalated' });
    projection.apply(resolved);
    expect(rowOf(projection)).toMatchObject({ stage: 'resolved', acknowledged: { stage: 'escalated' } });
  });

  it('given the same events twice, or in another order (decisions read before the plan and alerts), then the state is the same', () => {
    const events = [published, overdue, acknowledged(1, 'overdue', '2021-06-06T10:00:00+07:00'), noted(2, 'Ghi chú', '2021-06-06T11:00:00+07:00'), assigned(3, 'police', '2021-06-06T12:00:00+07:00'), assigned(4, 'culture', '2021-06-07T12:00:00+07:00')];
    const once = given(...events);
    const twice = given(...events, ...events.slice(2));
    const shuffled = given(events[5]!, events[3]!, published, events[2]!, overdue, events[4]!, events[3]!);
    expect(twice.snapshot()).toEqual(once.snapshot());
    expect(shuffled.snapshot().alertHandlings).toEqual(once.snapshot().alertHandlings);
    expect(rowOf(shuffled)).toEqual(rowOf(once));
    expect(rowOf(once).notes).toHaveLength(1);
    expect(rowOf(once).assignedTo?.body).toBe('culture');
    expect(handlingOf(once.alertHandlings.get(DEADLINE)).assignedTo?.body).toBe('culture');
  });

  it('filters the queue by acknowledged and by assignee', () => {
    const projection = given(published, overdue);
    expect(alertQueue(projection, { acknowledged: false }).rows.map((row) => row.id)).toEqual([DEADLINE]);
    expect(alertQueue(projection, { acknowledged: true }).rows).toEqual([]);
    projection.apply(acknowledged(1, 'overdue', '2021-06-06T10:00:00+07:00'));
    projection.apply(assigned(2, 'culture', '2021-06-06T11:00:00+07:00'));
    expect(alertQueue(projection, { acknowledged: true }).rows.map((row) => row.id)).toEqual([DEADLINE]);
    expect(alertQueue(projection, { acknowledged: false }).counts).toEqual({ approaching: 0, overdue: 0, escalated: 0, resolved: 0 });
    expect(alertQueue(projection, { assignedTo: 'culture' }).rows.map((row) => row.id)).toEqual([DEADLINE]);
    expect(alertQueue(projection, { assignedTo: 'police' }).rows).toEqual([]);
  });

  it('is committed to the store and restored from it as it was', async () => {
    const projection = given(published, overdue, acknowledged(1, 'overdue', '2021-06-06T10:00:00+07:00'), noted(2, 'Ghi chú', '2021-06-06T11:00:00+07:00'));
    const store = new InMemoryCoordinationStore();
    const changes = projection.takeChanges();
    expect(changes.alertHandlings?.map((record) => record.deadlineId)).toEqual([DEADLINE]);
    await store.commit(changes);
    const restored = CoordinationProjection.restore(await store.load(), cases);
    expect(rowOf(restored)).toEqual(rowOf(projection));
    expect(restored.snapshot().alertHandlings).toEqual(projection.snapshot().alertHandlings);
    // Re-applied after the restore (a redelivery): nothing changes, nothing to commit.
    restored.apply(noted(2, 'Ghi chú', '2021-06-06T11:00:00+07:00'));
    expect(restored.hasChanges()).toBe(false);
  });
});
