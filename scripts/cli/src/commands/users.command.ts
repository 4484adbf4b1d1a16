import { writeFileSync } from 'node:fs';
import { Command } from 'commander';
import { AgencyCode } from '@lienganh/contracts';
import { ROLES, UserId } from '@lienganh/platform';
import { call, coordinationEndpoint, report, withConnection, type Answer, type Connection } from '../coordination-api.js';
import { UsageError } from '../usage-error.js';
import { requiredOption } from '../required-option.js';
import { text } from '../cli-language.js';

const USERS_PATH = '/api/v1/users';


/**
 * `lienganh users`: the secretariat issues, lists, rotates and revokes the tokens of the
 * dashboard's and the API's users through coordination's API (ADR 0013), in force within seconds
 * on every instance, without a restart; each change is in the audit trail. A new token is shown
 * once. Exit 0 done, 1 the service could not be reached or failed, 2 bad input or refused.
 */
export function usersCommand(): Command {
  const users = new Command('users').description(text({ vi: 'Người dùng bảng theo dõi và API của dịch vụ điều phối: cấp, liệt kê, thay và thu hồi mã truy cập', en: "Users of the dashboard and coordination's API (người dùng): issue, list, rotate and revoke their tokens" }));
  const withOut = (command: Command) => command.option('--out <file>', text({ vi: 'ghi mã truy cập mới vào tệp này (quyền 600) thay vì in ra', en: 'write the new token to this file (mode 600) instead of printing it' }));

  withConnection(
    withOut(
      users
        .command('issue <id>')
        .description(text({ vi: 'Cấp mã truy cập cho người dùng mới (hoặc người dùng đã bị thu hồi): mã chỉ hiện một lần', en: 'Issue a token to a new user (or to a revoked one): the token is shown once' }))
        .addOption(requiredOption('--name <name>', text({ vi: 'tên hiện trên bảng theo dõi, vd. "Cán bộ Y tế phường Ninh Kiều"', en: 'what the dashboard shows, e.g. "Cán bộ Y tế phường Ninh Kiều"' })))
        .addOption(requiredOption('--role <role>', text({ vi: `vai trò: ${ROLES.join(', ')}`, en: ROLES.join(', ') })))
        .option('--agency <code>', text({ vi: 'cơ quan của cán bộ, vd. health', en: "an agency officer's agency, e.g. health" })),
    ),
  ).action(async (id: string, options: Connection & { out?: string; name: string; role: string; agency?: string }) => {
    checkId(id);
    if (!(ROLES as readonly string[]).includes(options.role)) throw new UsageError(`--role phải là / must be one of ${ROLES.join(', ')}, not "${options.role}"`);
    if ((options.role === 'agency-officer') !== (options.agency !== undefined)) throw new UsageError('--agency: cán bộ cơ quan cần --agency, vai trò khác thì không / an agency-officer needs --agency; other roles take none');
    if (options.agency !== undefined && !AgencyCode.safeParse(options.agency).success) throw new UsageError(`--agency: mã cơ quan không hợp lệ / invalid agency code "${options.agency}"`);
    const answer = await call('POST', coordinationEndpoint(options.url, USERS_PATH), options.token, { id, name: options.name, role: options.role, ...(options.agency ? { agency: options.agency } : {}) });
    tokenShownOnce(answer, options, `Đã cấp mã truy cập cho / token issued to ${id}`);
  });

  withConnection(users.command('list').description(text({ vi: 'Mọi người dùng: từ tệp người dùng hoặc được cấp khi chạy, đang hoạt động hoặc đã thu hồi (không bao giờ kèm mã)', en: 'Every user: from the users file or issued at run time, active or revoked (never a token)' }))).action(async (options: Connection) => {
    const answer = await call('GET', coordinationEndpoint(options.url, USERS_PATH), options.token);
    process.exitCode = report(answer, options.json, (body) =>
      (body.users ?? []).map((user: { id: string; role: string; agency?: string; state: string; origin: string }) => `${user.id}\t${user.state}\t${user.role}${user.agency ? `:${user.agency}` : ''}\t${user.origin}`).join('\n') || '(không có / none)',
    );
  });

  withConnection(withOut(users.command('rotate <id>').description(text({ vi: 'Mã truy cập mới cho người dùng: mã cũ và các phiên đăng nhập của người dùng hết hiệu lực; chỉ hiện một lần', en: "A new token for the user: the old one and the user's sessions stop working; shown once" })))).action(async (id: string, options: Connection & { out?: string }) => {
    checkId(id);
    const answer = await call('POST', `${coordinationEndpoint(options.url, USERS_PATH)}/${id}/token`, options.token);
    tokenShownOnce(answer, options, `Đã đổi mã truy cập của / token rotated for ${id}`);
  });

  withConnection(users.command('revoke <id>').description(text({ vi: 'Thu hồi mã truy cập của người dùng: bị từ chối ở mọi nơi trong vài giây, các phiên đăng nhập của người dùng kết thúc', en: "Revoke the user's token: refused within seconds everywhere, the user's sessions ended" }))).action(async (id: string, options: Connection) => {
    checkId(id);
    const answer = await call('DELETE', `${coordinationEndpoint(options.url, USERS_PATH)}/${id}/token`, options.token);
    process.exitCode = report(answer, options.json, (body) => `Đã thu hồi mã truy cập / token revoked: ${body.id} (${body.revokedAt ?? ''})`);
  });

  withConnection(users.command('history [id]').description(text({ vi: 'Ai đã cấp, thay hoặc thu hồi mã truy cập, vào lúc nào (nhật ký kiểm tra), cũ nhất trước', en: 'Who issued, rotated or revoked tokens, and when (the audit trail), oldest first' }))).action(async (id: string | undefined, options: Connection) => {
    if (id !== undefined) checkId(id);
    const answer = await call('GET', `${coordinationEndpoint(options.url, USERS_PATH)}/${id === undefined ? 'history' : `${id}/history`}`, options.token);
    process.exitCode = report(answer, options.json, (body) =>
      (body.changes ?? []).map((change: { time: string; userId: string; change: string; changedBy: string; withdraws?: string }) => `${change.time}\t${change.userId}\t${change.change}${change.withdraws ? ` (rút lại / withdrawn: ${change.withdraws})` : ''}\t${change.changedBy}`).join('\n') || '(không có / none)',
    );
  });
  return users;
}

/** The new token once: into `--out` (mode 600), else on stdout with a warning on stderr. */
function tokenShownOnce(answer: Answer, options: Connection & { out?: string }, done: string): void {
  if (answer.kind === 'answered' && answer.status === 201 && options.out) {
    writeFileSync(options.out, `${JSON.stringify(answer.body, null, 2)}\n`, { mode: 0o600 });
    process.stdout.write(`${done}: ${options.out} (chỉ hiện một lần / shown once, keep it secret)\n`);
    return;
  }
  process.exitCode = report(answer, options.json, (body) => `${done}\n${body.token}`);
  if (process.exitCode === 0) process.stderr.write('Mã truy cập chỉ hiện một lần, hãy cất giữ / the token is shown once: keep it safe\n');
}

function checkId(id: string): void {
  if (!UserId.safeParse(id).success) throw new UsageError(`mã người dùng không hợp lệ / invalid user id "${id}": 1-64 letters, digits or . _ - (no spaces), e.g. cb-y-te-02`);
}

