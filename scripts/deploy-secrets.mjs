#!/usr/bin/env node
// Makes the secrets a deployment of deploy/ needs, once, on the operator's machine:
//   deploy/secrets/nats/<identity>.nk, nkeys.env   nkey seed per NATS identity, public keys (npx lienganh nats keys)
//   deploy/secrets/<agency>-key.json               the ingestion key of each agency service
//   deploy/secrets/<agency>-pseudonym.key          each agency service's pseudonymisation key (record keys → sr_…)
//   deploy/secrets/users.json, admin-token.txt     the first dashboard user (secretariat) and its token
//   deploy/secrets/webhooks.json                   alert webhooks (none until you add them)
//   deploy/secrets/mongodb-keyfile                 the replica set members' shared key
//   deploy/.env                                    MongoDB passwords, read by docker compose
// and with --k8s deploy/secrets/k8s-secrets.yaml: deploy/k8s/secrets.template.yaml with every value filled.
// With --national, for deploy/national/ (the hub and its province sites, ADR 0024), also each site's
// leaf password in deploy/.env (LIENGANH_LEAF_PASSWORD_P01, …), and with --k8s
// deploy/secrets/k8s-national-secrets.yaml: deploy/national/k8s/secrets.template.yaml filled.
// What exists is kept: to rotate one, delete its file (a password: its line) and run this again (docs/operations.md).
//
//   node scripts/deploy-secrets.mjs [--k8s] [--national] [--deploy-dir deploy]
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = fileURLToPath(new URL('..', import.meta.url));
const AGENCIES = ['labour', 'police', 'health', 'culture', 'justice'];
/** The province sites of deploy/national/ (official codes): Hà Nội, Hồ Chí Minh City. */
const NATIONAL_SITES = ['01', '79'];

