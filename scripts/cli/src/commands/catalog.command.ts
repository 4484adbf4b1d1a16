import { describeCatalog, type CatalogEntry } from '@lienganh/contracts';
import { Command } from 'commander';

export function catalogCommand(): Command {
  return new Command('catalog')
    .description('List every event type with its agency, NATS subject, version and description')
    .option('--json', 'print a JSON array instead of a table')
    .option('--agency <agency>', 'only the events of one agency')
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
