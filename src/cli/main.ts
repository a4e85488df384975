#!/usr/bin/env node
import { Command } from 'commander';
import { registerChannels } from './channels.js';
import { registerConfig } from './config.js';
import { registerDeliveries } from './deliveries.js';
import { registerDigest } from './digest.js';
import { registerFeed } from './feed.js';
import { registerIngest } from './ingest.js';
import { registerPapers } from './papers.js';
import { registerSchedule } from './schedule.js';
import { registerSend } from './send.js';
import { registerServe } from './serve.js';
import { registerSources } from './sources.js';
import { registerSubscribers } from './subscribers.js';
import { registerTopics } from './topics.js';
import { registerTransfer } from './transfer.js';

const program = new Command().name('paperboy').description('Delivers research papers as email digests and RSS feeds.');

registerIngest(program);
registerTopics(program);
registerSources(program);
registerDigest(program);
registerFeed(program);
registerPapers(program);
registerSubscribers(program);
registerSend(program);
registerSchedule(program);
registerChannels(program);
registerDeliveries(program);
registerServe(program);
registerTransfer(program);
registerConfig(program);

await program.parseAsync(process.argv);
