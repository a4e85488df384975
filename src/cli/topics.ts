import type { Command } from 'commander';
import { validateTopic } from '../jobs/topics.js';
import { NotFoundError } from '../domain/errors.js';
import { withApp } from './run.js';

export function registerTopics(program: Command): void {
  const topics = program.command('topics').description('list, add or remove topics (named queries)');
  topics
    .command('list')
    .description('print each topic: slug, name and query')
    .option('--json', 'print JSON')
    .action((options: { json?: boolean }) =>
      withApp(async (app) => {
        const list = await app.store.listTopics();
        if (options.json) console.log(JSON.stringify(list, null, 2));
        else for (const t of list) console.log(`${t.slug}\t${t.name}\t${t.query}`);
      }),
    );
  topics
    .command('add')
    .description('add a topic, or change the query of an existing one')
    .argument('<slug>', 'lowercase words joined by hyphens, e.g. llm-serving')
    .argument('<query>', 'words, "quoted phrases", -excluded words, alternatives joined by OR')
    .option('--name <name>', 'display name (default: from the query)')
    .action((slug: string, query: string, options: { name?: string }) =>
      withApp(async (app) => {
        const topic = validateTopic(slug, query, options.name);
        const created = await app.store.saveTopic(topic, app.clock().toISOString());
        console.log(`${created ? 'added' : 'updated'} ${topic.slug}: ${topic.name} = ${topic.query}`);
      }),
    );
  topics
    .command('remove')
    .description('remove a topic; its digests stay in the archive')
    .argument('<slug>')
    .action((slug: string) =>
      withApp(async (app) => {
        if (!(await app.store.removeTopic(slug))) throw new NotFoundError(`no topic "${slug}" (see: paperboy topics list)`);
        console.log(`removed ${slug}`);
      }),
    );
}
