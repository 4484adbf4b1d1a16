#!/usr/bin/env node
// The production topology on one machine, without a container engine: a three-node NATS
// cluster with JetStream on loopback (deploy/nats/cluster/node-N.conf, the per-agency
// identities of deploy/nats/auth.conf with keys generated under the data folder), the streams
// provisioned with three replicas as the operator, each service as its own process
// (services/<name>/dist/main.js, configured by environment as in deploy/), the demo plans
// imported. Prints the dashboard's address and the demo credentials; Ctrl-C stops everything.
//
//   node scripts/run-cluster.mjs [--data-dir .data]      (or: npm run cluster)
//
// Ports (environment): NATS_CLUSTER_PORTS and NATS_CLUSTER_ROUTE_PORTS (three each, comma-
// separated; default 4251-4253 and 6251-6253 as in the node configs), COORDINATION_PORT,
// LABOUR_PORT, POLICE_PORT, HEALTH_PORT, CULTURE_PORT, JUSTICE_PORT, REPORTING_PORT (defaults 8080-8086).
// MONGODB_URI, LIENGANH_WEBHOOKS(_FILE), LIENGANH_TELEMETRY and OTEL_* pass through to the services.
// Builds first when the workspace is not installed or built (scripts/setup.mjs). Plain Node.
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = fileURLToPath(new URL('..', import.meta.url));
const say = (line) => console.log(line);
const fail = (line, code = 1) => {
  console.error(`run-cluster: ${line}`);
  process.exit(code);
};

const SERVICES = [
  { name: 'coordination', portVariable: 'COORDINATION_PORT', defaultPort: 8080 },
  { name: 'labour', portVariable: 'LABOUR_PORT', defaultPort: 8081 },
  { name: 'police', portVariable: 'POLICE_PORT', defaultPort: 8082 },
  { name: 'health', portVariable: 'HEALTH_PORT', defaultPort: 8083 },
  { name: 'culture', portVariable: 'CULTURE_PORT', defaultPort: 8084 },
  { name: 'justice', portVariable: 'JUSTICE_PORT', defaultPort: 8085 },
  // Bodies without a service of their own (ADR 0011); their NATS users need each node reloaded (docs/operations.md).
  { name: 'reporting', portVariable: 'REPORTING_PORT', defaultPort: 8086 },
];
const NODES = [1, 2, 3];
const START_TIMEOUT_MS = 180_000;
const STOP_TIMEOUT_MS = 20_000;

// ---- Input first: bad input changes nothing (exit 2). ----
let options;
try {
  options = parseArgs({ options: { 'data-dir': { type: 'string', default: '.data' }, help: { type: 'boolean', short: 'h' } } }).values;
} catch (error) {
  fail(`${error.message} (--help for usage)`, 2);
}
if (options.help) {
  say('Usage: node scripts/run-cluster.mjs [--data-dir DIR]   (default .data; the cluster keeps its data in DIR/cluster)');
  say('Ports: NATS_CLUSTER_PORTS, NATS_CLUSTER_ROUTE_PORTS (three each), COORDINATION_PORT, LABOUR_PORT … JUSTICE_PORT, REPORTING_PORT');
  process.exit(0);
}
const dataDir = resolve(options['data-dir']);
const clusterDir = join(dataDir, 'cluster');
const port = (name, raw) => {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 65535) fail(`${name} must be a port number from 1 to 65535, got "${raw}"`, 2);
  return value;
};
const portList = (name, fallback) => {
  const raw = process.env[name];
  if (!raw) return fallback;
  const ports = raw.split(',').map((entry) => port(name, entry.trim()));
  if (ports.length !== 3) fail(`${name} must list three ports (one per node), got "${raw}"`, 2);
  return ports;
};
const servicePorts = Object.fromEntries(SERVICES.map((service) => [service.name, port(service.portVariable, process.env[service.portVariable] ?? service.defaultPort)]));

