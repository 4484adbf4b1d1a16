import { describeCatalog, type CatalogEntry } from '@lienganh/contracts';
import { Command } from 'commander';
import { text } from '../cli-language.js';

export function catalogCommand(): Command {
  return new Command('catalog')
    .description(text({ vi: 'Liệt kê mọi loại sự kiện cùng cơ quan, chủ đề NATS, phiên bản và mô tả', en: 'List every event type with its agency, NATS subject, version and description' }))
    .option('--json', text({ vi: 'in mảng JSON thay vì bảng', en: 'print a JSON array instead of a table' }))
    .option('--agency <agency>', text({ vi: 'chỉ các sự kiện của một cơ quan', en: 'only the events of one agency' }))
    .action((options: { json?: boolean; agency?: string }) => {
      const entries = describeCatalog().filter((entry) => !options.agency || entry.agency === options.agency);
      process.stdout.write(options.json ? `${JSON.stringify(entries, null, 2)}\n` : formatTable(entries));
    });
}

function formatTable(entries: CatalogEntry[]): string {
  const rows = [
    ['TYPE', 'AGENCY', 'SUBJECT', 'VER', 'MÔ TẢ / DESCRIPTION'],
    ...entries.map((entry) => [entry.type, entry.agency, entry.subject, `v${entry.version}`, `${entry.description.vi} / ${entry.description.en}`]),
  ];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  const lines = rows.map((row) => row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!))).join('  '));
  return `${lines.join('\n')}\n\n${entries.length} event types\n`;
}
