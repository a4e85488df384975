import type { Command } from 'commander';
import { parseInstant } from '../domain/period.js';
import { intInRange } from './args.js';
import { withApp } from './run.js';

export function registerPapers(program: Command): void {
  program
    .command('papers')
    .description('list what the store holds, newest first')
    .option('--since <time>', 'only papers first seen at or after this ISO 8601 time')
    .option('--limit <n>', 'at most this many', intInRange(1, 1_000_000))
    .option('--json', 'print JSON')
    .action((options: { since?: string; limit?: number; json?: boolean }) =>
      withApp(async (app) => {
        const since = options.since ? parseInstant(options.since).toISOString() : undefined;
        const papers = await app.store.listPapers({ since, limit: options.limit });
        if (options.json) {
          console.log(JSON.stringify(papers, null, 2));
          return;
        }
        for (const p of papers) console.log(`${p.firstSeenAt}  ${p.id}  ${p.title}`);
        console.error(`${papers.length} papers`);
      }),
    );
}
