import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Express } from 'express';
import type { INestApplication } from '@nestjs/common';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { STREAMS } from '@lienganh/contracts';
import { BusLink, CASE_KEYS_BUCKET, closeHttpServer, SNAPSHOTS_BUCKET, connectToNats, refusalGate, requireStreams } from '@lienganh/platform';
import { AUDIT_TRAIL, AUTHENTICATOR, Authenticator, SessionController, sessionPolicyFromEnv, SessionStore, UserAccounts, UserDirectory, UserGuard, UserRegister, type RateLimit, type SessionPolicy, type TrustProxy, type UserEntry } from '@lienganh/platform';
import { createHttpApp, createLogger, HealthController, logRefusals, READINESS, watchOverdueAlerts, type Logger } from '@lienganh/platform';
import { CommitteeController } from './board/committee.controller.js';
import { AlertDelivery, type AlertDeliveryOptions } from './alerts/alert-delivery.js';
import { LogNotifier } from './alerts/notifiers/log.notifier.js';
import { checkWebhookReceivers, webhookAllowList, type WebhookReceivers } from './alerts/notifiers/webhook-config.js';
import type { WebhookAllowList } from './alerts/notifiers/webhook-address.js';
import { WebhookNotifier } from './alerts/notifiers/webhook.notifier.js';
import { AlertsController } from './deadlines/alerts.controller.js';
import { AlertHandlingController } from './deadlines/alert-handling.controller.js';
import { ALERT_HANDLING, AlertHandlingDecisions } from './deadlines/alert-handling-decisions.js';
import { DeadlineEngine } from './deadlines/deadline-engine.js';
import { openOverdueAlerts } from './deadlines/open-overdue-alerts.js';
import { TaskBoardController } from './board/task-board.controller.js';
import { TASK_DECISIONS, TaskDecisions } from './board/task-decisions.js';
import { CLOCK, PLAN_IMPORT, PROJECTOR, systemClock, type Clock } from './http/tokens.js';
import { PlanImport } from './plans/plan-import.js';
import { CoordinationPublisher } from './publishing/coordination-publisher.js';
import { PlansController } from './plans/plans.controller.js';
import { PLAN_REVISIONS, PlanRevisionsController } from './plans/plan-revisions.controller.js';
import { PlanRevisionHistory } from './plans/plan-revisions.js';
import { PeriodicReportController, REPORT_QUEUE } from './reports/periodic-report.controller.js';
import { ReportQueue, type ReportQueueOptions } from './reports/report-queue.js';
import { CoordinationProjector, type ProjectorOptions } from './projection/coordination-projector.js';
import type { CoordinationStore } from './store/coordination-store.js';
import { ProjectionOnlyStore } from './store/projection-only.store.js';
import { ProjectionSnapshots, snapshotVersion } from './snapshots/projection-snapshots.js';
import { DEFAULT_SNAPSHOT_EVERY_EVENTS, DEFAULT_SNAPSHOT_EVERY_MS, SnapshottingCoordinationStore } from './snapshots/snapshotting-coordination.store.js';
import { BoardStreamController } from './stream/board-stream.controller.js';
import { BoardHealth } from './health/board-health.js';
import { BOARD_HEALTH, BoardStatusController } from './health/board-status.controller.js';
import { TargetsController } from './targets/targets.controller.js';
import { SeriesController } from './series/series.controller.js';
import { checkInstanceId, claimInstanceId, DEFAULT_INSTANCE_ID } from './leadership/instance-id.js';
import { LeaseBucket } from './leadership/lease-bucket.js';
import { Lease, newHolder, retireHolder } from './leadership/lease.js';
import { Leadership } from './leadership/leadership.js';
import { AgencyReferralsController } from './access/agency-referrals.controller.js';
import { AuditController } from './access/audit.controller.js';
import { CaseReferences } from './access/case-references.js';
import { PERSON_RECORDS, PersonRecordPolicy } from './access/person-records.js';
import { StreamAuditTrail } from './access/stream-audit-trail.js';
import { AgencyKeyRegister, BodyRegister } from '@lienganh/platform';
import { AgencyKeyDirectory } from './agency-keys/agency-key-directory.js';
import { AreasController, NATIONAL_UNITS } from './registry/areas.controller.js';
import { NationalUnits } from './registry/national-units.js';
import { AgencyKeysModule } from './agency-keys/agency-keys.module.js';
import { BodiesModule } from './bodies/bodies.module.js';
import { BodyDirectory } from './bodies/body-directory.js';
import { ConsumerDirectory } from './consumers/consumer-directory.js';
import { ConsumersModule } from './consumers/consumers.module.js';
import { SubscriptionDelivery, type SubscriptionDeliveryOptions } from './subscriptions/subscription-delivery.js';
import { SubscriptionDirectory } from './subscriptions/subscription-directory.js';
import { SubscriptionsModule } from './subscriptions/subscriptions.module.js';
import { AsyncApiController } from './docs/asyncapi.controller.js';
import { UserAdministration } from './users/user-administration.js';
import { UsersModule } from './users/users.module.js';
import { NATIONAL_SUMMARIES, NationalController } from './national/national.controller.js';
import { NationalSummaries } from './national/national-summaries.js';
import { siteSummaryOf } from './national/site-summary.js';
import { SiteSummaryPublisher } from './national/site-summary.publisher.js';

