import type { Command } from 'commander';
import type { DeliveryStatus } from '../domain/delivery.js';
import { InvalidInputError, NotFoundError } from '../domain/errors.js';
import { normaliseEmail } from '../domain/email.js';
import { intInRange } from './args.js';
import { withApp } from './run.js';

const STATUSES: readonly DeliveryStatus[] = ['pending', 'sending', 'sent', 'failed', 'skipped'];

export function registerDeliveries(program: Command): void {
  const deliveries = program.command('deliveries').description('inspect and retry deliveries');
  deliveries
    .command('list')
    .description('newest first: id, status, attempts, address (channel:<name> for a channel), last error')
    .option('--status <status>', STATUSES.join(' | '))
    .option('--limit <n>', 'at most this many', intInRange(1, 1_000_000), 50)
    .option('--json', 'print JSON')
    .action((o: { status?: string; limit: number; json?: boolean }) =>
      withApp(async (app) => {
        if (o.status && !STATUSES.includes(o.status as DeliveryStatus)) {
          throw new InvalidInputError(`unknown status "${o.status}": use one of ${STATUSES.join(', ')}`);
        }
        const list = await app.store.listDeliveries({ status: o.status as DeliveryStatus | undefined, limit: o.limit });
        if (o.json) return void console.log(JSON.stringify(list, null, 2));
        const counts = await app.store.countDeliveries();
        for (const d of list) {
          console.log(
            [d.id, d.status, `attempts=${d.attempts}`, d.email, d.errorKind ?? '', d.lastError ?? '']
              .join('\t')
              .trimEnd(),
          );
        }
        console.error(STATUSES.map((s) => `${s} ${counts[s]}`).join(', '));
      }),
    );
  deliveries
    .command('show')
    .description('everything recorded about one delivery')
    .argument('<id>')
    .action((id: string) =>
      withApp(async (app) => {
        const d = await app.store.getDelivery(id);
        if (!d) throw new NotFoundError(`no delivery "${id}"`);
        console.log(JSON.stringify(d, null, 2));
      }),
    );
  deliveries
    .command('retry')
    .description('put failed deliveries back in the queue (same Message-ID); then run paperboy send')
    .argument('[ids...]')
    .option('--failed', 'every failed delivery')
    .option('--interrupted', 'the deliveries held after a crash')
    .action((ids: string[], o: { failed?: boolean; interrupted?: boolean }) =>
      withApp(async (app) => {
        if (ids.length === 0 && !o.failed && !o.interrupted)
          throw new InvalidInputError('name delivery ids, or pass --failed or --interrupted');
        const now = app.clock().toISOString();
        const filter = ids.length > 0 ? { ids } : o.interrupted ? { errorKind: 'interrupted' as const } : {};
        console.log(`requeued ${await app.store.retryDeliveries(filter, now)}`);
      }),
    );

  const suppressions = program.command('suppressions').description('the addresses Paperboy never sends to');
  suppressions.command('list').action(() =>
    withApp(async (app) => {
      for (const s of await app.store.listSuppressions())
        console.log(`${s.email}\t${s.reason}\t${s.createdAt}\t${s.detail ?? ''}`.trimEnd());
    }),
  );
  suppressions
    .command('add')
    .argument('<email>')
    .action((email: string) =>
      withApp(async (app) => {
        await app.store.suppress(normaliseEmail(email), 'manual', 'added by the operator', app.clock().toISOString());
        console.log(`suppressed ${normaliseEmail(email)}`);
      }),
    );
  suppressions
    .command('remove')
    .description('take an address off the list (its subscriber stays suppressed until they subscribe again)')
    .argument('<email>')
    .action((email: string) =>
      withApp(async (app) => {
        if (!(await app.store.unsuppress(normaliseEmail(email)))) throw new NotFoundError(`${email} is not suppressed`);
        console.log(`removed ${normaliseEmail(email)}`);
      }),
    );
}
