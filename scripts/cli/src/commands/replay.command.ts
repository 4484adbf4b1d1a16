import { STREAMS } from '@lienganh/contracts';
import {
  CaseReferences,
  committeeOverview,
  CoordinationProjector,
  storeFromEnv,
  type CatchUpProgress,
  type CoordinationStore,
  type StreamCatchUp,
} from '@lienganh/coordination';
import { connectToNats, NatsSeedError, natsServers } from '@lienganh/platform';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import cliProgress from 'cli-progress';
import { Command } from 'commander';
import { natsSeedOfCommand } from '../nats-identity.js';
import { UsageError } from '../usage-error.js';
import { text } from '../cli-language.js';

const DEFAULT_NATS_URL = 'nats://127.0.0.1:4250';
const CONNECT_TIMEOUT_MS = 5_000;
/** Without a terminal, a progress line every this many events. */
const PLAIN_PROGRESS_EVERY = 10_000;
/** Read in this order: plans first, so that agency events find every target that counts them. */
const STREAM_ORDER = [STREAMS.coordinationEvents.name, STREAMS.agencyEvents.name];

interface ReplayOptions {
  natsUrl?: string;
  mongodbUri?: string;
  instance?: string;
  json?: boolean;
}

export interface ReplaySummary {
  servers: string[];
  store: 'memory' | 'mongodb';
  streams: StreamCatchUp[];
  /** Events applied to the read models, both streams. */
  eventsApplied: number;
  /** Events refused for their provenance: never counted (the live consumers dead-letter them). */
  refused: number;
  plans: { id: string; targets: number }[];
  targets: { plan: string; id: string; agency: string; measure: string; achieved: number; percent: number; status: string }[];
  alerts: { total: number; byKind: Record<string, number> };
  seconds: number;
}

/** `lienganh replay`: coordination's read models rebuilt from the streams. */
export function replayCommand(): Command {
  return new Command('replay')
    .description(
      text({ vi: 'Dựng lại mô hình đọc của dịch vụ điều phối từ các luồng sự kiện: với MONGODB_URI (hoặc --mongodb-uri) kho MongoDB bị xóa và dựng lại (hãy dừng dịch vụ điều phối trước); không có thì dựng lại trong bộ nhớ và in tóm tắt, để kiểm tra các luồng sự kiện', en: "Dựng lại / rebuild coordination's read models from the streams: with MONGODB_URI (or --mongodb-uri) the MongoDB store is cleared and rebuilt (stop the coordination service first); without, they are rebuilt in memory and summarised, to check the streams" }),
    )
    .option('--nats-url <urls>', text({ vi: `máy chủ NATS, cách nhau bằng dấu phẩy (mặc định: $NATS_URL, nếu không có thì ${DEFAULT_NATS_URL}); danh tính lấy từ NATS_NKEY_SEED hoặc NATS_NKEY_SEED_FILE`, en: `NATS server(s), comma-separated (default: $NATS_URL, else ${DEFAULT_NATS_URL}); identity from NATS_NKEY_SEED or NATS_NKEY_SEED_FILE` }))
    .option('--mongodb-uri <uri>', text({ vi: 'kho MongoDB cần xóa và dựng lại (mặc định: $MONGODB_URI; không có: trong bộ nhớ)', en: 'the MongoDB store to clear and rebuild (default: $MONGODB_URI; none: in memory)' }))
    .option('--instance <id>', text({ vi: 'với MongoDB, bản chạy của dịch vụ điều phối có các collection được dựng lại (mặc định: $COORDINATION_INSTANCE_ID; không có: các collection không có tiền tố)', en: "with MongoDB, the coordination instance whose collections are rebuilt (default: $COORDINATION_INSTANCE_ID; none: the unprefixed ones)" }))
    .option('--json', text({ vi: 'in bản tóm tắt dạng JSON ra stdout', en: 'print the summary as JSON on stdout' }))
    .action(async (options: ReplayOptions) => {
      const summary = await replay(settingsOf(options), process.stderr.isTTY === true);
      process.stdout.write(options.json ? `${JSON.stringify(summary, null, 2)}\n` : formatSummary(summary));
    });
}

