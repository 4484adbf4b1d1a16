import { z } from 'zod';
import { CE_HEADER_PREFIX, CONTENT_TYPE_HEADER } from '../nats-binding.js';
import { DATA_CONTENT_TYPE } from '../cloudevent.js';
import { EventRefusal, REFUSAL_DATASCHEMA, REFUSAL_MESSAGE, REFUSAL_SOURCE, REFUSAL_SUBJECT_PREFIX, REFUSAL_TYPE } from '../refusals.js';
import { STREAMS } from '../streams.js';

/**
 * The refusals in the AsyncAPI document (issue 19, ADR 0014): what a producer that publishes
 * straight on NATS receives when the backbone refuses one of its events. Two channels, the
 * agencies' and the reporting bodies', one message, each producer reading only its own subject.
 */

type JsonObject = { [key: string]: unknown };

export const REFUSAL_CHANNELS = {
  'refusals.agency': { address: `${REFUSAL_SUBJECT_PREFIX}.{agency}`, parameter: 'agency', example: 'police' },
  'refusals.body': { address: `${REFUSAL_SUBJECT_PREFIX}.reporting.{body}`, parameter: 'body', example: 'red-cross' },
} as const;

const DESCRIPTION = {
  vi:
    'Sự kiện bị từ chối khi gửi thẳng lên NATS: JetStream vẫn trả PubAck, rồi cổng từ chối của điều phối xóa tin khỏi luồng trong vài giây ' +
    'và gửi về đây lý do (trường nào, vì sao; không bao giờ có giá trị bị từ chối) cùng SHA-256 của thân tin. Mỗi bên gửi chỉ đọc được chủ đề của mình, ' +
    'qua consumer bền `refusals-<agency>` hay `refusals-reporting-<body>` (lọc đúng chủ đề này). Lưu 90 ngày.',
  en:
    'An event refused after it was published straight on NATS: JetStream still answers with a PubAck, then coordination’s refusal gate removes the ' +
    'message from the stream within seconds and sends here why (which field, why; never the refused value) with the SHA-256 of the body. Each producer ' +
    'reads only its own subject, through the durable consumer `refusals-<agency>` or `refusals-reporting-<body>` (filtered on that subject). Kept 90 days.',
};

export function refusalChannels(): Record<string, JsonObject> {
  return Object.fromEntries(
    Object.entries(REFUSAL_CHANNELS).map(([key, { address, parameter, example }]) => [
      key,
      {
        address,
        parameters: { [parameter]: { description: parameter === 'agency' ? 'Mã cơ quan / agency code, e.g. police' : `Mã cơ quan báo cáo / code of the reporting body, e.g. ${example}` } },
        title: key,
        description: `${DESCRIPTION.vi} / ${DESCRIPTION.en}`,
        messages: { [REFUSAL_TYPE]: { $ref: `#/components/messages/${REFUSAL_TYPE}` } },
        'x-stream': STREAMS.refusals.name,
      },
    ]),
  );
}

export function refusalOperations(): Record<string, JsonObject> {
  return Object.fromEntries(
    Object.keys(REFUSAL_CHANNELS).map((key) => [
      key,
      {
        action: 'receive',
        channel: { $ref: `#/channels/${key}` },
        summary: 'Bên gửi nhận lý do sự kiện của mình bị từ chối / the producer receives why its event was refused',
        messages: [{ $ref: `#/channels/${key}/messages/${REFUSAL_TYPE}` }],
      },
    ]),
  );
}

export function refusalSchema(): JsonObject {
  const { $schema: _draft, ...schema } = z.toJSONSchema(EventRefusal, { io: 'output', unrepresentable: 'throw' }) as JsonObject;
  return schema;
}

/** A refusal as the refusal gate sends it, for the document's example. */
export const EXAMPLE_REFUSAL: EventRefusal = {
  refusalId: 'PCMD_AGENCY_EVENTS:1042',
  refusedAt: '2026-04-02T02:00:03.120Z',
  refusedBy: 'coordination-refusal-gate',
  stream: 'PCMD_AGENCY_EVENTS',
  sequence: 1042,
  subject: 'pcmd.events.reporting.red-cross.activity.held',
  event: { id: 'hd-0001', source: '/pcmd/reporting/red-cross', type: 'vn.pcmd.reporting.activity.held.v1' },
  reasons: [
    { path: 'data.planId', message: 'looks like a phone number (0 or +84 and 9-10 digits): personal data is never sent (DOMAIN.md, "People in the data")' },
    { path: 'headers.X-Person-Name', message: 'is not a header of the CloudEvents NATS binding (only ce-<attribute>, content-type and JetStream’s message id and expectations): headers are stored, so no other is taken' },
  ],
  bodySha256: '9f2c4be1d35a0e8b7c6a1f04d2e3b5c6a7980f1e2d3c4b5a69788796a5b4c3d2',
  bodyBytes: 187,
  removed: true,
  message: { ...REFUSAL_MESSAGE },
};

export function refusalMessage(): JsonObject {
  const ce = (name: string) => `${CE_HEADER_PREFIX}${name}`;
  return {
    name: REFUSAL_TYPE,
    title: 'refusal v1',
    summary: `${DESCRIPTION.vi} / ${DESCRIPTION.en}`,
    contentType: DATA_CONTENT_TYPE,
    headers: {
      type: 'object',
      required: [ce('specversion'), ce('id'), ce('type'), ce('source'), ce('time'), CONTENT_TYPE_HEADER],
      properties: {
        [ce('specversion')]: { type: 'string', const: '1.0' },
        [ce('id')]: { type: 'string', description: 'The refusal’s id: <stream>:<sequence> of the refused message' },
        [ce('type')]: { type: 'string', const: REFUSAL_TYPE },
        [ce('source')]: { type: 'string', const: REFUSAL_SOURCE },
        [ce('subject')]: { type: 'string' },
        [ce('time')]: { type: 'string', format: 'date-time' },
        [ce('dataschema')]: { type: 'string', const: REFUSAL_DATASCHEMA },
        [CONTENT_TYPE_HEADER]: { type: 'string', const: DATA_CONTENT_TYPE },
      },
    },
    payload: { $ref: `#/components/schemas/${REFUSAL_TYPE}` },
    examples: [
      {
        name: 'example',
        headers: {
          [ce('specversion')]: '1.0',
          [ce('id')]: EXAMPLE_REFUSAL.refusalId,
          [ce('type')]: REFUSAL_TYPE,
          [ce('source')]: REFUSAL_SOURCE,
          [ce('subject')]: EXAMPLE_REFUSAL.refusalId,
          [ce('time')]: EXAMPLE_REFUSAL.refusedAt,
          [ce('dataschema')]: REFUSAL_DATASCHEMA,
          [CONTENT_TYPE_HEADER]: DATA_CONTENT_TYPE,
        },
        payload: structuredClone(EXAMPLE_REFUSAL),
      },
    ],
  };
}