export const COORDINATION_PORT = 8080;
const WEB_DIR = fileURLToPath(new URL('../web', import.meta.url));
/**
 * Scripts the dashboard imports as they are, at `/assets/lib/<name>` (same origin: the CSP is
 * unchanged). Pure modules of contracts as they are compiled (no import of their own): the board
 * writes periods, dates and recurrences with the report's own formatter, served from contracts'
 * build (`npm run build`, which `npm start` and the image run first); and the charting library.
 */
const BROWSER_MODULES: Record<string, string> = {
  // By the workspace's layout (the same in the image): from src/ (tests) and dist/ alike, contracts' build.
  'vietnamese-format.js': fileURLToPath(new URL('../../../contracts/dist/vietnamese-format.js', import.meta.url)),
  // The board's charts (ADR 0020): Chart.js's self-contained UMD build from the package as installed
  // (a dependency of this service, so in the image too), never a CDN. Its package exports only the
  // module builds: found beside the CommonJS one.
  'chart.umd.min.js': join(dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.min.js'),
};

export interface CoordinationServiceConfig {
  natsUrl: string;
  /** Coordination's NATS identity (nkey user seed); none: a server without permissions. */
  natsSeed?: string;
  port: number;
  host?: string;
  /**
   * Where the read models are kept; when omitted, in memory, kept across restarts by snapshots in
   * the object store PCMD_SNAPSHOTS (`snapshots`, ADR 0022). A store given is used as it is.
   */
  store?: CoordinationStore;
  /** For the default store: how often its snapshot is saved (default every 100,000 events or 10 minutes); `false`: never (every start replays the streams). */
  snapshots?: { everyEvents?: number; everyMs?: number } | false;
  clock?: Clock;
  /** The country's administrative units (issue #24); default: the lists shipped in data/administrative-units (or `LIENGANH_UNITS_DIR`). */
  units?: NationalUnits;
  logger?: Logger;
  /**
   * Names this instance when several run at once (`COORDINATION_INSTANCE_ID`; default
   * `coordination`): its durable consumers are `<id>-…`, and two running instances may not share it.
   */
  instanceId?: string;
  /** The former name of `instanceId` (the prefix of the durable consumers' names). */
  consumerPrefix?: string;
  /** TTL of the leases (the leader's, the instance id's) when this instance creates their bucket (default 10 s). */
  leaseTtlMs?: number;
  /**
   * The projector's consumers: `concurrency`, the live events held at most while their commit is
   * pending (default 500, see `CoordinationProjector.maxInFlight`); `ackWaitMs` and `pullExpiresMs`,
   * how soon a delivery lost with a NATS node is made again (default 30 s; tests shorten them).
   */
  projector?: Pick<ProjectorOptions, 'concurrency' | 'ackWaitMs' | 'pullExpiresMs'>;
  /**
   * The refusal gate (ADR 0014): refuses what no consumer may take, removes it from the agency
   * stream and tells its producer. On by default; every instance shares its one durable consumer.
   */
  refusalGate?: boolean;
  /** How often deadlines are checked (default 30 s); 0: only on `deadlines.tick()` (tests with a fake clock). */
  deadlineTickMs?: number;
  /** Webhook receivers of alerts, per agency and `committee` (see `loadWebhookReceivers`); none by default. */
  webhooks?: WebhookReceivers;
  /**
   * Loopback, private, link-local… hosts and ranges webhooks may reach anyway; default from
   * `LIENGANH_WEBHOOK_ALLOW` (none when unset). Every receiver's host is resolved and checked at
   * start (a refused one fails the start with a `WebhookConfigError`) and at each delivery.
   */
  webhookAllow?: WebhookAllowList;
  /** Retry timing of alert deliveries (tests shorten it). */
  alertDelivery?: Pick<AlertDeliveryOptions, 'backoff' | 'ackWaitMs'>;
  /** Retry timing of webhook subscriptions (tests shorten it). */
  subscriptionDelivery?: Pick<SubscriptionDeliveryOptions, 'backoff' | 'timeoutMs'>;
  /** The origin coordination names in the webhook validation handshake; default `LIENGANH_WEBHOOK_ORIGIN`, else `lienganh`. */
  webhookOrigin?: string;
  /**
   * Users of the API and the dashboard (roles, agency, token hashes; see `loadUserDirectory`).
   * None: every request under /api/ is refused with 401 (secure by default).
   */
  users?: UserDirectory | readonly UserEntry[];
  /**
   * How long dashboard sessions last (ADR 0013); default from `LIENGANH_SESSION_IDLE_MINUTES` and
   * `LIENGANH_SESSION_MAX_HOURS` (30 minutes, 12 hours). Its `clock` is the sessions' own, not `clock`.
   */
  sessions?: SessionPolicy;
  /** Requests per client per window; default from `LIENGANH_RATE_LIMIT` (see `createHttpApp`). */
  rateLimit?: RateLimit | false;
  /** Periodic reports: one at a time, and per user a few a minute (`LIENGANH_REPORTS_PER_MINUTE`, default 10). */
  reports?: ReportQueueOptions;
  /** The TLS proxies in front (Express `trust proxy`); default from `TRUST_PROXY` (none when unset). */
  trustProxy?: TrustProxy;
  /**
   * A province site's domain (`p12`, `LIENGANH_SITE`; issue #24, ADR 0024): its board's summary is
   * published for the national view after each change (at most every `summaryIntervalMs`, default 1 s).
   */
  site?: string;
  summaryIntervalMs?: number;
  /** The hub's instance (`LIENGANH_NATIONAL=on`): serves `GET /api/v1/national` from the sites' summaries the hub gathers. */
  national?: boolean;
}

export interface RunningCoordinationService {
  readonly url: string;
  readonly instanceId: string;
  /** `leads`: whether this instance raises and delivers alerts now. */
  readonly leadership: Pick<Leadership, 'leads'>;
  readonly projector: CoordinationProjector;
  /** Imports a plan as `POST /api/v1/plans` does (how `npm start` loads the demo plans). */
  readonly plans: PlanImport;
  /** Raises deadline alerts; `tick()` checks now. */
  readonly deadlines: DeadlineEngine;
  /** Webhook subscriptions this instance delivers now (the leader's: all of them; a standby's: none). */
  readonly subscriptions: Pick<SubscriptionDelivery, 'delivering'>;
  close(): Promise<void>;
}

/**
 * Starts coordination: catches up on the streams into its read models, then serves the
 * task board, the committee view, targets, plan import and the live stream of changes.
 * The HTTP port opens only once the read models have caught up, so a client never sees a
 * half-built board.
 */
export async function startCoordinationService(config: CoordinationServiceConfig): Promise<RunningCoordinationService> {
  const logger = config.logger ?? createLogger('coordination');
  if (config.site !== undefined && !/^p\d{2}$/.test(config.site)) throw new RangeError(`a site is p and its two-digit province code (LIENGANH_SITE), e.g. p12, not "${config.site}"`);
  // Every instance keeps its own read models through its own consumers; one id per running instance.
  const instanceId = checkInstanceId(config.instanceId ?? config.consumerPrefix ?? DEFAULT_INSTANCE_ID);
  let store: CoordinationStore = config.store ?? new ProjectionOnlyStore();
  const webhookAllow = config.webhookAllow ?? webhookAllowList(process.env);
  await checkWebhookReceivers(config.webhooks ?? {}, webhookAllow, { origin: 'webhooks' });
  const nc: NatsConnection = await connectToNats({
    servers: config.natsUrl,
    name: 'lienganh-coordination',
    identity: 'coordination',
    ...(config.natsSeed ? { seed: config.natsSeed } : {}),
    onPermissionError: (message) => logger.error(message),
  });
  // Only the operator provisions streams; coordination's identity may only look at them.
  try {
    await requireStreams(await jetstreamManager(nc), [...Object.values(STREAMS).map((stream) => stream.name), `KV_${CASE_KEYS_BUCKET}`]);
  } catch (error) {
    await nc.close();
    throw error;
  }
  // pino's methods need their `this`: the consumers get bound ones.
  const messages = { info: (message: string) => logger.info(message), warn: (message: string) => logger.warn(message), error: (message: string) => logger.error(message) };
  const holder = newHolder(instanceId);
  let leases: LeaseBucket;
  let instanceLease: Lease;
  let cases: CaseReferences;
  try {
    // Referrals are named by the deployment's case references in deadlines (ADR 0021): one key for every instance.
    cases = await CaseReferences.open(nc);
    // Replicated as coordination's stream is (three times in a cluster).
    const replicas = (await (await jetstreamManager(nc)).streams.info(STREAMS.coordinationEvents.name)).config.num_replicas;
    leases = await LeaseBucket.open(nc, { replicas, ...(config.leaseTtlMs ? { ttlMs: config.leaseTtlMs } : {}) });
    instanceLease = await claimInstanceId(leases, holder, messages);
    if (!config.store && config.snapshots !== false) store = await snapshottingStore(nc, instanceId, config.snapshots ?? {}, messages);
  } catch (error) {
    retireHolder(holder);
    await nc.close();
    throw error;
  }
  const projector = new CoordinationProjector(nc, store, {
    consumerPrefix: instanceId,
    cases,
    ...config.projector,
    logger: messages,
  });

  const health = new BoardHealth(new BusLink(nc), projector);
  const publisher = new CoordinationPublisher(nc);
  const clock = config.clock ?? systemClock;
  // The register of bodies and their credentials (ADR 0011); bodies registered at run time join the agency registry.
  let bodies: BodyDirectory | undefined;
  let bodyRegister: BodyRegister;
  // Users issued, rotated and revoked at run time, and the dashboard's sessions (ADR 0013): every instance watches both.
  let userRegister: UserRegister | undefined;
  let sessions: SessionStore | undefined;
  // The agencies' API keys issued at run time (issue #19); the agency services watch the same bucket.
  let agencyKeyRegister: AgencyKeyRegister;
  // Webhook subscriptions of outside systems (ADR 0017): every instance watches them, the leader delivers.
  let subscriptions: SubscriptionDirectory | undefined;
  let subscriptionDelivery: SubscriptionDelivery | undefined;
  try {
    bodyRegister = await BodyRegister.open(nc, { onChange: () => bodies?.syncRegistry(), logger: messages });
    userRegister = await UserRegister.open(nc, messages);
    sessions = await SessionStore.open(nc, config.sessions ?? sessionPolicyFromEnv(process.env), messages);
    agencyKeyRegister = await AgencyKeyRegister.open(nc, { logger: messages });
    const webhookOrigin = config.webhookOrigin ?? process.env.LIENGANH_WEBHOOK_ORIGIN;
    subscriptions = await SubscriptionDirectory.open(nc, clock, { allow: webhookAllow, ...(webhookOrigin ? { origin: webhookOrigin } : {}) }, {
      onChange: (id, record) => subscriptionDelivery?.changed(id, record),
      logger: messages,
    });
  } catch (error) {
    subscriptions?.close();
    userRegister?.close();
    sessions?.close();
    retireHolder(holder);
    await nc.close();
    throw error;
  }
  bodies = new BodyDirectory(bodyRegister, () => projector.projection.agencies, publisher, clock);
  const units = config.units ?? NationalUnits.load();
  const plans = new PlanImport(projector, publisher, undefined, clock, units);
  const alerts = new AlertDelivery(nc, [new WebhookNotifier(config.webhooks ?? {}, { allow: webhookAllow }), new LogNotifier(logger)], {
    ...config.alertDelivery,
    // One durable consumer for every instance (`coordination-alert-delivery`), run by the leader only.
    logger: messages,
    publishDelivered: (record) => publisher.publishEvent(record),
  });
  subscriptionDelivery = new SubscriptionDelivery(nc, subscriptions, { allow: webhookAllow, clock, logger: messages, ...config.subscriptionDelivery });
  const seedUsers = config.users instanceof UserDirectory ? config.users : new UserDirectory(config.users ?? []);
  const accounts = new UserAccounts(seedUsers, userRegister);
  if (accounts.size === 0) logger.warn('no users configured (LIENGANH_USERS_FILE, or issued at run time): every request under /api/ is refused');
  const authenticator = new Authenticator(accounts, sessions);
  const administration = new UserAdministration(accounts, userRegister, sessions, () => projector.projection.agencies, publisher, nc, clock);
  // The leader raises and delivers alerts; every other instance only keeps its read models.
  const leadership = new Leadership({
    lease: new Lease(leases, 'leader', holder, { mayTakeOver: (other) => other.instance === instanceId, logger: messages }),
    settled: () => projector.settled(),
    onLead: async () => {
      await alerts.start();
      await subscriptionDelivery.start();
    },
    onFollow: async () => {
      await subscriptionDelivery.stop();
      await alerts.stop();
    },
    logger: messages,
  });
  const deadlines = new DeadlineEngine(projector, publisher, clock, {
    ...(config.deadlineTickMs !== undefined ? { tickMs: config.deadlineTickMs } : {}),
    leads: () => leadership.leads,
    logger: messages,
  });

  // Nationwide (issue #24, ADR 0024): a site publishes its board's summary; the hub's instance reads the sites'.
  const site = config.site;
  const summaries = site ? new SiteSummaryPublisher(jetstream(nc), site, () => siteSummaryOf(site, projector.projection, clock.now()), { ...(config.summaryIntervalMs ? { intervalMs: config.summaryIntervalMs } : {}), logger: messages }) : undefined;
  const national = config.national ? new NationalSummaries(await jetstreamManager(nc)) : null;

  @Module({
    imports: [
      BodiesModule.register(bodies),
      // Outside systems that read (ADR 0017): in the same register, so nats-server gets their users as it gets bodies'.
      ConsumersModule.register(new ConsumerDirectory(bodyRegister, () => projector.projection.agencies, clock)),
      SubscriptionsModule.register(subscriptions),
      UsersModule.register(administration), AgencyKeysModule.register(new AgencyKeyDirectory(agencyKeyRegister, clock))],
    controllers: [
      AsyncApiController,
      SessionController,
      PlansController,
      PlanRevisionsController,
      TaskBoardController,
      CommitteeController,
      TargetsController,
      SeriesController,
      AlertsController,
      AlertHandlingController,
      BoardStreamController,
      PeriodicReportController,
      AgencyReferralsController,
      AuditController,
      BoardStatusController,
      HealthController,
      AreasController,
      NationalController,
    ],
    providers: [
      // Every route under /api/ needs a user (roles and agency scoping in the controllers).
      { provide: APP_GUARD, useClass: UserGuard },
      { provide: AUTHENTICATOR, useValue: authenticator },
      { provide: AUDIT_TRAIL, useValue: new StreamAuditTrail(nc, publisher, clock) },
      { provide: PERSON_RECORDS, useValue: new PersonRecordPolicy() },
      { provide: PROJECTOR, useValue: projector },
      { provide: CLOCK, useValue: clock },
      { provide: NATIONAL_UNITS, useValue: units },
      { provide: NATIONAL_SUMMARIES, useValue: national },
      { provide: PLAN_IMPORT, useValue: plans },
      { provide: PLAN_REVISIONS, useValue: new PlanRevisionHistory(nc) },
      { provide: TASK_DECISIONS, useValue: new TaskDecisions(projector, publisher, clock) },
      { provide: ALERT_HANDLING, useValue: new AlertHandlingDecisions(projector, publisher, clock) },
      { provide: BOARD_HEALTH, useValue: health },
      { provide: REPORT_QUEUE, useValue: new ReportQueue(config.reports) },
      // 503 while the board goes stale (bus unreachable, store cannot write), with the reason.
      { provide: READINESS, useValue: () => health.readiness({ storeKind: store.kind, plans: projector.projection.state.plans.size, instance: instanceId, leader: leadership.leads, refusedTaskReports: Object.fromEntries(projector.refusedTaskReports) }) },
    ],
  })
  class CoordinationAppModule {}

  let app: INestApplication | undefined;
  const gate = config.refusalGate === false ? undefined : refusalGate(nc, { logger: messages });
  // The `lienganh.alerts.open_overdue` gauge, read from the projection when metrics are scraped.
  const stopOverdueGauge = watchOverdueAlerts(() => openOverdueAlerts(projector.projection));
  const close = async () => {
    await summaries?.stop(); // a last summary while NATS is there
    stopOverdueGauge();
    health.close();
    projector.changes.complete(); // ends the server-sent event streams (a last `closing` message), which would hold the HTTP server open
    await deadlines.stop();
    if (app) await closeHttpServer(app); // requests in flight get a drain deadline, then their connections are cut
    await leadership.stop(); // alert delivery stops, then a standby may take the lead
    await gate?.stop();
    await projector.stop();
    bodyRegister.close();
    agencyKeyRegister.close();
    subscriptions.close();
    userRegister.close();
    sessions.close();
    // Before NATS goes: the default store saves its last snapshot there.
    await store.close();
    await instanceLease.release();
    retireHolder(holder);
    if (!nc.isClosed()) await nc.drain();
  };
  try {
    await projector.start();
    await gate?.start();
    bodies.syncRegistry();
    await leadership.start();
    deadlines.start();
    summaries?.start(projector.changes);
    app = await createHttpApp(CoordinationAppModule, {
      ...(config.rateLimit !== undefined ? { rateLimit: config.rateLimit } : {}),
      ...(config.trustProxy !== undefined ? { trustProxy: config.trustProxy } : {}),
      // Per signed-in user, whichever token or session it uses.
      userOf: async (request) => (await authenticator.userOf(request))?.id,
      onUnexpectedError: (error) => logger.error({ err: error }, 'unexpected error in a request'),
      onRefused: logRefusals(logger),
    });
    // The committee's dashboard: static files, no build step (web/index.html at `/`).
    for (const [name, file] of Object.entries(BROWSER_MODULES)) {
      ((app as NestExpressApplication).getHttpAdapter().getInstance() as Express).get(`/assets/lib/${name}`, (_request, response) =>
        response.sendFile(file, { maxAge: '1m', headers: { 'content-type': 'text/javascript; charset=utf-8' } }),
      );
    }
    (app as NestExpressApplication).useStaticAssets(WEB_DIR, { index: 'index.html', maxAge: '1m' });
    await app.listen(config.port, config.host ?? '127.0.0.1');
  } catch (error) {
    await close().catch(() => undefined);
    throw error;
  }
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  logger.info({ url }, 'coordination service listening');
  return { url, instanceId, leadership, projector, plans, deadlines, subscriptions: subscriptionDelivery, close };
}

/** The default store with its snapshots; without them (a bucket not provisioned) when PCMD_SNAPSHOTS cannot be opened. */
async function snapshottingStore(nc: NatsConnection, instanceId: string, every: { everyEvents?: number; everyMs?: number }, logger: { info(message: string): void; warn(message: string): void }): Promise<CoordinationStore> {
  try {
    const shelf = await ProjectionSnapshots.open(nc, instanceId);
    const jsm = await jetstreamManager(nc);
    const streamEnds = async () => Object.fromEntries(await Promise.all(Object.values(STREAMS).map(async ({ name }) => [name, (await jsm.streams.info(name)).state.last_seq] as const)));
    return new SnapshottingCoordinationStore(shelf, { everyEvents: every.everyEvents ?? DEFAULT_SNAPSHOT_EVERY_EVENTS, everyMs: every.everyMs ?? DEFAULT_SNAPSHOT_EVERY_MS, version: snapshotVersion(), logger, streamEnds });
  } catch (error) {
    logger.warn(`coordination: snapshots off, every start replays the streams (${SNAPSHOTS_BUCKET}: ${String(error)})`);
    return new ProjectionOnlyStore();
  }
}
