import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { findNatsServerBinary, loadAgencyKeys, NATS_IDENTITIES, parseUsers, pseudonymKeyFromEnv, tokenDigest } from '@lienganh/platform';
import { fromSeed } from '@nats-io/nkeys';
import { parseAllDocuments } from 'yaml';
import { repoRoot } from '../support/cli.js';
import { compose, deployDir, k8sObjects, type Yaml } from './deploy-files.js';

/**
 * scripts/deploy-secrets.mjs makes every secret file compose mounts, every value it
 * interpolates, and the Kubernetes Secrets of the template filled; the keys it makes are the
 * ones nats-server and the services accept.
 */

const execFileAsync = promisify(execFile);
const runScript = (dir: string) => execFileAsync(process.execPath, [join(repoRoot, 'scripts', 'deploy-secrets.mjs'), '--deploy-dir', dir, '--k8s'], { cwd: repoRoot });

describe('scripts/deploy-secrets.mjs', () => {
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lienganh-deploy-secrets-'));
    await runScript(dir);
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes every file compose mounts or reads, and every value it interpolates', () => {
    const file = compose();
    for (const secret of Object.values(file.secrets) as { file: string }[]) expect({ file: secret.file, exists: existsSync(join(dir, secret.file)) }).toEqual({ file: secret.file, exists: true });
    for (const service of Object.values(file.services) as Yaml[]) for (const envFile of service.env_file ?? []) expect(existsSync(join(dir, envFile))).toBe(true);
    const env = readFileSync(join(dir, '.env'), 'utf8');
    const interpolated = [...readFileSync(join(deployDir, 'compose.yaml'), 'utf8').matchAll(/\$\{([A-Z_]+):\?/g)].map((match) => match[1]!);
    expect(interpolated.length).toBeGreaterThan(0);
    for (const name of new Set(interpolated)) expect(env).toMatch(new RegExp(`^${name}=\\S{16,}$`, 'm'));
    expect(statSync(join(dir, 'secrets')).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, '.env')).mode & 0o777).toBe(0o600);
  });

  it('makes keys the services and nats-server accept', async () => {
    const secrets = join(dir, 'secrets');
    const publicKeys = Object.fromEntries(
      readFileSync(join(secrets, 'nats', 'nkeys.env'), 'utf8')
        .split('\n')
        .filter((line) => line.startsWith('LIENGANH_NKEY_'))
        .map((line) => line.split('=') as [string, string]),
    );
    for (const identity of NATS_IDENTITIES) {
      const seed = readFileSync(join(secrets, 'nats', `${identity}.nk`), 'utf8').trim();
      expect(fromSeed(new TextEncoder().encode(seed)).getPublicKey()).toBe(publicKeys[`LIENGANH_NKEY_${identity.toUpperCase()}`]);
    }
    // The container config with the generated auth.conf and these keys: what a NATS container runs.
    copyFileSync(join(deployDir, 'container', 'nats.conf'), join(dir, 'nats.conf'));
    copyFileSync(join(deployDir, 'nats', 'auth.conf'), join(dir, 'auth.conf'));
    const { stderr } = await execFileAsync(findNatsServerBinary(), ['-t', '-c', join(dir, 'nats.conf')], { env: { PATH: process.env.PATH, NATS_SERVER_NAME: 'nats-1', ...publicKeys } });
    expect(stderr).toContain('is valid');

    for (const agency of ['labour', 'police', 'health', 'culture', 'justice']) {
      expect(Object.keys(loadAgencyKeys({ LIENGANH_CREDENTIALS_FILE: join(secrets, `${agency}-key.json`) }))).toEqual([agency]);
    }
    // A pseudonymisation key per agency service, each its own.
    const pseudonymKeys = ['labour', 'police', 'health', 'culture', 'justice'].map((agency) =>
      pseudonymKeyFromEnv({ LIENGANH_PSEUDONYM_KEY_FILE: join(secrets, `${agency}-pseudonym.key`) })!.toString('hex'),
    );
    expect(new Set(pseudonymKeys).size).toBe(5);
    const [admin] = parseUsers(readFileSync(join(secrets, 'users.json'), 'utf8'), 'users.json');
    expect(admin).toMatchObject({ id: 'admin', role: 'secretariat', tokenSha256: tokenDigest(readFileSync(join(secrets, 'admin-token.txt'), 'utf8').trim()) });
  });

  it('fills every Secret of the Kubernetes template, with the same names and keys', () => {
    const template = k8sObjects().filter((object) => object.file === 'secrets.template.yaml');
    const text = readFileSync(join(dir, 'secrets', 'k8s-secrets.yaml'), 'utf8');
    expect(text).not.toContain('REPLACE_WITH');
    const filled = parseAllDocuments(text).map((document) => document.toJS() as Yaml);
    expect(filled.map((secret) => [secret.metadata.name, Object.keys(secret.stringData).sort()])).toEqual(
      template.map((secret) => [secret.metadata.name, Object.keys(secret.stringData).sort()]),
    );
    const byName = Object.fromEntries(filled.map((secret) => [secret.metadata.name, secret.stringData]));
    const env = readFileSync(join(dir, '.env'), 'utf8');
    expect(byName['coordination-mongodb'].uri).toContain(`lienganh:${/^LIENGANH_MONGO_PASSWORD=(.*)$/m.exec(env)![1]}@`);
    expect(byName['operator-nats']['nkey-seed']).toBe(readFileSync(join(dir, 'secrets', 'nats', 'operator.nk'), 'utf8').trim());
  });

  it('keeps what exists when run again (rotation is: delete a file, run again)', async () => {
    const before = ['.env', 'secrets/police-key.json', 'secrets/nats/police.nk', 'secrets/users.json'].map((path) => readFileSync(join(dir, path), 'utf8'));
    rmSync(join(dir, 'secrets', 'labour-key.json'));
    const labourBefore = readFileSync(join(dir, 'secrets', 'k8s-secrets.yaml'), 'utf8');
    await runScript(dir);
    expect(['.env', 'secrets/police-key.json', 'secrets/nats/police.nk', 'secrets/users.json'].map((path) => readFileSync(join(dir, path), 'utf8'))).toEqual(before);
    expect(existsSync(join(dir, 'secrets', 'labour-key.json'))).toBe(true);
    expect(readFileSync(join(dir, 'secrets', 'k8s-secrets.yaml'), 'utf8')).not.toBe(labourBefore);
  }, 60_000);
});
