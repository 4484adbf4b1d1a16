import { PRODUCER_NAMES, type ProducerAgency } from '../agencies.js';
import { catalog } from '../catalog.js';
import { buildEvent, DATA_CONTENT_TYPE, dataschemaFor } from '../cloudevent.js';
import { SUBJECT_PREFIX, type EventDefinition } from '../define.js';
import { CE_HEADER_PREFIX, CONTENT_TYPE_HEADER, encodeBinary, MSG_ID_HEADER } from '../nats-binding.js';
import { STREAMS } from '../streams.js';
import { REFUSAL_TYPE } from '../refusals.js';
import { refusalChannels, refusalMessage, refusalOperations, refusalSchema } from './asyncapi-refusals.js';
import { consumerOperation, NATS_SERVER, readableEntityOf, readSideServers, securitySchemes, WEBHOOK_CHANNEL, webhookChannel, webhookOperation } from './asyncapi-readers.js';
import { eventJsonSchema, type JsonSchema } from './json-schema.js';

/**
 * The event catalog as an AsyncAPI 3.0.0 document: one channel per NATS subject, one
 * message per event type, one `send` operation per channel; then both directions of the read
 * side (ADR 0017): a `receive` operation per channel a consumer identity may read, and the webhook
 * subscriptions' channel, with the security schemes of each. Built from the catalog alone,
 * so the published docs cannot drift from the schemas the services enforce.
 */

type JsonObject = { [key: string]: unknown };

export interface AsyncApiDocument extends JsonObject {
  asyncapi: '3.0.0';
  info: JsonObject;
  servers: Record<string, JsonObject>;
  channels: Record<string, JsonObject>;
  operations: Record<string, JsonObject>;
  components: {
    schemas: Record<string, JsonObject>;
    messages: Record<string, JsonObject>;
    tags: Record<string, JsonObject>;
    securitySchemes: Record<string, JsonObject>;
  };
}

export interface AsyncApiOptions {
  /** Version of the catalog the document describes (`info.version`). */
  version?: string;
}

const HEADERS_SCHEMA = 'cloudevent-binary-headers';
// Fixed so that the generated document is byte-identical from one run to the next.
const EXAMPLE_EVENT_ID = '3f1c9a52-7d4e-4b8a-9c61-0e5d2b7a8f13';
const EXAMPLE_TIME = '2021-05-04T09:30:00+07:00';

export function buildAsyncApiDocument(options: AsyncApiOptions = {}): AsyncApiDocument {
  const bySubject = groupBySubject(catalog);
  const document: AsyncApiDocument = {
    asyncapi: '3.0.0',
    info: {
      title: 'lienganh event catalog',
      version: options.version ?? '1.0.0',
      description: INFO_DESCRIPTION,
    },
    defaultContentType: DATA_CONTENT_TYPE,
    servers: {
      [NATS_SERVER]: {
        host: 'localhost:4222',
        protocol: 'nats',
        description:
          'Ví dụ: một NATS server có JetStream; `npm start` tự chạy một server tại 127.0.0.1:4250. / ' +
          'Example only: any NATS server with JetStream; `npm start` runs an embedded one on 127.0.0.1:4250.',
        security: [ref('components', 'securitySchemes', 'nkey')],
      },
      ...readSideServers(),
    },
    channels: {},
    operations: {},
    components: { schemas: { [HEADERS_SCHEMA]: headersSchema() }, messages: {}, tags: agencyTags(), securitySchemes: securitySchemes() },
  };
  const readable: string[] = [];
  const consumed: Record<string, JsonObject> = {};
  for (const [subject, definitions] of bySubject) {
    const channelKey = subject.replace('*', 'body');
    document.channels[channelKey] = channel(subject, definitions);
    document.operations[operationId(channelKey)] = operation(channelKey, definitions);
    for (const definition of definitions) {
      document.components.schemas[definition.type] = payloadSchema(eventJsonSchema(definition));
      document.components.messages[definition.type] = message(definition);
    }
    const entity = readableEntityOf(latest(definitions));
    if (entity) {
      readable.push(...definitions.map((definition) => definition.type));
      consumed[`consume.${operationId(channelKey)}`] = consumerOperation(channelKey, entity, definitions.map((definition) => ref('channels', channelKey, 'messages', definition.type)));
    }
  }
  // What a producer publishing straight on NATS receives when an event of its is refused (ADR 0014).
  Object.assign(document.channels, refusalChannels());
  Object.assign(document.operations, refusalOperations());
  document.components.schemas[REFUSAL_TYPE] = refusalSchema();
  document.components.messages[REFUSAL_TYPE] = refusalMessage();
  // Everything above is on NATS, with nkeys.
  for (const channel of Object.values(document.channels)) channel.servers = [ref('servers', NATS_SERVER)];
  for (const operation of Object.values(document.operations)) operation.security = [ref('components', 'securitySchemes', 'nkey')];
  // The read side (ADR 0017): what consumer identities receive on NATS, what webhook subscriptions get over HTTP.
  Object.assign(document.operations, consumed);
  document.channels[WEBHOOK_CHANNEL] = webhookChannel(readable);
  document.operations[WEBHOOK_CHANNEL] = webhookOperation(readable);
  return document;
}

