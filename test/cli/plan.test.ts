import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../support/cli.js';

describe('npx lienganh plan validate', () => {
  it('accepts the Ba Đình plan', async () => {
    const { code, stdout } = await runCli(['plan', 'validate', 'services/coordination/demo/ba-dinh-2021.plan.yaml', '--json']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({ valid: true, planId: 'kh-ba-dinh-2021', targets: 22, tasks: 59 });
  });

  it('lists every problem of an invalid plan and exits 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lienganh-plan-'));
    try {
      const file = join(dir, 'plan.json');
      writeFileSync(file, JSON.stringify({ id: 'kh-x', number: 'x', issuedOn: '2026-01-01', issuingBody: 'border-guard', level: 'province', area: 'qn', period: { start: '2026-01-01', end: '2026-12-31' }, title: { vi: 'x', en: 'x' }, targets: [], tasks: [] }));
      const { code, stdout } = await runCli(['plan', 'validate', file, '--json']);
      expect(code).toBe(2);
      expect(JSON.parse(stdout).problems).toEqual([
        { path: 'issuingBody', message: 'body "border-guard" is neither registered nor declared under bodies' },
        { path: 'area', message: 'area "qn" is neither registered nor declared under areas' },
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('answers bad usage of a nested command with exit code 2', async () => {
    const { code, stderr } = await runCli(['plan', 'validate', 'x.yaml', '--bogus']);
    expect(code).toBe(2);
    expect(stderr).toContain("unknown option '--bogus'");
    expect((await runCli(['plan', 'validate', '/nonexistent/plan.yaml'])).code).toBe(2);
  });
});
