import { AGENCY_SERVICES, eventsOf, parseEvent } from '@lienganh/contracts';
import { createRecordGenerator } from '../src/simulation/record-generator.js';

describe.each(AGENCY_SERVICES.map((agency) => [agency] as const))('simulated %s records', (agency) => {
  const events = Array.from({ length: 400 }, createRecordGenerator(agency, 7).next);

  it('are valid events of the agency, with distinct ids', () => {
    for (const event of events) expect(parseEvent(JSON.parse(JSON.stringify(event)))).toEqual(event);
    expect(new Set(events.map((event) => event.id)).size).toBe(events.length);
    expect(events.every((event) => event.source === `/pcmd/${agency}`)).toBe(true);
  });

  it('cover every type of the agency, and take place in 2021', () => {
    expect(new Set(events.map((event) => event.type))).toEqual(new Set(eventsOf(agency).map((definition) => definition.type)));
    const [start, end] = [Date.parse('2021-01-01T00:00:00+07:00'), Date.parse('2022-01-01T00:00:00+07:00')];
    expect(events.filter((event) => Date.parse(event.time) < start || Date.parse(event.time) >= end)).toEqual([]);
  });

  it('are the same for the same seed, and differ for another', () => {
    expect(Array.from({ length: 400 }, createRecordGenerator(agency, 7).next)).toEqual(events);
    expect(createRecordGenerator(agency, 8).next()).not.toEqual(events[0]);
  });
});

it('weights the mix like real work: many inspections, few reactivated hotspots', () => {
  const types = Array.from({ length: 2_000 }, createRecordGenerator('police', 3).next).map((event) => event.type);
  const count = (type: string) => types.filter((candidate) => candidate === type).length;
  expect(count('vn.pcmd.police.inspection.completed.v1')).toBeGreaterThan(5 * count('vn.pcmd.police.hotspot.reactivated.v1'));
});
