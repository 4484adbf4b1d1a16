import type { LeaseBucket, LeaseHolder } from './lease-bucket.js';
import { holderIsGone, Lease } from './lease.js';

/** The instance id when none is given: the consumer names a lone instance has always had. */
export const DEFAULT_INSTANCE_ID = 'coordination';

// It prefixes durable consumer names (at most 64 characters, `<id>-agency-events`) and a lease key.
const INSTANCE_ID = /^[A-Za-z0-9_-]{1,40}$/;

export class InvalidInstanceIdError extends Error {
  override readonly name = 'InvalidInstanceIdError';
}

/** Another running process has this instance id: two instances must not share durable consumers. */
export class InstanceIdInUseError extends Error {
  override readonly name = 'InstanceIdInUseError';
}

export function checkInstanceId(id: string): string {
  if (!INSTANCE_ID.test(id)) {
    throw new InvalidInstanceIdError(`COORDINATION_INSTANCE_ID "${id}" must be 1-40 letters, digits, "-" or "_" (it names the instance's NATS consumers)`);
  }
  return id;
}

/**
 * Claims `instance.<id>` in the lease bucket and keeps it for as long as the service runs: the
 * instance's durable consumers (and its own store in MongoDB) are named from the id, and a second
 * process with the same id would take them from under the first. A claim left by a process of
 * this machine that is gone (a crash, a restart) is taken at once; one held elsewhere waits out
 * its TTL. Still held then: some other instance runs with this id.
 */
export async function claimInstanceId(bucket: LeaseBucket, holder: LeaseHolder, logger: { warn(message: string): void }): Promise<Lease> {
  const lease = new Lease(bucket, `instance.${holder.instance}`, holder, { mayTakeOver: holderIsGone, logger });
  const deadline = Date.now() + bucket.ttlMs + lease.renewEveryMs;
  let waited = false;
  while (!(await lease.attempt())) {
    const other = lease.lastSeenHolder;
    if (Date.now() > deadline) {
      throw new InstanceIdInUseError(
        `coordination instance id "${holder.instance}" is in use by a running instance${other ? ` (host ${other.host}, pid ${other.pid})` : ''}: give each instance its own COORDINATION_INSTANCE_ID`,
      );
    }
    if (!waited) {
      waited = true;
      logger.warn(`coordination instance id "${holder.instance}" is held${other ? ` by host ${other.host}, pid ${other.pid}` : ''}; waiting up to ${bucket.ttlMs} ms for it to lapse`);
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(250, lease.renewEveryMs)));
  }
  lease.start();
  return lease;
}
