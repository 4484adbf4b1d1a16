import { z } from 'zod';
import { catalog } from '../catalog.js';
import { dataschemaFor } from '../cloudevent.js';
import type { EventDefinition } from '../define.js';

/** A JSON Schema (draft 2020-12) as zod emits it. */
export type JsonSchema = z.core.JSONSchema.BaseSchema;

// Definitions are frozen and live for the whole process, so a WeakMap keyed by them is a safe cache.
const cache = new WeakMap<EventDefinition, JsonSchema>();
let catalogCache: ReadonlyMap<string, JsonSchema> | undefined;

/**
 * The JSON Schema of one event type's `data`, as accepted on input (defaults are optional),
 * identified by the event's `dataschema`. Refinements (cross-field rules) have no JSON
 * Schema form, so the zod schema stays the authority; this is for docs and other languages.
 * The result is frozen: it is shared by every caller.
 */
export function eventJsonSchema(definition: EventDefinition): JsonSchema {
  let schema = cache.get(definition);
  if (!schema) {
    schema = deepFreeze(buildSchema(definition));
    cache.set(definition, schema);
  }
  return schema;
}

/** Every catalog type's data schema, by type, in catalog order. */
export function catalogJsonSchemas(): ReadonlyMap<string, JsonSchema> {
  catalogCache ??= new Map(catalog.map((definition) => [definition.type, eventJsonSchema(definition)]));
  return catalogCache;
}

function buildSchema(definition: EventDefinition): JsonSchema {
  const generated = z.toJSONSchema(definition.schema, { io: 'input', unrepresentable: 'throw' });
  const { $schema, $id: _id, title: _title, description: _description, examples: _examples, ...body } = generated;
  // Identity first and examples last, so the generated files read top-down.
  return {
    $schema,
    $id: dataschemaFor(definition.type),
    title: definition.type,
    description: `${definition.description.vi} / ${definition.description.en}`,
    ...body,
    examples: [structuredClone(definition.example)],
  };
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
