import type { Command } from 'commander';
import { InvalidInputError } from '../domain/errors.js';
import { FEED_FORMATS, type FeedFormat } from '../render/feeds/feed-data.js';
import { renderFeed } from '../render/feeds/render-feed.js';
import { writeFile } from 'node:fs/promises';
import { feedsOpml } from '../jobs/publish/opml.js';
import { withApp } from './run.js';

export function registerFeed(program: Command): void {
  program
    .command('feed')
    .description('print the feed of all new papers, or of one topic')
    .option('--topic <slug>', 'the topic whose feed to print')
    .option('--format <format>', 'rss | atom | json', 'rss')
    .option('--opml', 'instead, the OPML list of every public feed (the site feed and each topic feed)')
    .option('--out <file>', 'with --opml: write it to this file instead of printing it')
    .action((options: { topic?: string; format: string; opml?: boolean; out?: string }) =>
      withApp(async (app) => {
        if (options.out && !options.opml) throw new InvalidInputError('--out goes with --opml');
        if (options.opml) {
          if (options.topic) throw new InvalidInputError('--opml lists every feed: leave out --topic');
          const opml = await feedsOpml({ store: app.store, publicUrl: app.config.publicUrl, clock: app.clock });
          if (!options.out) return void process.stdout.write(opml);
          await writeFile(options.out, opml);
          return void console.error(`wrote ${options.out}`);
        }
        if (!Object.hasOwn(FEED_FORMATS, options.format)) {
          throw new InvalidInputError(`unknown feed format "${options.format}": use rss, atom or json`);
        }
        process.stdout.write(renderFeed(await app.feeds.feedData(options.topic), options.format as FeedFormat));
      }),
    );
}
