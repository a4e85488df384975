import type { Command } from 'commander';
import { oneLine } from '../domain/text.js';
import { FORMATS, parseFormat } from '../ingest/formats.js';
import { progressBar } from './progress.js';
import { withApp } from './run.js';

export function registerIngest(program: Command): void {
  program
    .command('ingest')
    .description('store the papers of files or URLs; a malformed or unreachable one stores nothing')
    .argument(
      '<sources...>',
      'files or http(s) URLs: Daily Papers page, Paperboy JSON, Hugging Face daily papers JSON, arXiv API or RSS, any RSS/Atom feed',
    )
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
        // Papers were stored, but not all of what the sources hold: said on stderr, one line each.
        for (const f of report.files)
          for (const w of f.warnings) process.stderr.write(`paperboy: warning: ${oneLine(w)}\n`);
        const warned = (n: number) => (n ? ` (${n} ${n === 1 ? 'warning' : 'warnings'})` : '');
        const papers = (n: number) => `${n} ${n === 1 ? 'paper' : 'papers'}`;
        const seen = report.files.map((f) => `${f.file}: ${papers(f.papers)}${warned(f.warnings.length)}`).join('; ');
        console.log(`${seen}\nadded ${report.added}, updated ${report.updated}, unchanged ${report.unchanged}`);
      }),
    );
}