let options;
try {
  options = parseArgs({ options: { 'deploy-dir': { type: 'string', default: join(root, 'deploy') }, k8s: { type: 'boolean', default: false }, national: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h' } } }).values;
} catch (error) {
  console.error(`deploy-secrets: ${error.message} (--help for usage)`);
  process.exit(2);
}
if (options.help) {
  console.log('Usage: node scripts/deploy-secrets.mjs [--k8s] [--national] [--deploy-dir DIR]   (default: the repository\'s deploy/)');
  process.exit(0);
}

let platform;
let YAML;
try {
  platform = await import('@lienganh/platform');
  YAML = await import('yaml');
} catch {
  console.error('deploy-secrets: the workspace is not built: run `npm run setup` first');
  process.exit(1);
}
const { ensureNatsKeys, NATS_IDENTITIES, seedFileOf, NKEYS_ENV_FILE } = platform;

const deployDir = resolve(options['deploy-dir']);
const secretsDir = join(deployDir, 'secrets');
mkdirSync(secretsDir, { recursive: true, mode: 0o700 });
chmodSync(secretsDir, 0o700);
const random = (bytes) => randomBytes(bytes).toString('base64url');
const made = [];

/** Writes `file` unless it exists; returns its content. Compose mounts files as they are, and the
 * services run as the image's `node` user: readable files, in a folder only its owner enters. */
function keep(file, make, mode = 0o644) {
  if (!existsSync(file)) {
    writeFileSync(file, make(), { mode });
    made.push(file);
  }
  chmodSync(file, mode);
  return readFileSync(file, 'utf8');
}

// NATS: a seed per identity and the public keys nats-server reads (the CLI's own key maker).
const natsDir = join(secretsDir, 'nats');
const keys = ensureNatsKeys(natsDir);
for (const identity of NATS_IDENTITIES) chmodSync(seedFileOf(natsDir, identity), 0o644);

const agencyKeys = Object.fromEntries(
  AGENCIES.map((agency) => {
    const content = keep(join(secretsDir, `${agency}-key.json`), () => `${JSON.stringify({ agencyKeys: { [agency]: `${agency}-${random(24)}` } })}\n`);
    return [agency, JSON.parse(content).agencyKeys[agency]];
  }),
);

// 32 random bytes, base64: what LIENGANH_PSEUDONYM_KEY_FILE takes. Rotating one changes that agency's every later reference.
const pseudonymKeys = Object.fromEntries(
  AGENCIES.map((agency) => [agency, keep(join(secretsDir, `${agency}-pseudonym.key`), () => `${randomBytes(32).toString('base64')}\n`).trim()]),
);

const adminToken = keep(join(secretsDir, 'admin-token.txt'), () => `lg_${random(32)}\n`, 0o600).trim();
const users = keep(join(secretsDir, 'users.json'), () =>
  `${JSON.stringify({ users: [{ id: 'admin', name: 'Quản trị / administrator', role: 'secretariat', tokenSha256: createHash('sha256').update(adminToken, 'utf8').digest('hex') }] }, null, 2)}\n`,
);
const webhooks = keep(join(secretsDir, 'webhooks.json'), () => '{}\n');
const keyfile = keep(join(secretsDir, 'mongodb-keyfile'), () => `${randomBytes(756).toString('base64')}\n`, 0o600);

// deploy/.env: what compose interpolates (${MONGO_ROOT_PASSWORD}, ${LIENGANH_MONGO_PASSWORD}).
const envFile = join(deployDir, '.env');
const env = Object.fromEntries(
  (existsSync(envFile) ? readFileSync(envFile, 'utf8') : '')
    .split('\n')
    .filter((line) => /^[A-Z_][A-Z0-9_]*=/.test(line))
    .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
);
const passwords = { MONGO_ROOT_PASSWORD: env.MONGO_ROOT_PASSWORD || random(24), LIENGANH_MONGO_PASSWORD: env.LIENGANH_MONGO_PASSWORD || random(24) };
// --national: each site's password on the hub's leaf port (deploy/national/hub-nats.conf). nats-server
// reads it from the environment as a configuration value: a letter first, then only letters, digits, - and _.
const leafPasswordVariable = (code) => `LIENGANH_LEAF_PASSWORD_P${code}`;
if (options.national) for (const code of NATIONAL_SITES) passwords[leafPasswordVariable(code)] = env[leafPasswordVariable(code)] || `leaf_${random(24)}`;
if (Object.keys(passwords).some((name) => !env[name])) {
  const kept = Object.entries(env).filter(([name]) => !(name in passwords));
  const lines = [...kept, ...Object.entries(passwords)].map(([name, value]) => `${name}=${value}`);
  writeFileSync(envFile, `# Secrets for docker compose (deploy/compose.yaml); written by scripts/deploy-secrets.mjs\n${lines.join('\n')}\n`, { mode: 0o600 });
  made.push(envFile);
}
chmodSync(envFile, 0o600);

if (options.k8s) {
  // The template, every value filled: the same Secrets, the same keys, nothing left to replace.
  const template = readFileSync(join(root, 'deploy', 'k8s', 'secrets.template.yaml'), 'utf8');
  const values = {
    'nats-identities': Object.fromEntries(NATS_IDENTITIES.map((identity) => [`LIENGANH_NKEY_${identity.toUpperCase()}`, keys[identity].publicKey])),
    ...Object.fromEntries(NATS_IDENTITIES.map((identity) => [`${identity}-nats`, { 'nkey-seed': keys[identity].seed }])),
    ...Object.fromEntries(AGENCIES.map((agency) => [`${agency}-ingestion`, { 'credentials.json': JSON.stringify({ agencyKeys: { [agency]: agencyKeys[agency] } }) }])),
    ...Object.fromEntries(AGENCIES.map((agency) => [`${agency}-pseudonym`, { 'pseudonym.key': pseudonymKeys[agency] }])),
    'lienganh-users': { 'users.json': users },
    'coordination-webhooks': { 'webhooks.json': webhooks },
    'coordination-mongodb': {
      uri: `mongodb://lienganh:${passwords.LIENGANH_MONGO_PASSWORD}@mongodb-0.mongodb:27017,mongodb-1.mongodb:27017,mongodb-2.mongodb:27017/lienganh?replicaSet=rs0&authSource=admin`,
    },
    'mongodb-auth': { 'root-username': 'root', 'root-password': passwords.MONGO_ROOT_PASSWORD, 'lienganh-password': passwords.LIENGANH_MONGO_PASSWORD, keyfile },
  };
  const documents = YAML.parseAllDocuments(template).map((document) => {
    const secret = document.toJS();
    const filled = values[secret.metadata.name];
    if (!filled) throw new Error(`deploy-secrets: no value for Secret ${secret.metadata.name} of the template`);
    for (const key of Object.keys(secret.stringData)) {
      if (!(key in filled)) throw new Error(`deploy-secrets: no value for ${secret.metadata.name}.${key} of the template`);
      secret.stringData[key] = filled[key];
    }
    return YAML.stringify(secret, { lineWidth: 0 });
  });
  const out = join(secretsDir, 'k8s-secrets.yaml');
  writeFileSync(out, `# Filled from deploy/k8s/secrets.template.yaml by scripts/deploy-secrets.mjs: secret, never commit.\n${documents.join('---\n')}`, { mode: 0o600 });
  chmodSync(out, 0o600);
  made.push(out);
}

if (options.k8s && options.national) {
  // deploy/national/k8s/secrets.template.yaml filled: the hub's Secret holds every site's leaf password, each site's its own.
  const template = readFileSync(join(root, 'deploy', 'national', 'k8s', 'secrets.template.yaml'), 'utf8');
  const values = {
    'lienganh-hub/leaf-passwords': Object.fromEntries(NATIONAL_SITES.map((code) => [leafPasswordVariable(code), passwords[leafPasswordVariable(code)]])),
    ...Object.fromEntries(NATIONAL_SITES.map((code) => [`lienganh-p${code}/leaf-password`, { password: passwords[leafPasswordVariable(code)] }])),
  };
  const documents = YAML.parseAllDocuments(template).map((document) => {
    const secret = document.toJS();
    const name = `${secret.metadata.namespace}/${secret.metadata.name}`;
    const filled = values[name];
    if (!filled) throw new Error(`deploy-secrets: no value for Secret ${name} of the national template`);
    for (const key of Object.keys(secret.stringData)) {
      if (!(key in filled)) throw new Error(`deploy-secrets: no value for ${name}.${key} of the national template`);
      secret.stringData[key] = filled[key];
    }
    return YAML.stringify(secret, { lineWidth: 0 });
  });
  const out = join(secretsDir, 'k8s-national-secrets.yaml');
  writeFileSync(out, `# Filled from deploy/national/k8s/secrets.template.yaml by scripts/deploy-secrets.mjs: secret, never commit.\n${documents.join('---\n')}`, { mode: 0o600 });
  chmodSync(out, 0o600);
  made.push(out);
}

for (const file of made) console.log(`đã tạo / made: ${file}`);
console.log(`Bí mật / secrets: ${secretsDir} (NATS public keys: ${join(natsDir, NKEYS_ENV_FILE)})`);
console.log(`Mã đăng nhập quản trị / administrator token: ${join(secretsDir, 'admin-token.txt')}`);
