import type { Command } from 'commander';
import { InvalidInputError } from '../domain/errors.js';
import { FEED_FORMATS, type FeedFormat } from '../render/feeds/feed-data.js';
import { renderFeed } from '../render/feeds/render-feed.js';
import { withApp } from './run.js';

export function registerFeed(program: Command): void {
  program
    .command('feed')
    .description('print the feed of all new papers, or of one topic')
    .option('--topic <slug>', 'the topic whose feed to print')
    .option('--format <format>', 'rss | atom | json', 'rss')
    .action((options: { topic?: string; format: string }) =>
      withApp(async (app) => {
        if (!Object.hasOwn(FEED_FORMATS, options.format)) {
          throw new InvalidInputError(`unknown feed format "${options.format}": use rss, atom or json`);
        }
        process.stdout.write(renderFeed(await app.feeds.feedData(options.topic), options.format as FeedFormat));
      }),
    );
}
