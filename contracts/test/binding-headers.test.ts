import { bindingHeaderIssues, buildEvent, ContractError, decodeNatsMessage, encodeBinary, encodeStructured, eventKey, policeHotspotReported } from '@lienganh/contracts';

/** Issue 19: JetStream stores every header, so only the binding's are taken (ADR 0014). */

const event = buildEvent(policeHotspotReported, policeHotspotReported.example, { id: 'evt-hotspot-2', time: '2021-03-01T20:00:00+07:00' });
const { headers, data } = encodeBinary(event);
const issuesOf = (extra: Record<string, string>, body = data) => {
  try {
    decodeNatsMessage({ ...headers, ...extra }, body);
  } catch (error) {
    if (error instanceof ContractError) return error.issues;
    throw error;
  }
  return [];
};

describe('headers outside the CloudEvents NATS binding', () => {
  it('refuses one, naming the header and never its value', () => {
    const issues = issuesOf({ 'X-Person-Name': 'Nguyễn Thị Hoa' });
    expect(issues).toEqual([{ path: 'headers.X-Person-Name', message: expect.stringContaining('not a header of the CloudEvents NATS binding') }]);
    expect(JSON.stringify(issues)).not.toContain('Hoa');
  });

  it('does not name a header whose name looks like personal data', () => {
    const issues = issuesOf({ '0912345678': 'x' });
    expect(issues).toEqual([{ path: 'headers', message: expect.any(String) }]);
  });

  it('lists them after the event’s own problems', () => {
    const bad = new TextEncoder().encode(JSON.stringify({ ...event.data, phone: '0912345678' }));
    expect(issuesOf({ 'X-Note': 'y' }, bad).map((issue) => issue.path)).toEqual(['data.phone', 'headers.X-Note']);
  });

  it('takes the binding’s, JetStream’s and a plain or UTF-8 content-type, in either mode', () => {
    expect(decodeNatsMessage({ ...headers, 'Nats-Expected-Stream': 'PCMD_AGENCY_EVENTS' }, data)).toEqual(event);
    const structured = encodeStructured(event);
    expect(decodeNatsMessage(structured.headers, structured.data)).toEqual(event);
    expect(issuesOf({ 'content-type': 'application/json; charset=utf-8' })).toEqual([]);
    expect(issuesOf({ 'content-type': 'application/json; name=Nguyen-Thi-Hoa' }).map((issue) => issue.path)).toEqual(['headers.content-type']);
  });

  it('refuses a Nats-Msg-Id that looks like personal data, unless it is the event’s key', () => {
    expect(issuesOf({ 'Nats-Msg-Id': '0912.345.678' })).toEqual([{ path: 'headers.Nats-Msg-Id', message: expect.stringContaining('personal data') }]);
    expect(issuesOf({ 'Nats-Msg-Id': eventKey(event) })).toEqual([]);
    expect(issuesOf({ 'Nats-Msg-Id': 'kt-0001' })).toEqual([]);
  });

  it('refuses a header sent twice (nats.js MsgHdrs), whose second value no check would read', () => {
    const twice = new Map([
      ['ce-id', ['evt-hotspot-2', '0912345678']],
      ['X-A', ['a']],
    ]);
    expect(bindingHeaderIssues(twice).map((issue) => issue.path)).toEqual(['headers.ce-id', 'headers.X-A']);
    expect(bindingHeaderIssues([['ce-id', ['x']], ['CE-ID', ['x']]]).map((issue) => issue.message)).toEqual([expect.stringContaining('more than once')]);
  });
});
