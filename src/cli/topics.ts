import type { Command } from 'commander';
import { assertSeedsStored, validateTopic } from '../jobs/topics.js';
import { InvalidInputError, NotFoundError } from '../domain/errors.js';
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
  const add = topics
    .command('add')
    .description('add a topic; --replace changes an existing one')
    .argument('<slug>', 'lowercase words joined by hyphens, e.g. llm-serving')
    .argument('<query>', 'words, "quoted phrases", -excluded words, alternatives joined by OR (put -- before a query that starts with -)')
    .option('--name <name>', 'display name (default: from the query; with --replace, the current name)')
    .option('--replace', 'change the query (and --name) of an existing topic instead of refusing it')
    .action((slug: string, query: string, options: { name?: string; replace?: boolean }) =>
      withApp(async (app) => {
        const existing = await app.store.getTopic(slug);
        if (existing && !options.replace) {
          throw new InvalidInputError(`topic "${slug}" exists (${existing.name} = ${existing.query}): add --replace to change it`);
        }
        const topic = validateTopic(slug, query, options.name ?? existing?.name);
        await assertSeedsStored(app.store, topic);
        const created = await app.store.saveTopic(topic, app.clock().toISOString());
        console.log(`${created ? 'added' : 'updated'} ${topic.slug}: ${topic.name} = ${topic.query}`);
      }),
    );
  // A query that starts with an excluded word ("-survey nas") reads as an option to the parser.
  add.configureOutput({ outputError: (message, write) => write(withQueryHint(message, add.args)) });
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

/** Quotes one argument for a POSIX shell, for a command line the user can copy. */
const shellQuote = (arg: string) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", "'\\''")}'`);

/**
 * The parser's "unknown option '-survey nas'" for `topics add`, with how to pass such a query:
 * after `--`. Other errors go out as they are.
 */
export function withQueryHint(message: string, args: readonly string[]): string {
  const flag = /^error: unknown option '(-[^-][^]*)'\n?$/.exec(message)?.[1];
  if (flag === undefined) return message;
  const [slug = '<slug>'] = args.filter((a) => a !== flag && !a.startsWith('-'));
  return `paperboy: unknown option '${flag}': a query that starts with an excluded word goes after --, e.g. paperboy topics add ${shellQuote(slug)} -- ${shellQuote(flag)}\n`;
}
