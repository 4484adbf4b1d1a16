import { z } from 'zod';
import { buildEvent, catalog, ContractError, parseEvent, type EventDefinition } from '@lienganh/contracts';

/** Builds a valid event of the type, then swaps its data for `mutate(example)`. */
function eventWithData(definition: EventDefinition, mutate: (data: Record<string, unknown>) => void): unknown {
  const event = buildEvent(definition, definition.example);
  const data = structuredClone(definition.example) as Record<string, unknown>;
  mutate(data);
  return { ...event, data };
}

function rejection(input: unknown): ContractError {
  try {
    parseEvent(input);
  } catch (error) {
    if (error instanceof ContractError) return error;
    throw error;
  }
  throw new Error('the event was accepted');
}

const requiredFields = (definition: EventDefinition) =>
  Object.entries(definition.schema.shape)
    .filter(([, field]) => !(field as z.ZodType).safeParse(undefined).success)
    .map(([key]) => key);

const cases = catalog.map((definition) => [definition.type, definition] as const);

describe.each(cases)('%s', (_type, definition) => {
  it('accepts its example', () => {
    expect(parseEvent(buildEvent(definition, definition.example)).data).toEqual(definition.schema.parse(definition.example));
  });

  it.each(requiredFields(definition))('rejects data without its required field %s, naming it', (field) => {
    const error = rejection(eventWithData(definition, (data) => delete data[field]));
    expect(error.issues).toContainEqual({ path: `data.${field}`, message: 'is required' });
    expect(error.message).toContain(`data.${field}: is required`);
  });

  it('rejects each field given a value of the wrong type, naming it', () => {
    for (const field of Object.keys(definition.example)) {
      const error = rejection(
        eventWithData(definition, (data) => {
          data[field] = typeof data[field] === 'string' ? 12345 : 'not-the-right-type';
        }),
      );
      expect(error.issues.map((issue) => issue.path)).toContain(`data.${field}`);
    }
  });

  it('rejects an unknown extra field, naming it', () => {
    const error = rejection(eventWithData(definition, (data) => (data.fullName = 'Nguyễn Văn A')));
    expect(error.issues).toEqual([{ path: 'data.fullName', message: 'unknown field (not in the schema)' }]);
    // The rejected value is never echoed back: it may be personal data.
    expect(error.message).not.toContain('Nguyễn');
  });
});

describe('nested objects are strict too', () => {
  it('rejects an unknown field inside the business of an inspection', () => {
    const inspection = catalog.find((definition) => definition.type === 'vn.pcmd.police.inspection.completed.v1')!;
    const error = rejection(
      eventWithData(inspection, (data) => ((data.business as Record<string, unknown>).ownerPhone = '0912345678')),
    );
    expect(error.issues).toEqual([{ path: 'data.business.ownerPhone', message: 'unknown field (not in the schema)' }]);
  });
});
