import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parsePlanDocument } from '@lienganh/contracts';
import { runCli } from '../support/cli.js';

/**
 * `npx lienganh plan import` without the coordination service: a tiny HTTP server in the test
 * stands in for it, records every request and answers as the service does (201, 409, 422).
 */

const CAN_THO = 'services/coordination/demo/can-tho-2026.plan.yaml';
const canThoPlan = () => parsePlanDocument(readFileSync(new URL(`../../${CAN_THO}`, import.meta.url), 'utf8'), 'yaml');

interface RecordedRequest {
  method: string | undefined;
  url: string | undefined;
  headers: IncomingHttpHeaders;
  body: string;
}

let server: Server;
let baseUrl: string;
let requests: RecordedRequest[] = [];
let answer: { status: number; body: unknown } = { status: 500, body: {} };
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lienganh-plan-import-'));
  server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      requests.push({ method: request.method, url: request.url, headers: request.headers, body });
      response.writeHead(answer.status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  if (dir) rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  requests = [];
});

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const probe = createNetServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => probe.once('listening', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** A plan with several problems of the schema and one of the catalog. */
function writeInvalidPlan(): string {
  const file = join(dir, 'invalid.plan.json');
  writeFileSync(
    file,
    JSON.stringify({
      id: 'kh-sai',
      number: '1/KH-UBND',
      issuedOn: '2026-01-05',
      issuingBody: 'ubnd-x',
      level: 'province',
      area: 'ct',
      period: { start: '2026-12-31', end: '2026-01-01' },
      title: { vi: 'Kế hoạch sai', en: 'A wrong plan' },
      targets: [{ id: 't1', title: { vi: 'x', en: 'x' }, agency: 'police', measure: { kind: 'count', eventType: 'vn.pcmd.police.nothing.v1' }, goal: { min: 1 } }],
      tasks: [{ id: 'n1', title: { vi: 'x', en: 'x' }, lead: 'police', targets: ['t-khong-co'] }],
    }),
  );
  return file;
}

describe('npx lienganh plan import', () => {
  it('rejects an invalid plan locally, lists every problem as validate does, exits 2 and sends nothing', async () => {
    const file = writeInvalidPlan();
    const { code, stdout } = await runCli(['plan', 'import', file, '--url', baseUrl]);
    expect(code).toBe(2);
    expect(stdout).toContain('Không hợp lệ / invalid: 3 problem(s)');
    expect(stdout).toContain('  period.end: must not be before period.start');
    expect(stdout).toContain('  tasks.0.targets.0: names no target of this plan ("t-khong-co")');
    expect(stdout).toContain('  targets.0.measure.eventType: is not an event type of the catalog');
    expect(stdout).toBe((await runCli(['plan', 'validate', file])).stdout);

    const json = await runCli(['plan', 'import', file, '--url', baseUrl, '--json']);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout)).toEqual(JSON.parse((await runCli(['plan', 'validate', file, '--json'])).stdout));
    expect(requests).toEqual([]);
  });

  it('says which URL it could not reach, without a stack trace, and exits 1', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const { code, stdout, stderr } = await runCli(['plan', 'import', CAN_THO, '--url', url]);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain(`cannot reach the coordination service at ${url}/api/v1/plans`);
    expect(stderr).toContain('ECONNREFUSED');
    expect(stderr).not.toMatch(/^\s+at /m);
  });

  it('posts the parsed plan as JSON and prints the plan id and the newly registered bodies and areas (201)', async () => {
    answer = { status: 201, body: { planId: 'kh-can-tho-2026', registered: { bodies: ['ubnd-can-tho', 'border-guard'], areas: ['ct', 'ct-tran-de'] } } };
    const { code, stdout } = await runCli(['plan', 'import', CAN_THO, '--url', `${baseUrl}/`]);
    expect(code).toBe(0);
    expect(requests).toHaveLength(1);
    const [request] = requests;
    expect(request).toMatchObject({ method: 'POST', url: '/api/v1/plans' });
    expect(request!.headers['content-type']).toBe('application/json');
    // The parsed plan, defaults filled in (supporting: [], dueDays…), not the YAML text.
    expect(JSON.parse(request!.body)).toEqual(JSON.parse(JSON.stringify(canThoPlan())));
    expect(stdout).toContain('Đã nhập kế hoạch / plan imported: kh-can-tho-2026');
    expect(stdout).toContain('Cơ quan mới đăng ký / newly registered bodies: ubnd-can-tho, border-guard (2)');
    expect(stdout).toContain('Địa bàn mới đăng ký / newly registered areas: ct, ct-tran-de (2)');
  });

  it("prints the service's answer with --json, and takes the URL from LIENGANH_COORDINATION_URL", async () => {
    answer = { status: 201, body: { planId: 'kh-can-tho-2026', registered: { bodies: [], areas: [] } } };
    const { code, stdout } = await runCli(['plan', 'import', CAN_THO, '--json'], { LIENGANH_COORDINATION_URL: baseUrl });
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual(answer.body);
    expect(requests).toHaveLength(1);

    const human = await runCli(['plan', 'import', CAN_THO], { LIENGANH_COORDINATION_URL: baseUrl });
    expect(human.stdout).toContain('newly registered bodies: không có / none');
  });

  it('prints the message and exits 1 when a plan with that id exists (409)', async () => {
    answer = { status: 409, body: { error: 'plan-exists', message: 'plan "kh-can-tho-2026" is already imported' } };
    const { code, stdout } = await runCli(['plan', 'import', CAN_THO, '--url', baseUrl]);
    expect(code).toBe(1);
    expect(stdout).toContain('not imported, the plan exists (HTTP 409): plan "kh-can-tho-2026" is already imported');

    const json = await runCli(['plan', 'import', CAN_THO, '--url', baseUrl, '--json']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toEqual(answer.body);
  });

  it('prints every issue the service found and exits 2 (422)', async () => {
    answer = {
      status: 422,
      body: {
        error: 'invalid-plan',
        message: 'the plan names unknown bodies',
        issues: [
          { path: 'tasks.3.lead', message: 'body "x" is neither registered nor declared under bodies' },
          { path: 'area', message: 'area "y" is neither registered nor declared under areas' },
        ],
      },
    };
    const { code, stdout } = await runCli(['plan', 'import', CAN_THO, '--url', baseUrl]);
    expect(code).toBe(2);
    expect(stdout).toContain('refused by the coordination service (HTTP 422): the plan names unknown bodies');
    expect(stdout).toContain('  tasks.3.lead: body "x" is neither registered nor declared under bodies');
    expect(stdout).toContain('  area: area "y" is neither registered nor declared under areas');
  });

  it('reports an unexpected answer with its status and exits 1', async () => {
    answer = { status: 500, body: { error: 'internal', message: 'store unavailable' } };
    const { code, stderr } = await runCli(['plan', 'import', CAN_THO, '--url', baseUrl]);
    expect(code).toBe(1);
    expect(stderr).toContain(`the coordination service at ${baseUrl}/api/v1/plans answered HTTP 500: store unavailable`);
  });

  it("sends a user's token: --token, else LIENGANH_TOKEN, else the demo secretariat's from the demo credentials", async () => {
    answer = { status: 201, body: { planId: 'kh-can-tho-2026', registered: { bodies: [], areas: [] } } };
    const credentials = join(dir, 'demo-credentials.json');
    writeFileSync(credentials, JSON.stringify({ users: [{ id: 'demo-committee', role: 'committee-member', token: 'committee-token-0123' }, { id: 'demo-secretariat', role: 'secretariat', token: 'secretariat-token-0123' }] }));
    const env = { LIENGANH_TOKEN: '', LIENGANH_CREDENTIALS_FILE: credentials };
    expect((await runCli(['plan', 'import', CAN_THO, '--url', baseUrl, '--token', 'option-token-0123'], env)).code).toBe(0);
    expect((await runCli(['plan', 'import', CAN_THO, '--url', baseUrl], { ...env, LIENGANH_TOKEN: 'env-token-0123' })).code).toBe(0);
    expect((await runCli(['plan', 'import', CAN_THO, '--url', baseUrl], env)).code).toBe(0);
    expect(requests.map((request) => request.headers.authorization)).toEqual(['Bearer option-token-0123', 'Bearer env-token-0123', 'Bearer secretariat-token-0123']);
  });

  it('says why and exits 2 when the service refuses the user (401, 403)', async () => {
    const env = { LIENGANH_TOKEN: '', LIENGANH_CREDENTIALS_FILE: join(dir, 'none.json') };
    answer = { status: 401, body: { error: 'unauthenticated', message: 'Cần đăng nhập / sign-in required' } };
    const missing = await runCli(['plan', 'import', CAN_THO, '--url', baseUrl], env);
    expect(missing.code).toBe(2);
    expect(requests[0]!.headers.authorization).toBeUndefined();
    expect(missing.stderr).toContain('refused by the coordination service (HTTP 401): Cần đăng nhập / sign-in required; cần mã truy cập / a token is needed: --token or LIENGANH_TOKEN');
    answer = { status: 403, body: { error: 'forbidden', message: 'the committee member role may not do this (only: secretariat)' } };
    const forbidden = await runCli(['plan', 'import', CAN_THO, '--url', baseUrl, '--token', 'committee-token-0123'], env);
    expect(forbidden.code).toBe(2);
    expect(forbidden.stderr).toContain('(HTTP 403): the committee member role may not do this (only: secretariat); người dùng này không được phép / this user may not do this');
    expect(forbidden.stderr).not.toMatch(/^\s+at /m);
  });

  it('refuses a bad --url as bad usage (exit 2) before sending anything', async () => {
    const { code, stderr } = await runCli(['plan', 'import', CAN_THO, '--url', 'ftp://example.org']);
    expect(code).toBe(2);
    expect(stderr).toContain('must be http or https');
  });
});
