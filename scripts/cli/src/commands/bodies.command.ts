import { writeFileSync } from 'node:fs';
import { Command } from 'commander';
import { UsageError } from '../usage-error.js';
import { call, coordinationEndpoint, report, withConnection, type Connection } from '../coordination-api.js';
import { requiredOption } from '../required-option.js';
import { text } from '../cli-language.js';

const BODIES_PATH = '/api/v1/bodies';
const CODE = /^[a-z][a-z0-9-]{1,47}$/;
const KINDS = ['agency', 'department', 'mass-organisation', 'media', 'peoples-committee', 'armed-force', 'judicial', 'other'];


/**
 * `lienganh bodies`: the secretariat registers bodies and issues or revokes their credentials
 * through coordination's API (ADR 0011), without a release or restart. Exit 0 done, 1 the service
 * could not be reached or failed, 2 bad input or refused (400, 401, 403, 404, 409).
 */
export function bodiesCommand(): Command {
  const bodies = new Command('bodies').description(text({ vi: 'Cơ quan, tổ chức báo cáo: đăng ký, liệt kê, cấp và thu hồi thông tin xác thực', en: 'Bodies that report (cơ quan, tổ chức): register them, list them, issue and revoke their credentials' }));

  withConnection(
    bodies
      .command('register <code>')
      .description(text({ vi: 'Đăng ký một cơ quan, tổ chức khi hệ thống đang chạy: mã, tên tiếng Việt và tiếng Anh, loại', en: 'Register a body at run time: its code, Vietnamese and English names, kind' }))
      .addOption(requiredOption('--vi <name>', text({ vi: 'tên tiếng Việt, vd. "Hội Liên hiệp Phụ nữ thành phố"', en: 'Vietnamese name, e.g. "Hội Liên hiệp Phụ nữ thành phố"' })))
      .addOption(requiredOption('--en <name>', text({ vi: 'tên tiếng Anh, vd. "City Women\'s Union"', en: "English name, e.g. \"City Women's Union\"" })))
      .option('--kind <kind>', text({ vi: `loại: ${KINDS.join(', ')}`, en: KINDS.join(', ') }), 'other'),
  ).action(async (code: string, options: Connection & { vi: string; en: string; kind: string }) => {
    checkCode(code);
    if (!KINDS.includes(options.kind)) throw new UsageError(`--kind must be one of ${KINDS.join(', ')}, not "${options.kind}"`);
    const answer = await call('POST', coordinationEndpoint(options.url, BODIES_PATH), options.token, { code, title: { vi: options.vi, en: options.en }, kind: options.kind });
    process.exitCode = report(answer, options.json, (body) => `Đã đăng ký / registered: ${body.code} (${body.title?.vi} / ${body.title?.en})`);
  });

  withConnection(bodies.command('list').description(text({ vi: 'Mọi cơ quan, tổ chức: đăng ký khi chạy hoặc có tên trong kế hoạch, kèm tình trạng thông tin xác thực', en: 'Every body: registered at run time or named by a plan, with the state of its credentials' }))).action(async (options: Connection) => {
    const answer = await call('GET', coordinationEndpoint(options.url, BODIES_PATH), options.token);
    process.exitCode = report(answer, options.json, (body) =>
      (body.bodies ?? []).map((entry: { code: string; title: { vi: string }; origin: string; credentials: string }) => `${entry.code}\t${entry.credentials}\t${entry.origin}\t${entry.title.vi}`).join('\n') || '(không có / none)',
    );
  });

  const credentials = new Command('credentials').description(text({ vi: 'Thông tin xác thực của một cơ quan, tổ chức: khóa HTTP cho dịch vụ báo cáo và nkey NATS chỉ dùng được các chủ đề của riêng mình', en: "A body's credentials: an HTTP key for the reporting service and a NATS nkey limited to its own subjects" }));
  withConnection(
    credentials
      .command('issue <code>')
      .description(text({ vi: 'Cấp thông tin xác thực mới (thông tin cũ hết hiệu lực); các khóa bí mật chỉ hiện một lần', en: 'Issue new credentials (the old ones stop working); the secrets are shown once' }))
      .option('--out <file>', text({ vi: 'ghi các khóa bí mật vào tệp này (quyền 600) thay vì in ra', en: 'write the secrets to this file (mode 600) instead of printing them' })),
  ).action(async (code: string, options: Connection & { out?: string }) => {
    checkCode(code);
    const answer = await call('POST', `${coordinationEndpoint(options.url, BODIES_PATH)}/${code}/credentials`, options.token);
    if (answer.kind === 'answered' && answer.status === 201 && options.out) {
      writeFileSync(options.out, `${JSON.stringify(answer.body, null, 2)}\n`, { mode: 0o600 });
      process.stdout.write(`Đã cấp khóa cho / credentials issued to ${code}: ${options.out} (chỉ hiện một lần / shown once, keep it secret)\n`);
      return;
    }
    process.exitCode = report(answer, true, () => '');
    if (process.exitCode === 0) process.stderr.write('Khóa chỉ hiện một lần, hãy cất giữ / the secrets are shown once: keep them safe\n');
  });
  withConnection(credentials.command('revoke <code>').description(text({ vi: 'Thu hồi thông tin xác thực: bị từ chối trong vài giây qua HTTP và trên NATS', en: 'Revoke the credentials: refused within seconds over HTTP and on NATS' }))).action(async (code: string, options: Connection) => {
    checkCode(code);
    const answer = await call('DELETE', `${coordinationEndpoint(options.url, BODIES_PATH)}/${code}/credentials`, options.token);
    process.exitCode = report(answer, options.json, (body) => `Đã thu hồi khóa / credentials revoked: ${body.code} (${body.revokedAt ?? ''})`);
  });
  bodies.addCommand(credentials);
  return bodies;
}

function checkCode(code: string): void {
  if (!CODE.test(code)) throw new UsageError(`mã cơ quan không hợp lệ / invalid body code "${code}": lower-case letters, digits and -, e.g. womens-union`);
}