interface ReplaySettings {
  servers: string[];
  mongodbUri: string | undefined;
  instance: string | undefined;
  seed: string | undefined;
}

/** Every option checked before anything connects: a bad one is bad usage (exit 2). */
function settingsOf(options: ReplayOptions): ReplaySettings {
  const servers = natsServers(options.natsUrl ?? (process.env.NATS_URL || DEFAULT_NATS_URL));
  if (servers.length === 0) throw new UsageError('--nats-url: không được để trống / must name at least one server');
  for (const server of servers) checkNatsUrl(server);
  const mongodbUri = options.mongodbUri ?? (process.env.MONGODB_URI || undefined);
  if (mongodbUri !== undefined && !/^mongodb(\+srv)?:\/\/[^/\s]+/.test(mongodbUri)) {
    // Not echoed: a URI can carry a password.
    throw new UsageError('--mongodb-uri: phải bắt đầu bằng / must start with mongodb:// or mongodb+srv://');
  }
  const instance = options.instance ?? (process.env.COORDINATION_INSTANCE_ID || undefined);
  return { servers, mongodbUri, instance, seed: natsSeedOfCommand() };
}

function checkNatsUrl(server: string): void {
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw new UsageError(`--nats-url: địa chỉ không hợp lệ / not a URL: "${server}"`);
  }
  if (!['nats:', 'tls:'].includes(url.protocol) || !url.hostname) throw new UsageError(`--nats-url: phải là / must be nats://host:port or tls://host:port, got "${server}"`);
}

async function replay(settings: ReplaySettings, tty: boolean): Promise<ReplaySummary> {
  const started = performance.now();
  const where = settings.servers.join(',');
  let nc: NatsConnection;
  try {
    nc = await connectToNats({
      servers: settings.servers,
      name: 'lienganh-replay',
      // The coordination service's identity: these are its read models (none on a server without permissions).
      ...(settings.seed ? { seed: settings.seed, identity: 'coordination' as const } : {}),
      reconnectForever: false,
      timeoutMs: CONNECT_TIMEOUT_MS,
    });
  } catch (error) {
    if (error instanceof NatsSeedError) throw new UsageError(`NATS_NKEY_SEED: ${error.message}`);
    throw new Error(`không kết nối được NATS / cannot reach NATS at ${where}: ${reasonOf(error)}`);
  }
  let store: CoordinationStore | undefined;
  try {
    const lastSeqs = await streamEnds(nc);
    try {
      store = await storeFromEnv({ MONGODB_URI: settings.mongodbUri ?? '', ...(settings.instance ? { COORDINATION_INSTANCE_ID: settings.instance } : {}) });
    } catch (error) {
      throw new Error(`không kết nối được MongoDB / cannot reach MongoDB: ${reasonOf(error)}`);
    }
    if (settings.mongodbUri) process.stderr.write('Xóa kho MongoDB / clearing the MongoDB store…\n');
    await store.clear();
    const progress = progressOf(lastSeqs, tty);
    const logger = { info: () => {}, warn: (message: string) => process.stderr.write(`${message}\n`), error: (message: string) => process.stderr.write(`${message}\n`) };
    // The deployment's case references (ADR 0021), or the rebuilt deadlines would name referrals otherwise than the stream's alerts.
    const projector = new CoordinationProjector(nc, store, { cases: await CaseReferences.open(nc), logger });
    let streams: StreamCatchUp[];
    try {
      streams = await projector.catchUpAll(progress.update);
    } finally {
      progress.stop();
    }
    return summaryOf(projector, streams, settings, (performance.now() - started) / 1000);
  } finally {
    await store?.close().catch(() => undefined);
    await nc.close().catch(() => undefined);
  }
}

/** Each stream's last sequence, which is where its replay stops (and the bar's end). */
async function streamEnds(nc: NatsConnection): Promise<Map<string, number>> {
  const jsm = await jetstreamManager(nc);
  const ends = new Map<string, number>();
  for (const stream of STREAM_ORDER) {
    try {
      ends.set(stream, (await jsm.streams.info(stream)).state.last_seq);
    } catch (error) {
      if (/stream not found/i.test(String(error))) throw new Error(`không có stream / no stream ${stream} on this NATS: nothing to replay (npx lienganh nats provision creates the streams)`);
      throw new Error(`không đọc được stream / cannot read stream ${stream}: ${reasonOf(error)}`);
    }
  }
  return ends;
}

