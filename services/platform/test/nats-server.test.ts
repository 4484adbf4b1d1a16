import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { AGENCY_KEYS_BUCKET, BODIES_BUCKET, CASE_KEYS_BUCKET, SNAPSHOTS_BUCKET, SUBSCRIPTIONS_BUCKET, ensureStreams, SESSIONS_BUCKET, USERS_BUCKET, NatsServer, NatsServerNotFoundError, streamConfigs } from '@lienganh/platform';

describe('NatsServer (the test harness)', () => {
  it('starts a real JetStream server on a free loopback port and keeps its data across a restart', async () => {
    const server = await NatsServer.start();
    try {
      expect(server.url).toMatch(/^nats:\/\/127\.0\.0\.1:\d+$/);
      expect(server.port).not.toBe(4222);
      let nc = await connect({ servers: server.url });
      await ensureStreams(await jetstreamManager(nc));
      const ack = await jetstream(nc).publish('pcmd.events.police.case.opened', 'x', { msgID: 'restart-1' });
      await nc.close();

      const port = server.port;
      await server.kill(); // as a crash would
      expect(server.isRunning).toBe(false);
      await server.restart();
      expect(server.port).toBe(port);

      nc = await connect({ servers: server.url });
      const stored = await (await jetstreamManager(nc)).streams.getMessage('PCMD_AGENCY_EVENTS', { seq: ack.seq });
      expect(stored?.string()).toBe('x');
      await nc.close();
    } finally {
      await server.dispose();
    }
    expect(existsSync(server.storeDir)).toBe(false);
  });

  it('runs two servers side by side, each with its own store', async () => {
    const [a, b] = await Promise.all([NatsServer.start(), NatsServer.start()]);
    try {
      expect(a.port).not.toBe(b.port);
      expect(a.storeDir).not.toBe(b.storeDir);
    } finally {
      await Promise.all([a.dispose(), b.dispose()]);
    }
  });

  it('leaves a store directory it did not create', async () => {
    const storeDir = mkdtempSync(join(tmpdir(), 'lienganh-own-'));
    try {
      const server = await NatsServer.start({ storeDir });
      await server.dispose();
      expect(existsSync(storeDir)).toBe(true);
    } finally {
      rmSync(storeDir, { recursive: true, force: true });
    }
  });

  it('updates existing streams instead of failing when started again', async () => {
    const server = await NatsServer.start();
    const nc = await connect({ servers: server.url });
    try {
      const jsm = await jetstreamManager(nc);
      await ensureStreams(jsm);
      await ensureStreams(jsm, { duplicateWindowMs: 5 * 60_000 });
      const names = (await jsm.streams.names().next()).sort();
      // The streams, and the register of bodies (ADR 0011), of users and of sessions (ADR 0013), of agency keys beside them;
      // the object store of coordination's snapshots (ADR 0022).
      expect(names).toEqual(
        [...streamConfigs().map((config) => config.name), `KV_${BODIES_BUCKET}`, `KV_${USERS_BUCKET}`, `KV_${SESSIONS_BUCKET}`, `KV_${AGENCY_KEYS_BUCKET}`, `KV_${SUBSCRIPTIONS_BUCKET}`, `KV_${CASE_KEYS_BUCKET}`, `OBJ_${SNAPSHOTS_BUCKET}`].sort(),
      );
      expect((await jsm.streams.info(`OBJ_${SNAPSHOTS_BUCKET}`)).config).toMatchObject({ storage: 'file', num_replicas: 1, subjects: [`$O.${SNAPSHOTS_BUCKET}.C.>`, `$O.${SNAPSHOTS_BUCKET}.M.>`] });
      expect((await jsm.streams.info('PCMD_AGENCY_EVENTS')).config.duplicate_window).toBe(5 * 60_000 * 1_000_000);
    } finally {
      await nc.close();
      await server.dispose();
    }
  });

  it('says how to install nats-server when it is missing', async () => {
    const saved = process.env.NATS_SERVER_BIN;
    process.env.NATS_SERVER_BIN = '/nonexistent/nats-server';
    try {
      await expect(NatsServer.start()).rejects.toThrow(NatsServerNotFoundError);
      await expect(NatsServer.start()).rejects.toThrow(/npm run setup/);
    } finally {
      if (saved === undefined) delete process.env.NATS_SERVER_BIN;
      else process.env.NATS_SERVER_BIN = saved;
    }
  });
});
