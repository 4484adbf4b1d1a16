import type { EventDefinition } from '../define.js';
import { READABLE_ENTITIES, READABLE_STREAM, readerConsumerOf, readerInboxPrefixOf, type ReadableEntity } from '../consumer-reads.js';

/**
 * The read side in the AsyncAPI document (issue 22, ADR 0017): what an outside system receives
 * with a consumer identity (NATS) or a webhook subscription (HTTP), what it is refused, and the
 * security schemes of both directions (nkeys on NATS, bearer tokens and signed webhooks on HTTP).
 */

type JsonObject = { [key: string]: unknown };

export const NATS_SERVER = 'example';
export const API_SERVER = 'api-example';
export const WEBHOOK_SERVER = 'webhook-example';
export const WEBHOOK_CHANNEL = 'subscription.webhook';

export function securitySchemes(): Record<string, JsonObject> {
  return {
    nkey: {
      type: 'asymmetricEncryption',
      description:
        'NATS nkey (Ed25519): the client signs the server\'s nonce with its seed, the server holds only public keys. Each agency, reporting body ' +
        'and consumer identity has its own, with its own inbox prefix (`_INBOX_<agency>`, `_INBOX_body_<body>`, `_INBOX_consumer_<code>`). / ' +
        'Khóa nkey của NATS: mỗi cơ quan, tổ chức báo cáo và hệ thống đọc có khóa riêng, với tiền tố hộp thư riêng.',
    },
    bearer: {
      type: 'http',
      scheme: 'bearer',
      description:
        '`Authorization: Bearer <key>`: an agency\'s or a reporting body\'s HTTP key for `POST /api/v1/events`; a secretariat user\'s token for ' +
        'coordination\'s API (`/api/v1/consumers`, `/api/v1/subscriptions`). / Khóa HTTP của cơ quan, hoặc mã truy cập của Thường trực.',
    },
    webhookSignature: {
      type: 'httpApiKey',
      in: 'header',
      name: 'Lienganh-Signature',
      description:
        'How a webhook knows coordination sent it: `sha256=<hex HMAC-SHA256(subscription secret, "<Lienganh-Timestamp>.<body>")>`; ' +
        'the subscription was validated first by the CloudEvents webhook handshake (OPTIONS, `WebHook-Request-Origin: lienganh`, answered with ' +
        '`WebHook-Allowed-Origin`). / Chữ ký HMAC của mỗi lần gửi; webhook phải trả lời bắt tay xác thực trước.',
    },
  };
}

export function readSideServers(): Record<string, JsonObject> {
  return {
    [API_SERVER]: {
      host: 'localhost:8080',
      protocol: 'http',
      description:
        'Ví dụ: API HTTP (cơ quan gửi sự kiện tại cổng dịch vụ của mình, `POST /api/v1/events`; Thường trực cấp danh tính đọc và đăng ký webhook ở điều phối, cổng 8080). / ' +
        'Example only: the HTTP APIs (agencies send events to their service, `POST /api/v1/events`; the secretariat issues consumer identities and webhook subscriptions on coordination, port 8080).',
      security: [{ $ref: '#/components/securitySchemes/bearer' }],
    },
    [WEBHOOK_SERVER]: {
      host: 'receiver.example.gov.vn',
      pathname: '/lienganh/events',
      protocol: 'https',
      description:
        'Ví dụ: webhook của một hệ thống bên ngoài đã đăng ký (`POST /api/v1/subscriptions`); điều phối gửi tới đó. / ' +
        "Example only: an outside system's webhook, subscribed with `POST /api/v1/subscriptions`; coordination sends to it.",
      security: [{ $ref: '#/components/securitySchemes/webhookSignature' }],
    },
  };
}

const REFUSED =
  'Refused by nats-server (Permissions Violation): any publish, the agency stream, another identity\'s consumer, a filter outside this kind of fact, a consumer without a filter, reading a message by sequence. / ' +
  'Bị từ chối: mọi lệnh gửi, luồng của các cơ quan, consumer của hệ thống khác, bộ lọc ngoài loại sự kiện này.';

/** The entity of a coordination subject a consumer may read, if any: `pcmd.events.coordination.deadline.overdue` → `deadline`. */
export function readableEntityOf(definition: EventDefinition): ReadableEntity | undefined {
  if (definition.agency !== 'coordination') return undefined;
  const entity = definition.subject.split('.')[3];
  return (READABLE_ENTITIES as readonly string[]).includes(entity ?? '') ? (entity as ReadableEntity) : undefined;
}

/** A consumer identity receives the channel's events through its own durable consumer. */
export function consumerOperation(channelKey: string, entity: ReadableEntity, messageRefs: JsonObject[]): JsonObject {
  return {
    action: 'receive',
    channel: { $ref: `#/channels/${channelKey}` },
    summary: `Hệ thống đọc nhận sự kiện này / a consumer identity receives this event (stream ${READABLE_STREAM}, durable pull consumer ${readerConsumerOf('<code>', entity)})`,
    description: `Inbox prefix ${readerInboxPrefixOf('<code>')}; binary mode, as published. ${REFUSED}`,
    security: [{ $ref: '#/components/securitySchemes/nkey' }],
    messages: messageRefs,
    'x-durable-consumer': readerConsumerOf('<code>', entity),
  };
}

/** The webhook subscriptions: one channel on the subscriber's server, every readable message, sent by coordination. */
export function webhookChannel(messageTypes: readonly string[]): JsonObject {
  return {
    address: null,
    title: WEBHOOK_CHANNEL,
    description:
      'Đăng ký webhook: mỗi sự kiện (từ thời điểm `since`) được POST một lần, chế độ nhị phân (tiêu đề `ce-`, dữ liệu trong thân; không có `Nats-Msg-Id`), ' +
      'kèm `Lienganh-Delivery: <event id>:<subscription id>`, `Lienganh-Timestamp`, `Lienganh-Signature`; trả 2xx để nhận, mã khác thì gửi lại sau. / ' +
      'Webhook subscriptions: each event (from `since` on) is POSTed once, in CloudEvents HTTP binary mode (`ce-` headers, the data as the body; no `Nats-Msg-Id`), ' +
      'with `Lienganh-Delivery: <event id>:<subscription id>` (dedupe on it), `Lienganh-Timestamp` and `Lienganh-Signature`; answer 2xx to take it, anything else is retried with backoff.',
    servers: [{ $ref: `#/servers/${WEBHOOK_SERVER}` }],
    messages: Object.fromEntries(messageTypes.map((type) => [type, { $ref: `#/components/messages/${type}` }])),
  };
}

export function webhookOperation(messageTypes: readonly string[]): JsonObject {
  return {
    action: 'send',
    channel: { $ref: `#/channels/${WEBHOOK_CHANNEL}` },
    summary: 'Điều phối gửi tới webhook đã đăng ký / coordination delivers to a subscribed webhook',
    security: [{ $ref: '#/components/securitySchemes/webhookSignature' }],
    messages: messageTypes.map((type) => ({ $ref: `#/channels/${WEBHOOK_CHANNEL}/messages/${type}` })),
  };
}
