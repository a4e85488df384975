import type { Command } from 'commander';
import { previewNewQuery, PREVIEW_DAYS } from '../jobs/select/topic-preview.js';
import { InvalidInputError, NotFoundError } from '../domain/errors.js';
import { withApp } from './run.js';
import { previewLines } from './topic-preview.js';

export function registerTopics(program: Command): void {
  const topics = program.command('topics').description('list, try, add or remove topics (named queries)');
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
    .summary('add a topic, after showing what its query matches; --replace changes an existing one')
    .description(
      `add a topic; --replace changes an existing one. Shows first what the query matches among the papers of the last ${PREVIEW_DAYS} days, ` +
        'and refuses a query that matches none of them unless --force',
    )
    .argument('<slug>', 'lowercase words joined by hyphens, e.g. llm-serving')
    .argument(
      '<query>',
      'words, "quoted phrases", -excluded words, alternatives joined by OR (put -- before a query that starts with -)',
    )
    .option('--name <name>', 'display name (default: from the query; with --replace, the current name)')
    .option('--replace', 'change the query (and --name) of an existing topic instead of refusing it')
    .option('--force', `save the topic even if it matches none of the papers of the last ${PREVIEW_DAYS} days`)
    .action((slug: string, query: string, options: { name?: string; replace?: boolean; force?: boolean }) =>
      withApp(async (app) => {
        const result = await app.topics.add({
          slug,
          query,
          name: options.name,
          replace: options.replace,
          force: options.force,
        });
        if (result.status === 'exists') {
          const { existing } = result;
          throw new InvalidInputError(
            `topic "${slug}" exists (${existing.name} = ${existing.query}): add --replace to change it`,
          );
        }
        if (result.status === 'matches-nothing')
          throw new InvalidInputError(`topic "${slug}" ${result.reason}; add --force to save it anyway`);
        const { topic, preview, warning } = result;
        if (warning) process.stderr.write(`paperboy: warning: topic "${slug}" ${warning}; saved anyway (--force)\n`);
        else console.log(previewLines(preview).join('\n'));
        console.log(`${result.status} ${topic.slug}: ${topic.name} = ${topic.query}`);
      }),
    );
  // A query that starts with an excluded word ("-survey nas") reads as an option to the parser.
  add.configureOutput({ outputError: (message, write) => write(withQueryHint(message, add.args, 'add')) });
  const preview = topics
    .command('preview')
    .summary('show what a query matches, without saving anything')
    .description(`show what a query matches among the papers of the last ${PREVIEW_DAYS} days, without saving anything`)
    .argument('<query>', 'as for topics add (put -- before a query that starts with -)')
    .option('--json', 'print JSON')
    .action((query: string, options: { json?: boolean }) =>
      withApp(async (app) => {
        const result = await previewNewQuery(app, query);
        console.log(options.json ? JSON.stringify(result, null, 2) : previewLines(result).join('\n'));
      }),
    );
  preview.configureOutput({ outputError: (message, write) => write(withQueryHint(message, preview.args, 'preview')) });
  topics
    .command('remove')
    .description('remove a topic; its digests stay in the archive')
    .argument('<slug>')
    .action((slug: string) =>
      withApp(async (app) => {
        if (!(await app.store.removeTopic(slug)))
          throw new NotFoundError(`no topic "${slug}" (see: paperboy topics list)`);
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
function withQueryHint(message: string, args: readonly string[], command: 'add' | 'preview' = 'add'): string {
  const flag = /^error: unknown option '(-[^-][\s\S]*)'\n?$/.exec(message)?.[1];
  if (flag === undefined) return message;
  const [slug = '<slug>'] = args.filter((a) => a !== flag && !a.startsWith('-'));
  const example =
    command === 'add'
      ? `paperboy topics add ${shellQuote(slug)} -- ${shellQuote(flag)}`
      : `paperboy topics preview -- ${shellQuote(flag)}`;
  return `paperboy: unknown option '${flag}': a query that starts with an excluded word goes after --, e.g. ${example}\n`;
}
