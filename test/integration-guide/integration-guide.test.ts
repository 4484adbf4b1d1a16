import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, interrupt } from '../support/cli.js';
import { eventually } from '../support/http.js';
import { freePort, startEnv, startLienganh, type LienganhRun } from '../support/lienganh-start.js';
import { getAs, writeUsersFile } from '../support/users.js';

/**
 * Issue 22: the integration guide works from its own words. The fenced blocks of
 * docs/integration/README.md marked `sh test` are run as the guide says, in order, in one shell,
 * from a directory laid out as the clone the guide speaks of (`.data/` of an `npm start`, the
 * repository's `docs/`), against `lienganh start` on free ports (`POLICE_PORT`, `NATS_PORT`, which
 * the guide's commands read as `npm start` does). Each example's inspection must then be on the
 * board once, and each invalid one refused with the field named.
 */

const GUIDE = join(repoRoot, 'docs/integration/README.md');
const TARGET = 'ct-kiem-tra-hanh-chinh-400';

/** The shell commands of the guide's fenced blocks whose info string is `sh test`. */
function guideCommands(): string[] {
  return [...readFileSync(GUIDE, 'utf8').matchAll(/^```sh test\n([\s\S]*?)^```$/gm)].map((match) => match[1]!);
}

interface BlockRun {
  commands: string;
  exitCode: number;
  output: string;
}

/** Runs the blocks in one bash, in order (exports carry over), each block's last exit status and output apart. */
function runBlocks(blocks: readonly string[], cwd: string, env: NodeJS.ProcessEnv): Promise<BlockRun[]> {
  const marker = (index: number) => `@@guide-block-${index}-exit=`;
  const script = blocks.map((block, index) => `${block}\nprintf '\\n${marker(index)}%s\\n' "$?"\n`).join('');
  const child = spawn('bash', ['-c', script], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', () => {
      let rest = output;
      resolve(
        blocks.map((commands, index) => {
          const at = rest.indexOf(marker(index));
          if (at < 0) throw new Error(`block ${index} did not finish:\n${commands}\noutput:\n${rest}`);
          const exitCode = Number(/^(\d+)/.exec(rest.slice(at + marker(index).length))![1]);
          const run = { commands, exitCode, output: rest.slice(0, at) };
          rest = rest.slice(rest.indexOf('\n', at) + 1);
          return run;
        }),
      );
    });
  });
}

let workDir: string;
let run: LienganhRun | undefined;
let natsPort: number;

beforeAll(async () => {
  // The clone the guide speaks of: `.data/` of the running system beside the repository's docs.
  workDir = mkdtempSync(join(tmpdir(), 'lienganh-guide-'));
  symlinkSync(join(repoRoot, 'docs'), join(workDir, 'docs'));
  mkdirSync(join(workDir, 'users'));
  natsPort = await freePort();
  run = await startLienganh(join(workDir, '.data'), { ...startEnv(natsPort), LIENGANH_USERS_FILE: writeUsersFile(join(workDir, 'users')), LOG_LEVEL: 'warn' }, 90_000);
}, 120_000);

afterAll(async () => {
  if (run) {
    interrupt(run.child);
    await run.closed;
  }
  rmSync(workDir, { recursive: true, force: true });
});

it('runs the guide’s commands: each example’s inspection is on the board once, each invalid one refused naming data.outcome', async () => {
  const blocks = guideCommands();
  // What the guide promises to run; a block dropped or added changes this list.
  const commands = blocks.map((block) => block.split('\n').filter((line) => line && !line.startsWith('#') && !line.startsWith('export ')));
  expect(commands.flat()).toEqual([
    'node docs/integration/examples/node/send-http.mjs',
    'node docs/integration/examples/node/send-http.mjs --structured --invalid',
    'node docs/integration/examples/node/send-nats.mjs',
    'node docs/integration/examples/node/send-nats.mjs --invalid',
    'GO111MODULE=off GOPATH=/usr/share/gocode go build -o send-inspection ./docs/integration/examples/go',
    './send-inspection',
    './send-inspection -invalid',
  ]);

  const policePort = new URL(run!.policeUrl).port;
  const runs = await runBlocks(blocks, workDir, { POLICE_PORT: policePort, NATS_PORT: String(natsPort) });
  const describe = (block: BlockRun) => `${block.commands}\n→ exit ${block.exitCode}\n${block.output}`;
  const [setup, ...examples] = runs;
  expect({ exit: setup!.exitCode, output: setup!.output.trim() }).toEqual({ exit: 0, output: '' });

  const accepted: string[] = [];
  for (const example of examples) {
    const invalid = /\s-{1,2}invalid\b/.test(example.commands);
    const id = /\b(kt-[a-z]+-[a-z]+-[0-9a-z]+)\b/.exec(example.output)?.[1];
    expect(id ? example.exitCode : describe(example)).toBe(invalid ? 1 : 0);
    if (invalid) {
      // Refused with the field named, whether by the HTTP answer or by a refusal event on NATS.
      expect(example.output).toMatch(/data\.outcome/);
      expect(example.output).toMatch(/HTTP 400|refused .*removed: true/);
    } else {
      expect(example.output).toMatch(/HTTP 202|no refusal of/);
      accepted.push(id!);
    }
  }
  expect(accepted).toHaveLength(examples.filter((example) => !/invalid/.test(example.commands)).length);

  // On the board, through coordination's API: each accepted inspection counted once, no refused one.
  const target = `${run!.coordinationUrl}/api/v1/targets/${TARGET}?plan=kh-ba-dinh-2021`;
  const eventIds = (body: { contributingEvents: { events: { eventId: string }[] } }) => body.contributingEvents.events.map((event) => event.eventId);
  const detail = await eventually(async () => {
    const { status, body } = await getAs(target);
    return status === 200 && accepted.every((id) => eventIds(body).includes(id)) ? body : undefined;
  }, 30_000);
  expect(eventIds(detail).sort()).toEqual([...accepted].sort());
  expect({ achieved: detail.achieved, byArea: detail.byArea }).toEqual({ achieved: accepted.length, byArea: { 'hn-ba-dinh-kim-ma': accepted.length } });
}, 240_000);
