import type { Command } from 'commander';
import { FORMATS, parseFormat } from '../ingest/formats.js';
import { progressBar } from './progress.js';
import { withApp } from './run.js';

export function registerIngest(program: Command): void {
  program
    .command('ingest')
    .description('store the papers of files or URLs; a malformed or unreachable one stores nothing')
    .argument('<sources...>', 'files or http(s) URLs: Daily Papers page, Paperboy JSON, Hugging Face daily papers JSON, arXiv API or RSS, any RSS/Atom feed')
    .option('--format <format>', FORMATS.join(' | '), 'auto')
    .action((targets: string[], options: { format: string }) =>
      withApp(async (app) => {
        const format = parseFormat(options.format);
        const reading = progressBar('reading');
        const storing = progressBar('storing');
        const report = await app.ingester.ingestFiles(targets, format, {
          onFile: (done, total) => (total > 1 ? reading.update(done, total) : undefined),
          onStore: (done, total) => {
            reading.done();
            if (total >= 5_000) storing.update(done, total);
          },
        });
        storing.done();
        const seen = report.files.map((f) => `${f.file}: ${f.papers} papers`).join('; ');
        console.log(`${seen}\nadded ${report.added}, updated ${report.updated}, unchanged ${report.unchanged}`);
      }),
    );
}
