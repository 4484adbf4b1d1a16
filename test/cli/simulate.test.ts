import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { STREAMS } from '@lienganh/contracts';
import { startAgencyService, type RunningAgencyService } from '@lienganh/platform';
import { policeService } from '@lienganh/police';
import { runCli } from '../support/cli.js';
import { startNatsFixture, type NatsFixture } from '../support/nats.js';

const KEY = 'police-simulate-key-0123456789';
let nats: NatsFixture;
let police: RunningAgencyService;
let dataDir: string;

beforeAll(async () => {
  nats = await startNatsFixture();
  dataDir = mkdtempSync(join(tmpdir(), 'lienganh-simulate-'));
  police = await startAgencyService(policeService, { natsUrl: nats.server.url, port: 0, dataDir, keys: { police: KEY } });
});
afterAll(async () => {
  await police?.close();
  await nats?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const messages = async () => (await nats.jsm.streams.info(STREAMS.agencyEvents.name)).state.messages;

describe('npx lienganh simulate', () => {
  it('posts realistic police records through the service, all accepted and in the stream', async () => {
    const before = await messages();
    const { code, stdout } = await runCli(['simulate', '--agency', 'police', '--count', '50', '--batch', '5', '--seed', '7', '--url', police.url, '--key', KEY, '--json']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ agency: 'police', sent: 50, accepted: 50, refused: 0, errors: [] });
    expect(await messages()).toBe(before + 50);
  });

  it('reports refusals with exit code 1', async () => {
    const { code, stdout } = await runCli(['simulate', '--agency', 'police', '--count', '3', '--url', police.url, '--key', 'wrong-key-0123456789']);
    expect(code).toBe(1);
    expect(stdout).toContain('bị từ chối / refused 3');
    expect(stdout).toContain('401');
  });

  it('answers bad usage with exit code 2', async () => {
    const agency = await runCli(['simulate', '--agency', 'army', '--count', '3']);
    expect(agency.code).toBe(2);
    expect(agency.stderr).toContain('--agency must be one of labour, police, health, culture, justice, got "army"');
    const count = await runCli(['simulate', '--agency', 'police', '--count', '-4', '--key', KEY]);
    expect(count.code).toBe(2);
    expect(count.stderr).toContain('--count must be a positive integer');
  });
});