// ---- Node 24 and a built workspace, as npm start has them. ----
const mains = [...SERVICES.map((service) => join(root, 'services', service.name, 'dist', 'main.js')), join(root, 'services', 'platform', 'dist', 'nats', 'provision-streams.js')];
if (!existsSync(join(root, 'node_modules', '.package-lock.json')) || mains.some((main) => !existsSync(main))) {
  say('[run-cluster] cài đặt và biên dịch / installing and building (scripts/setup.mjs)');
  const setup = await exited(spawn(process.execPath, [join(root, 'scripts', 'setup.mjs')], { cwd: root, stdio: 'inherit' }));
  if (setup !== 0) fail('setup failed (see above)');
}
if (Number(process.versions.node.split('.')[0]) < 24) {
  // The services need Node 24; the workspace brings it (the `node` devDependency).
  const node24 = join(root, 'node_modules', '.bin', 'node');
  if (!existsSync(node24)) fail('Node 24 is needed: run `npm install` first, or run this with Node 24');
  process.on('SIGINT', () => {}); // the child gets Ctrl-C too, and stops in order
  process.on('SIGTERM', () => {});
  const child = spawn(node24, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(await exited(child));
}

const platform = await import('@lienganh/platform');
const { parsePlanDocument } = await import('@lienganh/contracts');
const { NatsServer, clusterPorts, ensureNatsKeys, natsKeysEnv, seedFileOf, ensureDemoCredentials, ensureDemoUsers, demoUserToken, ensurePseudonymKey, pseudonymKeyFileOf } = platform;

const clientPorts = portList('NATS_CLUSTER_PORTS', NODES.map((node) => clusterPorts(node).client));
const routePorts = portList('NATS_CLUSTER_ROUTE_PORTS', NODES.map((node) => clusterPorts(node).route));
const natsUrl = clientPorts.map((client) => `nats://127.0.0.1:${client}`).join(',');

mkdirSync(join(clusterDir, 'logs'), { recursive: true });
const keysDir = join(dataDir, 'nats-keys');
const keys = ensureNatsKeys(keysDir);
// nats-server reads each identity's public key from its environment (auth.conf: $LIENGANH_NKEY_…).
Object.assign(process.env, natsKeysEnv(keys));

const nodes = [];
const services = new Map(); // name → child process
let stopping = false;
let up = false;
// Ctrl-C during the start stops what has started so far; after it, the same stops everything.
const stopRequested = new Promise((done) => {
  process.once('SIGINT', done);
  process.once('SIGTERM', done);
});
void stopRequested.then(async () => {
  if (up) return;
  say('Đang dừng / stopping…');
  await stopAll();
  process.exit(130);
});

async function stopAll() {
  stopping = true;
  await Promise.all(
    [...services.values()].map(async (child) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const gone = exited(child);
      signalGroup(child, 'SIGTERM');
      const timer = setTimeout(() => signalGroup(child, 'SIGKILL'), STOP_TIMEOUT_MS);
      await gone;
      clearTimeout(timer);
    }),
  );
  await Promise.all(nodes.map((node) => node.stop()));
}
// Whatever happens to this process, no service is left behind (NatsServer does the same for its nodes).
process.once('exit', () => {
  for (const child of services.values()) if (child.exitCode === null && child.signalCode === null) signalGroup(child, 'SIGKILL');
});

