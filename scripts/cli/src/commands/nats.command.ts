import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { AGENCY_SERVICES, NATIONAL_SUMMARY_STREAM, STREAMS, type AgencyService } from '@lienganh/contracts';
import { cultureService } from '@lienganh/culture';
import { healthService } from '@lienganh/health';
import { justiceService } from '@lienganh/justice';
import { labourService } from '@lienganh/labour';
import {
  activeBodyUsers,
  agencyReads,
  BodyRegister,
  connectToNats,
  withBodyUsers,
  ensureNatsKeys,
  ensureStreams,
  gatherSiteSummaries,
  provinceCodesFrom,
  siteDomain,
  natsConfigFiles,
  natsServers,
  NKEYS_ENV_FILE,
  seedFileOf,
  NATS_IDENTITIES,
  type AgencyReads,
  type AgencyServiceDefinition,
  type NatsRead,
} from '@lienganh/platform';
import { policeService } from '@lienganh/police';
import { jetstreamManager } from '@nats-io/jetstream';
import { Command } from 'commander';
import { natsSeedOfCommand } from '../nats-identity.js';
import { UsageError } from '../usage-error.js';
import { requiredOption } from '../required-option.js';
import { text } from '../cli-language.js';

export const DEFAULT_NATS_CONFIG_DIR = 'deploy/nats';

const AGENCY_DEFINITIONS: Record<AgencyService, AgencyServiceDefinition> = {
  labour: labourService,
  police: policeService,
  health: healthService,
  culture: cultureService,
  justice: justiceService,
};

/** What each agency service reads, from the services' own definitions. */
export function agencyServiceReads(): AgencyReads {
  const reads = {} as Record<AgencyService, NatsRead[]>;
  for (const agency of AGENCY_SERVICES) reads[agency] = agencyReads(AGENCY_DEFINITIONS[agency]);
  return reads;
}

/** deploy/nats/ as the registry and the services say it must be: path relative to it -> content. */
export function renderNatsConfig(): Record<string, string> {
  return natsConfigFiles(agencyServiceReads());
}

/** The bodies with credentials in force, from the register of bodies, as the operator sees it. */
async function bodiesWithCredentials(): Promise<{ code: string; natsPublicKey: string }[]> {
  const seed = natsSeedOfCommand();
  const nc = await connectToNats({ servers: natsServers(process.env.NATS_URL ?? 'nats://127.0.0.1:4250'), name: 'lienganh-nats-config', ...(seed ? { seed } : {}), reconnectForever: false, timeoutMs: 5_000 });
  try {
    const register = await BodyRegister.open(nc);
    register.close();
    return activeBodyUsers(register.all());
  } finally {
    await nc.close();
  }
}

