import { addFact, completionOf, decide, decisionTime, evolve, initialTaskCompletion, refusalOf, type TaskCompletionRecord, type TaskFact } from '../src/board/task-completion.js';
import { taskStatus } from '../src/board/task-status.js';

// Specifications of a task's completion, Given / When / Then: the facts so far (a body's progress
// or completion, the secretariat's decisions), what comes next, and the state that must follow.

const evidence = { documentNumber: '45/BC-VHTT', issuedOn: '2021-11-30' };
const progress = (id: string, time: string, percentDone: number, body = 'culture'): TaskFact => ({ kind: 'progress', key: `k-${id}`, id, time, body, percentDone });
const completed = (id: string, time: string, body = 'culture'): TaskFact => ({ kind: 'completed', key: `k-${id}`, id, time, body, completedOn: time.slice(0, 10), evidence });
const confirmed = (id: string, time: string): TaskFact => ({ kind: 'confirmed', key: `k-${id}`, id, time, by: 'thu-ky-01' });
const reopened = (id: string, time: string, reason = 'evidence-missing'): TaskFact => ({ kind: 'reopened', key: `k-${id}`, id, time, by: 'thu-ky-01', reason });

const given = (...facts: TaskFact[]): TaskCompletionRecord => facts.reduce(addFact, { key: 'kh/nv', planId: 'kh', taskId: 'nv', facts: [] } as TaskCompletionRecord);

describe('a task\'s completion (evolve)', () => {
  it('given nothing reported, when a body reports progress, then the task is in progress with that percent', () => {
    const state = completionOf(given(progress('p1', '2021-05-01T09:00:00+07:00', 40)));
    expect(state).toMatchObject({ status: 'in-progress', percentDone: 40, lastEventId: 'p1' });
  });

  it('given progress, when the lead reports it done, then it awaits confirmation with the document and the day', () => {
    const state = completionOf(given(progress('p1', '2021-05-01T09:00:00+07:00', 40), completed('c1', '2021-11-30T10:00:00+07:00')));
    expect(state.status).toBe('awaiting-confirmation');
    expect(state.completion).toEqual({ body: 'culture', completedOn: '2021-11-30', evidence, reportedAt: '2021-11-30T10:00:00+07:00', eventId: 'c1' });
    expect(state.percentDone).toBe(40);
  });

  it('given a completion, when the secretariat confirms, then it is confirmed, by whom and when', () => {
    const state = completionOf(given(completed('c1', '2021-11-30T10:00:00+07:00'), confirmed('d1', '2021-12-02T08:00:00+07:00')));
    expect(state).toMatchObject({ status: 'confirmed', confirmed: { by: 'thu-ky-01', at: '2021-12-02T08:00:00+07:00' } });
  });

  it('given a confirmation, when it is reopened, then it is reopened with the reason and no longer confirmed', () => {
    const state = completionOf(given(completed('c1', '2021-11-30T10:00:00+07:00'), confirmed('d1', '2021-12-02T08:00:00+07:00'), reopened('d2', '2021-12-03T08:00:00+07:00', 'work-incomplete')));
    expect(state.status).toBe('reopened');
    expect(state.reopened).toEqual({ by: 'thu-ky-01', at: '2021-12-03T08:00:00+07:00', reason: 'work-incomplete' });
    expect(state.confirmed).toBeUndefined();
  });

  it('given a reopened task, when progress comes, then it stays reopened; when the lead reports it done again, then it awaits confirmation', () => {
    const record = given(completed('c1', '2021-11-30T10:00:00+07:00'), reopened('d1', '2021-12-01T08:00:00+07:00'), progress('p2', '2021-12-05T08:00:00+07:00', 80));
    expect(completionOf(record)).toMatchObject({ status: 'reopened', percentDone: 80 });
    expect(completionOf(addFact(record, completed('c2', '2021-12-10T08:00:00+07:00'))).status).toBe('awaiting-confirmation');
  });

  it('given a confirmed task, when the lead re-sends a completion, then it stays confirmed', () => {
    const state = evolve(completionOf(given(completed('c1', '2021-11-30T10:00:00+07:00'), confirmed('d1', '2021-12-02T08:00:00+07:00'))), completed('c2', '2021-12-05T10:00:00+07:00'));
    expect(state.status).toBe('confirmed');
  });

  it('is the same whatever order the facts arrive in, and a fact applied twice counts once', () => {
    const facts = [progress('p1', '2021-05-01T09:00:00+07:00', 40), completed('c1', '2021-11-30T10:00:00+07:00'), confirmed('d1', '2021-12-02T08:00:00+07:00'), reopened('d2', '2021-12-03T08:00:00+07:00')];
    const inOrder = given(...facts);
    // A replay reads the secretariat's decisions (coordination's stream) before the agency's events.
    const decisionsFirst = given(facts[2]!, facts[3]!, facts[0]!, facts[1]!, facts[1]!);
    expect(decisionsFirst).toEqual(inOrder);
    expect(completionOf(decisionsFirst).status).toBe('reopened');
    expect(addFact(inOrder, facts[0]!)).toBe(inOrder);
  });

  it('as of a day, reads only the facts up to it (a past period\'s report)', () => {
    const record = given(completed('c1', '2021-06-20T10:00:00+07:00'), confirmed('d1', '2021-07-02T08:00:00+07:00'));
    expect(completionOf(record, new Date('2021-06-30T23:59:59+07:00')).status).toBe('awaiting-confirmation');
    expect(completionOf(record, new Date('2021-09-30T23:59:59+07:00')).status).toBe('confirmed');
    expect(completionOf(record, new Date('2021-01-31T23:59:59+07:00'))).toEqual(initialTaskCompletion);
  });
});