const INFO_DESCRIPTION = [
  'Danh mục sự kiện của hệ thống liên ngành phục vụ Ban Chỉ đạo 138. Mỗi sự kiện là một CloudEvent 1.0 trên NATS JetStream,',
  'gửi ở chế độ nhị phân: các thuộc tính nằm trong tiêu đề `ce-`, dữ liệu JSON nằm trong thân tin.',
  'Chế độ cấu trúc (`content-type: application/cloudevents+json`) cũng được chấp nhận khi nhận.',
  'Danh tính của một sự kiện là cặp `source` + `id`: hai cơ quan, hay hai đơn vị, có thể cùng dùng id `1001`.',
  '`Nats-Msg-Id` là base64url (không đệm `=`) của SHA-256 chuỗi UTF-8 `<source> <id>` (một dấu cách ở giữa), ví dụ',
  "`printf '%s %s' /pcmd/police 1001 | openssl dgst -sha256 -binary | openssl base64 -A | tr '+/' '-_' | tr -d =`, hoặc `eventKey(event)`",
  'trong `@lienganh/contracts` (ra `X8ySe_gktfYoeSsXst7RJ6Ix1Owr1vFtYN6z3tFdAZg`); nếu đặt `Nats-Msg-Id` bằng id, JetStream sẽ bỏ mất sự kiện cùng id của nguồn khác.',
  '`time` phải từ 2000-01-01T00:00:00Z trở đi và không quá 24 giờ sau đồng hồ của dịch vụ nhận; sự kiện ngoài khoảng đó bị chuyển vào luồng dead-letter.',
  'Chỉ nhận các tiêu đề của ràng buộc NATS (`ce-*`, `content-type`, `Nats-Msg-Id`, `Nats-Expected-*`). Sự kiện gửi thẳng lên NATS mà bị từ chối (sai hợp đồng, tiêu đề lạ như `X-Person-Name`, thời gian không thể có, nguồn giả) bị xóa khỏi luồng trong vài giây;',
  'luồng dead-letter chỉ giữ id, source, type, lý do và SHA-256 của thân tin, còn bên gửi đọc lý do trên `pcmd.refusals.<agency>` hay `pcmd.refusals.reporting.<body>`.',
  '',
  'Event catalog of the lienganh inter-agency backbone for Steering Committee 138. Every event is a CloudEvent 1.0 on NATS JetStream,',
  'sent in binary mode: attributes in `ce-` headers, JSON data in the body.',
  'Structured mode (`content-type: application/cloudevents+json`) is also accepted on input.',
  'An event is identified by its `source` and `id` together: two agencies, or two units, may both use id `1001`.',
  '`Nats-Msg-Id` is the base64url (unpadded) SHA-256 of the UTF-8 string `<source> <id>` (one space between), e.g.',
  "`printf '%s %s' /pcmd/police 1001 | openssl dgst -sha256 -binary | openssl base64 -A | tr '+/' '-_' | tr -d =`, or `eventKey(event)`",
  'from `@lienganh/contracts` (gives `X8ySe_gktfYoeSsXst7RJ6Ix1Owr1vFtYN6z3tFdAZg`); a `Nats-Msg-Id` equal to the id makes JetStream drop another source\'s event with the same id.',
  '`time` must be 2000-01-01T00:00:00Z or later and at most 24 hours after the receiving service\'s clock; an event outside that range is dead-lettered.',
  'Only the binding\'s headers are taken (`ce-*`, `content-type`, `Nats-Msg-Id`, `Nats-Expected-*`). An event published straight on NATS that is refused (against its contract, a foreign header such as `X-Person-Name`, an impossible time, forged provenance) is removed from its stream within seconds;',
  'the dead-letter stream keeps only its id, source, type, the reasons and the SHA-256 of its body, and the producer reads why on `pcmd.refusals.<agency>` or `pcmd.refusals.reporting.<body>`.',
  '',
  'Đọc / reading (ADR 0017): an outside system reads coordination\'s plans, tasks, target progress and deadline alerts, never person-level data,',
  'with a consumer identity (a read-only nkey; the `consume.*` operations: its own durable pull consumer `consumer-<code>-<plan|task|target|deadline>` on',
  '`PCMD_COORDINATION_EVENTS`; any publish, the agency stream or another\'s consumer is refused), or with a webhook subscription (`subscription.webhook`:',
  'CloudEvents HTTP binary mode, signed, after the CloudEvents validation handshake). Both are issued by the secretariat on coordination\'s API (bearer token).',
  '',
  'Tạo bởi / generated by `lienganh docs`; không sửa tay / do not edit by hand.',
].join('\n');

