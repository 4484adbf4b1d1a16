import { writeFileSync } from 'node:fs';
import { Command } from 'commander';
import { AGENCY_SERVICES, isAgencyService } from '@lienganh/contracts';
import { UsageError } from '../usage-error.js';
import { call, coordinationEndpoint, report, withConnection, type Connection } from '../coordination-api.js';
import { text } from '../cli-language.js';

const AGENCIES_PATH = '/api/v1/agencies';


/**
 * `lienganh keys`: the secretariat issues, rotates and revokes the five agencies' API keys at run
 * time, through coordination's API; in force on the agency services within seconds, no restart.
 * Exit 0 done, 1 the service could not be reached or failed, 2 bad input or refused.
 */
export function keysCommand(): Command {
  const keys = new Command('keys').description(text({ vi: 'Khóa API của dịch vụ các cơ quan: liệt kê, cấp (hoặc thay), thu hồi, lịch sử', en: 'API keys of the agency services (khóa cơ quan): list, issue (or rotate), revoke, history' }));

  withConnection(keys.command('list').description(text({ vi: 'Khóa của từng cơ quan: theo cấu hình của dịch vụ, đã cấp hoặc đã thu hồi', en: "Each agency's key: configured (the service's own configuration), issued, or revoked" }))).action(async (options: Connection) => {
    const answer = await call('GET', `${coordinationEndpoint(options.url, AGENCIES_PATH)}/keys`, options.token);
    process.exitCode = report(answer, options.json, (body) =>
      (body.agencies ?? []).map((entry: { agency: string; key: string; issuedAt?: string; revokedAt?: string }) => `${entry.agency}\t${entry.key}\t${entry.issuedAt ?? entry.revokedAt ?? ''}`).join('\n'),
    );
  });

  withConnection(
    keys
      .command('issue <agency>')
      .description(text({ vi: 'Cấp khóa mới (khóa đang dùng hết hiệu lực: thay khóa); khóa chỉ hiện một lần', en: 'Issue a new key (the key in force stops working: a rotation); the key is shown once' }))
      .option('--out <file>', text({ vi: 'ghi khóa vào tệp này (quyền 600) thay vì in ra', en: 'write the key to this file (mode 600) instead of printing it' })),
  ).action(async (agency: string, options: Connection & { out?: string }) => {
    checkAgency(agency);
    const answer = await call('POST', `${coordinationEndpoint(options.url, AGENCIES_PATH)}/${agency}/key`, options.token);
    if (answer.kind === 'answered' && answer.status === 201 && options.out) {
      writeFileSync(options.out, `${JSON.stringify(answer.body, null, 2)}\n`, { mode: 0o600 });
      process.stdout.write(`Đã cấp khóa cho / key issued to ${agency}: ${options.out} (chỉ hiện một lần / shown once, keep it secret)\n`);
      return;
    }
    process.exitCode = report(answer, true, () => '');
    if (process.exitCode === 0) process.stderr.write('Khóa chỉ hiện một lần, hãy cất giữ / the key is shown once: keep it safe\n');
  });

  withConnection(keys.command('revoke <agency>').description(text({ vi: 'Thu hồi khóa của cơ quan, kể cả khóa trong cấu hình: bị từ chối trong vài giây', en: "Revoke the agency's key, the configured one included: refused within seconds" }))).action(async (agency: string, options: Connection) => {
    checkAgency(agency);
    const answer = await call('DELETE', `${coordinationEndpoint(options.url, AGENCIES_PATH)}/${agency}/key`, options.token);
    process.exitCode = report(answer, options.json, (body) => `Đã thu hồi khóa / key revoked: ${body.agency} (${body.revokedAt ?? ''})`);
  });

  withConnection(keys.command('history <agency>').description(text({ vi: 'Ai đã cấp và thu hồi khóa của cơ quan, vào lúc nào', en: "Who issued and revoked the agency's keys, and when" }))).action(async (agency: string, options: Connection) => {
    checkAgency(agency);
    const answer = await call('GET', `${coordinationEndpoint(options.url, AGENCIES_PATH)}/${agency}/key/history`, options.token);
    process.exitCode = report(answer, options.json, (body) =>
      (body.history ?? []).map((step: { revision: number; key: string; issuedAt?: string; issuedBy?: string; revokedAt?: string; revokedBy?: string }) =>
        step.key === 'issued' ? `${step.revision}\tissued\t${step.issuedAt}\t${step.issuedBy}` : `${step.revision}\trevoked\t${step.revokedAt}\t${step.revokedBy}`,
      ).join('\n') || '(không có / none)',
    );
  });
  return keys;
}

function checkAgency(agency: string): void {
  if (!isAgencyService(agency)) throw new UsageError(`cơ quan không hợp lệ / invalid agency "${agency}": one of ${AGENCY_SERVICES.join(', ')}`);
}

