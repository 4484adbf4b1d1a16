import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildEvent, consentRefOf, ContractError, EXAMPLE_SUBJECT_REF, policeReferralMade, policeSanctionIssued, subjectRefOf, type EventDefinition } from '@lienganh/contracts';
import {
  describeError,
  ensurePseudonymKey,
  prepareIncoming,
  pseudonymKeyFileOf,
  pseudonymKeyFromEnv,
  PseudonymisationUnavailableError,
  PseudonymKeyError,
} from '@lienganh/platform';

const KEY = Buffer.alloc(32, 7);
const RECORD_KEY = 'HS-2021-0042';

/** An event as the police system posts it, its subject reference replaced by `subjectRef`. */
function posted(definition: EventDefinition, subjectRef: unknown, change: Record<string, unknown> = {}) {
  const { source: _source, subject: _subject, ...event } = buildEvent(definition, definition.example);
  return { ...event, data: { ...(definition.example as Record<string, unknown>), subjectRef, ...change } };
}

function refusal(body: unknown, key?: Uint8Array): { status: number; body: ReturnType<typeof describeError>[1] } {
  try {
    prepareIncoming(body, 'police', key);
  } catch (error) {
    if (!(error instanceof ContractError) && !(error instanceof PseudonymisationUnavailableError)) throw error;
    const [status, answer] = describeError(error);
    return { status, body: answer };
  }
  throw new Error('accepted');
}

describe('record keys in place of subject references (prepareIncoming)', () => {
  it('replaces { recordKey } with sr_ + HMAC of the service key, in every field that holds a subject reference', () => {
    const [referral, sanction] = prepareIncoming([posted(policeReferralMade, { recordKey: RECORD_KEY }), posted(policeSanctionIssued, { recordKey: RECORD_KEY })], 'police', KEY);
    expect((referral!.data as { subjectRef: string }).subjectRef).toBe(subjectRefOf(KEY, RECORD_KEY));
    expect((sanction!.data as { subjectRef: string }).subjectRef).toBe(subjectRefOf(KEY, RECORD_KEY));
    expect(JSON.stringify([referral, sanction])).not.toContain(RECORD_KEY);
  });

  it('replaces a consent record key { recordKey } with cr_ + HMAC of the service key, and refuses a raw one', () => {
    const [referral] = prepareIncoming(posted(policeReferralMade, { recordKey: RECORD_KEY }, { consentRef: { recordKey: 'DY-2021-0001' } }), 'police', KEY);
    expect((referral!.data as { consentRef: string }).consentRef).toBe(consentRefOf(KEY, 'DY-2021-0001'));
    expect(JSON.stringify(referral)).not.toContain('DY-2021-0001');
    const answer = refusal(posted(policeReferralMade, EXAMPLE_SUBJECT_REF, { consentRef: 'DY-2021-0001' }), KEY);
    expect(answer.status).toBe(400);
    expect(answer.body.issues!.map((issue) => issue.path)).toEqual(['data.consentRef']);
    expect(JSON.stringify(answer.body)).not.toContain('DY-2021-0001');
  });

  it('gives the same reference to the same record key, another under another key', () => {
    const refOf = (key: Uint8Array) => (prepareIncoming(posted(policeReferralMade, { recordKey: RECORD_KEY }), 'police', key)[0]!.data as { subjectRef: string }).subjectRef;
    expect(refOf(KEY)).toBe(refOf(Buffer.from(KEY)));
    expect(refOf(KEY)).not.toBe(refOf(Buffer.alloc(32, 8)));
  });

  it('passes an sr_ reference the agency system made itself, with or without a key', () => {
    for (const key of [KEY, undefined]) {
      const [event] = prepareIncoming(posted(policeReferralMade, EXAMPLE_SUBJECT_REF), 'police', key);
      expect((event!.data as { subjectRef: string }).subjectRef).toBe(EXAMPLE_SUBJECT_REF);
    }
  });

  it('without a key, refuses the whole batch with 422 naming each record key, never echoing it', () => {
    const answer = refusal([posted(policeReferralMade, EXAMPLE_SUBJECT_REF), posted(policeReferralMade, { recordKey: RECORD_KEY })]);
    expect(answer.status).toBe(422);
    expect(answer.body.error).toBe('pseudonymisation-unavailable');
    expect(answer.body.issues!.map((issue) => issue.path)).toEqual(['[1].data.subjectRef.recordKey']);
    expect(answer.body.issues![0]!.message).toContain('LIENGANH_PSEUDONYM_KEY_FILE');
    expect(JSON.stringify(answer.body)).not.toContain(RECORD_KEY);
  });

  it('answers a bad shape with 400 naming the field, once, beside the event’s other issues', () => {
    const cases: [unknown, string[]][] = [
      [{ recordKey: 42 }, ['data.subjectRef.recordKey']],
      [{ recordKey: '' }, ['data.subjectRef.recordKey']],
      [{ recordKey: 'Nguyễn Thị B' }, ['data.subjectRef.recordKey']],
      [{}, ['data.subjectRef.recordKey']],
      [{ recordKey: RECORD_KEY, phone: '0912345678' }, ['data.subjectRef.phone']],
      [['HS-1'], ['data.subjectRef']],
      ['HS-2021-0042', ['data.subjectRef']],
    ];
    for (const [subjectRef, paths] of cases) {
      const answer = refusal(posted(policeReferralMade, subjectRef), KEY);
      expect({ subjectRef, status: answer.status, paths: answer.body.issues!.map((issue) => issue.path) }).toEqual({ subjectRef, status: 400, paths });
      expect(JSON.stringify(answer.body)).not.toContain('0912345678');
      expect(JSON.stringify(answer.body)).not.toContain('Nguyễn');
    }
    const answer = refusal(posted(policeReferralMade, { recordKey: 7 }, { consentRef: undefined, areaCode: 'Ba Đình' }), KEY);
    expect(answer.body.issues!.map((issue) => issue.path).sort()).toEqual(['data.areaCode', 'data.consentRef', 'data.subjectRef.recordKey']);
  });
});

