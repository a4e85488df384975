import type { Command } from 'commander';
import { InvalidInputError } from '../domain/errors.js';
import { renderRss } from '../render/feeds/rss.js';
import { withApp } from './run.js';

export function registerFeed(program: Command): void {
  program
    .command('feed')
    .description('print the feed of all new papers, or of one topic')
    .option('--topic <slug>', 'the topic whose feed to print')
    .option('--format <format>', 'rss', 'rss')
    .action((options: { topic?: string; format: string }) =>
      withApp(async (app) => {
        if (options.format !== 'rss') {
          throw new InvalidInputError(`unknown feed format "${options.format}": this version writes rss`);
        }
        process.stdout.write(renderRss(await app.feeds.feedData(options.topic)));
      }),
    );
}
