/**
 * The JetStream key-value buckets of coordination's users and sessions (ADR 0013), made by the
 * operator with the streams (`ensureStreams`, `npx lienganh nats provision`), replicated as they are.
 */

/** Users issued, rotated or revoked at run time, one entry per user id: the SHA-256 of the token, never the token. */
export const USERS_BUCKET = 'PCMD_USERS';
/** Entries kept per user: who issued, rotated or revoked its token, and when (the audit trail has every step). */
export const USERS_BUCKET_HISTORY = 20;

/** Dashboard sessions, one entry per SHA-256 of a session id (never the id itself). */
export const SESSIONS_BUCKET = 'PCMD_SESSIONS';
/** The longest a session may last (`LIENGANH_SESSION_MAX_HOURS` at most): the bucket forgets older entries by itself. */
export const SESSION_MAX_HOURS_LIMIT = 7 * 24;
