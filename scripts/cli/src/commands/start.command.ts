import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { catalog, STREAMS } from '@lienganh/contracts';
import { ensureStreams, NatsServer } from '@lienganh/platform';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { Command } from 'commander';
import { UsageError } from '../usage-error.js';

const DEFAULT_NATS_PORT = 4250;

/**
 * The embedded default (DESIGN.md conventions): its own nats-server with JetStream on
 * 127.0.0.1:4250 with data under .data/, unless NATS_URL points at an external one.
 */
export function startCommand(): Command {
  return new Command('start')
    .description('Run the system: the embedded nats-server (or NATS_URL) and the backbone streams; Ctrl-C stops it')
    .option('--data-dir <dir>', 'where the embedded server keeps its data', '.data')
    .action(async (options: { dataDir: string }) => {
      const port = natsPort();
      let server: NatsServer | undefined;
      let url = process.env.NATS_URL;
      if (!url) {
        const storeDir = resolve(options.dataDir, 'nats');
        mkdirSync(storeDir, { recursive: true });
        server = await NatsServer.start({ port, storeDir, name: 'lienganh-embedded' });
        url = server.url;
        console.log(`nats-server (JetStream) đang chạy / running at ${url}, dữ liệu / data: ${storeDir}`);
      }
      const nc = await connect({ servers: url, name: 'lienganh-start' });
      await ensureStreams(await jetstreamManager(nc));
      console.log(`Streams: ${Object.values(STREAMS).map((stream) => stream.name).join(', ')}`);
      console.log(`Danh mục sự kiện / event catalog: ${catalog.length} types (npx lienganh catalog)`);
      console.log('Nhấn Ctrl-C để dừng / press Ctrl-C to stop');

      await new Promise<void>((done) => {
        process.once('SIGINT', done);
        process.once('SIGTERM', done);
      });
      await nc.drain();
      await server?.stop();
      console.log('Đã dừng / stopped');
    });
}

function natsPort(): number {
  const raw = process.env.NATS_PORT ?? String(DEFAULT_NATS_PORT);
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new UsageError(`NATS_PORT must be a port number, got "${raw}"`);
  return port;
}