/** Every version of a fact shares its subject; catalog order is kept within and across groups. */
function groupBySubject(definitions: readonly EventDefinition[]): Map<string, EventDefinition[]> {
  const groups = new Map<string, EventDefinition[]>();
  for (const definition of definitions) {
    const group = groups.get(definition.subject);
    if (group) group.push(definition);
    else groups.set(definition.subject, [definition]);
  }
  return groups;
}

/** `pcmd.events.police.inspection.completed` -> `police.inspection.completed`. */
function operationId(subject: string): string {
  return subject.slice(SUBJECT_PREFIX.length + 1);
}

/** The newest version describes the channel. */
function latest(definitions: EventDefinition[]): EventDefinition {
  return definitions.reduce((newest, definition) => (definition.version > newest.version ? definition : newest));
}

function channel(subject: string, definitions: EventDefinition[]): JsonObject {
  const { agency, description } = latest(definitions);
  const perBody = subject.includes('*');
  const result: JsonObject = {
    // The reporting service's subjects carry the reporting body: an AsyncAPI channel parameter.
    address: subject.replace('*', '{body}'),
    ...(perBody ? { parameters: { body: { description: 'Mã cơ quan báo cáo / code of the reporting body, e.g. womens-union' } } } : {}),
    title: operationId(subject.replace('*', '{body}')),
    description: bilingual(description),
    messages: Object.fromEntries(definitions.map((definition) => [definition.type, ref('components', 'messages', definition.type)])),
    'x-producer-agency': agency,
  };
  const stream = streamOf(subject);
  if (stream) result['x-stream'] = stream;
  return result;
}

function operation(channelKey: string, definitions: EventDefinition[]): JsonObject {
  const { agency } = latest(definitions);
  const names = PRODUCER_NAMES[agency];
  return {
    action: 'send',
    channel: ref('channels', channelKey),
    summary: `${names.vi} gửi sự kiện này / ${names.en} sends this event`,
    messages: definitions.map((definition) => ref('channels', channelKey, 'messages', definition.type)),
    tags: [ref('components', 'tags', agency)],
    'x-producer-agency': agency,
  };
}

function message(definition: EventDefinition): JsonObject {
  return {
    name: definition.type,
    title: `${operationId(definition.subject)} v${definition.version}`,
    summary: bilingual(definition.description),
    contentType: DATA_CONTENT_TYPE,
    headers: {
      type: 'object',
      allOf: [
        ref('components', 'schemas', HEADERS_SCHEMA),
        {
          type: 'object',
          properties: {
            [`${CE_HEADER_PREFIX}type`]: { type: 'string', const: definition.type },
            [`${CE_HEADER_PREFIX}dataschema`]: { type: 'string', const: dataschemaFor(definition.type) },
          },
        },
      ],
    },
    payload: ref('components', 'schemas', definition.type),
    examples: [{ name: 'example', headers: exampleHeaders(definition), payload: structuredClone(definition.example) }],
    'x-producer-agency': definition.agency,
    'x-subject-field': definition.subjectField,
  };
}

