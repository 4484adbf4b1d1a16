import {
  agencyOfSource,
  buildEvent,
  ContractError,
  dataschemaFor,
  parseEvent,
  policeCaseOpened,
  policeInspectionCompleted,
  sourceFor,
} from '@lienganh/contracts';

const inspection = policeInspectionCompleted.example;

describe('buildEvent', () => {
  it('fills every attribute the bus relies on', () => {
    const event = buildEvent(policeInspectionCompleted, inspection, {
      unit: 'cap-quan-ba-dinh',
      time: new Date('2021-05-04T02:30:00Z'),
      id: 'evt-1',
    });
    expect(event).toEqual({
      specversion: '1.0',
      id: 'evt-1',
      type: 'vn.pcmd.police.inspection.completed.v1',
      source: '/pcmd/police/cap-quan-ba-dinh',
      subject: inspection.inspectionId,
      time: '2021-05-04T02:30:00.000Z',
      datacontenttype: 'application/json',
      dataschema: dataschemaFor('vn.pcmd.police.inspection.completed.v1'),
      data: inspection,
    });
  });

  it('gives every event a fresh id by default', () => {
    expect(buildEvent(policeCaseOpened, policeCaseOpened.example).id).not.toBe(buildEvent(policeCaseOpened, policeCaseOpened.example).id);
  });

  it('rejects bad options with the attribute named', () => {
    expect(() => buildEvent(policeCaseOpened, policeCaseOpened.example, { time: 'yesterday' })).toThrow(/^time: must be an RFC 3339 timestamp/);
    expect(() => buildEvent(policeCaseOpened, policeCaseOpened.example, { unit: 'Ba Đình' })).toThrow(/^source: unit "Ba Đình" must be/);
  });
});

describe('parseEvent', () => {
  const valid = buildEvent(policeInspectionCompleted, inspection, { time: '2021-05-04T09:30:00+07:00' });

  it('accepts a valid event and keeps its real-world time', () => {
    expect(parseEvent(JSON.parse(JSON.stringify(valid)))).toEqual(valid);
  });

  it('lists every problem at once, attributes and data', () => {
    const { id: _id, ...withoutId } = valid;
    const error = (() => {
      try {
        parseEvent({ ...withoutId, specversion: '0.3', source: 'police', data: { ...inspection, outcome: 'fine' } });
      } catch (caught) {
        return caught as ContractError;
      }
      throw new Error('accepted');
    })();
    expect(error).toBeInstanceOf(ContractError);
    expect(error.issues.map((issue) => issue.path).sort()).toEqual(['data.outcome', 'id', 'source', 'specversion']);
    expect(error.issues.find((issue) => issue.path === 'id')?.message).toBe('is required');
    const { time: _time, ...withoutTime } = valid;
    expect(() => parseEvent(withoutTime)).toThrow(/^time: is required$/);
    expect(error.stack).toBeDefined();
    expect(error.message).not.toMatch(/\n\s+at /);
  });

  it('rejects an unknown attribute, an unknown type and a non-object', () => {
    expect(() => parseEvent({ ...valid, partnerid: 'x' })).toThrow(/^partnerid: unknown field/);
    expect(() => parseEvent({ ...valid, type: 'vn.pcmd.police.nothing.v1' })).toThrow(/^type: unknown event type/);
    expect(() => parseEvent([valid])).toThrow(/a CloudEvent must be a JSON object/);
    expect(() => parseEvent(null)).toThrow(ContractError);
  });

  it('requires the subject to be the entity the data is about', () => {
    expect(() => parseEvent({ ...valid, subject: 'other' })).toThrow(/^subject: must be data\.inspectionId/);
  });

  it('requires the dataschema of the type, when given', () => {
    expect(() => parseEvent({ ...valid, dataschema: 'urn:lienganh:schema:other' })).toThrow(/^dataschema: must be/);
    const { dataschema: _omitted, ...withoutSchema } = valid;
    expect(parseEvent(withoutSchema).dataschema).toBe(valid.dataschema);
  });

  it('accepts W3C trace context and rejects a malformed one', () => {
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    expect(parseEvent({ ...valid, traceparent }).traceparent).toBe(traceparent);
    expect(() => parseEvent({ ...valid, traceparent: 'abc' })).toThrow(/^traceparent: must be a W3C traceparent/);
  });
});

describe('sources', () => {
  it('name the agency first, then the unit', () => {
    expect(sourceFor('police')).toBe('/pcmd/police');
    expect(agencyOfSource('/pcmd/police/cap-quan-ba-dinh')).toBe('police');
    expect(agencyOfSource('/pcmd/ministry')).toBeUndefined();
    expect(agencyOfSource('https://example.org/police')).toBeUndefined();
  });
});
