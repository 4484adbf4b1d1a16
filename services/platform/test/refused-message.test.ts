import { headers as natsHeaders } from '@nats-io/transport-node';
import { refusalOf, refusedIdentity, refusedSubject } from '../src/consuming/refused-message.js';

/** What is kept of a refused message (ADR 0014): pure, no NATS needed. */

const encoder = new TextEncoder();
function message(headers: Record<string, string>, body: string, subject = 'pcmd.events.police.case.opened') {
  const h = natsHeaders();
  for (const [name, value] of Object.entries(headers)) h.set(name, value);
  return { seq: 7, subject, headers: h, data: encoder.encode(body), info: { stream: 'PCMD_AGENCY_EVENTS' } };
}

describe('a refused message', () => {
  it('keeps id, source and type only when each passes its checks', () => {
    expect(refusedIdentity(message({ 'ce-id': 'kt-1', 'ce-source': '/pcmd/police', 'ce-type': 'vn.pcmd.police.case.opened.v1' }, '{}'))).toEqual({
      id: 'kt-1',
      source: '/pcmd/police',
      type: 'vn.pcmd.police.case.opened.v1',
    });
    expect(refusedIdentity(message({ 'ce-id': '0912345678', 'ce-source': '/pcmd/police/nguyen-van-an', 'ce-type': 'X-Person' }, '{}'))).toEqual({});
    // Structured mode: from the body.
    const structured = message({ 'content-type': 'application/cloudevents+json' }, JSON.stringify({ id: 'kt-2', source: '/pcmd/police', type: 'vn.pcmd.police.case.opened.v1', data: { phone: '0912345678' } }));
    expect(refusedIdentity(structured)).toEqual({ id: 'kt-2', source: '/pcmd/police', type: 'vn.pcmd.police.case.opened.v1' });
  });

  it('keeps the subject up to a token that looks like personal data', () => {
    expect(refusedSubject('pcmd.events.reporting.red-cross.activity.held')).toBe('pcmd.events.reporting.red-cross.activity.held');
    expect(refusedSubject('pcmd.events.reporting.red-cross.0912345678.held')).toBe('pcmd.events.reporting.red-cross.[…]');
  });

  it('becomes a refusal with the digest and reasons, without the body or a planted value', () => {
    const body = JSON.stringify({ caseId: 'x', 'Nguyễn Thị Hoa': '0912 345 678' });
    const refusal = refusalOf(message({ 'ce-id': 'kt-3', 'X-Person-Name': 'Nguyen Thi Hoa' }, body), [{ path: 'data.Nguyễn Thị Hoa', message: 'unknown field (not in the schema)' }], 'gate', new Date('2026-12-06T00:00:00Z'));
    expect(refusal).toMatchObject({ refusalId: 'PCMD_AGENCY_EVENTS:7', sequence: 7, bodyBytes: encoder.encode(body).length, removed: false, reasons: [{ path: 'data.[…]' }] });
    expect(refusal.bodySha256).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(refusal)).not.toMatch(/0912|Hoa/);
  });
});
