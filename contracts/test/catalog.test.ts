import { z } from 'zod';
import {
  INGESTING_SERVICES,
  PRODUCER_AGENCIES,
  STREAMS,
  catalog,
  describeCatalog,
  eventsOf,
  findEventDefinition,
  getEventDefinition,
  ContractError,
  policeInspectionCompleted,
} from '@lienganh/contracts';

describe('event catalog', () => {
  it('has at least 35 event types and covers every producing agency', () => {
    expect(catalog.length).toBeGreaterThanOrEqual(35);
    for (const agency of PRODUCER_AGENCIES) expect(eventsOf(agency).length).toBeGreaterThan(0);
  });

  it.each(catalog.map((definition) => [definition.type, definition] as const))('%s follows the naming conventions', (type, definition) => {
    expect(type).toBe(`vn.pcmd.${definition.agency}.${definition.entity}.${definition.action}.v${definition.version}`);
    // The reporting service's subjects name the reporting body after the service: a wildcard in the catalog.
    const body = definition.agency === 'reporting' ? '.*' : '';
    expect(definition.subject).toBe(`pcmd.events.${definition.agency}${body}.${definition.entity}.${definition.action}`);
    expect(definition.description.vi.length).toBeGreaterThan(5);
    expect(definition.description.en.length).toBeGreaterThan(5);
    expect(definition.schema.shape).toHaveProperty(definition.subjectField);
    // Its example is valid, so docs, tests and the simulator start from a real payload.
    expect(definition.schema.safeParse(definition.example).success).toBe(true);
  });

  it('routes every subject to exactly one stream', () => {
    const streams = Object.values(STREAMS);
    for (const { subject } of catalog) {
      const matching = streams.filter((stream) => stream.subjects.some((pattern) => subject.startsWith(pattern.replace('>', ''))));
      expect(matching).toHaveLength(1);
    }
    expect(STREAMS.agencyEvents.subjects).toHaveLength(INGESTING_SERVICES.length);
  });

  it('carries no field that could hold a name, phone, address or ID number', () => {
    const forbidden = /^(name|fullName|firstName|lastName|phone|phoneNumber|address|nationalId|idNumber|cccd|cmnd|dateOfBirth|dob)$/i;
    const walk = (schema: z.ZodType, path: string): string[] => {
      if (schema instanceof z.ZodObject) {
        return Object.entries(schema.shape).flatMap(([key, field]) =>
          forbidden.test(key) ? [`${path}.${key}`] : walk(field as z.ZodType, `${path}.${key}`),
        );
      }
      if (schema instanceof z.ZodArray) return walk(schema.element as z.ZodType, `${path}[]`);
      if (schema instanceof z.ZodOptional) return walk(schema.unwrap() as z.ZodType, path);
      return [];
    };
    expect(catalog.flatMap((definition) => walk(definition.schema, definition.type))).toEqual([]);
  });

  it('finds definitions by type and names an unknown type in its error', () => {
    expect(findEventDefinition(policeInspectionCompleted.type)).toBe(policeInspectionCompleted);
    expect(findEventDefinition('vn.pcmd.police.nothing.v1')).toBeUndefined();
    expect(() => getEventDefinition('vn.pcmd.police.nothing.v1')).toThrow(ContractError);
    expect(() => getEventDefinition('vn.pcmd.police.nothing.v1')).toThrow(/^type: unknown event type "vn\.pcmd\.police\.nothing\.v1"/);
  });

  it('describes itself as plain rows for the CLI', () => {
    const rows = describeCatalog();
    expect(rows).toHaveLength(catalog.length);
    expect(rows[0]).toEqual({
      type: catalog[0]!.type,
      agency: catalog[0]!.agency,
      subject: catalog[0]!.subject,
      version: catalog[0]!.version,
      description: catalog[0]!.description,
    });
  });
});