try {
  // ---- The NATS cluster: the committed node configs, with this run's ports as flags (flags win
  // over the file) and its store. nats-server refuses a store both in the file and as a flag, and
  // resolves `include` next to the file: so each config is copied beside a copy of auth.conf,
  // as in deploy/nats/, with only its store_dir line taken out.
  const configDir = join(clusterDir, 'nats-config');
  mkdirSync(join(configDir, 'cluster'), { recursive: true });
  copyFileSync(join(root, 'deploy', 'nats', 'auth.conf'), join(configDir, 'auth.conf'));
  const started = await Promise.allSettled(
    NODES.map(async (node, index) => {
      const committed = readFileSync(join(root, 'deploy', 'nats', 'cluster', `node-${node}.conf`), 'utf8');
      const derived = committed.replace(/^\s*store_dir:.*$/m, '  # store_dir: given by scripts/run-cluster.mjs (-sd)');
      if (derived === committed) throw new Error(`deploy/nats/cluster/node-${node}.conf has no store_dir line to replace`);
      const config = join(configDir, 'cluster', `node-${node}.conf`);
      writeFileSync(config, `# Copied from deploy/nats/cluster/node-${node}.conf by scripts/run-cluster.mjs, store_dir taken out.\n${derived}`);
      return NatsServer.start({
        host: '127.0.0.1',
        port: clientPorts[index],
        storeDir: join(clusterDir, 'nats', `node-${node}`),
        name: `lienganh-node-${node}`,
        readyTimeoutMs: 60_000,
        args: [
          '-c', config,
          '--cluster', `nats://127.0.0.1:${routePorts[index]}`,
          '--routes', routePorts.filter((_, other) => other !== index).map((route) => `nats://127.0.0.1:${route}`).join(','),
        ],
      });
    }),
  );
  for (const result of started) if (result.status === 'fulfilled') nodes.push(result.value);
  const failed = started.find((result) => result.status === 'rejected');
  if (failed) throw failed.reason;
  say(`NATS (JetStream, 3 nút / nodes): ${natsUrl}`);

  // ---- Streams with three replicas, as the operator: what the provision-streams Job does in deploy/k8s. ----
  const provision = spawn(process.execPath, [join(root, 'services', 'platform', 'dist', 'nats', 'provision-streams.js')], {
    cwd: root,
    env: { ...serviceEnvironment(), NATS_NKEY_SEED_FILE: seedFileOf(keysDir, 'operator'), LIENGANH_STREAM_REPLICAS: '3', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if ((await exited(provision)) !== 0) throw new Error('the streams could not be provisioned (see above)');
  say('Streams: 3 bản sao / replicas');

  // ---- Demo credentials: agency ingestion keys and dashboard users, as npm start writes them. ----
  const credentialsFile = join(dataDir, 'demo-credentials.json');
  const usersFile = join(dataDir, 'demo-users.json');
  ensureDemoCredentials(credentialsFile);
  ensureDemoUsers(credentialsFile, usersFile);
  const token = demoUserToken('secretariat', credentialsFile);
  // Each agency service its own pseudonymisation key, as npm start keeps them.
  const pseudonymKeysDir = join(dataDir, 'pseudonym-keys');
  const pseudonymous = (name) => name !== 'coordination' && name !== 'reporting';
  for (const service of SERVICES.filter(({ name }) => pseudonymous(name))) ensurePseudonymKey(pseudonymKeysDir, service.name);

  // ---- Each service as its own process, its own NATS identity, its log in a file. ----
  for (const service of SERVICES) {
    const log = openSync(join(clusterDir, 'logs', `${service.name}.log`), 'a');
    const child = spawn(process.execPath, [join(root, 'services', service.name, 'dist', 'main.js')], {
      cwd: root,
      env: {
        ...serviceEnvironment(),
        NATS_NKEY_SEED_FILE: seedFileOf(keysDir, service.name),
        [service.portVariable]: String(servicePorts[service.name]),
        HOST: '127.0.0.1',
        DATA_DIR: clusterDir,
        LIENGANH_CREDENTIALS_FILE: credentialsFile,
        LIENGANH_USERS_FILE: usersFile,
        ...(pseudonymous(service.name) ? { LIENGANH_PSEUDONYM_KEY_FILE: pseudonymKeyFileOf(pseudonymKeysDir, service.name) } : {}),
        LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
      },
      stdio: ['ignore', log, log],
      // Its own process group: Ctrl-C reaches this script only, which stops the services in order.
      detached: true,
    });
    services.set(service.name, child);
    child.once('exit', (code, signal) => {
      if (stopping || !up) return; // at start, healthy() says why
      console.error(`run-cluster: ${service.name} stopped unexpectedly (${signal ?? `exit ${code}`}); its log: ${join(clusterDir, 'logs', `${service.name}.log`)}`);
      void stopAll().then(() => process.exit(1));
    });
  }
  await Promise.all(SERVICES.map((service) => healthy(service)));

  // ---- The demo plans on the board, through the API as an operator would import them. ----
  const coordinationUrl = url('coordination');
  const demoDir = join(root, 'services', 'coordination', 'demo');
  for (const file of readdirSync(demoDir).filter((name) => name.endsWith('.plan.yaml')).sort()) {
    const plan = parsePlanDocument(readFileSync(join(demoDir, file), 'utf8'), 'yaml');
    const response = await fetch(`${coordinationUrl}/api/v1/plans`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(plan),
      signal: AbortSignal.timeout(60_000),
    });
    if (response.status === 201) say(`Kế hoạch mẫu / demo plan: ${plan.id} (${plan.title.vi})`);
    else if (response.status !== 409) throw new Error(`importing ${file}: HTTP ${response.status} ${(await response.text()).slice(0, 300)}`);
  }

  for (const service of SERVICES.slice(1)) say(`Dịch vụ ${service.name} / ${service.name} service: ${url(service.name)}/api/v1/events`);
  say(`Bảng điều khiển Ban Chỉ đạo 138 / committee dashboard: ${coordinationUrl}/`);
  say(`Tài khoản demo / demo credentials: ${credentialsFile} (agencyKeys, users)`);
  if (token) say(`Mã đăng nhập thường trực (demo) / secretariat demo token: ${token}`);
  say(`Nhật ký / logs: ${join(clusterDir, 'logs')}`);
  say('Nhấn Ctrl-C để dừng / press Ctrl-C to stop');
  up = true;
} catch (error) {
  console.error(`run-cluster: ${error instanceof Error ? error.message : String(error)}`);
  await stopAll();
  process.exit(1);
}

await stopRequested;
say('Đang dừng / stopping…');
await stopAll();
say('Đã dừng / stopped');
process.exit(0);

/** What every process started here shares: the cluster's address, nothing inline that would win over a file. */
function serviceEnvironment() {
  const env = { ...process.env, NATS_URL: natsUrl };
  // An inline seed or key list in this shell would override each service's own file.
  delete env.NATS_NKEY_SEED;
  delete env.LIENGANH_AGENCY_KEYS;
  delete env.LIENGANH_PSEUDONYM_KEY;
  delete env.PORT;
  for (const name of Object.keys(env)) if (name.startsWith('LIENGANH_NKEY_')) delete env[name];
  return env;
}

function url(name) {
  return `http://127.0.0.1:${servicePorts[name]}`;
}

/** Resolves once the service answers /healthz (coordination listens only after catching up). */
async function healthy(service) {
  const deadline = Date.now() + START_TIMEOUT_MS;
  const child = services.get(service.name);
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${service.name} exited at start; its log: ${join(clusterDir, 'logs', `${service.name}.log`)}`);
    }
    try {
      const response = await fetch(`${url(service.name)}/healthz`, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${service.name} did not answer on ${url(service.name)}/healthz within ${START_TIMEOUT_MS / 1000} s; its log: ${join(clusterDir, 'logs', `${service.name}.log`)}`);
}

function signalGroup(child, signal) {
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

function exited(child) {
  return new Promise((done) => {
    if (child.exitCode !== null || child.signalCode !== null) return done(child.exitCode ?? 1);
    child.once('exit', (code) => done(code ?? 1));
    child.once('error', () => done(1));
  });
}
