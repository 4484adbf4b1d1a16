import { fromColumns, toColumns } from '../src/snapshots/record-columns.js';

// A snapshot keeps the deadlines in columns (ADR 0023): they must come back as they were, field for field.

describe('records in columns', () => {
  const records = Array.from({ length: 40 }, (_, at) => ({
    id: `follow-up:kt-${at}`,
    kind: at % 5 === 0 ? 'task' : 'follow-up-check',
    areaCode: `0000${at % 3}`,
    dueAt: new Date(Date.UTC(2021, 0, 1 + at)).toISOString(),
    raised: at % 7 === 0 ? [`follow-up:kt-${at}:due`] : [],
    ...(at % 4 === 0 ? { metAt: '2021-02-01T00:00:00.000Z' } : {}),
    ...(at === 3 ? { duty: { targetId: 'bao-cao', period: '2021-Q1' } } : {}),
  }));

  it('gives back the same records, absent fields absent, properties in their order', () => {
    const back = fromColumns<(typeof records)[number]>(JSON.parse(JSON.stringify(toColumns(records))));
    expect(back).toEqual(records);
    expect(back.map((record) => Object.keys(record))).toEqual(records.map((record) => Object.keys(record)));
    expect(back.filter((record) => 'metAt' in record)).toHaveLength(10);
  });

  it('keeps few repeated strings once, and unique ones as they are', () => {
    const { columns } = toColumns(records);
    const byName = new Map(columns.map((column) => [column.name, column]));
    expect(byName.get('kind')).toEqual({ name: 'kind', dictionary: ['task', 'follow-up-check'], indices: expect.any(Array) });
    expect(byName.get('areaCode')).toMatchObject({ dictionary: ['00000', '00001', '00002'] });
    expect(byName.get('id')).toMatchObject({ values: records.map((record) => record.id) });
  });

  it('gives nothing back from columns that do not hold the count they say', () => {
    expect(() => fromColumns({ count: 2, columns: [{ name: 'id', values: ['a'] }] })).toThrow('column id holds 2 records');
    expect(() => fromColumns({ count: -1, columns: [] })).toThrow(TypeError);
    expect(fromColumns({ count: 0, columns: [] })).toEqual([]);
  });
});