export function natsCommand(): Command {
  const nats = new Command('nats').description(text({ vi: 'Danh tính và quyền trên NATS: cấu hình máy chủ, khóa, luồng sự kiện', en: 'NATS identities and permissions: server configuration, keys, streams' }));

  nats
    .command('config')
    .description(text({ vi: 'Ghi cấu hình nats-server (auth.conf với một người dùng nkey cho mỗi danh tính, server.conf, cluster/node-N.conf) từ danh mục cơ quan', en: 'Write the nats-server configuration (auth.conf with one nkey user per identity, server.conf, cluster/node-N.conf) from the agency registry' }))
    .option('--out <dir>', text({ vi: 'thư mục ghi ra', en: 'output folder' }), DEFAULT_NATS_CONFIG_DIR)
    .option('--bodies', text({ vi: 'thêm người dùng của các cơ quan, tổ chức có thông tin xác thực còn hiệu lực, đọc từ sổ đăng ký cơ quan (NATS_URL, NATS_NKEY_SEED[_FILE] của người vận hành): cho một nats-server bên ngoài, sau đó nạp lại (`nats-server --signal reload`)', en: "also the users of bodies with credentials in force, read from the register of bodies (NATS_URL, the operator's NATS_NKEY_SEED[_FILE]): for an external nats-server, which is then reloaded (`nats-server --signal reload`)" }))
    .action(async (options: { out: string; bodies?: boolean }) => {
      const files = renderNatsConfig();
      if (options.bodies) {
        // deploy/nats/ stays the committed, key-free file; the bodies' public keys go to a folder of the operator's.
        if (options.out === DEFAULT_NATS_CONFIG_DIR) throw new UsageError('--bodies needs --out <dir>: deploy/nats/ holds the committed configuration, without bodies');
        const bodies = await bodiesWithCredentials();
        files['auth.conf'] = withBodyUsers(files['auth.conf']!, bodies);
        console.log(`Cơ quan có khóa NATS / bodies with NATS credentials: ${bodies.map((body) => body.code).join(', ') || '(không có / none)'}`);
      }
      for (const [path, content] of Object.entries(files)) {
        const target = join(options.out, path);
        const same = existsSync(target) && readFileSync(target, 'utf8') === content;
        if (!same) {
          mkdirSync(dirname(target), { recursive: true });
          writeFileSync(target, content);
        }
        console.log(`${same ? 'không đổi / unchanged' : 'đã ghi / written'}: ${target}`);
      }
    });

  nats
    .command('keys')
    .description(text({ vi: `Tạo một seed nkey cho mỗi danh tính (<identity>.nk, quyền 600; giữ các seed đã có) và ${NKEYS_ENV_FILE}, các khóa công khai nats-server đọc`, en: `Create an nkey seed per identity (<identity>.nk, mode 600; existing ones are kept) and ${NKEYS_ENV_FILE}, the public keys nats-server reads` }))
    .addOption(requiredOption('--out <dir>', text({ vi: 'thư mục chứa các seed, vd. .data/nats-keys (giữ bí mật)', en: 'folder for the seeds, e.g. .data/nats-keys (keep it secret)' })))
    .action((options: { out: string }) => {
      if (existsSync(options.out) && !statSync(options.out).isDirectory()) throw new UsageError(`--out: ${options.out} is not a folder`);
      ensureNatsKeys(options.out);
      for (const identity of NATS_IDENTITIES) console.log(`${identity}: ${seedFileOf(options.out, identity)}`);
      console.log(`Khóa công khai / public keys: ${join(options.out, NKEYS_ENV_FILE)} (nats-server's environment)`);
    });

  nats
    .command('provision')
    .description(text({ vi: 'Tạo các luồng sự kiện của hệ thống trục (hoặc cập nhật chúng) bằng danh tính người vận hành: NATS_URL, NATS_NKEY_SEED hoặc NATS_NKEY_SEED_FILE', en: 'Create the backbone streams (or bring them up to date) as the operator identity: NATS_URL, NATS_NKEY_SEED or NATS_NKEY_SEED_FILE' }))
    .option('--replicas <n>', text({ vi: 'số bản sao mỗi luồng sự kiện (3 trên cụm ba nút)', en: 'replicas per stream (3 on a three-node cluster)' }), '1')
    .option('--national-sites <codes>', text({ vi: 'trên máy chủ trung tâm: mã các tỉnh có điểm tỉnh gửi bản tóm tắt (01,79)', en: "on the national hub: the provinces whose sites' summaries it gathers (01,79)" }))
    .action(async (options: { replicas: string; nationalSites?: string }) => {
      const replicas = Number(options.replicas);
      if (!Number.isInteger(replicas) || replicas < 1 || replicas > 5) throw new UsageError(`--replicas must be a whole number from 1 to 5, got "${options.replicas}"`);
      let nationalSites: string[] = [];
      if (options.nationalSites !== undefined) {
        try {
          nationalSites = provinceCodesFrom(options.nationalSites);
        } catch (error) {
          throw new UsageError(`--national-sites: ${(error as Error).message}`);
        }
      }
      const seed = natsSeedOfCommand();
      const nc = await connectToNats({
        servers: natsServers(process.env.NATS_URL ?? 'nats://127.0.0.1:4250'),
        name: 'lienganh-provision',
        ...(seed ? { seed } : {}),
        reconnectForever: false,
        timeoutMs: 5_000,
      });
      try {
        const jsm = await jetstreamManager(nc);
        await ensureStreams(jsm, { replicas });
        if (nationalSites.length > 0) await gatherSiteSummaries(jsm, nationalSites, { replicas });
      } finally {
        await nc.close();
      }
      console.log(`Streams: ${Object.values(STREAMS).map((stream) => stream.name).join(', ')} (${replicas} replica${replicas > 1 ? 's' : ''})`);
      if (nationalSites.length > 0) console.log(`${NATIONAL_SUMMARY_STREAM}: ${nationalSites.map(siteDomain).join(', ')}`);
    });

  return nats;
}
