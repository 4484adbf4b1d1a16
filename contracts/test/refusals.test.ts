import { findPersonalData, provenanceProblem, refusalConsumerOf, refusalReasons, refusalSubjectFor, refusalSubjectOf, UNATTRIBUTED_REFUSALS } from '@lienganh/contracts';

/** Issue 19: a refusal names the field and why, never the refused value (ADR 0014). */

describe('the subject a producer reads its refusals on', () => {
  it('is the agency’s, or the reporting body’s', () => {
    expect(refusalSubjectOf('pcmd.events.police.inspection.completed')).toBe('pcmd.refusals.police');
    expect(refusalSubjectOf('pcmd.events.reporting.red-cross.activity.held')).toBe('pcmd.refusals.reporting.red-cross');
    expect(refusalSubjectFor({ body: 'red-cross' })).toBe('pcmd.refusals.reporting.red-cross');
    expect(refusalSubjectFor({ agency: 'police' })).toBe('pcmd.refusals.police');
    expect(refusalConsumerOf('pcmd.refusals.reporting.red-cross')).toBe('refusals-reporting-red-cross');
  });

  it('names no one when the subject names no producer, or a token looks like personal data', () => {
    expect(refusalSubjectOf('pcmd.events.reporting')).toBe(UNATTRIBUTED_REFUSALS);
    expect(refusalSubjectOf('pcmd.events.reporting.0912345678.activity.held')).toBe(UNATTRIBUTED_REFUSALS);
    expect(refusalSubjectOf('other.subject')).toBe(UNATTRIBUTED_REFUSALS);
  });
});

describe('refusal reasons', () => {
  const planted = ['0912 345 678', 'Nguyễn Thị Hoa', 'hoa@example.vn', '001203012345'];

  it('keep the path and the message when they hold no refused value', () => {
    const reasons = refusalReasons([{ path: 'data.organiser', message: 'looks like a phone number (0 or +84 and 9-10 digits): personal data is never sent' }], planted);
    expect(reasons).toEqual([{ path: 'data.organiser', message: 'looks like a phone number (0 or +84 and 9-10 digits): personal data is never sent' }]);
  });

  it('cut a refused value out of a message, and a path short before a segment that holds one', () => {
    const reasons = refusalReasons(
      [
        { path: 'type', message: 'unknown event type "Nguyễn Thị Hoa" (see `lienganh catalog`)' },
        { path: 'data.0912 345 678', message: 'unknown field (not in the schema)' },
        { path: 'data.notes.001203012345.x', message: 'is required' },
        { path: 'data.x', message: 'call 0987.654.321 now' },
      ],
      planted,
    );
    expect(reasons).toEqual([
      { path: 'type', message: 'unknown event type "[…]" (see `lienganh catalog`)' },
      { path: 'data.[…]', message: 'unknown field (not in the schema)' },
      { path: 'data.notes.[…].x', message: 'is required' },
      { path: 'data.x', message: expect.stringContaining('hidden') },
    ]);
    for (const reason of reasons) expect(findPersonalData(`${reason.path} ${reason.message}`)).toEqual([]);
  });

  it('say something even when there is nothing to say, and at most 20 things', () => {
    expect(refusalReasons([], [])).toEqual([{ path: '', message: 'refused' }]);
    expect(refusalReasons(Array.from({ length: 50 }, (_, index) => ({ path: `data.f${index}`, message: 'is required' })), [])).toHaveLength(20);
  });
});

describe('provenance on the direct path', () => {
  const event = { type: 'vn.pcmd.reporting.activity.held.v1', source: '/pcmd/reporting/red-cross' };

  it('takes only the type’s own subject, so that nothing rides in a subject token', () => {
    expect(provenanceProblem(event, 'pcmd.events.reporting.red-cross.activity.held')).toBeUndefined();
    const problem = provenanceProblem(event, 'pcmd.events.reporting.red-cross.activity.held.0912345678');
    expect(problem).toBe('subject must be pcmd.events.reporting.red-cross.activity.held, the subject of type vn.pcmd.reporting.activity.held.v1');
    expect(provenanceProblem({ type: 'vn.pcmd.police.inspection.completed.v1', source: '/pcmd/police' }, 'pcmd.events.police.case.opened')).toMatch(/^subject must be pcmd\.events\.police\.inspection\.completed/);
  });
});
