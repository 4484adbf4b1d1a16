import { writeFileSync } from 'node:fs';
import { Command } from 'commander';
import { UsageError } from '../usage-error.js';
import { call, coordinationEndpoint, report, withConnection, type Connection } from '../coordination-api.js';
import { requiredOption } from '../required-option.js';

const CONSUMERS_PATH = '/api/v1/consumers';
const CODE = /^[a-z][a-z0-9-]{1,47}$/;

/**
 * `lienganh consumers`: the secretariat registers outside systems that read coordination's facts
 * and issues or revokes their read-only NATS credentials (ADR 0017). Exit 0 done, 1 the service
 * could not be reached or failed, 2 bad input or refused (400, 401, 403, 404, 409).
 */
export function consumersCommand(): Command {
  const consumers = new Command('consumers').description('Outside systems that read (hệ thống đọc): register them, list them, issue and revoke their read-only NATS credentials');

  withConnection(
    consumers
      .command('register <code>')
      .description('Register an outside system that reads coordination\'s facts: its code, Vietnamese and English names')
      .addOption(requiredOption('--vi <name>', 'Vietnamese name, e.g. "Hệ thống hồ sơ vụ việc Công an thành phố"'))
      .addOption(requiredOption('--en <name>', 'English name, e.g. "City police case system"')),
  ).action(async (code: string, options: Connection & { vi: string; en: string }) => {
    checkCode(code);
    const answer = await call('POST', coordinationEndpoint(options.url, CONSUMERS_PATH), options.token, { code, title: { vi: options.vi, en: options.en } });
    process.exitCode = report(answer, options.json, (body) => `Đã đăng ký / registered: ${body.code} (${body.title?.vi} / ${body.title?.en})`);
  });

  withConnection(consumers.command('list').description('Every outside system that reads, with the state of its credentials')).action(async (options: Connection) => {
    const answer = await call('GET', coordinationEndpoint(options.url, CONSUMERS_PATH), options.token);
    process.exitCode = report(answer, options.json, (body) =>
      (body.consumers ?? []).map((entry: { code: string; title: { vi: string }; credentials: string }) => `${entry.code}\t${entry.credentials}\t${entry.title.vi}`).join('\n') || '(không có / none)',
    );
  });

  const credentials = new Command('credentials').description("A consumer's credentials: a NATS nkey that may only read coordination's facts through its own durable consumers");
  withConnection(
    credentials
      .command('issue <code>')
      .description('Issue a new nkey (the old one stops working); the seed is shown once')
      .option('--out <file>', 'write the seed and where to read to this file (mode 600) instead of printing them'),
  ).action(async (code: string, options: Connection & { out?: string }) => {
    checkCode(code);
    const answer = await call('POST', `${coordinationEndpoint(options.url, CONSUMERS_PATH)}/${code}/credentials`, options.token);
    if (answer.kind === 'answered' && answer.status === 201 && options.out) {
      writeFileSync(options.out, `${JSON.stringify(answer.body, null, 2)}\n`, { mode: 0o600 });
      process.stdout.write(`Đã cấp khóa cho / credentials issued to ${code}: ${options.out} (chỉ hiện một lần / shown once, keep it secret)\n`);
      return;
    }
    process.exitCode = report(answer, true, () => '');
    if (process.exitCode === 0) process.stderr.write('Khóa chỉ hiện một lần, hãy cất giữ / the seed is shown once: keep it safe\n');
  });
  withConnection(credentials.command('revoke <code>').description('Revoke the nkey: its connection is closed within seconds')).action(async (code: string, options: Connection) => {
    checkCode(code);
    const answer = await call('DELETE', `${coordinationEndpoint(options.url, CONSUMERS_PATH)}/${code}/credentials`, options.token);
    process.exitCode = report(answer, options.json, (body) => `Đã thu hồi khóa / credentials revoked: ${body.code} (${body.revokedAt ?? ''})`);
  });
  consumers.addCommand(credentials);
  return consumers;
}

function checkCode(code: string): void {
  if (!CODE.test(code)) throw new UsageError(`mã hệ thống không hợp lệ / invalid consumer code "${code}": lower-case letters, digits and -, e.g. police-case-system`);
}