/** The headers a producer really sends for the example, through the same encoder. */
function exampleHeaders(definition: EventDefinition): Record<string, string> {
  const event = buildEvent(definition, definition.example, { id: EXAMPLE_EVENT_ID, time: EXAMPLE_TIME });
  return encodeBinary(event).headers;
}

/**
 * AsyncAPI schemas are a superset of draft 07, so the 2020-12 `$schema` marker is left out
 * (the keywords zod emits are draft 07 ones); the examples live on the message instead.
 */
function payloadSchema(schema: JsonSchema): JsonObject {
  const { $schema: _draft, examples: _examples, ...rest } = structuredClone(schema) as JsonObject;
  return rest;
}

function headersSchema(): JsonObject {
  const ce = (attribute: string) => `${CE_HEADER_PREFIX}${attribute}`;
  return {
    type: 'object',
    description:
      'CloudEvents NATS binding, binary mode: one `ce-` header per attribute (percent-encoded), the data as the JSON body. / ' +
      'Ràng buộc NATS của CloudEvents, chế độ nhị phân: mỗi thuộc tính một tiêu đề `ce-` (mã hóa phần trăm), dữ liệu JSON trong thân.',
    required: [ce('specversion'), ce('id'), ce('type'), ce('source'), ce('subject'), ce('time'), ce('dataschema'), CONTENT_TYPE_HEADER, MSG_ID_HEADER],
    properties: {
      [ce('specversion')]: { type: 'string', const: '1.0', description: 'CloudEvents specification version' },
      [ce('id')]: { type: 'string', minLength: 1, description: 'Event id, unique per event (a UUID unless the producer has its own)' },
      [ce('type')]: { type: 'string', description: 'Event type: vn.pcmd.<agency>.<entity>.<action>.v<major>' },
      [ce('source')]: { type: 'string', description: 'Emitting agency and unit: /pcmd/<agency>, /pcmd/<agency>/<official area code>[/<organ>] (e.g. /pcmd/police/001, /pcmd/justice/001/toa-an; ADR 0016), or /pcmd/reporting/<body>' },
      [ce('subject')]: { type: 'string', minLength: 1, description: 'The entity the fact is about: the data field named by the message x-subject-field' },
      [ce('time')]: {
        type: 'string',
        format: 'date-time',
        description:
          'When the fact happened in the real world (RFC 3339), not when it was sent; from 2000-01-01T00:00:00Z to 24 hours after the receiving service\'s clock (outside: dead-lettered)',
      },
      [ce('dataschema')]: { type: 'string', description: 'Identifier ($id) of the data schema: urn:lienganh:schema:<type>' },
      [ce('traceparent')]: { type: 'string', description: 'W3C trace context (optional)' },
      [ce('tracestate')]: { type: 'string', description: 'W3C trace state (optional)' },
      [CONTENT_TYPE_HEADER]: { type: 'string', const: DATA_CONTENT_TYPE, description: 'Content type of the body (the data)' },
      [MSG_ID_HEADER]: {
        type: 'string',
        pattern: '^[A-Za-z0-9_-]{43}$',
        description:
          'The event\'s identity, source + id: base64url (no padding) of the SHA-256 of the UTF-8 string "<ce-source> <ce-id>" (one space), ' +
          'as `eventKey` in @lienganh/contracts computes it. JetStream stores a re-send inside the duplicate window once, and two sources\' ' +
          'events with the same id twice; a Nats-Msg-Id equal to ce-id would make it drop the second of them.',
      },
    },
  };
}

function agencyTags(): Record<string, JsonObject> {
  const agencies = [...new Set(catalog.map((definition) => definition.agency))];
  return Object.fromEntries(agencies.map((agency: ProducerAgency) => [agency, { name: agency, description: bilingual(PRODUCER_NAMES[agency]) }]));
}

/** The stream that captures `subject`; stream subjects are `<prefix>.>` wildcards. */
function streamOf(subject: string): string | undefined {
  return Object.values(STREAMS).find((stream) => stream.subjects.some((pattern) => subject.startsWith(pattern.slice(0, -1))))?.name;
}

function bilingual(text: { readonly vi: string; readonly en: string }): string {
  return `${text.vi} / ${text.en}`;
}

function ref(...path: string[]): { $ref: string } {
  // JSON Pointer escaping; catalog keys never contain these, but a subject with `/` must not break the ref.
  return { $ref: `#/${path.map((part) => part.replaceAll('~', '~0').replaceAll('/', '~1')).join('/')}` };
}
