import type { Command } from 'commander';
import { normaliseEmail } from '../domain/email.js';
import { NotFoundError } from '../domain/errors.js';
import { publicSubscriber } from '../domain/subscriber.js';
import { readSource } from '../jobs/ingest/ingest.js';
import type { OperatorOutcome } from '../jobs/subscribers/subscriptions.js';
import { intInRange } from './args.js';
import { withApp } from './run.js';

const CLI = { source: 'cli' };
// A confirmation email the relay did not take now is not lost: it waits in the delivery queue.
const notTaken = (it: string) =>
  `the relay did not take ${it} yet; paperboy send (or a running worker or serve) sends ${it}`;
const FAILED = 'pending: its confirmation email failed for good (paperboy deliveries list --status failed)';

export function registerSubscribers(program: Command): void {
  const subscribers = program.command('subscribers').description('add, list, import and export subscribers');

  subscribers
    .command('add')
    .description('add an address; without --confirmed it gets the double opt-in email')
    .argument('<email>')
    .requiredOption('--topics <slugs>', 'topic slugs separated by commas')
    .option('--frequency <frequency>', 'daily | weekly', 'daily')
    .option('--tz <zone>', 'IANA time zone, e.g. Europe/Berlin', 'UTC')
    .option('--hour <hour>', 'local send hour, 0-23', intInRange(0, 23), 8)
    .option('--confirmed', 'you vouch for their consent: confirm without an email')
    .action((email: string, o: { topics: string; frequency: string; tz: string; hour: number; confirmed?: boolean }) =>
      withApp(async (app) => {
        const request = { email, topics: o.topics.split(','), frequency: o.frequency, timezone: o.tz, hour: o.hour };
        const { outcome } = await app.subscriptions.addByOperator(request, { confirmed: Boolean(o.confirmed) }, CLI);
        const said: Record<OperatorOutcome, string> = {
          confirmed: 'confirmed',
          sent: 'pending: confirmation email sent',
          resent: 'pending: confirmation email sent again',
          queued: `pending: confirmation email queued: ${notTaken('it')}`,
          failed: FAILED,
          held: 'pending: a confirmation email was sent less than 10 minutes ago',
          nothing: 'unchanged: the address is already confirmed',
        };
        console.log(`${normaliseEmail(email)}: ${said[outcome]}`);
      }),
    );

  subscribers
    .command('resend-confirmation')
    .description('send a pending address its confirmation email again, now (e.g. after the relay was down)')
    .argument('<email>')
    .action((email: string) =>
      withApp(async (app) => {
        const outcome = await app.subscriptions.resendConfirmation(email, CLI);
        const said = {
          sent: 'confirmation email sent',
          queued: `confirmation email queued: ${notTaken('it')}`,
          failed: FAILED,
        };
        console.log(`${email.trim().toLowerCase()}: ${said[outcome]}`);
      }),
    );

  subscribers
    .command('list')
    .description('one subscriber a line: address, state, topics, frequency, time zone and hour')
    .option('--json', 'print JSON')
    .action((o: { json?: boolean }) =>
      withApp(async (app) => {
        const list = await app.store.listSubscribers();
        const visible = list.map(publicSubscriber);
        if (o.json) {
          console.log(JSON.stringify(visible, null, 2));
          return;
        }
        for (const s of visible) {
          console.log(`${s.email}\t${s.status}\t${s.topics.join(',')}\t${s.frequency}\t${s.timezone}\t${s.sendHour}`);
        }
      }),
    );

  subscribers
    .command('import')
    .description('import a CSV (header: email[,topics,frequency,timezone,hour,status]); all rows or none')
    .argument('<csv>')
    .option('--confirmed', 'you vouch for consent: rows without a status, and rows marked confirmed, are confirmed')
    .action((file: string, o: { confirmed?: boolean }) =>
      withApp(async (app) => {
        const text = await readSource(file);
        const r = await app.subscriberCsv.importCsv(text, file, { confirmed: Boolean(o.confirmed) });
        const waiting = r.confirmationsWaiting ? `; ${r.confirmationsWaiting} queued: ${notTaken('them')}` : '';
        const failed = r.confirmationsFailed
          ? `; ${r.confirmationsFailed} failed for good (paperboy deliveries list --status failed)`
          : '';
        console.log(
          `added ${r.added}, updated ${r.updated}, skipped ${r.skipped} (unsubscribed or suppressed), confirmation emails ${r.confirmationsSent}${waiting}${failed}`,
        );
      }),
    );

  subscribers
    .command('erase')
    .description(
      "delete an address's subscriber, topics, ratings, consent history and delivery records; keep only its suppression",
    )
    .argument('<email>')
    .action((email: string) =>
      withApp(async (app) => {
        if (!(await app.erasure.eraseByEmail(email, 'cli'))) throw new NotFoundError(`${email} is not a subscriber`);
        console.log(`${normaliseEmail(email)}: erased; the address stays suppressed`);
      }),
    );

  subscribers
    .command('export')
    .description('every subscriber with state and consent times, as CSV (default) or JSON with the consent log')
    .option('--json', 'print JSON')
    .action((o: { json?: boolean }) =>
      withApp(async (app) => {
        process.stdout.write(await app.subscriberCsv.export(o.json ? 'json' : 'csv'));
      }),
    );
}
