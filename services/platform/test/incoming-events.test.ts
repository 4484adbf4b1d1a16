import { buildEvent, ContractError, labourTrainingHeld, policeCaseOpened, policeInspectionCompleted } from '@lienganh/contracts';
import { MAX_BATCH_SIZE, prepareIncoming } from '@lienganh/platform';

const inspection = () => {
  // A fixed time: a test that injects the service's clock must not depend on the day it runs.
  const { source: _source, subject: _subject, ...event } = buildEvent(policeInspectionCompleted, policeInspectionCompleted.example, { time: '2021-05-04T09:30:00+07:00' });
  return event; // as an agency system sends it: no source, no subject
};

function issuesOf(body: unknown): { path: string; message: string }[] {
  try {
    prepareIncoming(body, 'police');
  } catch (error) {
    if (error instanceof ContractError) return [...error.issues];
    throw error;
  }
  throw new Error('accepted');
}

describe('prepareIncoming', () => {
  it('fills source from the authenticated agency and subject from the data', () => {
    const [event] = prepareIncoming(inspection(), 'police');
    expect(event!.source).toBe('/pcmd/police');
    expect(event!.subject).toBe(policeInspectionCompleted.example.inspectionId);
  });

  it('keeps a unit the agency names in its source', () => {
    const [event] = prepareIncoming({ ...inspection(), source: '/pcmd/police/001' }, 'police');
    expect(event!.source).toBe('/pcmd/police/001');
  });

  it('refuses a source or a type of another agency', () => {
    expect(issuesOf({ ...inspection(), source: '/pcmd/labour' })).toEqual([
      { path: 'source', message: 'must name the authenticated agency: /pcmd/police[/<unit>]' },
    ]);
    const training = buildEvent(labourTrainingHeld, labourTrainingHeld.example);
    expect(issuesOf(training)).toEqual([{ path: 'type', message: `"${training.type}" is an event of labour, not of police` }]);
  });

  it('rejects a whole batch when one event is invalid, naming it by position', () => {
    const good = inspection();
    const bad = { ...buildEvent(policeCaseOpened, policeCaseOpened.example), data: { ...policeCaseOpened.example, suspects: -1 } };
    const { id: _id, ...withoutId } = inspection();
    expect(issuesOf([good, bad, withoutId]).map((issue) => issue.path)).toEqual(['[1].data.suspects', '[2].id']);
  });

  it('refuses an id twice in one batch, an empty batch and an oversized one', () => {
    const event = inspection();
    expect(issuesOf([event, event])).toEqual([{ path: '[1].id', message: `"${event.id}" appears twice in the batch` }]);
    expect(issuesOf([])).toEqual([{ path: '', message: 'the batch is empty' }]);
    expect(issuesOf(Array.from({ length: MAX_BATCH_SIZE + 1 }, inspection))[0]!.message).toMatch(/at most 1000 events/);
  });

  it('takes the same id from two units of the agency in one batch: an event is its source + id', () => {
    const event = inspection();
    const events = prepareIncoming([{ ...event, source: '/pcmd/police/001' }, { ...event, source: '/pcmd/police/002' }], 'police');
    expect(events.map((taken) => `${taken.source} ${taken.id}`)).toEqual([`/pcmd/police/001 ${event.id}`, `/pcmd/police/002 ${event.id}`]);
  });

  it('refuses a time before 2000 or more than a day after the service clock, naming time, beside other problems', () => {
    const now = Date.parse('2026-12-05T12:00:00Z');
    const issuesAt = (body: unknown) => {
      try {
        prepareIncoming(body, 'police', undefined, now);
      } catch (error) {
        if (error instanceof ContractError) return [...error.issues];
        throw error;
      }
      return [];
    };
    const at = (time: string) => ({ ...inspection(), time });
    expect(issuesAt(at('0000-01-01T00:00:00Z'))).toEqual([{ path: 'time', message: 'must be 2000-01-01T00:00:00Z or later (events before 2000 are refused)' }]);
    expect(issuesAt(at('1999-12-31T23:59:59Z'))).toEqual([{ path: 'time', message: 'must be 2000-01-01T00:00:00Z or later (events before 2000 are refused)' }]);
    const future = `must not be more than 24 hours after the receiving service's clock (2026-12-05T12:00:00.000Z): a fact cannot have happened in the future`;
    expect(issuesAt(at('9999-12-31T23:59:59Z'))).toEqual([{ path: 'time', message: future }]);
    expect(issuesAt(at('2026-12-06T12:00:01Z'))).toEqual([{ path: 'time', message: future }]);
    expect(issuesAt([at('2026-12-06T12:00:00Z'), at('2000-01-01T00:00:00Z'), at('2021-05-04T09:30:00+07:00')])).toEqual([]);
    // Named with the event's other problems, by position, and nothing of the batch taken.
    const bad = { ...at('9999-01-01T00:00:00Z'), data: { ...policeInspectionCompleted.example, outcome: 'fine' } };
    expect(issuesAt([inspection(), bad])).toEqual([
      { path: '[1].data.outcome', message: expect.any(String) },
      { path: '[1].time', message: future },
    ]);
  });

  it('refuses what is not an event object', () => {
    expect(issuesOf('hello')).toEqual([{ path: '', message: 'a CloudEvent must be a JSON object' }]);
    expect(issuesOf([42])).toEqual([{ path: '[0]', message: 'a CloudEvent must be a JSON object' }]);
  });
});
