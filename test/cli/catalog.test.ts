import { catalog, INGESTING_SERVICES } from '@lienganh/contracts';
import { runCli } from '../support/cli.js';

describe('npx lienganh catalog', () => {
  it('--json prints every event type with agency, subject, version and description', async () => {
    const { code, stdout } = await runCli(['catalog', '--json']);
    expect(code).toBe(0);
    const entries = JSON.parse(stdout) as { type: string; agency: string; subject: string; version: number; description: { vi: string; en: string } }[];
    expect(entries.length).toBeGreaterThanOrEqual(35);
    expect(entries.map((entry) => entry.type)).toEqual(catalog.map((definition) => definition.type));
    expect(new Set(entries.map((entry) => entry.agency))).toEqual(new Set([...INGESTING_SERVICES, 'coordination']));
    for (const entry of entries) {
      expect(Object.keys(entry).sort()).toEqual(['agency', 'description', 'subject', 'type', 'version']);
      expect(entry.subject).toMatch(/^pcmd\.events\./);
      expect(entry.description.vi).not.toBe('');
    }
  });

  it('prints a table for people, filtered by agency', async () => {
    const { code, stdout } = await runCli(['catalog', '--agency', 'justice']);
    expect(code).toBe(0);
    expect(stdout).toContain('vn.pcmd.justice.case.tried.v1');
    expect(stdout).toContain('Tòa án xét xử vụ án');
    expect(stdout).not.toContain('vn.pcmd.police.');
  });

  it('answers bad usage with a message and exit code 2, never a stack trace', async () => {
    const { code, stderr } = await runCli(['catalog', '--colour']);
    expect(code).toBe(2);
    expect(stderr).toContain("unknown option '--colour'");
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('has --help on every command', async () => {
    const { code, stdout } = await runCli(['catalog', '--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('--json');
  });
});
