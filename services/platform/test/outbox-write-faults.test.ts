import { open, mkdtemp, readdir, readFile, rm, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { backboneMetrics, describeError, DurableOutbox, ensureStreams, JetStreamEventPublisher, NatsServer, OutboxFailedError, type OutboxOptions } from '@lienganh/platform';
import { caseOpenedEvents, connectForever, lastSeq, storedIds, waitFor } from './support/publishing.js';

/**
 * Filesystem faults injected under the outbox (root ignores permissions, so chmod cannot make
 * a write fail in CI): while `on`, a segment write stores half of its bytes and then fails with
 * EIO, and every later write, fsync or truncate fails too, as a dying or full disk does.
 */
class Faults {
  on = false;
  writes = 0;

  readonly openFile: NonNullable<OutboxOptions['openFile']> = async (path, flags) => {
    const handle = await open(path, flags);
    return this.wrap(handle, path.endsWith('.seg'));
  };

  private wrap(handle: FileHandle, segment: boolean): FileHandle {
    return new Proxy(handle, {
      get: (target, property) => {
        const value = Reflect.get(target, property, target) as unknown;
        if (typeof value !== 'function') return value;
        if (!segment || !['write', 'datasync', 'sync', 'truncate'].includes(String(property))) return value.bind(target);
        return async (...args: unknown[]) => {
          if (!this.on) return (value as (...a: unknown[]) => unknown).apply(target, args);
          if (property === 'write' && this.writes++ === 0) {
            const [buffer, offset = 0, length] = args as [Buffer, number?, number?];
            const half = Math.max(1, Math.floor((length ?? buffer.length - offset) / 2));
            await target.write(buffer, offset, half); // a torn write: some bytes reach the file
          }
          throw Object.assign(new Error(`EIO: i/o error, ${String(property)}`), { code: 'EIO' });
        };
      },
    });
  }
}

const FAST_REPAIR = [20, 40, 80];

let workDir: string;

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'lienganh-outbox-faults-'));
});
afterAll(async () => {
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

const entry = (n: number) => ({ subject: 'pcmd.police.test', headers: { n: String(n) }, data: new Uint8Array([n]) });

describe('DurableOutbox under write faults', () => {
  it('refuses appends while it cannot write, recovers by itself, and keeps nothing it refused', async () => {
    const dir = join(workDir, 'recovers');
    const faults = new Faults();
    const changes: boolean[] = [];
    const outbox = await DurableOutbox.open(dir, { openFile: faults.openFile, repairBackoffMs: FAST_REPAIR, onWritableChange: (writable) => changes.push(writable) });
    await outbox.append([entry(1), entry(2)]);

    faults.on = true;
    const refused = await outbox.append([entry(3), entry(4)]).then(() => undefined, (error: unknown) => error);
    expect(refused).toBeInstanceOf(OutboxFailedError);
    expect((refused as OutboxFailedError).retryAfterMs).toBeGreaterThan(0);
    expect(outbox.writeStatus).toMatchObject({ writable: false, writeFailures: 1 });
    // Refused at once while unwritable, without touching the disk.
    await expect(outbox.append([entry(5)])).rejects.toBeInstanceOf(OutboxFailedError);
    expect(outbox.size).toBe(2);
    // Repairs fail while the fault lasts (each one counted), and appends stay refused.
    await waitFor('a failed repair', () => outbox.writeStatus.writeFailures >= 2, 5_000);
    expect(outbox.writeStatus.writable).toBe(false);

    faults.on = false;
    await waitFor('the outbox to repair itself', () => outbox.writeStatus.writable, 5_000);
    expect(changes).toEqual([false, true]);
    await outbox.append([entry(6)]);
    expect(outbox.size).toBe(3);
    await outbox.close();

    // On disk: the accepted entries, and nothing of the torn, refused write (the reopen finds no corruption).
    const reopened = await DurableOutbox.open(dir);
    expect((await reopened.peek(10)).map((record) => record.headers.n)).toEqual(['1', '2', '6']);
    await reopened.close();
    const segments = (await readdir(dir)).filter((name) => name.endsWith('.seg'));
    const lines = (await Promise.all(segments.map((name) => readFile(join(dir, name), 'utf8')))).join('').split('\n').filter(Boolean);
    expect(lines).toHaveLength(3);
  });

  it('is answered 503 outbox-unavailable with Retry-After at the HTTP edge', () => {
    const [status, body, headers] = describeError(new OutboxFailedError('disk full', { retryAfterMs: 1_200 }));
    expect(status).toBe(503);
    expect(body).toMatchObject({ error: 'outbox-unavailable' });
    expect(body.message).toEqual(expect.any(String));
    expect(headers).toEqual({ 'Retry-After': '2' });
  });

  it('counts write failures in lienganh_outbox_write_failures_total', async () => {
    const faults = new Faults();
    const outbox = await DurableOutbox.open(join(workDir, 'metric'), { openFile: faults.openFile, repairBackoffMs: [60_000] });
    const read = async () => {
      const { resourceMetrics } = await backboneMetrics().prometheus.collect();
      const metric = resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics).find((m) => m.descriptor.name === 'lienganh.outbox.write_failures');
      return metric?.dataPoints.filter((point) => point.attributes.operation === 'append').reduce((sum, point) => sum + Number(point.value), 0) ?? 0;
    };
    const before = await read();
    faults.on = true;
    await expect(outbox.append([entry(1)])).rejects.toBeInstanceOf(OutboxFailedError);
    expect(await read()).toBe(before + 1);
    await outbox.close();
  });
});

describe('JetStreamEventPublisher when the outbox cannot write', () => {
  let server: NatsServer;
  let nc: NatsConnection;
  let jsm: JetStreamManager;

  beforeAll(async () => {
    server = await NatsServer.start();
    nc = await connectForever(server.url);
    jsm = await jetstreamManager(nc);
    await ensureStreams(jsm);
  });
  afterAll(async () => {
    await nc?.close();
    await server?.dispose();
  });

  it('refuses what neither the bus nor the outbox took, says so in readiness, and sends every accepted event once after both are back', async () => {
    const faults = new Faults();
    const outbox = await DurableOutbox.open(join(workDir, 'publisher'), { openFile: faults.openFile, repairBackoffMs: FAST_REPAIR });
    const publisher = new JetStreamEventPublisher(nc, outbox, { ackTimeoutMs: 300, retryBackoffMs: [50, 100, 200] });
    publisher.start();
    const before = await lastSeq(jsm);
    const events = caseOpenedEvents('outbox-fault', 30);
    const accepted: string[] = [];
    const publish = async (index: number) => {
      const ok = await publisher.publish([events[index]!]).then(() => true, (error: unknown) => {
        expect(error).toBeInstanceOf(OutboxFailedError);
        return false;
      });
      if (ok) accepted.push(events[index]!.id);
      return ok;
    };

    expect(publisher.readiness()).toMatchObject({ ready: true, detail: { bus: 'connected', outbox: 'writable' } });
    await server.stop();
    await waitFor('the publisher to see the bus down', () => publisher.readiness().degraded === 'bus', 10_000);
    for (let index = 0; index < 10; index++) expect(await publish(index)).toBe(true); // into the outbox

    faults.on = true;
    for (let index = 10; index < 20; index++) expect(await publish(index)).toBe(false);
    expect(publisher.readiness()).toMatchObject({ ready: false, reason: 'outbox-unavailable', detail: { outbox: 'cannot-write' } });

    faults.on = false;
    await waitFor('the outbox to recover', () => publisher.readiness().ready, 5_000);
    expect(publisher.readiness()).toMatchObject({ ready: true, degraded: 'bus' });
    for (let index = 20; index < 30; index++) expect(await publish(index)).toBe(true);

    await server.restart();
    await publisher.whenDrained(20_000);
    expect(await storedIds(jsm, before)).toEqual(accepted);
    expect(accepted).toEqual([...events.slice(0, 10), ...events.slice(20)].map((event) => event.id));
    expect(publisher.readiness()).toMatchObject({ ready: true, detail: { bus: 'connected' } });
    await publisher.close();
    await outbox.close();
  }, 60_000);
});
