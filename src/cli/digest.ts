import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { parseInstant, parsePeriodKind } from '../domain/period.js';
import { topicNames, topicSlugsOf } from '../domain/topic.js';
import { digestMessage } from '../jobs/deliver/digest-message.js';
import { composeEml } from '../mail/compose.js';
import { withApp } from './run.js';
import { normaliseEmail } from '../domain/email.js';

interface DigestOptions {
  topic: string;
  period: string;
  at?: string;
  out?: string;
  to: string;
}

export function registerDigest(program: Command): void {
  program
    .command('digest')
    .description('freeze the digest of a topic for a period and, with --out, write digest.html, digest.txt, digest.eml')
    .requiredOption('--topic <slugs>', 'a topic slug, or several separated by commas')
    .option('--period <period>', 'day | week', 'day')
    .option('--at <time>', 'ISO 8601 time inside the period (default: now)')
    .option('--out <dir>', 'write the files of the digest here')
    .option(
      '--to <email>',
      'the recipient of the written email (a subscriber gets their own links)',
      'reader@example.org',
    )
    .action((options: DigestOptions) =>
      withApp(async (app) => {
        const kind = parsePeriodKind(options.period);
        const at = options.at ? parseInstant(options.at) : app.clock();
        const to = normaliseEmail(options.to);
        const slugs = options.topic
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
        const result = await app.digests.freeze({ slugs, kind, at });
        if (result.status === 'empty') {
          console.log(`no new papers for ${result.editionKey} in ${result.periodKey}: no digest (nothing written)`);
          return;
        }
        const { digest } = result;
        console.log(`digest ${digest.id} (${result.status}): ${digest.subject}`);
        console.log(`${digest.paperIds.length} papers · web copy ${app.config.publicUrl}/digests/${digest.id}`);
        if (!options.out) return;

        // Addressed to a subscriber, the email carries their own preference and unsubscribe links.
        const subscriber = await app.store.findSubscriberByEmail(to);
        const message = digestMessage({
          digest,
          to,
          tokenSubject: subscriber?.id ?? `preview:${to}`,
          deliveryId: `${digest.id}.preview`,
          topicNames: topicNames(await app.store.listTopics(), topicSlugsOf(digest.editionKey)),
          config: app.config,
          secret: app.secret,
          date: app.clock(),
        });
        await mkdir(options.out, { recursive: true });
        await writeFile(join(options.out, 'digest.html'), message.html);
        await writeFile(join(options.out, 'digest.txt'), message.text);
        await writeFile(join(options.out, 'digest.eml'), await composeEml(message));
        console.log(
          `wrote ${['digest.html', 'digest.txt', 'digest.eml'].map((f) => join(options.out as string, f)).join(', ')}`,
        );
      }),
    );
}