describe('the pseudonymisation key', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'lienganh-pseudonym-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('comes inline or from a file, as hex or base64, of at least 32 bytes', () => {
    expect(pseudonymKeyFromEnv({})).toBeUndefined();
    expect(pseudonymKeyFromEnv({ LIENGANH_PSEUDONYM_KEY: KEY.toString('hex') })).toEqual(KEY);
    expect(pseudonymKeyFromEnv({ LIENGANH_PSEUDONYM_KEY: KEY.toString('base64url') })).toEqual(KEY);
    const file = join(dir, 'police.key');
    writeFileSync(file, `${KEY.toString('base64')}\n`);
    expect(pseudonymKeyFromEnv({ LIENGANH_PSEUDONYM_KEY_FILE: file })).toEqual(KEY);
    // Inline wins, as NATS_NKEY_SEED over its file.
    expect(pseudonymKeyFromEnv({ LIENGANH_PSEUDONYM_KEY: Buffer.alloc(32, 9).toString('hex'), LIENGANH_PSEUDONYM_KEY_FILE: file })).toEqual(Buffer.alloc(32, 9));
  });

  it('refuses a short or unreadable key, saying which variable, never the key', () => {
    const short = Buffer.alloc(31, 5).toString('base64');
    expect(() => pseudonymKeyFromEnv({ LIENGANH_PSEUDONYM_KEY: short })).toThrow(PseudonymKeyError);
    expect(() => pseudonymKeyFromEnv({ LIENGANH_PSEUDONYM_KEY: short })).toThrow(/^LIENGANH_PSEUDONYM_KEY: must hold at least 32 random bytes/);
    expect(() => pseudonymKeyFromEnv({ LIENGANH_PSEUDONYM_KEY: 'not a key, a passphrase with spaces in it!' })).toThrow(PseudonymKeyError);
    let message = '';
    try {
      pseudonymKeyFromEnv({ LIENGANH_PSEUDONYM_KEY: short });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).not.toContain(short);
    expect(() => pseudonymKeyFromEnv({ LIENGANH_PSEUDONYM_KEY_FILE: join(dir, 'missing.key') })).toThrow(/LIENGANH_PSEUDONYM_KEY_FILE: cannot read .*ENOENT/);
  });

  it('is made once per agency with mode 600 and kept (npm start)', () => {
    const police = ensurePseudonymKey(dir, 'police');
    expect(police.length).toBe(32);
    expect(statSync(pseudonymKeyFileOf(dir, 'police')).mode & 0o777).toBe(0o600);
    expect(ensurePseudonymKey(dir, 'police')).toEqual(police);
    expect(ensurePseudonymKey(dir, 'labour')).not.toEqual(police);
    expect(pseudonymKeyFromEnv({ LIENGANH_PSEUDONYM_KEY_FILE: pseudonymKeyFileOf(dir, 'police') })).toEqual(police);
    expect(readFileSync(pseudonymKeyFileOf(dir, 'police'), 'utf8').trim()).toBe(police.toString('base64'));
  });
});
