import {
  agencyOfSource,
  agencyUnitProblem,
  buildEvent,
  ContractError,
  dataschemaFor,
  isOfficialUnitCode,
  parseEvent,
  policeCaseOpened,
  policeInspectionCompleted,
  sourceFor,
} from '@lienganh/contracts';

const inspection = policeInspectionCompleted.example;

describe('buildEvent', () => {
  it('fills every attribute the bus relies on', () => {
    const event = buildEvent(policeInspectionCompleted, inspection, {
      unit: '001',
      time: new Date('2021-05-04T02:30:00Z'),
      id: 'evt-1',
    });
    expect(event).toEqual({
      specversion: '1.0',
      id: 'evt-1',
      type: 'vn.pcmd.police.inspection.completed.v1',
      source: '/pcmd/police/001',
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
    expect(() => buildEvent(policeCaseOpened, policeCaseOpened.example, { unit: 'Ba Đình' })).toThrow(/^source: must name the emitting agency and its unit/);
  });
});

describe('source units come from registries (ADR 0016)', () => {
  const problemOf = (source: string) => parseEvent({ ...buildEvent(policeInspectionCompleted, inspection), source }).source;
  const issuesOf = (source: string) => {
    try {
      parseEvent({ ...buildEvent(policeInspectionCompleted, inspection), source });
      return [];
    } catch (error) {
      return (error as ContractError).issues;
    }
  };

  it.each([
    ['/pcmd/police', 'the agency itself'],
    ['/pcmd/police/01', 'a province (Hà Nội)'],
    ['/pcmd/police/001', 'a district before the reform (Quận Ba Đình)'],
    ['/pcmd/police/00004', 'a ward, in both lists (Trúc Bạch before, Ba Đình after)'],
    ['/pcmd/police/001/cong-an', 'a district and the agency organ'],
  ])('takes %s: %s', (source) => {
    expect(problemOf(source)).toBe(source);
  });

  it.each([
    ['/pcmd/police/cap-quan-ba-dinh', 'a free word'],
    ['/pcmd/police/0912345678', 'a phone number'],
    ['/pcmd/police/99999', 'a code no list has'],
    ['/pcmd/police/nguyen-van-an', 'a name'],
    ['/pcmd/police/001/toa-an', 'an organ of another agency'],
    ['/pcmd/police/001/cong-an/doi-1', 'a path below the organ'],
    ['/pcmd/coordination/001', 'a unit of coordination'],
    ['/pcmd/reporting/womens-union/hanoi', 'two segments after a body'],
  ])('refuses %s (%s), naming source but never its value', (source) => {
    const issues = issuesOf(source);
    expect(issues.map((issue) => issue.path)).toContain('source');
    const unit = source.split('/').slice(3).join('/');
    for (const issue of issues) expect(issue.message).not.toContain(unit);
  });

  it('knows every official code of both lists, and organs by agency', () => {
    expect(isOfficialUnitCode('92')).toBe(true); // Cần Thơ, both lists
    expect(isOfficialUnitCode('916')).toBe(true); // Quận Ninh Kiều, 2016 plan
    expect(isOfficialUnitCode('1')).toBe(false);
    expect(agencyUnitProblem('justice', '001/toa-an')).toBeUndefined();
    expect(agencyUnitProblem('justice', '001/cong-an')).toMatch(/tu-phap, vien-kiem-sat, toa-an/);
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
    expect(agencyOfSource('/pcmd/police/001')).toBe('police');
    expect(agencyOfSource('/pcmd/ministry')).toBeUndefined();
    expect(agencyOfSource('https://example.org/police')).toBeUndefined();
  });
});
