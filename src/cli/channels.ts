import type { Command } from 'commander';
import { CHANNEL_FORMATS } from '../domain/channel.js';
import { PaperboyError } from '../domain/errors.js';
import type { ShownChannel } from '../jobs/channels/channels.js';
import { withApp } from './run.js';

/** One channel a line: name, format, topics, schedule, masked URL, and how its last delivery went. */
function channelLine(c: ShownChannel): string {
  const last = c.lastDelivery
    ? `last: ${c.lastDelivery.status} ${c.lastDelivery.updatedAt}${c.lastDelivery.lastError ? ` (${c.lastDelivery.lastError})` : ''}`
    : 'last: none yet';
  const schedule = `${c.frequency} ${String(c.hour).padStart(2, '0')}:00 ${c.timezone}`;
  return [c.name, c.format, c.topics.join(','), schedule, c.url, `next: ${c.nextAt}`, last].join('\t');
}

export function registerChannels(program: Command): void {
  const channels = program
    .command('channels')
    .description("webhooks (Slack, Discord, Mattermost, signed JSON) that receive a topic's editions");
  channels
    .command('add')
    .description('add a channel; the URL is kept secret (shown masked from now on)')
    .argument('<name>', 'letters, digits, ".", "-", "_", e.g. lab-slack')
    .requiredOption('--topic <slugs>', 'one topic slug, or several separated by commas')
    .requiredOption('--url <url>', 'the webhook URL the chat service gave (https)')
    .requiredOption('--format <format>', CHANNEL_FORMATS.join(' | '))
    .option('--frequency <frequency>', 'daily | weekly', 'daily')
    .option('--hour <hour>', 'local send hour, 0-23', '8')
    .option('--tz <zone>', 'IANA time zone, e.g. Europe/Berlin', 'UTC')
    .action(
      (name: string, o: { topic: string; url: string; format: string; frequency: string; hour: string; tz: string }) =>
        withApp(async (app) => {
          const { channel, signingSecret } = await app.channels.add({
            name,
            topics: o.topic.split(','),
            url: o.url,
            format: o.format,
            frequency: o.frequency,
            hour: o.hour,
            timezone: o.tz,
          });
          console.log(`added ${channelLine(channel)}`);
          if (signingSecret) {
            console.log(`signing secret (shown once; receivers verify the Paperboy-Signature header with it):`);
            console.log(signingSecret);
          }
        }),
    );
  channels
    .command('list')
    .description(
      'each channel: name, format, topics, schedule, masked URL, when the next edition is due, last delivery',
    )
    .option('--json', 'print JSON')
    .action((o: { json?: boolean }) =>
      withApp(async (app) => {
        const list = await app.channels.list();
        if (o.json) console.log(JSON.stringify(list, null, 2));
        else if (list.length === 0)
          console.log(
            'no channels (add one: paperboy channels add <name> --topic <slug> --url <https://…> --format slack|discord|mattermost|json)',
          );
        else for (const c of list) console.log(channelLine(c));
      }),
    );
  channels
    .command('remove')
    .description('remove a channel; its deliveries stay in the record')
    .argument('<name>')
    .action((name: string) =>
      withApp(async (app) => {
        await app.channels.remove(name);
        console.log(`removed ${name}`);
      }),
    );
  channels
    .command('test')
    .description("post the latest edition of the channel's topics now (nothing is recorded), and say how it went")
    .argument('<name>')
    .action((name: string) =>
      withApp(async (app) => {
        const result = await app.channels.test(name);
        if (!result.ok) throw new PaperboyError('CHANNEL_TEST_FAILED', `${result.target} answered ${result.message}`);
        console.log(`posted to ${result.target}: ${result.message}`);
      }),
    );
}
