export { NatsServer, NatsServerNotFoundError, NatsServerStartError, findNatsServerBinary, type NatsServerOptions } from './nats/nats-server.js';
export { ensureStreams, streamConfigs, type StreamOptions } from './nats/streams.js';
export { createHttpApp, type HttpAppOptions } from './http/create-http-app.js';
export { describeError, HttpErrorFilter, type ErrorBody } from './http/http-errors.js';
export { HealthController, READINESS, type ReadinessCheck } from './http/health.controller.js';
export { agencyOfKey, DEMO_CREDENTIALS_FILE, ensureDemoCredentials, loadAgencyKeys, type AgencyKeys } from './ingestion/agency-credentials.js';
export { EVENT_SINK, type EventSink } from './ingestion/event-sink.js';
export { IngestionModule } from './ingestion/ingestion.module.js';
export { MAX_BATCH_SIZE, prepareIncoming } from './ingestion/incoming-events.js';
