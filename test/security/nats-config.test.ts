import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { AGENCY_SERVICES, NATIONAL_SUMMARY_STREAM, STREAMS } from '@lienganh/contracts';
import { AGENCY_KEYS_BUCKET, createNatsKeys, SNAPSHOTS_BUCKET, findNatsServerBinary, NATS_IDENTITIES, natsKeysEnv, natsUsers } from '@lienganh/platform';
import { agencyServiceReads, renderNatsConfig } from '../../scripts/cli/src/commands/nats.command.js';
import { repoRoot, runCli } from '../support/cli.js';
import { startNatsFixture } from '../support/nats.js';

/**
 * deploy/nats/ is generated from the agency registry and the services' own declarations of
 * what they read: the committed copy is current, nats-server accepts every file, and the
 * permissions say what ADR 0009 says they say.
 */

const committed = join(repoRoot, 'deploy/nats');
const execFileAsync = promisify(execFile);

function listFiles(folder: string): string[] {
  return readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(folder, join(entry.parentPath, entry.name)))
    .sort();
}

describe('deploy/nats', () => {
  const generated = renderNatsConfig();

  it('is what `npx lienganh nats config` generates (run it after changing the registry or a service’s consumers)', () => {
    expect(listFiles(committed)).toEqual(Object.keys(generated).sort());
    for (const [path, content] of Object.entries(generated)) expect({ path, content: readFileSync(join(committed, path), 'utf8') }).toEqual({ path, content });
  });

  it('carries no key: each identity’s public key comes from the environment', () => {
    for (const content of Object.values(generated)) expect(content).not.toMatch(/\b[US][A-Z2-7]{55,57}\b/);
    const auth = generated['auth.conf']!;
    for (const identity of NATS_IDENTITIES) expect(auth).toContain(`nkey: $LIENGANH_NKEY_${identity.toUpperCase()}`);
  });

  it('passes `nats-server -t` with the keys in the environment, and is refused without them', async () => {
    const env = { ...process.env, ...natsKeysEnv(createNatsKeys()) };
    for (const path of Object.keys(generated).filter((file) => file.endsWith('.conf') && file !== 'auth.conf')) {
      const { stderr } = await execFileAsync(findNatsServerBinary(), ['-t', '-c', join(committed, path)], { env });
      expect(stderr).toContain('is valid');
    }
    const withoutKeys = execFileAsync(findNatsServerBinary(), ['-t', '-c', join(committed, 'server.conf')], { env: { PATH: process.env.PATH } });
    await expect(withoutKeys).rejects.toMatchObject({ stderr: expect.stringContaining("variable reference for 'LIENGANH_NKEY_") });
  });
});

describe('the permissions', () => {
  const users = natsUsers(agencyServiceReads());
  const userOf = (identity: string) => users.find((user) => user.identity === identity)!;

  it('let each agency publish only its own events, and subscribe only to its own inbox', () => {
    for (const agency of AGENCY_SERVICES) {
      const { publish, subscribe } = userOf(agency);
      expect(publish.filter((subject) => subject.startsWith('pcmd.events.'))).toEqual([`pcmd.events.${agency}.>`]);
      expect(subscribe).toEqual([`_INBOX_${agency}.>`]);
      // No wildcard can reach past what it names: the only `>` close a subject of its own.
      for (const subject of publish) expect(subject.split('.').slice(0, -1)).not.toContain('>');
    }
  });

  it('let no service create, change or delete an event stream; only the operator may', () => {
    for (const identity of [...AGENCY_SERVICES, 'coordination']) {
      const managing = userOf(identity).publish.filter((subject) => /^\$JS\.API\.STREAM\.(CREATE|UPDATE|DELETE|PURGE|MSG\.DELETE)\./.test(subject) || subject === '>');
      // Coordination's refusal gate removes refused messages from the agency stream, one by one (ADR 0014); and a
      // snapshot of its read model replacing the last purges the old one's chunks from its object store (ADR 0022). Nothing else.
      const allowed = identity === 'coordination' ? [`$JS.API.STREAM.MSG.DELETE.${STREAMS.agencyEvents.name}`, `$JS.API.STREAM.PURGE.OBJ_${SNAPSHOTS_BUCKET}`] : [];
      expect(managing.filter((subject) => !subject.endsWith('.KV_coordination_lease'))).toEqual(allowed);
    }
    expect(userOf('operator').publish).toEqual(['>']);
  });

  it('let an agency read only through the consumers it declares, each pinned to its filter', () => {
    // Police and culture read nothing but their own refusals (ADR 0014), through one consumer pinned to
    // their subject, and the register of agency keys (digests only) through the watch of its bucket.
    for (const agency of ['police', 'culture'] as const) {
      expect(userOf(agency).publish.filter((subject) => subject.includes('.CONSUMER.') && !subject.includes(`.KV_${AGENCY_KEYS_BUCKET}`))).toEqual([
        `$JS.API.CONSUMER.CREATE.${STREAMS.refusals.name}.refusals-${agency}.pcmd.refusals.${agency}`,
        `$JS.API.CONSUMER.INFO.${STREAMS.refusals.name}.refusals-${agency}`,
        `$JS.API.CONSUMER.DELETE.${STREAMS.refusals.name}.refusals-${agency}`,
        `$JS.API.CONSUMER.MSG.NEXT.${STREAMS.refusals.name}.refusals-${agency}`,
      ]);
    }
    expect(userOf('justice').publish).toContain(`$JS.API.CONSUMER.CREATE.${STREAMS.agencyEvents.name}.justice-cases-from-police.pcmd.events.police.case.transferred`);
    for (const agency of AGENCY_SERVICES) {
      // A watch's consumer has a name of the client's choosing: only on the key bucket, which holds no event.
      for (const subject of userOf(agency).publish.filter((entry) => entry.includes('.CONSUMER.') && !entry.includes(`.KV_${AGENCY_KEYS_BUCKET}`))) expect(subject).not.toMatch(/\.\*(\.|$)/);
      expect(userOf(agency).publish.filter((entry) => entry.includes('.KV_'))).toEqual(expect.arrayContaining([`$JS.API.DIRECT.GET.KV_${AGENCY_KEYS_BUCKET}.>`]));
      expect(userOf(agency).publish.filter((entry) => entry.startsWith('$KV.'))).toEqual([]); // reads it, never writes
    }
  });
});

