import { eventKey } from '@lienganh/contracts';
import { AppliedEvents } from '../src/board/applied-events.js';

const keyOf = (index: number) => eventKey({ source: '/pcmd/police', id: `kt-${index}` });

describe('AppliedEvents: each event applied once, by key (issue #23)', () => {
  it('records a key once, and keeps every key through growth', () => {
    const applied = AppliedEvents.empty();
    for (let index = 0; index < 20_000; index++) expect(applied.add(keyOf(index))).toBe(true);
    expect(applied.add(keyOf(7))).toBe(false);
    expect(applied.size).toBe(20_000);
    expect(applied.lastOrdinal).toBe(20_000);
    for (let index = 0; index < 20_000; index++) expect(applied.has(keyOf(index))).toBe(true);
    expect(applied.has(keyOf(20_000))).toBe(false);
  });

  it('takes keys that are no event key (hashed first)', () => {
    const applied = AppliedEvents.empty();
    expect(applied.add('evt-kt-1')).toBe(true);
    expect(applied.has('evt-kt-1')).toBe(true);
    expect(applied.has('evt-kt-2')).toBe(false);
  });

  it('lets a backfill count an event applied up to its mark once, and none applied after', () => {
    const applied = AppliedEvents.empty();
    applied.add(keyOf(1));
    applied.add(keyOf(2));
    const mark = applied.lastOrdinal;
    applied.add(keyOf(3));
    expect(applied.claimForBackfill(keyOf(1), mark, 1)).toBe(true);
    expect(applied.claimForBackfill(keyOf(1), mark, 1)).toBe(false);
    expect(applied.claimForBackfill(keyOf(3), mark, 1)).toBe(false);
    expect(applied.claimForBackfill(keyOf(4), mark, 1)).toBe(false);
    // Another backfill (a revision) counts it again.
    expect(applied.claimForBackfill(keyOf(1), applied.lastOrdinal, 2)).toBe(true);
  });

  it('round-trips through bytes, and a clone is its own', () => {
    const applied = AppliedEvents.empty();
    for (let index = 0; index < 3_000; index++) applied.add(keyOf(index));
    const restored = AppliedEvents.fromBytes(applied.toBytes());
    expect(restored.size).toBe(3_000);
    expect(restored.lastOrdinal).toBe(3_000);
    expect(restored.has(keyOf(2_999))).toBe(true);
    expect(restored.add(keyOf(3_000))).toBe(true);
    expect(restored.lastOrdinal).toBe(3_001);
    const clone = applied.clone();
    clone.add(keyOf(5_000));
    expect(applied.has(keyOf(5_000))).toBe(false);
    expect(() => AppliedEvents.fromBytes(new Uint8Array(40))).toThrow('not a table of applied events');
  });
});

it('compares equal for the same events applied in another order (what read models of two instances are compared by)', () => {
  const forward = AppliedEvents.empty();
  const backward = AppliedEvents.empty();
  const keys = Array.from({ length: 2_000 }, (_, index) => keyOf(index));
  for (const key of keys) forward.add(key);
  for (const key of [...keys].reverse()) backward.add(key);
  expect(backward).toEqual(forward);
  expect(AppliedEvents.fromBytes(backward.toBytes())).toEqual(forward);
  backward.add(keyOf(9_999));
  expect(backward).not.toEqual(forward);
});
