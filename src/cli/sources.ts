import type { Command } from 'commander';
import { NotFoundError, PaperboyError } from '../domain/errors.js';
import { oneLine } from '../domain/text.js';
import { editSourcesFile, sourceSchema } from '../jobs/ingest/source-config.js';
import { withApp } from './run.js';

const when = (iso: string | null) => (iso ? iso.replace(/\.\d{3}Z$/, 'Z') : '-');

export function registerSources(program: Command): void {
  const sources = program.command('sources').description('configured sources and their health; add, remove or run one');
  sources
    .command('list', { isDefault: true })
    .description(
      'each source: name, status (ok, failed, stale, never-run, disabled), last success, papers seen and new',
    )
    .option('--json', 'print JSON')
    .action((o: { json?: boolean }) =>
      withApp(async (app) => {
        // URLs and errors without credentials and keys: this output ends up in cron mail and tickets.
        const health = app.secrets.value(await (await app.sources()).health());
        // Scripts and monitors can tell a flagged source from the exit code alone.
        if (health.some((h) => h.status === 'failed' || h.status === 'stale')) process.exitCode = 3;
        if (o.json) return void console.log(JSON.stringify(health, null, 2));
        if (health.length === 0) return void console.log(`no sources configured (${app.config.sources.file})`);
        for (const h of health) {
          const facts = [
            h.name,
            h.status,
            h.format,
            `last success ${when(h.lastSuccessAt)}`,
            `seen ${h.itemsSeen}`,
            `new ${h.itemsNew}`,
            h.cron,
            h.url,
          ];
          console.log(`${facts.join('\t')}${h.detail ? `\t${oneLine(h.detail)}` : ''}`);
        }
      }),
    );
  sources
    .command('run')
    .description('fetch sources now (all enabled ones, or those named); exits non-zero if one failed')
    .argument('[names...]')
    .option('--force', 'fetch even on a day the source publishes nothing')
    .action((names: string[], o: { force?: boolean }) =>
      withApp(async (app) => {
        const jobs = await app.sources();
        const chosen = names.length ? names : jobs.sources.filter((s) => s.enabled).map((s) => s.name);
        let failed = false;
        for (const name of chosen) {
          const r = app.secrets.value(await jobs.runSource(name, { force: o.force ?? false }));
          for (const w of r.warnings) process.stderr.write(`paperboy: warning: ${r.name}: ${oneLine(w)}\n`);
          console.log(
            `${r.name}\t${r.status}\tseen ${r.seen}, added ${r.added}, updated ${r.updated}${r.detail ? `\t${oneLine(r.detail)}` : ''}`,
          );
          if (r.status === 'failed') failed = true;
        }
        if (failed) process.exitCode = 2;
      }),
    );
  sources
    .command('add')
    .description('add a source to the sources file (or replace the one with this name)')
    .argument('<name>')
    .requiredOption('--cron <expression>', 'when to fetch, e.g. "0 6 * * 1-5"')
    .option('--format <format>', 'auto | daily-page | json | hf-daily | arxiv-atom | arxiv-rss | rss | atom', 'auto')
    .option('--url <url>')
    .option('--category <category>', 'arXiv category (arxiv-rss, arxiv-atom)')
    .option('--query <query>', 'arXiv API search query (arxiv-atom)')
    .option('--timezone <zone>', 'time zone of the cron', 'UTC')
    .option('--skip-days <days>', 'comma-separated weekdays with nothing to fetch, e.g. Saturday,Sunday')
    .option('--disabled', 'add it switched off')
    .action((name: string, o: Record<string, string | boolean | undefined>) =>
      withApp(async (app) => {
        const entry: Record<string, unknown> = { name, format: o.format, cron: o.cron, timezone: o.timezone };
        for (const key of ['url', 'category', 'query'] as const) if (o[key]) entry[key] = o[key];
        if (typeof o.skipDays === 'string') entry.skipDays = o.skipDays.split(',').map((d) => d.trim());
        if (o.disabled) entry.enabled = false;
        const check = sourceSchema.safeParse(entry);
        if (!check.success) {
          const issue = check.error.issues[0];
          throw new PaperboyError('INVALID_INPUT', `${issue?.path.join('.') || 'source'}: ${issue?.message}`);
        }
        let replaced = false;
        await editSourcesFile(app.config.sources.file, (entries) => {
          replaced = entries.some((e) => (e as { name?: string }).name === name);
          return replaced
            ? entries.map((e) => ((e as { name?: string }).name === name ? entry : e))
            : [...entries, entry];
        });
        console.log(`${replaced ? 'replaced' : 'added'} ${name} in ${app.config.sources.file}`);
      }),
    );
  sources
    .command('remove')
    .description('remove a source from the sources file; its papers stay')
    .argument('<name>')
    .action((name: string) =>
      withApp(async (app) => {
        let found = false;
        await editSourcesFile(app.config.sources.file, (entries) =>
          entries.filter((e) => {
            const hit = (e as { name?: string }).name === name;
            found ||= hit;
            return !hit;
          }),
        );
        if (!found) throw new NotFoundError(`no source named "${name}" in ${app.config.sources.file}`);
        console.log(`removed ${name}`);
      }),
    );
}
