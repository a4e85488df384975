import type { Command } from 'commander';
import { parseFormat } from '../ingest/formats.js';
import { withApp } from './run.js';

export function registerIngest(program: Command): void {
  program
    .command('ingest')
    .description('store the papers of one or more files; a malformed file stores nothing')
    .argument('<files...>', 'Daily Papers page text or Paperboy JSON')
    .option('--format <format>', 'auto | daily-page | json', 'auto')
    .action((files: string[], options: { format: string }) =>
      withApp(async (app) => {
        const report = await app.ingester.ingestFiles(files, parseFormat(options.format));
        const seen = report.files.map((f) => `${f.file}: ${f.papers} papers`).join('; ');
        console.log(`${seen}\nadded ${report.added}, updated ${report.updated}, unchanged ${report.unchanged}`);
      }),
    );
}