describe('npx lienganh nats', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'lienganh-nats-cli-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('config writes the same files as committed', async () => {
    const result = await runCli(['nats', 'config', '--out', dir]);
    expect(result.code).toBe(0);
    for (const path of listFiles(committed)) expect(readFileSync(join(dir, path), 'utf8')).toBe(readFileSync(join(committed, path), 'utf8'));
  });

  it('keys makes a secret seed per identity once, and the public keys for the server', async () => {
    expect((await runCli(['nats', 'keys', '--out', dir])).code).toBe(0);
    const seeds = Object.fromEntries(NATS_IDENTITIES.map((identity) => [identity, readFileSync(join(dir, `${identity}.nk`), 'utf8')]));
    for (const identity of NATS_IDENTITIES) {
      expect(statSync(join(dir, `${identity}.nk`)).mode & 0o777).toBe(0o600);
      expect(seeds[identity]).toMatch(/^SU[A-Z2-7]{56}\n$/);
    }
    expect(readFileSync(join(dir, 'nkeys.env'), 'utf8')).toMatch(/^LIENGANH_NKEY_POLICE=U[A-Z2-7]{55}$/m);

    expect((await runCli(['nats', 'keys', '--out', dir])).code).toBe(0);
    for (const identity of NATS_IDENTITIES) expect(readFileSync(join(dir, `${identity}.nk`), 'utf8')).toBe(seeds[identity]);
  });

  it('provision creates the streams as the operator; an agency’s key is refused, a malformed one is a usage error', async () => {
    const nats = await startNatsFixture({ expectPermissionViolations: true });
    try {
      await nats.jsm.streams.delete(STREAMS.coordinationEvents.name);
      const asOperator = await runCli(['nats', 'provision'], { NATS_URL: nats.server.url, NATS_NKEY_SEED: nats.keys.operator.seed });
      expect(asOperator).toMatchObject({ code: 0 });
      expect((await nats.jsm.streams.info(STREAMS.coordinationEvents.name)).config.name).toBe(STREAMS.coordinationEvents.name);

      await nats.jsm.streams.delete(STREAMS.coordinationEvents.name);
      const asPolice = await runCli(['nats', 'provision'], { NATS_URL: nats.server.url, NATS_NKEY_SEED: nats.keys.police.seed });
      expect(asPolice.code).toBe(1);
      expect(asPolice.stderr).toContain('Permissions Violation');
      expect(asPolice.stderr).not.toMatch(/\n\s+at /);

      const malformed = await runCli(['nats', 'provision'], { NATS_URL: nats.server.url, NATS_NKEY_SEED: 'not-a-seed' });
      expect(malformed.code).toBe(2);
      expect(malformed.stderr).toContain('nkey user seed');

      // On the national hub: the sites whose summaries it gathers (ADR 0024), added to, never dropped.
      const env = { NATS_URL: nats.server.url, NATS_NKEY_SEED: nats.keys.operator.seed };
      expect(await runCli(['nats', 'provision', '--national-sites', '01,79'], env)).toMatchObject({ code: 0, stdout: expect.stringContaining(`${NATIONAL_SUMMARY_STREAM}: p01, p79`) });
      expect(await runCli(['nats', 'provision', '--national-sites', '12'], env)).toMatchObject({ code: 0 });
      const gathered = (await nats.jsm.streams.info(NATIONAL_SUMMARY_STREAM)).config;
      expect(gathered.sources?.map((source) => `${source.external?.api} ${source.name}`)).toEqual(['$JS.p01.API PCMD_SITE_SUMMARY', '$JS.p79.API PCMD_SITE_SUMMARY', '$JS.p12.API PCMD_SITE_SUMMARY']);
      expect(gathered.max_msgs_per_subject).toBe(1);
      const notACode = await runCli(['nats', 'provision', '--national-sites', '01,Hà Nội'], env);
      expect(notACode).toMatchObject({ code: 2, stderr: expect.stringContaining('--national-sites: a province code is two digits') });
    } finally {
      await nats.close();
    }
  }, 60_000);
});