describe('the secretariat\'s commands (decide)', () => {
  it('confirms only a task its lead reported done', () => {
    expect(decide(completionOf(given(completed('c1', '2021-11-30T10:00:00+07:00'))), { kind: 'confirm', by: 'thu-ky-01' })).toEqual({ fact: { kind: 'confirmed', by: 'thu-ky-01' } });
    expect(decide(initialTaskCompletion, { kind: 'confirm', by: 'thu-ky-01' })).toEqual({ refused: 'not-reported-done' });
    expect(decide(completionOf(given(progress('p1', '2021-05-01T09:00:00+07:00', 90))), { kind: 'confirm', by: 'thu-ky-01' })).toEqual({ refused: 'not-reported-done' });
    const done = completionOf(given(completed('c1', '2021-11-30T10:00:00+07:00'), confirmed('d1', '2021-12-02T08:00:00+07:00')));
    expect(decide(done, { kind: 'confirm', by: 'thu-ky-01' })).toEqual({ refused: 'already-confirmed' });
  });

  it('reopens a task reported or confirmed done, with its reason; not one never reported done or reopened already', () => {
    const command = { kind: 'reopen', by: 'thu-ky-01', reason: 'evidence-missing' } as const;
    expect(decide(completionOf(given(completed('c1', '2021-11-30T10:00:00+07:00'))), command)).toEqual({ fact: { kind: 'reopened', by: 'thu-ky-01', reason: 'evidence-missing' } });
    expect(decide(completionOf(given(completed('c1', '2021-11-30T10:00:00+07:00'), confirmed('d1', '2021-12-02T08:00:00+07:00'))), command)).toHaveProperty('fact');
    expect(decide(initialTaskCompletion, command)).toEqual({ refused: 'not-reported-done' });
    expect(decide(completionOf(given(completed('c1', '2021-11-30T10:00:00+07:00'), reopened('d1', '2021-12-01T08:00:00+07:00'))), command)).toEqual({ refused: 'already-reopened' });
  });

  it('dates a decision after the facts it judged, even one dated ahead of the clock', () => {
    const now = new Date('2021-12-01T00:00:00Z');
    expect(decisionTime(given(completed('c1', '2021-11-30T10:00:00+07:00')), now)).toEqual(now);
    const ahead = given(completed('c1', '2021-12-01T12:00:00+07:00'));
    expect(decisionTime(ahead, now).getTime()).toBe(Date.parse('2021-12-01T12:00:00+07:00') + 1);
  });
});

describe('who may report (refusalOf)', () => {
  const task = { lead: 'culture', supporting: ['police'] };
  it('only the lead completes; lead and supporting bodies report progress; others nothing', () => {
    expect(refusalOf(task, 'culture', 'completed')).toBeUndefined();
    expect(refusalOf(task, 'police', 'completed')).toBe('not-lead');
    expect(refusalOf(task, 'police', 'progress')).toBeUndefined();
    expect(refusalOf(task, 'culture', 'progress')).toBeUndefined();
    expect(refusalOf(task, 'womens-union', 'progress')).toBe('not-assigned');
  });
});

describe('the board status of a task', () => {
  const base = { targetsDone: false, pastDue: false, progress: 0 };
  it('shows reopened over done and overdue, done when confirmed or every target achieved, awaiting even past due', () => {
    const state = (...facts: TaskFact[]) => completionOf(given(...facts));
    expect(taskStatus({ ...base, completion: initialTaskCompletion })).toBe('not-started');
    expect(taskStatus({ ...base, completion: state(progress('p1', '2021-05-01T09:00:00+07:00', 10)) })).toBe('in-progress');
    expect(taskStatus({ ...base, pastDue: true, completion: state(progress('p1', '2021-05-01T09:00:00+07:00', 10)) })).toBe('overdue');
    expect(taskStatus({ ...base, pastDue: true, completion: state(completed('c1', '2021-11-30T10:00:00+07:00')) })).toBe('awaiting-confirmation');
    expect(taskStatus({ ...base, completion: state(completed('c1', '2021-11-30T10:00:00+07:00'), confirmed('d1', '2021-12-02T08:00:00+07:00')) })).toBe('done');
    expect(taskStatus({ ...base, targetsDone: true, completion: initialTaskCompletion })).toBe('done');
    expect(taskStatus({ ...base, targetsDone: true, pastDue: true, completion: state(completed('c1', '2021-11-30T10:00:00+07:00'), reopened('d1', '2021-12-01T08:00:00+07:00')) })).toBe('reopened');
  });
});
