import { mkdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { catalog, parsePlanDocument, STREAMS } from '@lienganh/contracts';
import {
  checkWebhookReceivers,
  COORDINATION_PORT,
  DEMO_PLAN_FILES,
  loadWebhookReceivers,
  startCoordinationService,
  storeOptionsFromEnv,
  WebhookConfigError,
  webhookAllowList,
  type RunningCoordinationService,
  type WebhookReceivers,
} from '@lienganh/coordination';
import { cultureService } from '@lienganh/culture';
import { healthService } from '@lienganh/health';
import { justiceService } from '@lienganh/justice';
import { labourService } from '@lienganh/labour';
import {
  createLogger,
    ensureDemoCredentials,
  ensureDemoUsers,
  ensurePseudonymKey,
  loadUserDirectory,
  SessionPolicyError,
  sessionPolicyFromEnv,
  TrustProxyError,
  trustProxyFromEnv,
  UserDirectory,
  UsersFileError,
  connectToNats,
  ensureNatsKeys,
  ensureStreams,
  BodiesNatsSync,
  writeRuntimeNatsConfig,
  ignoreOutputErrors,
  NatsServer,
  natsKeysEnv,
  setupTelemetry,
  startAgencyService,
  stopDeadlineMs,
  stopLeftoverNatsServers,
  stopTelemetry,
  superviseNatsServer,
  TelemetryConfigError,
  terminalDestination,
  type Logger,
  type RunningAgencyService,
} from '@lienganh/platform';
import { policeService } from '@lienganh/police';
import { REPORTING_PORT, startReportingService, type RunningReportingService } from '@lienganh/reporting';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { Command } from 'commander';
import { UsageError } from '../usage-error.js';
import { text } from '../cli-language.js';

const DEFAULT_NATS_PORT = 4250;
/** The generated configuration with every identity's permissions (deploy/nats, `npx lienganh nats config`). */
const NATS_CONFIG_DIR = fileURLToPath(new URL('../../../../deploy/nats', import.meta.url));
const EMBEDDED_SERVER_NAME = 'lienganh-embedded';

/**
 * The embedded default (DESIGN.md conventions): its own nats-server with JetStream on
 * 127.0.0.1:4250 with data under .data/, unless NATS_URL points at an external one.
 */
export function startCommand(): Command {
  return new Command('start')
    .description(text({ vi: 'Chạy hệ thống: nats-server nhúng (hoặc NATS_URL), các luồng sự kiện, dịch vụ của năm cơ quan, dịch vụ báo cáo của các cơ quan, tổ chức khác và dịch vụ điều phối với các kế hoạch demo; Ctrl-C để dừng', en: 'Run the system: the embedded nats-server (or NATS_URL), the streams, the five agency services, the reporting service of the other bodies and coordination with the demo plans; Ctrl-C stops it' }))
    .option('--data-dir <dir>', text({ vi: 'nơi máy chủ nhúng lưu dữ liệu', en: 'where the embedded server keeps its data' }), '.data')
    .action(async (options: { dataDir: string }) => {
      // Every setting is checked before anything starts: bad input changes nothing.
      const port = natsPort();
      const ports = AGENCY_SERVICE_DEFINITIONS.map((definition) => servicePort(definition.agency, definition.defaultPort));
      const coordinationPort = servicePort('coordination', COORDINATION_PORT);
      const reportingPort = servicePort('reporting', REPORTING_PORT);
      const webhooks = await webhookReceivers();
      const configuredUsers = usersFromFile();
      const tickMs = deadlineTickMs();
      logLevel();
      const { sessions, trustProxy } = accessSettings();
      telemetry();
      // One nkey per identity, made once: each service connects as itself, this command as the operator.
      const natsKeysDir = resolve(options.dataDir, 'nats-keys');
      const natsKeys = ensureNatsKeys(natsKeysDir);
      let server: NatsServer | undefined;
      let url = process.env.NATS_URL;
      if (!url) {
        const storeDir = resolve(options.dataDir, 'nats');
        mkdirSync(storeDir, { recursive: true });
        // A server of this store left by a start that did not stop it would hold the port and the store.
        const pidFile = resolve(options.dataDir, 'nats-server.pid');
        for (const pid of await stopLeftoverNatsServers({ storeDir, pidFile })) {
          console.log(`Đã dừng nats-server còn sót lại (pid ${pid}) của ${storeDir} / stopped a leftover nats-server (pid ${pid}) of the same data directory`);
        }
        // The committed configuration plus the users of bodies issued credentials at run time (ADR 0011),
        // in .data/nats-conf/, reloaded when they change: it names the server and its store, as a reload needs.
        const conf = writeRuntimeNatsConfig(NATS_CONFIG_DIR, resolve(options.dataDir, 'nats-conf'), [], { serverName: EMBEDDED_SERVER_NAME, storeDir });
        // pidFile: how the next start finds it; it also ends when this process ends, however (dieWithParent).
        server = await NatsServer.start({ port, storeDir, storeInConfig: true, pidFile, name: EMBEDDED_SERVER_NAME, args: ['-c', conf], env: natsKeysEnv(natsKeys) });
        url = server.url;
        console.log(`nats-server (JetStream) đang chạy / running at ${url}, dữ liệu / data: ${storeDir}`);
      }
      // It comes back by itself if it dies; the services reconnect and catch up.
      const supervisor = server ? superviseNatsServer(server, { logger: bound(log('nats')) }) : undefined;
      const credentialsFile = resolve(options.dataDir, 'demo-credentials.json');
      // Each agency its own pseudonymisation key (mode 600), made once: the same record key keeps its sr_… across restarts.
      const pseudonymKeysDir = resolve(options.dataDir, 'pseudonym-keys');
      let nc: NatsConnection | undefined;
      let bodiesSync: BodiesNatsSync | undefined;
      let users = configuredUsers;
      const services: RunningAgencyService[] = [];
      let coordination: RunningCoordinationService | undefined;
      let reporting: RunningReportingService | undefined;
      const stopAll = async () => {
        await coordination?.close();
        await reporting?.close();
        for (const service of services) await service.close();
        bodiesSync?.close();
        supervisor?.stop();
        await nc?.drain();
        await server?.stop();
        await stopTelemetry();
      };
      try {
        // Reconnects for ever, as the services do: a restarted server finds it again.
        nc = await connectToNats({ servers: url, name: 'lienganh-start', identity: 'operator', seed: natsKeys.operator.seed });
        await ensureStreams(await jetstreamManager(nc));
        console.log(`Streams: ${Object.values(STREAMS).map((stream) => stream.name).join(', ')}`);
        // This process owns the embedded server: it gives bodies issued credentials their NATS users, without a restart.
        if (server) bodiesSync = await BodiesNatsSync.start({ nc, server, sourceDir: NATS_CONFIG_DIR, runtimeDir: resolve(options.dataDir, 'nats-conf'), logger: bound(log('nats')) });
        console.log(`Danh mục sự kiện / event catalog: ${catalog.length} types (npx lienganh catalog)`);
        const keys = ensureDemoCredentials(credentialsFile);
        // Without LIENGANH_USERS_FILE: demo users, their tokens beside the demo keys, their hashes in a users file.
        users ??= new UserDirectory(ensureDemoUsers(credentialsFile, resolve(options.dataDir, 'demo-users.json')));
        for (const [index, definition] of AGENCY_SERVICE_DEFINITIONS.entries()) {
          services.push(
            await startAgencyService(definition, {
              natsUrl: url,
              natsSeed: natsKeys[definition.agency].seed,
              port: ports[index]!,
              dataDir: options.dataDir,
              keys,
              pseudonymKey: ensurePseudonymKey(pseudonymKeysDir, definition.agency),
              logger: log(definition.agency),
            }),
          );
        }
        reporting = await startReportingService({
          natsUrl: url,
          natsSeed: natsKeys.reporting.seed,
          port: reportingPort,
          dataDir: options.dataDir,
          logger: log('reporting'),
        });
        coordination = await startCoordinationService({
          natsUrl: url,
          natsSeed: natsKeys.coordination.seed,
          port: coordinationPort,
          ...(await storeOptionsFromEnv(process.env)),
          webhooks,
          users: users!,
          sessions,
          ...(trustProxy !== undefined ? { trustProxy } : {}),
          deadlineTickMs: tickMs,
          logger: log('coordination'),
        });
        await loadDemoPlans(coordination);
      } catch (error) {
        await stopAll(); // e.g. a port in use: stop what already started, then say why
        throw error;
      }
      for (const service of services) console.log(`Dịch vụ ${service.agency} / ${service.agency} service: ${service.url}/api/v1/events`);
      console.log(`Cổng báo cáo của các cơ quan khác / reporting service of the other bodies: ${reporting!.url} (POST /api/v1/events with a body's key: npx lienganh bodies credentials issue <body>)`);
      if (!server) console.log('nats-server ngoài / external nats-server: after issuing or revoking a body\'s credentials, run `npx lienganh nats config --bodies --out <dir>` and reload it (docs/operations.md)');
      console.log(`Bảng điều khiển Ban Chỉ đạo 138 / committee dashboard: ${coordination!.url}/`);
      console.log(`Điều phối / coordination: ${coordination!.url}/api/v1/committee/overview, /api/v1/tasks, /api/v1/alerts, /api/v1/stream`);
      console.log(`Khóa demo / demo keys: ${credentialsFile}`);
      const userIds = users!.describe().map((user) => user.id).join(', ');
      if (process.env.LIENGANH_USERS_FILE) console.log(`Người dùng / users (${process.env.LIENGANH_USERS_FILE}): ${userIds}`);
      else console.log(`Người dùng demo / demo users (mã truy cập / tokens: "users" in ${credentialsFile}): ${userIds}`);
      console.log('Cấp, đổi, thu hồi mã truy cập / issue, rotate, revoke users\' tokens: npx lienganh users --help');
      console.log(`Danh tính NATS / NATS identities: ${natsKeysDir} (nkeys.env: public keys for an external nats-server)`);
      console.log(`Khóa bí danh hóa / pseudonymisation keys: ${pseudonymKeysDir} (one per agency: record keys become sr_… references)`);
      console.log('Nhấn Ctrl-C để dừng / press Ctrl-C to stop');

      // Ctrl-C, SIGTERM and SIGHUP (the terminal closed) stop everything, within the stop deadline (`stopDeadlineMs`): past it,
      // or at a second signal, the process exits and the nats-server gets SIGKILL (see NatsServer).
      const signal = await new Promise<NodeJS.Signals>((done) => {
        for (const name of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(name, done);
      });
      if (signal === 'SIGHUP') ignoreOutputErrors(); // the terminal may be gone
      // A signal that comes twice at once (a wrapper passing on the terminal's) is one; later, it forces.
      const signalledAt = Date.now();
      for (const name of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(name, () => Date.now() - signalledAt > 1_000 && process.exit(1));
      const deadlineMs = stopDeadlineMs(process.env);
      setTimeout(() => {
        console.error(`Dừng quá ${deadlineMs / 1000} giây, buộc dừng / stopping took over ${deadlineMs / 1000} s, forced`);
        process.exit(1);
      }, deadlineMs).unref();
      console.log(`Đang dừng (${signal}) / stopping (${signal})`);
      await stopAll();
      console.log('Đã dừng / stopped');
      process.exit(0);
    });
}

/**
 * The logs of `npm start`: at info unless `LOG_LEVEL` says otherwise (alerts raised, events
 * refused, the bus restarted…), lines to read on a terminal, JSON lines when piped to a collector.
 */
let destination: ReturnType<typeof terminalDestination> | null = null;
function log(service: string): Logger {
  destination ??= terminalDestination();
  return createLogger(service, logLevel(), destination);
}

/** `LOG_LEVEL` (default info): one of pino's levels, or a usage error before anything starts. */
function logLevel(): string {
  const level = process.env.LOG_LEVEL || 'info';
  if (!LOG_LEVELS.includes(level)) throw new UsageError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${level}"`);
  return level;
}
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** A logger's methods as plain functions (pino's need their `this`). */
function bound(logger: Logger): { info(message: string): void; warn(message: string): void; error(message: string): void } {
  return { info: (message) => logger.info(message), warn: (message) => logger.warn(message), error: (message) => logger.error(message) };
}

/** The demo plans go on the board once; a restart finds them on the stream. */
async function loadDemoPlans(coordination: RunningCoordinationService): Promise<void> {
  for (const file of DEMO_PLAN_FILES) {
    const plan = parsePlanDocument(readFileSync(file, 'utf8'), 'yaml');
    if (coordination.projector.projection.state.plans.has(plan.id)) continue;
    await coordination.plans.import(plan);
    console.log(`Kế hoạch mẫu / demo plan: ${plan.id} (${plan.title.vi})`);
  }
}

const AGENCY_SERVICE_DEFINITIONS = [labourService, policeService, healthService, cultureService, justiceService];

function servicePort(agency: string, defaultPort: number): number {
  return portFromEnv(`${agency.toUpperCase()}_PORT`, defaultPort);
}

/**
 * Alert webhooks from LIENGANH_WEBHOOKS or LIENGANH_WEBHOOKS_FILE, each host resolved and checked
 * against LIENGANH_WEBHOOK_ALLOW: a bad one (or a name resolving to a private address) is a usage
 * error, before anything starts.
 */
async function webhookReceivers(): Promise<WebhookReceivers> {
  try {
    const receivers = loadWebhookReceivers(process.env);
    await checkWebhookReceivers(receivers, webhookAllowList(process.env), { origin: 'webhooks' });
    return receivers;
  } catch (error) {
    if (error instanceof WebhookConfigError) throw new UsageError(error.message);
    throw error;
  }
}

/** Metrics (GET /metrics on every port) and, when asked for, tracing for the whole process; a bad setting is a usage error. */
function telemetry(): void {
  try {
    setupTelemetry('lienganh');
  } catch (error) {
    if (error instanceof TelemetryConfigError) throw new UsageError(error.message);
    throw error;
  }
}

/** Dashboard sessions (LIENGANH_SESSION_IDLE_MINUTES, LIENGANH_SESSION_MAX_HOURS) and TRUST_PROXY; a bad one is a usage error, before anything starts. */
function accessSettings() {
  try {
    return { sessions: sessionPolicyFromEnv(process.env), trustProxy: trustProxyFromEnv(process.env) };
  } catch (error) {
    if (error instanceof SessionPolicyError || error instanceof TrustProxyError) throw new UsageError(error.message);
    throw error;
  }
}

/** The users of the dashboard and API from LIENGANH_USERS_FILE, if it is set; a bad file is a usage error, before anything starts. */
function usersFromFile(): UserDirectory | undefined {
  if (!process.env.LIENGANH_USERS_FILE) return undefined;
  try {
    return loadUserDirectory(process.env);
  } catch (error) {
    if (error instanceof UsersFileError) throw new UsageError(error.message);
    throw error;
  }
}

/** How often deadlines are checked (`DEADLINE_TICK_MS`, default 30 s), as coordination's own process reads it. */
function deadlineTickMs(): number {
  const raw = process.env.DEADLINE_TICK_MS ?? '30000';
  const ms = Number(raw);
  if (!Number.isInteger(ms) || ms < 0) throw new UsageError(`DEADLINE_TICK_MS must be a whole number of milliseconds, got "${raw}"`);
  return ms;
}

function natsPort(): number {
  return portFromEnv('NATS_PORT', DEFAULT_NATS_PORT);
}

function portFromEnv(name: string, fallback: number): number {
  const raw = process.env[name] ?? String(fallback);
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`${name} must be a port number, got "${raw}"`);
  return port;
}
