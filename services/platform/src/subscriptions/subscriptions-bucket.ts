/**
 * Webhook subscriptions of outside systems (ADR 0017): one entry per subscription in this
 * key-value bucket, written by coordination's API, read by every coordination instance, delivered
 * by the leader. It holds each subscription's signing secret, so only coordination and the
 * operator may read it.
 */
export const SUBSCRIPTIONS_BUCKET = 'PCMD_SUBSCRIPTIONS';
/** Revisions kept per subscription: its delivery log is rewritten after every attempt, only the last matters. */
export const SUBSCRIPTIONS_BUCKET_HISTORY = 1;
