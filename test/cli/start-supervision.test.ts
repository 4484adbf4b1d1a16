import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { policeReferralMade } from '@lienganh/contracts';
import { interrupt } from '../support/cli.js';
import { alive, demoCredentials, freePort, natsServersOf, secretariatToken, startEnv, startLienganh, waitFor, type LienganhRun } from '../support/lienganh-start.js';

/**
 * `npm start` left alone (issue 20): the bus it runs comes back by itself, readiness tells the
 * truth meanwhile, and its log says what an operator must see. Real processes and signals.
 */
describe('npx lienganh start, unattended', () => {
  let dataDir: string;
  let natsPort: number;
  let run: LienganhRun | undefined;
  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'lienganh-unattended-'));
    natsPort = await freePort();
  });
  afterEach(async () => {
    if (run) {
      interrupt(run.child);
      await run.closed;
      run = undefined;
    }
    const left = natsServersOf(join(dataDir, 'nats'));
    for (const pid of left) process.kill(pid, 'SIGKILL');
    await waitFor(() => left.every((pid) => !alive(pid)), 5_000, () => `pids ${left.join(', ')}`);
    rmSync(dataDir, { recursive: true, force: true });
    expect(left).toEqual([]);
  });

  const police = () => demoCredentials(dataDir).agencyKeys.police!;
  const inspection = (id: string) => ({
    specversion: '1.0', id, type: 'vn.pcmd.police.inspection.completed.v1', time: '2021-05-04T09:30:00+07:00',
    data: { inspectionId: id, areaCode: 'hn-ba-dinh-lieu-giai', business: { businessId: '0101234567', kind: 'karaoke' }, outcome: 'compliant', violations: [] },
  });

  /** As an agency system does: a batch whose answer was lost with its connection is sent again (stored once). */
  async function postBatch(url: string, events: object[]): Promise<number> {
    for (let attempt = 1; ; attempt++) {
      try {
        const response = await fetch(`${url}/api/v1/events`, {
          method: 'POST',
          headers: { authorization: `Bearer ${police()}`, 'content-type': 'application/cloudevents-batch+json' },
          body: JSON.stringify(events),
        });
        await response.arrayBuffer();
        return response.status;
      } catch (error) {
        if (attempt >= 3) throw error;
      }
    }
  }

  async function inspectionsOnBoard(coordinationUrl: string): Promise<number | undefined> {
    const response = await fetch(`${coordinationUrl}/api/v1/targets/ct-kiem-tra-hanh-chinh-400?plan=kh-ba-dinh-2021`, { headers: { authorization: `Bearer ${secretariatToken(dataDir)}` } }).catch(() => undefined);
    if (!response) return undefined;
    return response.ok ? ((await response.json()) as { achieved: number }).achieved : undefined;
  }

  it('SIGKILL of the embedded nats-server during a 2,000-event load: back within 10 s, /readyz 503 meanwhile, every accepted event on the board once', async () => {
    run = await startLienganh(dataDir, startEnv(natsPort));
    const { coordinationUrl, policeUrl } = run;
    const [firstServer] = natsServersOf(join(dataDir, 'nats'));
    expect(firstServer).toBeDefined();

    // Coordination's readiness, every 50 ms from before the kill until the board is whole again.
    const readiness: { at: number; status: number; reason?: string }[] = [];
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        const response = await fetch(`${coordinationUrl}/readyz`).catch(() => undefined);
        const body = (await response?.json().catch(() => undefined)) as { reason?: string } | undefined;
        readiness.push({ at: Date.now(), status: response?.status ?? 0, ...(body?.reason ? { reason: body.reason } : {}) });
        await new Promise((done) => setTimeout(done, 50));
      }
    })();

    // 2,000 inspections in 40 batches of 50, four at a time; the server is killed once 500 are in.
    const accepted = new Set<string>();
    const answers = new Map<number, number>();
    let killedAt = 0;
    const batches = Array.from({ length: 40 }, (_, batch) => Array.from({ length: 50 }, (_, index) => inspection(`kt-load-${batch * 50 + index}`)));
    const queue = [...batches];
    await Promise.all(
      [1, 2, 3, 4].map(async () => {
        for (let batch = queue.shift(); batch; batch = queue.shift()) {
          if (accepted.size >= 500 && !killedAt) {
            killedAt = Date.now();
            process.kill(firstServer!, 'SIGKILL');
          }
          const status = await postBatch(policeUrl, batch);
          answers.set(status, (answers.get(status) ?? 0) + 1);
          if (status === 202) batch.forEach((event) => accepted.add(event.id));
        }
      }),
    );
    expect(killedAt).toBeGreaterThan(0);
    // Only 202 (kept: on the bus or in the outbox) or 503 with nothing kept.
    expect([...answers.keys()].every((status) => status === 202 || status === 503)).toBe(true);

    // The supervisor brings the same server back (a new process on the same store and port).
    let restarted: number | undefined;
    await waitFor(() => (restarted = natsServersOf(join(dataDir, 'nats')).find((pid) => pid !== firstServer)) !== undefined, 10_000, () => run!.output);
    expect(Date.now() - killedAt).toBeLessThan(10_000);
    expect(readFileSync(join(dataDir, 'nats-server.pid'), 'utf8').trim()).toBe(String(restarted));

    let onBoard: number | undefined;
    await waitFor(async () => (onBoard = await inspectionsOnBoard(coordinationUrl)) === accepted.size, 60_000, () => `on the board: ${onBoard}, accepted: ${accepted.size}`);
    await waitFor(() => readiness.at(-1)?.status === 200, 10_000, () => JSON.stringify(readiness.slice(-3)));
    watching = false;
    await watcher;

    expect(accepted.size).toBeGreaterThanOrEqual(1_500);
    const whileDown = readiness.filter((probe) => probe.at > killedAt && probe.status === 503);
    expect(whileDown.length).toBeGreaterThan(0);
    expect(whileDown.some((probe) => probe.reason === 'bus-unreachable')).toBe(true);
    expect(run.output).toMatch(/nats-server .*exited unexpectedly \(signal SIGKILL\)/);
    expect(run.output).toContain('running again');
    // Counted once: the board stays at what was accepted once the outbox has drained.
    expect(await inspectionsOnBoard(coordinationUrl)).toBe(accepted.size);
  }, 180_000);

  it("the log of npm start shows the alert an overdue referral raises, and each refused event with the field it names", async () => {
    run = await startLienganh(dataDir, { ...startEnv(natsPort), DEADLINE_TICK_MS: '500', LOG_LEVEL: '' });
    const { coordinationUrl, policeUrl } = run;
    // A plan in force today whose police → labour handover takes one day.
    const day = (offsetDays: number) => new Date(Date.now() + offsetDays * 86_400_000 + 7 * 3_600_000).toISOString().slice(0, 10);
    const plan = {
      id: 'kh-thu-log', number: '1/KH-THU', issuedOn: day(-60), issuingBody: 'ubnd-thu', level: 'district', area: 'hn-thu',
      period: { start: day(-60), end: day(60) },
      title: { vi: 'Kế hoạch thử nhật ký', en: 'Log test plan' },
      bodies: [{ code: 'ubnd-thu', name: { vi: 'UBND quận thử', en: 'Test district committee' } }],
      areas: [
        { code: 'hn-thu', level: 'district', name: { vi: 'Quận thử', en: 'Test district' } },
        { code: 'hn-thu-a', level: 'ward', parent: 'hn-thu', name: { vi: 'Phường A', en: 'Ward A' } },
      ],
      targets: [],
      tasks: [{ id: 'nv-tong-ket', title: { vi: 'Tổng kết', en: 'Final review' }, lead: 'labour', supporting: [], due: day(60), targets: [] }],
      deadlines: { referralHandovers: [{ from: 'police', to: 'labour', days: 1 }], approachingDays: [], escalateAfterDays: 7 },
    };
    const imported = await fetch(`${coordinationUrl}/api/v1/plans`, {
      method: 'POST',
      headers: { authorization: `Bearer ${secretariatToken(dataDir)}`, 'content-type': 'application/json' },
      body: JSON.stringify(plan),
    });
    expect([imported.status, await imported.text()]).toEqual([201, expect.any(String)]);

    // Made a day ago less 3 s: due 3 s from now, after the plan's import, so it alerts.
    const referralId = 'cg-log-0001';
    const made = await fetch(`${policeUrl}/api/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${demoCredentials(dataDir).agencyKeys.police}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        specversion: '1.0', id: 'evt-cg-log-0001', type: policeReferralMade.type, time: new Date(Date.now() - 86_400_000 + 3_000).toISOString(),
        data: { ...policeReferralMade.example, referralId, areaCode: 'hn-thu-a', toAgency: 'labour' },
      }),
    });
    expect(made.status).toBe(202);
    // Refused: no areaCode.
    const { areaCode: _missing, ...withoutArea } = inspection('kt-log-refused').data;
    const refused = await fetch(`${policeUrl}/api/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${police()}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ...inspection('kt-log-refused'), data: withoutArea }),
    });
    expect(refused.status).toBe(400);

    const lines = () => run!.output.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>);
    // The alert names the case by its reference (ADR 0021), never by the referral's id.
    const isTheAlert = (line: Record<string, unknown>) => line.kind === 'referral-handover' && line.areaCode === 'hn-thu-a' && String(line.type).includes('overdue');
    await waitFor(() => lines().some(isTheAlert), 30_000, () => run!.output.slice(-3_000));
    const alert = lines().find(isTheAlert)!;
    expect(alert).toMatchObject({ level: 30, service: 'coordination', agency: 'labour', refId: expect.stringMatching(/^hs-[0-9a-f]{20}$/) });
    expect(JSON.stringify(alert)).not.toContain(referralId);
    const refusal = lines().find((line) => (line.refusal as { fields?: string[] } | undefined)?.fields?.includes('data.areaCode'));
    expect(refusal).toMatchObject({ level: 30, service: 'police', refusal: { status: 400, error: 'invalid-event' } });
    expect(String(refusal!.msg)).toContain('event refused');
  }, 120_000);
});
