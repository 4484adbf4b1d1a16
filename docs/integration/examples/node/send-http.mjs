// Sends one police inspection to the police service over HTTP, with plain fetch (Node 18 or later,
// nothing to install), and prints what came back. See docs/integration/README.md.
//
//   LIENGANH_EVENTS_URL=http://127.0.0.1:8082/api/v1/events LIENGANH_API_KEY=… node send-http.mjs [--structured] [--invalid]
//
// Binary content mode by default (the attributes in ce- headers, the data as the body);
// --structured sends the whole event as the body. --invalid sends an outcome the contract does not
// know, to see a refusal. Exit code: 0 accepted (202), 1 refused, 2 misconfigured.

const url = process.env.LIENGANH_EVENTS_URL;
const apiKey = process.env.LIENGANH_API_KEY;
if (!url || !apiKey) {
  console.error('Set LIENGANH_EVENTS_URL (the service\'s …/api/v1/events) and LIENGANH_API_KEY (the agency\'s HTTP key).');
  process.exit(2);
}
const structured = process.argv.includes('--structured');
const invalid = process.argv.includes('--invalid');

// An event is its source + id: keep the id of a record for every re-send of it. The unit in
// `source` is optional over HTTP (the key says which agency speaks).
const id = `kt-node-http-${Date.now().toString(36)}`;
const attributes = {
  specversion: '1.0',
  id,
  type: 'vn.pcmd.police.inspection.completed.v1',
  source: '/pcmd/police/001',
  // When the inspection happened. 2021 in Ba Đình, so that the demo board's Ba Đình 2021 plan counts it;
  // your system sends the real time of its record.
  time: '2021-05-20T14:00:00+07:00',
};
const data = {
  inspectionId: id,
  areaCode: 'hn-ba-dinh-kim-ma',
  business: { businessId: '0101234567', kind: 'karaoke' },
  outcome: invalid ? 'done' : 'compliant',
  violations: [],
};

const request = structured
  ? { headers: { 'content-type': 'application/cloudevents+json; charset=utf-8' }, body: JSON.stringify({ ...attributes, data }) }
  : {
      headers: {
        'content-type': 'application/json; charset=utf-8',
        ...Object.fromEntries(Object.entries(attributes).map(([name, value]) => [`ce-${name}`, value])),
      },
      body: JSON.stringify(data),
    };

// 429 and 503 say when to come back (Retry-After, seconds); a lost answer (network error) is sent
// again as it was: the same source + id is stored once.
const MAX_TRIES = 5;
for (let attempt = 1; ; attempt++) {
  let response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, ...request.headers },
      body: request.body,
      signal: AbortSignal.timeout(10_000),
    });
  } catch (error) {
    if (attempt >= MAX_TRIES) throw error;
    console.log(`no answer (${error.cause?.code ?? error.name}), sending ${id} again`);
    await new Promise((done) => setTimeout(done, 1_000 * attempt));
    continue;
  }
  const text = await response.text();
  console.log(`${structured ? 'structured' : 'binary'} mode, ${id}: HTTP ${response.status} ${text}`);
  if (response.status === 202) process.exit(0);
  if ((response.status === 429 || response.status === 503) && attempt < MAX_TRIES) {
    const seconds = Number(response.headers.get('retry-after') ?? 1);
    console.log(`retrying after ${seconds} s`);
    await new Promise((done) => setTimeout(done, seconds * 1_000));
    continue;
  }
  // 400: each issue names the field (path) and why; fix the record, do not send it again as is.
  // 409: this id was already taken with another body. 401/403: the key. 415: the content type.
  process.exit(1);
}
