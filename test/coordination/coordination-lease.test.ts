import { spawn } from 'node:child_process';
import { hostname } from 'node:os';
import { connectToNats } from '@lienganh/platform';
import { InstanceIdInUseError, Lease, LeaseBucket, newHolder, retireHolder, startCoordinationService, type LeaseHolder, type RunningCoordinationService } from '@lienganh/coordination';
import type { NatsConnection } from '@nats-io/transport-node';
import { eventually } from '../support/http.js';
import { startNatsFixture, type NatsFixture } from '../support/nats.js';

/**
 * The leases behind scale-out: the `leader` key moves to a standby when its holder releases it
 * or dies (after the TTL), and an instance id is claimed by one running process at a time.
 * Unit cases run on buckets of their own through the operator's connection; the service cases
 * as coordination's identity, in its `coordination_lease` bucket.
 */

const logger = { warn: () => undefined, info: () => undefined, error: () => undefined };
let nats: NatsFixture;
const connections: NatsConnection[] = [];
const services: RunningCoordinationService[] = [];

beforeAll(async () => {
  nats = await startNatsFixture();
});
afterAll(async () => {
  for (const service of services) await service.close();
  for (const nc of connections) if (!nc.isClosed()) await nc.close();
  await nats?.close();
});

/** A connection of its own, as another process would have. */
async function connection(identity: 'operator' | 'coordination' = 'operator'): Promise<NatsConnection> {
  const nc = await connectToNats({ servers: nats.server.url, name: 'lease-test', identity, seed: nats.keys[identity].seed, reconnectForever: false });
  connections.push(nc);
  return nc;
}

const holderOn = (instance: string, other: Partial<LeaseHolder> = {}): LeaseHolder => ({ ...newHolder(instance), ...other });

describe('lease', () => {
  it('is held by one holder at a time, and taken by a standby once released', async () => {
    const [first, second] = await Promise.all([connection(), connection()]);
    const a = new Lease(await LeaseBucket.open(first, { bucket: 'lease_release', ttlMs: 60_000 }), 'leader', holderOn('a'), { logger });
    const b = new Lease(await LeaseBucket.open(second, { bucket: 'lease_release', ttlMs: 60_000 }), 'leader', holderOn('b'), { logger });
    expect(await a.attempt()).toBe(true);
    expect(await b.attempt()).toBe(false);
    expect(b.lastSeenHolder?.instance).toBe('a');
    expect(await a.attempt()).toBe(true); // a renewal
    const changes: boolean[] = [];
    a.onChange((held) => changes.push(held));
    await a.release();
    expect(a.held).toBe(false);
    expect(changes).toEqual([false]);
    // Well within the minute's TTL: free because it was released, not because it lapsed.
    expect(await b.attempt()).toBe(true);
    expect(await a.attempt()).toBe(false);
    await b.release();
  });

  it('moves to a standby once the TTL has passed after its holder died without releasing it', async () => {
    const [doomed, standby] = await Promise.all([connection(), connection()]);
    const ttlMs = 1_500;
    const a = new Lease(await LeaseBucket.open(doomed, { bucket: 'lease_crash', ttlMs }), 'leader', holderOn('a', { host: 'another-machine' }), { logger });
    const bucket = await LeaseBucket.open(standby, { bucket: 'lease_crash', ttlMs: 60_000 });
    expect(bucket.ttlMs).toBe(ttlMs); // the bucket's TTL is the first creator's
    const b = new Lease(bucket, 'leader', holderOn('b'), { logger });
    expect(await a.attempt()).toBe(true);
    await doomed.close(); // a crash: no release
    expect(await b.attempt()).toBe(false);
    b.start();
    await eventually(() => (b.held ? true : undefined), 10_000);
    expect((await bucket.get('leader'))?.holder?.instance).toBe('b');
    await b.release();
  });

  it('lets a process take over a claim of its own instance left by a process of this machine that is gone', async () => {
    const nc = await connection();
    const bucket = await LeaseBucket.open(nc, { bucket: 'lease_incarnation', ttlMs: 60_000 });
    // A process that has exited: its claim stays in the bucket for the whole minute.
    const gone = spawn(process.execPath, ['-e', '']);
    await new Promise((resolve) => gone.once('exit', resolve));
    const revision = await bucket.put('instance.alpha', { instance: 'alpha', host: hostname(), pid: gone.pid!, token: 'old' }, 0);
    expect(revision).toBeGreaterThan(0);
    const { holderIsGone } = await import('@lienganh/coordination');
    const fresh = new Lease(bucket, 'instance.alpha', holderOn('alpha'), { mayTakeOver: holderIsGone, logger });
    expect(await fresh.attempt()).toBe(true);
    // A claim of a live process (this one) is not taken.
    const live = newHolder('beta');
    expect(await bucket.put('instance.beta', live, 0)).toBeGreaterThan(0);
    expect(await new Lease(bucket, 'instance.beta', holderOn('beta'), { mayTakeOver: holderIsGone, logger }).attempt()).toBe(false);
    retireHolder(live);
    expect(await new Lease(bucket, 'instance.beta', holderOn('beta'), { mayTakeOver: holderIsGone, logger }).attempt()).toBe(true);
  });
});

describe('coordination instances', () => {
  const start = (instanceId: string) => startCoordinationService({ ...nats.identity('coordination'), port: 0, instanceId, deadlineTickMs: 0, leaseTtlMs: 1_500 });

  it('refuses a second running instance with the same id, naming the setting', async () => {
    const first = await start('gamma');
    services.push(first);
    await expect(start('gamma')).rejects.toThrow(InstanceIdInUseError);
    await expect(start('gamma')).rejects.toThrow(/COORDINATION_INSTANCE_ID/);
    // The first is untouched: it still leads and reads through its consumers.
    expect(first.leadership.leads).toBe(true);
    expect((await nats.jsm.consumers.info('PCMD_AGENCY_EVENTS', 'gamma-agency-events')).config.durable_name).toBe('gamma-agency-events');
  });

  it('hands the lead to a standby when the leader closes', async () => {
    const leader = services.find((service) => service.leadership.leads)!;
    const standby = await start('delta');
    services.push(standby);
    expect(standby.leadership.leads).toBe(false);
    expect(await standby.deadlines.tick()).toEqual([]); // a standby raises nothing
    await leader.close();
    services.splice(services.indexOf(leader), 1);
    await eventually(() => (standby.leadership.leads ? true : undefined), 10_000);
    // The id of the closed one is free again at once.
    const again = await start('gamma');
    services.push(again);
    expect(again.leadership.leads).toBe(false);
  });
});
