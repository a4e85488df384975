import type { Command } from 'commander';
import { oneLine } from '../domain/text.js';
import { parseInstant } from '../domain/period.js';
import type { RunSummary } from '../jobs/deliver/deliver.js';
import { intInRange } from './args.js';
import { createProgress } from './progress.js';
import { withApp } from './run.js';

/** An ISO instant as the summary shows it: to the second, in UTC. */
const instant = (iso: string) => iso.replace(/\.\d+Z$/, 'Z');

function summaryLine(s: RunSummary): string {
  const parts = [`sent ${s.sent}`, `failed ${s.failed}`, `skipped ${s.skipped}`, `suppressed ${s.suppressed}`];
  if (s.waiting)
    parts.push(`waiting for retry ${s.waiting}${s.nextRetryAt ? ` (next at ${instant(s.nextRetryAt)})` : ''}`);
  if (s.dueLater) parts.push(`${s.dueLater} due later${s.firstDueAt ? ` (first at ${instant(s.firstDueAt)})` : ''}`);
  if (s.left) parts.push(`not attempted ${s.left} (next run)`);
  if (s.interrupted) parts.push(`interrupted ${s.interrupted} (held: paperboy deliveries retry --interrupted)`);
  if (s.unrecorded) parts.push(`accepted but not recorded ${s.unrecorded} (held, not sent again)`);
  return parts.join(', ');
}

export function registerSend(program: Command): void {
  program
    .command('plan')
    .description('create the digests and deliveries due at a time (default: now)')
    .option('--at <time>', 'ISO 8601 time to plan for')
    .option('--dry-run', 'say what is due, write nothing')
    .addHelpText(
      'after',
      '\nWith SHOW_REVISED_PAPERS=true, a subscriber who had a paper that arXiv has since revised gets it once more,\nmarked "Updated (vN)"; never a second time. Off (the default), a paper reaches a subscriber once.',
    )
    .action((o: { at?: string; dryRun?: boolean }) =>
      withApp(async (app) => {
        const at = o.at ? parseInstant(o.at) : app.clock();
        const r = await app.planner.plan(at, { dryRun: o.dryRun });
        if (r.busy) return void console.log(`nothing planned: ${r.busy}`);
        const late = r.tooLate ? `; skipped as too late ${r.tooLate}` : '';
        const channels = r.channelsDue ? `; channels due ${r.channelsDue}` : '';
        console.log(
          o.dryRun
            ? `due: ${r.due} subscribers in ${r.groups} digests${channels} (dry run: nothing written)`
            : `due: ${r.due} subscribers${channels}; digests created ${r.digestsCreated}, empty ${r.emptyGroups}; deliveries created ${r.deliveriesCreated}${late}`,
        );
      }),
    );

  program
    .command('send')
    .description('plan what is due, then deliver until nothing due is pending')
    .option('--at <time>', 'ISO 8601 time to plan for (default: now)')
    .option('--dry-run', 'say what would be planned, send nothing')
    .option('--wait <seconds>', 'wait this long for retries that come due', intInRange(0, 86_400), 60)
    .action((o: { at?: string; dryRun?: boolean; wait: number }) =>
      withApp(async (app) => {
        const at = o.at ? parseInstant(o.at) : app.clock();
        const plan = await app.planner.plan(at, { dryRun: o.dryRun });
        if (plan.busy) app.logger.info(`planning skipped: ${plan.busy}; delivering what is pending`);
        if (o.dryRun) {
          const counts = await app.store.countDeliveries();
          console.log(
            `would plan ${plan.due + plan.channelsDue} deliveries in ${plan.groups} digests${plan.channelsDue ? ` (${plan.channelsDue} to channels)` : ''}; ${counts.pending} already pending (dry run: nothing sent)`,
          );
          return;
        }
        const progress = createProgress('sending');
        const controller = new AbortController();
        const stop = () => controller.abort();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
        const summary = await app.deliverer.run({
          maxWaitMs: o.wait * 1000,
          signal: controller.signal,
          onProgress: (s) =>
            progress.update(`sent ${s.sent} · failed ${s.failed} · skipped ${s.skipped} · retrying ${s.retried}`),
        });
        progress.done();
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        console.log(summaryLine(summary));
        if (summary.unrecorded) {
          // The store failed: rows the relay accepted stay in `sending`; the next run holds them.
          process.stderr.write(
            `paperboy: ${summary.unrecorded} messages the relay accepted could not be recorded as sent (${oneLine(summary.unrecordedError ?? 'the store failed')}); they are held, not sent again\n`,
          );
          process.exitCode = 2;
        } else if (summary.paused) {
          process.stderr.write(`paperboy: ${oneLine(summary.paused)}; run paperboy send again to resume\n`);
          process.exitCode = 3;
        }
      }),
    );

  program
    .command('worker')
    .description('a delivery worker only: delivers what is pending, forever (for scale-out)')
    .option('--poll <seconds>', 'how often to look for pending deliveries', intInRange(1, 3600), 5)
    .action((o: { poll: number }) =>
      withApp(async (app) => {
        const controller = new AbortController();
        process.once('SIGINT', () => controller.abort());
        process.once('SIGTERM', () => controller.abort());
        app.logger.info('worker started', { worker: app.deliverer.workerId });
        while (!controller.signal.aborted) {
          await app.deliverer.run({ maxWaitMs: o.poll * 1000, signal: controller.signal });
          await new Promise((r) => setTimeout(r, o.poll * 1000));
        }
      }),
    );
}
