import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Parser } from '@asyncapi/parser';
import {
  buildAsyncApiDocument,
  catalog,
  coordinationAccessRecorded,
  coordinationDeadlineApproaching,
  coordinationDeadlineEscalated,
  coordinationDeadlineOverdue,
  coordinationDeadlineResolved,
  coordinationPlanPublished,
  coordinationTargetProgressed,
  coordinationTaskAssigned,
  coordinationTaskConfirmed,
  coordinationTaskReopened,
  catalogJsonSchemas,
  dataschemaFor,
  EventRefusal,
  eventJsonSchema,
  eventKey,
  EXAMPLE_REFUSAL,
  READABLE_ENTITIES,
  REFUSAL_CHANNELS,
  REFUSAL_TYPE,
  type JsonSchema,
} from '@lienganh/contracts';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { parse as parseYaml } from 'yaml';
import { renderEventDocs, writeEventDocs } from '../../scripts/cli/src/commands/docs.command.js';
import { UsageError } from '../../scripts/cli/src/usage-error.js';

/**
 * The published event docs (AsyncAPI 3 and one JSON Schema per type) are valid, agree with
 * the zod schemas on their own examples, and the copy committed in docs/events/ is current.
 */

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const committedDocs = join(repoRoot, 'docs/events');

// ajv and ajv-formats are CommonJS: the ESM default import is `module.exports`, whose `default` is the export.
const Ajv = Ajv2020.default;
const formats = addFormats.default;

function newAjv() {
  const ajv = new Ajv({ strict: true, allErrors: true });
  formats(ajv);
  return ajv;
}

const ajv = newAjv();
function validatorFor(schema: JsonSchema) {
  return ajv.getSchema(schema.$id!) ?? ajv.compile(schema);
}

/** Resolves the local `$ref`s of the document in a copy, so ajv can check message examples. */
function resolveRefs(value: unknown, root: unknown): unknown {
  if (Array.isArray(value)) return value.map((item) => resolveRefs(item, root));
  if (typeof value !== 'object' || value === null) return value;
  const ref = (value as { $ref?: unknown }).$ref;
  if (typeof ref === 'string') {
    const target = ref
      .slice(2)
      .split('/')
      .map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'))
      .reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], root);
    if (target === undefined) throw new Error(`unresolved $ref ${ref}`);
    return resolveRefs(target, root);
  }
  return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, resolveRefs(child, root)]));
}

function listFiles(folder: string): string[] {
  return readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(folder, join(entry.parentPath, entry.name)).split('\\').join('/'))
    .sort();
}

