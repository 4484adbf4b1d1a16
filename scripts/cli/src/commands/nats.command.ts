import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { AGENCY_SERVICES, STREAMS, type AgencyService } from '@lienganh/contracts';
import { cultureService } from '@lienganh/culture';
import { healthService } from '@lienganh/health';
import { justiceService } from '@lienganh/justice';
import { labourService } from '@lienganh/labour';
import {
  agencyReads,
  connectToNats,
  ensureNatsKeys,
  ensureStreams,
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

export function natsCommand(): Command {
  const nats = new Command('nats').description('NATS identities and permissions: server configuration, keys, streams');

  nats
    .command('config')
    .description('Write the nats-server configuration (auth.conf with one nkey user per identity, server.conf, cluster/node-N.conf) from the agency registry')
    .option('--out <dir>', 'output folder', DEFAULT_NATS_CONFIG_DIR)
    .action((options: { out: string }) => {
      for (const [path, content] of Object.entries(renderNatsConfig())) {
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
    .description(`Create an nkey seed per identity (<identity>.nk, mode 600; existing ones are kept) and ${NKEYS_ENV_FILE}, the public keys nats-server reads`)
    .requiredOption('--out <dir>', 'folder for the seeds, e.g. .data/nats-keys (keep it secret)')
    .action((options: { out: string }) => {
      if (existsSync(options.out) && !statSync(options.out).isDirectory()) throw new UsageError(`--out: ${options.out} is not a folder`);
      ensureNatsKeys(options.out);
      for (const identity of NATS_IDENTITIES) console.log(`${identity}: ${seedFileOf(options.out, identity)}`);
      console.log(`Khóa công khai / public keys: ${join(options.out, NKEYS_ENV_FILE)} (nats-server's environment)`);
    });

  nats
    .command('provision')
    .description('Create the backbone streams (or bring them up to date) as the operator identity: NATS_URL, NATS_NKEY_SEED or NATS_NKEY_SEED_FILE')
    .option('--replicas <n>', 'replicas per stream (3 on a three-node cluster)', '1')
    .action(async (options: { replicas: string }) => {
      const replicas = Number(options.replicas);
      if (!Number.isInteger(replicas) || replicas < 1 || replicas > 5) throw new UsageError(`--replicas must be a whole number from 1 to 5, got "${options.replicas}"`);
      const seed = natsSeedOfCommand();
      const nc = await connectToNats({
        servers: natsServers(process.env.NATS_URL ?? 'nats://127.0.0.1:4250'),
        name: 'lienganh-provision',
        ...(seed ? { seed } : {}),
        reconnectForever: false,
        timeoutMs: 5_000,
      });
      try {
        await ensureStreams(await jetstreamManager(nc), { replicas });
      } finally {
        await nc.close();
      }
      console.log(`Streams: ${Object.values(STREAMS).map((stream) => stream.name).join(', ')} (${replicas} replica${replicas > 1 ? 's' : ''})`);
    });

  return nats;
}
