import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NatsServer } from '@lienganh/platform';
import { runCli } from '../support/cli.js';

/** `npx lienganh reset` wipes what npm start keeps, only when asked, only what start made, never under a running start. */
describe('npx lienganh reset', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'lienganh-reset-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  /** A data directory as `lienganh start` leaves it. */
  function dataDirectory(): string {
    const dir = join(root, 'data');
    mkdirSync(join(dir, 'nats'), { recursive: true });
    mkdirSync(join(dir, 'nats-keys'));
    writeFileSync(join(dir, 'demo-credentials.json'), '{}');
    return dir;
  }

  it('wipes the data directory with --yes', async () => {
    const dir = dataDirectory();
    const result = await runCli(['reset', '--data-dir', dir, '--yes']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('wiped');
    expect(existsSync(dir)).toBe(false);
  }, 60_000);

  it('asks first: off a terminal and without --yes, exit 2 and nothing wiped', async () => {
    const dir = dataDirectory();
    const result = await runCli(['reset', '--data-dir', dir]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('pass --yes');
    expect(existsSync(join(dir, 'demo-credentials.json'))).toBe(true);
  }, 60_000);

  it('refuses a directory lienganh start did not make: exit 2, nothing wiped', async () => {
    const dir = join(root, 'documents');
    mkdirSync(dir);
    writeFileSync(join(dir, 'bao-cao.xlsx'), 'x');
    const result = await runCli(['reset', '--data-dir', dir, '--yes']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('not a lienganh data directory');
    expect(existsSync(join(dir, 'bao-cao.xlsx'))).toBe(true);
  }, 60_000);

  it('refuses while a nats-server runs on the directory: exit 2, nothing wiped', async () => {
    const dir = dataDirectory();
    const server = await NatsServer.start({ storeDir: join(dir, 'nats') });
    try {
      const result = await runCli(['reset', '--data-dir', dir, '--yes']);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('is running on it');
      expect(existsSync(join(dir, 'demo-credentials.json'))).toBe(true);
    } finally {
      await server.stop();
    }
  }, 60_000);

  it('says there is nothing to wipe when the directory does not exist', async () => {
    const result = await runCli(['reset', '--data-dir', join(root, 'absent'), '--yes']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('nothing to wipe');
  }, 60_000);
});