describe('AsyncAPI document', () => {
  const document = buildAsyncApiDocument();

  it('parses with @asyncapi/parser without errors', async () => {
    const { diagnostics } = await new Parser().parse(structuredClone(document));
    const errors = diagnostics.filter((diagnostic) => diagnostic.severity === 0);
    const report = errors.map((error) => `${error.code} at ${error.path.join('/')}: ${error.message}`).join('\n');
    expect(report).toBe('');
  }, 60_000);

  it('has one message per catalog type and one channel and send operation per subject, then the refusals producers receive, then the read side', () => {
    const subjects = new Set(catalog.map((definition) => definition.subject));
    const refusalChannels = Object.values(REFUSAL_CHANNELS).map((channel) => channel.address);
    const readable = catalog.filter((definition) => READABLE_ENTITIES.some((entity) => definition.subject.startsWith(`pcmd.events.coordination.${entity}.`)));
    const readableSubjects = new Set(readable.map((definition) => definition.subject));
    expect(Object.keys(document.components.messages)).toEqual([...catalog.map((definition) => definition.type), REFUSAL_TYPE]);
    // A reporting subject's body token is the channel parameter {body}; the webhook's address is the subscriber's.
    expect(Object.values(document.channels).map((channel) => channel.address)).toEqual([...[...subjects].map((subject) => subject.replace('*', '{body}')), ...refusalChannels, null]);
    expect(Object.keys(document.operations)).toHaveLength(subjects.size + refusalChannels.length + readableSubjects.size + 1);
    const actions = Object.values(document.operations).map((operation) => operation.action);
    expect(actions).toEqual([...[...subjects].map(() => 'send'), ...refusalChannels.map(() => 'receive'), ...[...readableSubjects].map(() => 'receive'), 'send']);
    const channelMessages = Object.values(document.channels).flatMap((channel) => Object.keys(channel.messages as object));
    expect(channelMessages.sort()).toEqual([...catalog.map((definition) => definition.type), ...refusalChannels.map(() => REFUSAL_TYPE), ...readable.map((definition) => definition.type)].sort());
  });

  it('describes the read side: consumer identities receive plans, tasks, targets and deadlines only, webhooks the same, each with its security scheme', () => {
    expect(Object.keys(document.components.securitySchemes)).toEqual(['nkey', 'bearer', 'webhookSignature']);
    expect(document.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    const consumed = Object.entries(document.operations).filter(([key]) => key.startsWith('consume.'));
    const types = consumed.flatMap(([, operation]) => (operation.messages as { $ref: string }[]).map((message) => message.$ref.split('/').at(-1)!));
    expect(types.sort()).toEqual(
      [
        coordinationPlanPublished.type,
        coordinationTaskAssigned.type,
        coordinationTaskConfirmed.type,
        coordinationTaskReopened.type,
        coordinationTargetProgressed.type,
        coordinationDeadlineApproaching.type,
        coordinationDeadlineOverdue.type,
        coordinationDeadlineEscalated.type,
        coordinationDeadlineResolved.type,
      ].sort(),
    );
    // Never the audit trail nor the register of bodies.
    expect(types).not.toContain(coordinationAccessRecorded.type);
    for (const [, operation] of consumed) {
      expect(operation).toMatchObject({ action: 'receive', security: [{ $ref: '#/components/securitySchemes/nkey' }] });
      expect(String(operation.description)).toContain('Permissions Violation');
    }
    const webhook = document.operations['subscription.webhook']!;
    expect(webhook).toMatchObject({ action: 'send', security: [{ $ref: '#/components/securitySchemes/webhookSignature' }] });
    expect((webhook.messages as unknown[]).length).toBe(types.length);
    // What bodies and agencies send, and the refusals they receive, is on NATS with their nkeys.
    for (const [key, operation] of Object.entries(document.operations)) if (!key.startsWith('consume.') && key !== 'subscription.webhook') expect(operation.security).toEqual([{ $ref: '#/components/securitySchemes/nkey' }]);
    expect(document.servers['api-example']!.security).toEqual([{ $ref: '#/components/securitySchemes/bearer' }]);
  });

  it('documents the refusal a producer receives: its example matches its schemas and the zod one, and names no refused value', () => {
    const message = resolveRefs(document.components.messages[REFUSAL_TYPE], document) as { headers: object; payload: object; examples: { headers: Record<string, string>; payload: unknown }[] };
    const example = message.examples[0]!;
    const headers = newAjv().compile(message.headers);
    const payload = newAjv().compile(message.payload);
    expect(headers(example.headers) || headers.errors).toBe(true);
    expect(payload(example.payload) || payload.errors).toBe(true);
    expect(EventRefusal.parse(example.payload)).toEqual(EXAMPLE_REFUSAL);
    expect(payload({ ...EXAMPLE_REFUSAL, body: 'eyJ…' })).toBe(false);
    for (const key of Object.keys(REFUSAL_CHANNELS)) expect(document.channels[key]!['x-stream']).toBe('PCMD_REFUSALS');
  });

  it('uses keys AsyncAPI accepts for channels, operations and components', () => {
    const keys = [
      ...Object.keys(document.channels),
      ...Object.keys(document.operations),
      ...Object.values(document.components).flatMap((group) => Object.keys(group)),
    ];
    for (const key of keys) expect(key).toMatch(/^[A-Za-z0-9._-]+$/);
  });

  it('names the producing agency and the stream of every channel', () => {
    for (const definition of catalog) {
      const channel = document.channels[definition.subject.replace('*', 'body')]!;
      expect(channel['x-producer-agency']).toBe(definition.agency);
      expect(channel['x-stream']).toBe(definition.agency === 'coordination' ? 'PCMD_COORDINATION_EVENTS' : 'PCMD_AGENCY_EVENTS');
    }
  });

  it.each(catalog.map((definition) => [definition.type, definition] as const))('%s: the message example matches its headers and payload schemas', (type, definition) => {
    const message = resolveRefs(document.components.messages[type], document) as {
      headers: object;
      payload: object;
      examples: { headers: Record<string, string>; payload: unknown }[];
    };
    const example = message.examples[0]!;
    const headers = newAjv().compile(message.headers);
    const payload = newAjv().compile(message.payload);
    expect(headers(example.headers) || headers.errors).toBe(true);
    expect(payload(example.payload) || payload.errors).toBe(true);
    expect(example.headers['ce-type']).toBe(type);
    expect(example.headers['ce-dataschema']).toBe(dataschemaFor(type));
    // The message id is the event's identity, source + id, as the document tells producers to compute it.
    expect(example.headers['Nats-Msg-Id']).toBe(eventKey({ source: example.headers['ce-source']!, id: example.headers['ce-id']! }));
    expect(example.payload).toEqual(definition.example);
    // A header set naming another type is refused by the per-type constants.
    expect(headers({ ...example.headers, 'ce-type': `${type}x` })).toBe(false);
  });
});

describe('JSON Schemas of event data', () => {
  it('has one schema per catalog type, in catalog order, computed once', () => {
    expect([...catalogJsonSchemas().keys()]).toEqual(catalog.map((definition) => definition.type));
    expect(catalogJsonSchemas()).toBe(catalogJsonSchemas());
    expect(eventJsonSchema(catalog[0]!)).toBe(catalogJsonSchemas().get(catalog[0]!.type));
  });

  it.each(catalog.map((definition) => [definition.type, definition] as const))('%s: is strict, identified and accepts its own example only', (type, definition) => {
    const schema = eventJsonSchema(definition);
    expect(schema).toMatchObject({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      $id: dataschemaFor(type),
      title: type,
      description: `${definition.description.vi} / ${definition.description.en}`,
      type: 'object',
      additionalProperties: false,
      examples: [definition.example],
    });
    const validate = validatorFor(schema);
    expect(validate(definition.example) || validate.errors).toBe(true);
    expect(validate({ ...definition.example, unknownField: 'x' })).toBe(false);
    expect(validate.errors).toContainEqual(expect.objectContaining({ keyword: 'additionalProperties' }));
  });
});

describe('lienganh docs', () => {
  let temp: string;
  beforeEach(() => {
    temp = mkdtempSync(join(tmpdir(), 'lienganh-docs-'));
  });
  afterEach(() => rmSync(temp, { recursive: true, force: true }));

  it('renders byte-identical files on every run, and YAML that reads back as the document', () => {
    const first = renderEventDocs();
    expect(renderEventDocs()).toEqual(first);
    expect([...first.keys()]).toEqual(['asyncapi.yaml', ...catalog.map((definition) => `schemas/${definition.type}.json`)]);
    expect(parseYaml(first.get('asyncapi.yaml')!)).toEqual(buildAsyncApiDocument());
  });

  it('matches the docs committed in docs/events/ (run `npm run docs:events` after changing the catalog)', () => {
    writeEventDocs(temp);
    const generated = listFiles(temp);
    expect(listFiles(committedDocs)).toEqual(generated);
    for (const path of generated) {
      expect({ path, content: readFileSync(join(committedDocs, path), 'utf8') }).toEqual({ path, content: readFileSync(join(temp, path), 'utf8') });
    }
  });

  it('removes stale schema files, keeps other files and rewrites nothing that is current', () => {
    writeEventDocs(temp);
    writeFileSync(join(temp, 'schemas/vn.pcmd.police.gone.v1.json'), '{}\n');
    writeFileSync(join(temp, 'schemas/README.md'), 'kept\n');
    const report = writeEventDocs(temp);
    expect(report.removed).toEqual(['schemas/vn.pcmd.police.gone.v1.json']);
    expect(report.written).toEqual([]);
    expect(report.unchanged).toHaveLength(catalog.length + 1);
    expect(listFiles(temp)).toContain('schemas/README.md');
  });

  it('refuses an --out that is a file', () => {
    const file = join(temp, 'not-a-folder');
    writeFileSync(file, '');
    expect(() => writeEventDocs(file)).toThrow(UsageError);
    expect(() => writeEventDocs(join(file, 'below'))).toThrow(UsageError);
  });
});
