export { NatsServer, NatsServerNotFoundError, NatsServerStartError, findNatsServerBinary, type NatsServerOptions } from './nats/nats-server.js';
export { ensureStreams, streamConfigs, type StreamOptions } from './nats/streams.js';
export { createHttpApp, type HttpAppOptions } from './http/create-http-app.js';
export { describeError, HttpErrorFilter, type ErrorBody } from './http/http-errors.js';
export { HealthController, READINESS, type ReadinessCheck } from './http/health.controller.js';
export { agencyOfKey, DEMO_CREDENTIALS_FILE, ensureDemoCredentials, loadAgencyKeys, type AgencyKeys } from './ingestion/agency-credentials.js';
export { EVENT_SINK, type EventSink } from './ingestion/event-sink.js';
export { IngestionModule } from './ingestion/ingestion.module.js';
export { AgencyKeyGuard } from './ingestion/agency-key.guard.js';
export { MAX_BATCH_SIZE, prepareIncoming } from './ingestion/incoming-events.js';
export {
  backoffDelay,
  ConsumerStateError,
  DEAD_LETTER_STREAM,
  DEAD_LETTER_SUBJECT_PREFIX,
  DeadLetterHeaders,
  DeadLetterPublishError,
  deadLetterHeaders,
  deadLetterSubject,
  describeFailure,
  InvalidConsumerOptionsError,
  JetStreamEventConsumer,
  RejectedEventError,
  type ConsumerLogger,
  type EventConsumerOptions,
  type EventContext,
  type EventHandler,
} from './consuming/event-consumer.js';
export {
  EventPatternMismatchError,
  JETSTREAM_TRANSPORT,
  JetStreamClientProxy,
  JetStreamContext,
  JetStreamTransport,
  RequestResponseNotSupportedError,
  type JetStreamClientOptions,
  type JetStreamConsumerConfig,
  type JetStreamEvents,
  type JetStreamStatus,
  type JetStreamTransportOptions,
  type PublishEvents,
} from './consuming/jetstream.transport.js';
export { AGENCY_EVENTS_CLIENT, NATS_CONNECTION } from './agency/tokens.js';
export { startAgencyService, type AgencyServiceConfig, type AgencyServiceDefinition, type RunningAgencyService } from './agency/agency-service.js';
export { runAgencyServiceFromEnv } from './agency/run-from-env.js';
export { createLogger, type Logger } from './telemetry/logger.js';
export {
  DurableOutbox,
  OutboxClosedError,
  OutboxCorruptError,
  OutboxEntryError,
  OutboxError,
  OutboxFailedError,
  OutboxLockedError,
  type OutboxEntry,
  type OutboxOptions,
  type OutboxRecord,
} from './publishing/outbox.js';
export {
  DrainTimeoutError,
  EventTooLargeError,
  JetStreamEventPublisher,
  PublisherClosedError,
  type EventPublisherOptions,
  type PublisherLogger,
} from './publishing/event-publisher.js';
export { replayEvents, type ReplayOptions } from './consuming/replay.js';
export {
  decide as decideReferral,
  emptyInbox,
  evolve as evolveReferralInbox,
  ReferralNotFoundError,
  ReferralStateError,
  type Referral,
  type ReferralCommand,
  type ReferralInboxSpec,
  type ReferralStatus,
} from './referrals/referral-inbox.js';
export { ReferralInboxModule } from './referrals/referral-inbox.module.js';
export { referralConsumers } from './referrals/referral-consumers.js';
