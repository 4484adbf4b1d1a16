import { writeFileSync } from 'node:fs';
import { Command } from 'commander';
import { UsageError } from '../usage-error.js';
import { call, coordinationEndpoint, report, withConnection, type Connection } from '../coordination-api.js';
import { text } from '../cli-language.js';

const SUBSCRIPTIONS_PATH = '/api/v1/subscriptions';
const ID = /^ws-[0-9a-f-]{36}$/;
const ENTITIES = ['plan', 'task', 'target', 'deadline'];

/**
 * `lienganh subscriptions`: the secretariat subscribes an outside system's webhook to
 * coordination's facts (ADR 0017), removes it and reads its delivery log. Exit 0 done, 1 the
 * service could not be reached or failed, 2 bad input or refused (400, 401, 403, 404).
 */
export function subscriptionsCommand(): Command {
  const subscriptions = new Command('subscriptions').description(text({ vi: 'Đăng ký nhận sự kiện qua webhook: tạo, liệt kê, xóa, nhật ký gửi', en: 'Webhook subscriptions (đăng ký nhận sự kiện qua webhook): create, list, remove, delivery log' }));

  withConnection(
    subscriptions
      .command('create <url>')
      .description(text({ vi: 'Đăng ký một webhook (webhook phải trả lời bước xác thực của CloudEvents); khóa ký chỉ hiện một lần', en: 'Subscribe a webhook (it must answer the CloudEvents validation handshake); the signing secret is shown once' }))
      .option('--entity <entity>', text({ vi: `loại sự kiện: ${ENTITIES.join(', ')}`, en: `which facts: ${ENTITIES.join(', ')}` }), 'deadline')
      .option('--since <time>', text({ vi: 'gửi những gì phát sinh từ thời điểm này (RFC 3339, vd. 2026-12-01T00:00:00+07:00); mặc định: bây giờ', en: 'deliver what was raised from this time on (RFC 3339, e.g. 2026-12-01T00:00:00+07:00); default now' }))
      .option('--out <file>', text({ vi: 'ghi câu trả lời kèm khóa bí mật vào tệp này (quyền 600) thay vì in ra', en: 'write the answer with the secret to this file (mode 600) instead of printing it' })),
  ).action(async (url: string, options: Connection & { entity: string; since?: string; out?: string }) => {
    if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) throw new UsageError(`địa chỉ webhook không hợp lệ / invalid webhook URL: must be http:// or https://`);
    if (!ENTITIES.includes(options.entity)) throw new UsageError(`--entity must be one of ${ENTITIES.join(', ')}, not "${options.entity}"`);
    if (options.since !== undefined && Number.isNaN(Date.parse(options.since))) throw new UsageError(`--since must be an RFC 3339 time, e.g. 2026-12-01T00:00:00+07:00`);
    const answer = await call('POST', coordinationEndpoint(options.url, SUBSCRIPTIONS_PATH), options.token, { url, entity: options.entity, ...(options.since ? { since: options.since } : {}) });
    if (answer.kind === 'answered' && answer.status === 201 && options.out) {
      writeFileSync(options.out, `${JSON.stringify(answer.body, null, 2)}\n`, { mode: 0o600 });
      process.stdout.write(`Đã đăng ký / subscribed: ${answer.body.id} (${options.out}; khóa ký chỉ hiện một lần / the secret is shown once)\n`);
      return;
    }
    process.exitCode = report(answer, true, () => '');
    if (process.exitCode === 0) process.stderr.write('Khóa ký chỉ hiện một lần, hãy cất giữ / the signing secret is shown once: keep it safe\n');
  });

  withConnection(subscriptions.command('list').description(text({ vi: 'Mọi đăng ký webhook (không bao giờ kèm khóa bí mật)', en: 'Every webhook subscription (never its secret)' }))).action(async (options: Connection) => {
    const answer = await call('GET', coordinationEndpoint(options.url, SUBSCRIPTIONS_PATH), options.token);
    process.exitCode = report(answer, options.json, (body) =>
      (body.subscriptions ?? []).map((entry: { id: string; entity: string; since: string; delivered: number; failed: number }) => `${entry.id}\t${entry.entity}\t${entry.since}\t${entry.delivered} delivered, ${entry.failed} failed`).join('\n') || '(không có / none)',
    );
  });

  withConnection(subscriptions.command('deliveries <id>').description(text({ vi: 'Nhật ký gửi của một đăng ký: mọi lần gửi, kết quả và mã trạng thái', en: "A subscription's delivery log: every attempt, its outcome and status" }))).action(async (id: string, options: Connection) => {
    checkId(id);
    const answer = await call('GET', `${coordinationEndpoint(options.url, SUBSCRIPTIONS_PATH)}/${id}/deliveries`, options.token);
    process.exitCode = report(answer, options.json, (body) =>
      (body.deliveries ?? []).map((entry: { at: string; eventId: string; attempt: number; outcome: string; status?: number; reason?: string }) => `${entry.at}\t${entry.eventId}\t#${entry.attempt}\t${entry.outcome}\t${entry.status ?? ''}\t${entry.reason ?? ''}`).join('\n') || '(chưa gửi / nothing yet)',
    );
  });

  withConnection(subscriptions.command('remove <id>').description(text({ vi: 'Xóa một đăng ký: không gửi gì thêm', en: 'Remove a subscription: nothing more is delivered' }))).action(async (id: string, options: Connection) => {
    checkId(id);
    const answer = await call('DELETE', `${coordinationEndpoint(options.url, SUBSCRIPTIONS_PATH)}/${id}`, options.token);
    process.exitCode = report(answer, options.json, (body) => `Đã hủy đăng ký / removed: ${body.id}`);
  });
  return subscriptions;
}

function checkId(id: string): void {
  if (!ID.test(id)) throw new UsageError(`mã đăng ký không hợp lệ / invalid subscription id "${id}", e.g. ws-1b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bed`);
}
