import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Parser } from '@asyncapi/parser';
import { buildAsyncApiDocument } from '@lienganh/contracts';
import { startCoordinationService, type RunningCoordinationService } from '@lienganh/coordination';
import { parse as parseYaml } from 'yaml';
import { repoRoot } from '../support/cli.js';
import { startNatsFixture, type NatsFixture } from '../support/nats.js';
import { TEST_USERS } from '../support/users.js';

/** Issue #22: coordination serves the AsyncAPI document, both directions and their security, at /asyncapi and /asyncapi.yaml, to anyone. */

let nats: NatsFixture;
let coordination: RunningCoordinationService;

beforeAll(async () => {
  nats = await startNatsFixture();
  coordination = await startCoordinationService({ ...nats.identity('coordination'), port: 0, deadlineTickMs: 0, users: TEST_USERS });
});
afterAll(async () => {
  await coordination?.close();
  await nats?.close();
});

it('serves the document as JSON at /asyncapi, parsed with zero errors, with the read side and its security schemes', async () => {
  const response = await fetch(`${coordination.url}/asyncapi`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  const served = (await response.json()) as ReturnType<typeof buildAsyncApiDocument>;
  expect(served).toEqual(buildAsyncApiDocument());
  expect(Object.keys(served.components.securitySchemes)).toEqual(['nkey', 'bearer', 'webhookSignature']);
  expect(served.operations['consume.coordination.deadline.overdue']).toMatchObject({ action: 'receive' });
  const { diagnostics } = await new Parser().parse(served);
  expect(diagnostics.filter((diagnostic) => diagnostic.severity === 0).map((error) => `${error.code} at ${error.path.join('/')}: ${error.message}`)).toEqual([]);
}, 60_000);

it('serves the same document as YAML at /asyncapi.yaml, byte for byte the committed docs/events/asyncapi.yaml', async () => {
  const response = await fetch(`${coordination.url}/asyncapi.yaml`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('application/yaml; charset=utf-8');
  const text = await response.text();
  expect(text).toBe(readFileSync(join(repoRoot, 'docs/events/asyncapi.yaml'), 'utf8'));
  expect(parseYaml(text)).toEqual(buildAsyncApiDocument());
});
