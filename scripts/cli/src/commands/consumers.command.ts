import { writeFileSync } from 'node:fs';
import { Command } from 'commander';
import { UsageError } from '../usage-error.js';
import { call, coordinationEndpoint, report, withConnection, type Connection } from '../coordination-api.js';
import { requiredOption } from '../required-option.js';
import { text } from '../cli-language.js';

const CONSUMERS_PATH = '/api/v1/consumers';
const CODE = /^[a-z][a-z0-9-]{1,47}$/;

/**
 * `lienganh consumers`: the secretariat registers outside systems that read coordination's facts
 * and issues or revokes their read-only NATS credentials (ADR 0017). Exit 0 done, 1 the service
 * could not be reached or failed, 2 bad input or refused (400, 401, 403, 404, 409).
 */
export function consumersCommand(): Command {
  const consumers = new Command('consumers').description(text({ vi: 'Hệ thống bên ngoài đọc dữ liệu: đăng ký, liệt kê, cấp và thu hồi thông tin xác thực NATS chỉ đọc', en: 'Outside systems that read (hệ thống đọc): register them, list them, issue and revoke their read-only NATS credentials' }));

  withConnection(
    consumers
      .command('register <code>')
      .description(text({ vi: 'Đăng ký một hệ thống bên ngoài đọc các sự kiện của dịch vụ điều phối: mã, tên tiếng Việt và tiếng Anh', en: 'Register an outside system that reads coordination\'s facts: its code, Vietnamese and English names' }))
      .addOption(requiredOption('--vi <name>', text({ vi: 'tên tiếng Việt, vd. "Hệ thống hồ sơ vụ việc Công an thành phố"', en: 'Vietnamese name, e.g. "Hệ thống hồ sơ vụ việc Công an thành phố"' })))
      .addOption(requiredOption('--en <name>', text({ vi: 'tên tiếng Anh, vd. "City police case system"', en: 'English name, e.g. "City police case system"' }))),
  ).action(async (code: string, options: Connection & { vi: string; en: string }) => {
    checkCode(code);
    const answer = await call('POST', coordinationEndpoint(options.url, CONSUMERS_PATH), options.token, { code, title: { vi: options.vi, en: options.en } });
    process.exitCode = report(answer, options.json, (body) => `Đã đăng ký / registered: ${body.code} (${body.title?.vi} / ${body.title?.en})`);
  });

  withConnection(consumers.command('list').description(text({ vi: 'Mọi hệ thống bên ngoài đọc dữ liệu, kèm tình trạng thông tin xác thực', en: 'Every outside system that reads, with the state of its credentials' }))).action(async (options: Connection) => {
    const answer = await call('GET', coordinationEndpoint(options.url, CONSUMERS_PATH), options.token);
    process.exitCode = report(answer, options.json, (body) =>
      (body.consumers ?? []).map((entry: { code: string; title: { vi: string }; credentials: string }) => `${entry.code}\t${entry.credentials}\t${entry.title.vi}`).join('\n') || '(không có / none)',
    );
  });

  const credentials = new Command('credentials').description(text({ vi: 'Thông tin xác thực của hệ thống đọc: nkey NATS chỉ được đọc các sự kiện của dịch vụ điều phối qua các durable consumer của riêng mình', en: "A consumer's credentials: a NATS nkey that may only read coordination's facts through its own durable consumers" }));
  withConnection(
    credentials
      .command('issue <code>')
      .description(text({ vi: 'Cấp nkey mới (nkey cũ hết hiệu lực); seed chỉ hiện một lần', en: 'Issue a new nkey (the old one stops working); the seed is shown once' }))
      .option('--out <file>', text({ vi: 'ghi seed và nơi đọc vào tệp này (quyền 600) thay vì in ra', en: 'write the seed and where to read to this file (mode 600) instead of printing them' })),
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
  withConnection(credentials.command('revoke <code>').description(text({ vi: 'Thu hồi nkey: kết nối của hệ thống bị đóng trong vài giây', en: 'Revoke the nkey: its connection is closed within seconds' }))).action(async (code: string, options: Connection) => {
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
