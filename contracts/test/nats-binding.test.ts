import {
  buildEvent,
  ContractError,
  decodeNatsMessage,
  encodeBinary,
  encodeHeaderValue,
  encodeStructured,
  eventKey,
  policeHotspotReported,
} from '@lienganh/contracts';

const event = buildEvent(policeHotspotReported, policeHotspotReported.example, {
  id: 'evt-hotspot-1',
  time: '2021-03-01T20:00:00+07:00',
  traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
});
const encoder = new TextEncoder();

describe('binary content mode', () => {
  it('puts every attribute in a ce- header, the data in the body and the identity (source + id) in Nats-Msg-Id', () => {
    const { headers, data } = encodeBinary(event);
    expect(headers).toEqual({
      // base64url(SHA-256("/pcmd/police evt-hotspot-1")), as the AsyncAPI document tells direct producers
      'Nats-Msg-Id': '66HMle_9hhwgJma4hhS_WWQd1l33cQuy3eEvsFRb7Vo',
      'content-type': 'application/json',
      'ce-specversion': '1.0',
      'ce-id': 'evt-hotspot-1',
      'ce-type': 'vn.pcmd.police.hotspot.reported.v1',
      'ce-source': '/pcmd/police',
      'ce-subject': 'td-lieu-giai',
      'ce-time': '2021-03-01T20:00:00+07:00',
      'ce-dataschema': 'urn:lienganh:schema:vn.pcmd.police.hotspot.reported.v1',
      'ce-traceparent': '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    });
    expect(JSON.parse(new TextDecoder().decode(data))).toEqual(event.data);
  });

  it('round-trips, Vietnamese text included', () => {
    const { headers, data } = encodeBinary(event);
    expect(decodeNatsMessage(headers, data)).toEqual(event);
    expect(event.data.place).toBe('Phố Liễu Giai');
  });

  it('reads header names case-insensitively', () => {
    const { headers, data } = encodeBinary(event);
    const upper = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toUpperCase(), value]));
    expect(decodeNatsMessage(upper, data)).toEqual(event);
  });

  it('percent-encodes what could break a header block', () => {
    expect(encodeHeaderValue('a b')).toBe('a%20b');
    expect(encodeHeaderValue('x\r\nNats-Msg-Id: forged')).toBe('x%0D%0ANats-Msg-Id:%20forged');
    expect(encodeHeaderValue('Đ')).toBe('%C4%90');
    expect(encodeHeaderValue('100%')).toBe('100%25');
  });

  it('rejects a body that is not JSON, or not UTF-8, naming the data', () => {
    const { headers } = encodeBinary(event);
    expect(() => decodeNatsMessage(headers, encoder.encode('{not json'))).toThrow(/^data: is not valid JSON$/);
    expect(() => decodeNatsMessage(headers, new Uint8Array([0x7b, 0xff, 0x7d]))).toThrow(/^data: is not valid UTF-8$/);
  });

  it('rejects a header with a broken percent-encoding', () => {
    const { headers, data } = encodeBinary(event);
    expect(() => decodeNatsMessage({ ...headers, 'ce-subject': '%E0%A4%A' }, data)).toThrow(/^ce-subject: has an invalid percent-encoding$/);
  });

  it('validates the decoded event against the catalog', () => {
    const { headers } = encodeBinary(event);
    expect(() => decodeNatsMessage(headers, encoder.encode(JSON.stringify({ ...event.data, kind: 'cave' })))).toThrow(/^data\.kind: /);
  });
});

describe('structured content mode', () => {
  it('round-trips the whole event in the body', () => {
    const { headers, data } = encodeStructured(event);
    expect(headers['content-type']).toBe('application/cloudevents+json; charset=utf-8');
    expect(headers['Nats-Msg-Id']).toBe(eventKey(event));
    expect(decodeNatsMessage(headers, data)).toEqual(event);
  });

  it('refuses event formats other than JSON', () => {
    expect(() => decodeNatsMessage({ 'content-type': 'application/cloudevents+avro' }, new Uint8Array())).toThrow(
      /^content-type: unsupported event format/,
    );
  });
});

it('rejects a message in neither mode', () => {
  expect(() => decodeNatsMessage({}, encoder.encode('{}'))).toThrow(ContractError);
  expect(() => decodeNatsMessage(undefined, encoder.encode('{}'))).toThrow(/^headers: not a CloudEvent/);
});
