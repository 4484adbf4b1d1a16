export { NatsServer, NatsServerNotFoundError, NatsServerStartError, findNatsServerBinary, type NatsServerExit, type NatsServerOptions } from './nats/nats-server.js';
export { superviseNatsServer, type NatsSupervisor, type NatsSupervisorOptions } from './nats/nats-supervisor.js';
export { natsServersOfStore, servesStore, stopLeftoverNatsServers, type LeftoverNatsServerOptions } from './nats/leftover-nats-server.js';
export { freePorts, NatsCluster, type NatsClusterOptions } from './nats/nats-cluster.js';
export { gatherSiteStreams, gatherSiteSummaries, HUB_DOMAIN, hubNatsConfig, provinceCodesFrom, siteDomain, siteNatsConfig, type LeafCredentials, type SiteStream } from './nats/national-topology.js';
export { ensureStreams, MissingStreamError, requireStreams, streamConfigs, type StreamOptions } from './nats/streams.js';
export { connectToNats, NatsConnectError, natsSeedFromEnv, NatsSeedError, natsServers, type NatsConnectionSettings } from './nats/nats-connection.js';
export { BusLink, type BusLinkState } from './nats/bus-link.js';
export {
  clusterPorts,
  CLUSTER_NODES,
  COORDINATION_LEASE_BUCKET,
  inboxPrefixOf,
  NATS_IDENTITIES,
  natsConfigFiles,
  natsUsers,
  nkeyVariableOf,
  renderAuthConf,
  withBodyUsers,
  consumerReads,
  AuthConfShapeError,
  type BodyNatsUser,
  type AgencyReads,
  type NatsIdentity,
  type NatsRead,
  type NatsUser,
} from './nats/nats-permissions.js';
export { agencyReads } from './agency/agency-reads.js';
export { BodiesNatsSync, writeRuntimeNatsConfig, type BodiesNatsSyncOptions } from './nats/nats-bodies-sync.js';
export {
  activeBodyUsers,
  BODIES_BUCKET,
  BODIES_BUCKET_HISTORY,
  bodyInboxPrefix,
  bodyPublishSubject,
  newBodySecrets,
  sha256Hex,
  type BodyCredentials,
  type BodyRecord,
  type IssuedSecrets,
} from './bodies/body-record.js';
export { BodyRegister, type BodyRegisterOptions } from './bodies/body-register.js';
export { BodyKeyGuard, BODY_REGISTER, REPORTING_BODY, type RequestWithBody } from './ingestion/body-key.guard.js';
export { AGENCY_REPLICA_SLOTS, agencyReplicaFromEnv, checkAgencyReplica, everyReplicaConsumerName, InvalidAgencyReplicaError, REPLICA_CONSUMER_NAME, replicaConsumerName, type ReplicaConsumerName } from './agency/agency-replica.js';
export { createNatsKeys, ensureNatsKeys, natsKeysEnv, NKEYS_ENV_FILE, seedFileOf, type NatsKey, type NatsKeys } from './nats/nats-keys.js';
export { createHttpApp, logRefusals, type HttpAppOptions } from './http/create-http-app.js';
export { describeError, HttpErrorFilter, RetryLaterException, type ErrorBody, type Refusal } from './http/http-errors.js';
export { ADDRESS_FACTOR, DEFAULT_RATE_LIMIT, FixedWindowStorage, rateLimitFromEnv, withRateLimit, type RateLimit, type UserOfRequest } from './http/rate-limit.js';
export { TrustProxyError, trustProxyFromEnv, type TrustProxy } from './http/trust-proxy.js';
export { loadUserDirectory, parseUsers, ROLE_NAMES, ROLES, tokenDigest, UserDirectory, UserEntry, UserId, UsersFile, UsersFileError, type Role, type User } from './access/users.js';
export { CurrentUser, PublicRoute, Roles, UserGuard, type RequestWithUser } from './access/user.guard.js';
export { bearerToken, presentedToken, sessionCookie, SESSION_COOKIE } from './access/presented-token.js';
export { SESSION_MAX_HOURS_LIMIT, SESSIONS_BUCKET, USERS_BUCKET, USERS_BUCKET_HISTORY } from './access/access-buckets.js';
export { DEFAULT_SESSION_POLICY, SessionPolicyError, sessionPolicyFromEnv, type SessionPolicy } from './access/session-policy.js';
export { SessionStore, type SessionRecord } from './access/session-store.js';
export { newUserToken, UserRegister, type UserRecord } from './access/user-register.js';
export { listingOf, UserAccounts, type Account, type AccountListing } from './access/user-accounts.js';
export { AUTHENTICATOR, Authenticator } from './access/authenticator.js';
export { KvMirror, KvWriteConflictError, type KvMirrorOptions } from './nats/kv-mirror.js';
export { SessionController } from './access/session.controller.js';
export { AUDIT_TRAIL, AuditUnavailableError, recordAccessOrRefuse, type AccessRecord, type AuditTrail } from './access/audit-trail.js';
export { DEMO_USERS_FILE, demoUserToken, ensureDemoUsers, type DemoUser } from './access/demo-users.js';
export { HealthController, READINESS, type ReadinessCheck } from './http/health.controller.js';
export { agencyOfKey, DEMO_CREDENTIALS_FILE, ensureDemoCredentials, loadAgencyKeys, type AgencyKeys } from './ingestion/agency-credentials.js';
export { AGENCY_KEYS_BUCKET, AgencyKeyRegister, newAgencyKey, type AgencyKeyRecord } from './ingestion/agency-key-register.js';
export { acceptEvents, EVENT_SINK, type EventSink } from './ingestion/event-sink.js';
export { IngestionModule } from './ingestion/ingestion.module.js';
export { AgencyKeyGuard } from './ingestion/agency-key.guard.js';
export { MAX_BATCH_SIZE, prepareIncoming } from './ingestion/incoming-events.js';
export { incomingRequest, inContentMode, type IncomingRequest } from './ingestion/content-modes.js';
export { bodyDigest, ConflictingDuplicateError, DuplicateGuard, type DuplicateGuardOptions } from './ingestion/duplicate-guard.js';
export { ensurePseudonymKey, parsePseudonymKey, pseudonymKeyFileOf, pseudonymKeyFromEnv, PseudonymKeyError } from './ingestion/pseudonym-key.js';
export { PseudonymisationUnavailableError, replaceRecordKeys, type RecordKeysReplaced } from './ingestion/record-keys.js';
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
export { REFUSAL_GATE_CONSUMER, refusalGate } from './consuming/refusal-gate.js';
export { refusalEvent, refusalOf, refusedIdentity, refusedSubject, removeRefused, type RefusedMessage } from './consuming/refused-message.js';
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
export { createLogger, terminalDestination, traceFields, type Logger } from './telemetry/logger.js';
export { setupTelemetry, stopTelemetry } from './telemetry/telemetry.js';
export {
  checkTelemetryEnv,
  startTracing,
  startTracingFromEnv,
  stopTracing,
  TelemetryConfigError,
  tracer,
  tracingEnabled,
  tracingRequested,
  type TracingOptions,
} from './telemetry/tracing.js';
export {
  backboneMetrics,
  serveMetrics,
  startMetrics,
  stopMetrics,
  watchConsumerLag,
  watchOverdueAlerts,
  type BackboneMetrics,
  type ConsumerBacklog,
  type ConsumerLagSource,
  type DeadLetterReason,
  type MetricsOptions,
  type OverdueAlertsSource,
} from './telemetry/metrics.js';
export { startConsumerSpan, startProducerSpan, startProjectionSpan, type DeliveryInfo, type EventSpan, type ProducerSpan } from './telemetry/messaging-spans.js';
export { contextOfEvent, withTraceContext } from './telemetry/trace-context.js';
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
export { replayEvents, type ReplayConsumerConfig, type ReplayOptions } from './consuming/replay.js';
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
export { referralConsumers, referralReplays } from './referrals/referral-consumers.js';
export { configuredOrExit, ignoreOutputErrors, portFrom, STOP_DEADLINE_MS, stopDeadlineMs, stopOnSignals } from './process/process-lifecycle.js';
export { closeHttpServer } from './process/http-drain.js';
export { SUBSCRIPTIONS_BUCKET, SUBSCRIPTIONS_BUCKET_HISTORY } from './subscriptions/subscriptions-bucket.js';
export { CASE_KEYS_BUCKET, CASE_KEYS_BUCKET_HISTORY } from './access/case-keys-bucket.js';
export { SNAPSHOTS_BUCKET } from './nats/snapshots-bucket.js';
