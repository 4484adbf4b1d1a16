import { existsSync, readdirSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { natsServersOfStore } from '@lienganh/platform';
import { Command } from 'commander';
import { UsageError } from '../usage-error.js';
import { text } from '../cli-language.js';

/** What `lienganh start` writes into its data directory; a directory holding none of them is not one. */
const DATA_DIRECTORY_MARKERS = ['nats', 'nats-keys', 'demo-credentials.json'];

/**
 * `npx lienganh reset`: wipes what `npm start` keeps between runs (events, board, keys, outboxes),
 * after a confirmation. Never while a start still runs on it, never a directory it did not make.
 */
export function resetCommand(): Command {
  return new Command('reset')
    .description(text({ vi: 'Xóa dữ liệu npm start giữ giữa các lần chạy (.data): sự kiện, bảng theo dõi, khóa demo; hỏi trước khi xóa', en: 'Xóa dữ liệu của npm start / wipe the data npm start keeps between runs (.data): events, board, demo keys; asks first' }))
    .option('--data-dir <dir>', text({ vi: 'thư mục dữ liệu của lienganh start', en: 'the data directory of lienganh start' }), '.data')
    .option('-y, --yes', text({ vi: 'không hỏi lại (dùng trong script)', en: 'do not ask (for scripts)' }))
    .action(async (options: { dataDir: string; yes?: boolean }) => {
      const dataDir = resolve(options.dataDir);
      if (!existsSync(dataDir)) {
        console.log(`Không có gì để xóa / nothing to wipe: ${dataDir} does not exist`);
        return;
      }
      const entries = readdirSync(dataDir);
      if (entries.length > 0 && !DATA_DIRECTORY_MARKERS.some((marker) => entries.includes(marker))) {
        throw new UsageError(`${dataDir} không phải thư mục dữ liệu của lienganh / is not a lienganh data directory (none of ${DATA_DIRECTORY_MARKERS.join(', ')}): nothing wiped`);
      }
      const running = natsServersOfStore(resolve(dataDir, 'nats'), resolve(dataDir, 'nats-server.pid'));
      if (running.length > 0) {
        throw new UsageError(`lienganh start đang chạy trên ${dataDir} / is running on it (nats-server pid ${running.join(', ')}): stop it (Ctrl-C) first; nothing wiped`);
      }
      if (!options.yes && !(await confirmed(dataDir))) {
        console.log('Không xóa gì / nothing wiped');
        process.exitCode = 1;
        return;
      }
      rmSync(dataDir, { recursive: true, force: true });
      console.log(`Đã xóa / wiped ${dataDir}: the next npm start begins afresh (new demo keys and tokens)`);
    });
}

/** Asks on the terminal; without one, only --yes confirms. */
async function confirmed(dataDir: string): Promise<boolean> {
  if (!process.stdin.isTTY) throw new UsageError('cần xác nhận / confirmation needed: not on a terminal, pass --yes to wipe');
  const terminal = createInterface({ input: process.stdin, output: process.stdout });
  try {
    const answer = await terminal.question(`Xóa toàn bộ sự kiện, bảng theo dõi và khóa demo trong ${dataDir}? / Wipe every event, the board and the demo keys in ${dataDir}? [gõ / type "yes"] `);
    return ['yes', 'có', 'co'].includes(answer.trim().toLowerCase());
  } finally {
    terminal.close();
  }
}
