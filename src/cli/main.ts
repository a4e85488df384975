#!/usr/bin/env node
import { Command } from 'commander';
import { registerDigest } from './digest.js';
import { registerFeed } from './feed.js';
import { registerIngest } from './ingest.js';
import { registerPapers } from './papers.js';
import { registerServe } from './serve.js';
import { registerSubscribers } from './subscribers.js';
import { registerTopics } from './topics.js';

const program = new Command()
  .name('paperboy')
  .description('Delivers research papers as email digests and RSS feeds.');

registerIngest(program);
registerTopics(program);
registerDigest(program);
registerFeed(program);
registerPapers(program);
registerSubscribers(program);
registerServe(program);

await program.parseAsync(process.argv);
