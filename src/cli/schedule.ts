import type { Command } from 'commander';
import { parseInstant } from '../domain/period.js';
import { localParts } from '../domain/zoned-time.js';
import { soonestSends } from '../jobs/operate/next-sends.js';
import { intInRange } from './args.js';
import { withApp } from './run.js';

const pad = (n: number) => String(n).padStart(2, '0');

export function registerSchedule(program: Command): void {
  program
    .command('schedule')
    .description('the next sends: when (UTC and local time), to whom, how often, which topics')
    .option('--at <time>', 'ISO 8601 time to look from (default: now)')
    .option('--limit <n>', 'at most this many', intInRange(1, 1_000_000), 50)
    .option('--json', 'print JSON')
    .action((o: { at?: string; limit: number; json?: boolean }) =>
      withApp(async (app) => {
        const at = o.at ? parseInstant(o.at) : app.clock();
        // The first `limit` by the planner's rule, read per schedule slot: not every subscriber.
        const { sends } = await soonestSends(app.store, app.config, at, o.limit);
        const rows = sends.map(({ subscriber: s, due }) => {
          const l = localParts(due.sendAt, s.timezone);
          return {
            utc: due.sendAt.toISOString().replace('.000Z', 'Z'),
            local: `${l.year}-${pad(l.month)}-${pad(l.day)} ${pad(l.hour)}:${pad(l.minute)} ${s.timezone}`,
            email: s.email,
            frequency: s.frequency,
            period: due.period.key,
            topics: s.topics.join(','),
            overdue: due.sendAt <= at,
          };
        });
        if (o.json) return void console.log(JSON.stringify(rows, null, 2));
        for (const r of rows) {
          console.log(
            [r.utc, r.local, r.email, r.frequency, r.period, r.topics, r.overdue ? 'due now' : ''].join('\t').trimEnd(),
          );
        }
      }),
    );
}
