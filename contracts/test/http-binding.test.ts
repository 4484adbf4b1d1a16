import { CloudEvent, HTTP } from 'cloudevents';
import { binaryModePath, ContractError, contentModeOf, decodeHttpEvents, parseEvent, policeInspectionCompleted, type HttpHeaders } from '@lienganh/contracts';

/** Issue 22: the CloudEvents HTTP binding on the way in, without a server (the service's own test is test/agency/cloudevents-sdk.test.ts). */

const sdkEvent = new CloudEvent({
  id: 'kt-http-1',
  type: policeInspectionCompleted.type,
  source: '/pcmd/police',
  subject: policeInspectionCompleted.example.inspectionId,
  time: '2021-05-04T02:30:00.000Z',
  data: policeInspectionCompleted.example,
});

/** A message as Node gives its headers: lower case, each a list of values. */
function asReceived(message: { headers: Record<string, unknown>; body: unknown }): [HttpHeaders, unknown] {
  const headers: HttpHeaders = {};
  for (const [name, value] of Object.entries(message.headers)) headers[name.toLowerCase()] = [String(value)];
  return [headers, typeof message.body === 'string' ? JSON.parse(message.body) : message.body];
}

const issuesOf = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    if (error instanceof ContractError) return error.issues;
    throw error;
  }
  return [];
};

describe('the HTTP binding', () => {
  it('reads what the SDK sends in binary and in structured mode as the same valid event', () => {
    const [binaryHeaders, binaryBody] = asReceived(HTTP.binary(sdkEvent));
    const [structuredHeaders, structuredBody] = asReceived(HTTP.structured(sdkEvent));
    const binary = decodeHttpEvents(binaryHeaders, binaryBody);
    const structured = decodeHttpEvents(structuredHeaders, structuredBody);
    expect([binary.mode, structured.mode]).toEqual(['binary', 'structured']);
    expect(parseEvent(binary.body)).toEqual(parseEvent(structured.body));
    expect(parseEvent(binary.body)).toMatchObject({ id: 'kt-http-1', time: '2021-05-04T02:30:00.000Z', datacontenttype: 'application/json', data: policeInspectionCompleted.example });
  });

  it('takes each attribute as sent: nothing made up for a missing one, a time not rewritten, values percent-decoded', () => {
    const [headers, body] = asReceived(HTTP.binary(sdkEvent));
    delete headers['ce-time'];
    headers['ce-subject'] = ['kt%2Dhttp-1'];
    const { body: event } = decodeHttpEvents(headers, body);
    expect(event).not.toHaveProperty('time');
    expect(event).toHaveProperty('subject', 'kt-http-1');
    headers['ce-time'] = ['2021-05-04T09:30:00+07:00'];
    expect(decodeHttpEvents(headers, body).body).toHaveProperty('time', '2021-05-04T09:30:00+07:00');
  });

  it('chooses the mode by media type first, then by ce- headers', () => {
    expect(contentModeOf({ 'content-type': ['application/cloudevents-batch+json; charset=utf-8'] }, [])).toBe('batch');
    expect(contentModeOf({ 'content-type': ['Application/CloudEvents+JSON'] }, {})).toBe('structured');
    expect(contentModeOf({ 'content-type': ['application/json'], 'ce-id': ['x'] }, {})).toBe('binary');
    expect(contentModeOf({ 'content-type': ['application/json'] }, [])).toBe('batch');
    expect(contentModeOf({ 'content-type': ['application/json'] }, {})).toBe('structured');
  });

  it('names every header at fault and never its value', () => {
    const [headers, body] = asReceived(HTTP.binary(sdkEvent));
    const issues = issuesOf(() =>
      decodeHttpEvents({ ...headers, 'ce-fullname': ['Nguyen Thi Hoa'], 'ce-source': ['/pcmd/police', '/pcmd/labour'], 'ce-subject': ['caf\u00e9'], 'ce-0912345678': ['x'] }, body),
    );
    expect(issues).toHaveLength(4);
    expect(issues).toEqual(expect.arrayContaining([
      { path: 'headers.ce-fullname', message: expect.stringMatching(/^is not an attribute of these events/) },
      { path: 'headers.ce-source', message: expect.stringMatching(/more than once/) },
      { path: 'headers.ce-subject', message: expect.stringMatching(/printable ASCII/) },
      { path: 'headers', message: expect.stringMatching(/^is not an attribute/) },
    ]));
    expect(JSON.stringify(issues)).not.toMatch(/Hoa|0912345678|caf/);
  });

  it('refuses a binary-mode body that is not JSON data, and a batch media type on one event', () => {
    expect(issuesOf(() => decodeHttpEvents({ 'content-type': ['text/plain'], 'ce-id': ['x'] }, 'x'))).toEqual([{ path: 'headers.content-type', message: expect.stringMatching(/application\/json/) }]);
    expect(issuesOf(() => decodeHttpEvents({ 'content-type': ['application/cloudevents-batch+json'] }, {}))).toEqual([{ path: '', message: expect.stringMatching(/JSON array/) }]);
  });

  it('names an attribute of a binary-mode event by its header, the data by its path', () => {
    expect(['subject', 'id', 'datacontenttype', 'data.business.kind', '[0].id'].map(binaryModePath)).toEqual(['headers.ce-subject', 'headers.ce-id', 'headers.content-type', 'data.business.kind', '[0].id']);
  });
});
