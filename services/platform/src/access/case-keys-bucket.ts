/**
 * Coordination's key for case references (ADR 0021): the secret from which it names a person's
 * case (a referral) in what it publishes, written once by the first coordination instance and
 * read by every other. Only coordination and the operator may read it; losing it renames every
 * case, so it is backed up with the other secrets.
 */
export const CASE_KEYS_BUCKET = 'PCMD_CASE_KEYS';
/** The key is written once and never changed. */
export const CASE_KEYS_BUCKET_HISTORY = 1;