function summaryOf(projector: CoordinationProjector, streams: StreamCatchUp[], settings: ReplaySettings, seconds: number): ReplaySummary {
  const { projection } = projector;
  const byKind: Record<string, number> = {};
  for (const alert of projection.alerts.values()) byKind[alert.kind] = (byKind[alert.kind] ?? 0) + 1;
  return {
    servers: settings.servers,
    store: settings.mongodbUri ? 'mongodb' : 'memory',
    streams,
    eventsApplied: streams.reduce((sum, stream) => sum + stream.events, 0),
    refused: streams.reduce((sum, stream) => sum + stream.refused, 0),
    plans: [...projection.state.plans.values()].map((plan) => ({ id: plan.id, targets: plan.targets.length })),
    targets: committeeOverview(projection.state, projection.areas, new Date()).map((target) => ({
      plan: target.planId,
      id: target.id,
      agency: target.agency,
      measure: target.measure,
      achieved: target.achieved,
      percent: target.percent,
      status: target.status,
    })),
    alerts: { total: projection.alerts.size, byKind },
    seconds: Number(seconds.toFixed(3)),
  };
}

interface Progress {
  update(progress: CatchUpProgress): void;
  stop(): void;
}

/** A bar on a terminal; otherwise a plain line per stream and every PLAIN_PROGRESS_EVERY events (CI, a pipe, a log). */
function progressOf(lastSeqs: Map<string, number>, tty: boolean): Progress {
  const total = [...lastSeqs.values()].reduce((sum, seq) => sum + seq, 0);
  const reached = new Map<string, number>();
  const done = () => [...reached.values()].reduce((sum, seq) => sum + seq, 0);
  if (tty) {
    const bar = new cliProgress.SingleBar(
      { format: 'Đang dựng lại / replaying [{bar}] {value}/{total} | {stream} | {eta_formatted}', stream: process.stderr, hideCursor: true, fps: 5 },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0, { stream: STREAM_ORDER[0] });
    return {
      update: ({ stream, seq }) => {
        reached.set(stream, seq);
        bar.update(done(), { stream });
      },
      stop: () => bar.stop(),
    };
  }
  let printed = 0;
  const line = (text: string) => process.stderr.write(`replay: ${text}\n`);
  return {
    update: ({ stream, seq, lastSeq }) => {
      if (!reached.has(stream)) line(`${stream}: ${lastSeq} sự kiện / events to read`);
      reached.set(stream, seq);
      if (done() - printed >= PLAIN_PROGRESS_EVERY) {
        printed = done();
        line(`${printed}/${total}`);
      }
    },
    stop: () => line(`${done()}/${total}`),
  };
}

function formatSummary(summary: ReplaySummary): string {
  const kinds = Object.entries(summary.alerts.byKind).map(([kind, count]) => `${kind} ${count}`);
  const lines = [
    `Đã dựng lại / rebuilt: ${summary.store === 'mongodb' ? 'kho MongoDB / the MongoDB store' : 'trong bộ nhớ / in memory'} from ${summary.servers.join(',')}`,
    ...summary.streams.map((stream) => `  ${stream.stream}: ${stream.events} sự kiện / events applied${stream.refused ? `, ${stream.refused} bị từ chối / refused` : ''} (seq ≤ ${stream.lastSeq})`),
    `Sự kiện đã áp dụng / events applied: ${summary.eventsApplied}`,
    `Kế hoạch / plans: ${summary.plans.length}${summary.plans.length ? ` (${summary.plans.map((plan) => plan.id).join(', ')})` : ''}`,
    `Chỉ tiêu / targets: ${summary.targets.length}`,
    ...summary.targets.map((target) => `  ${target.plan}/${target.id} [${target.agency}]: ${target.achieved} (${target.percent}%, ${target.status})`),
    `Cảnh báo / alerts: ${summary.alerts.total}${kinds.length ? ` (${kinds.join(', ')})` : ''}`,
    `Thời gian / duration: ${summary.seconds} s`,
  ];
  return `${lines.join('\n')}\n`;
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
