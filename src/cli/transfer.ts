import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { Command } from 'commander';
import { NotFoundError } from '../domain/errors.js';
import { exportStore, importStore } from '../jobs/operate/transfer.js';
import { withApp } from './run.js';

const summary = (counts: Record<string, number>) =>
  Object.entries(counts)
    .map(([table, n]) => `${table} ${n}`)
    .join(', ');

async function writeLine(out: Writable, line: string) {
  if (!out.write(`${line}\n`)) await once(out, 'drain');
}

export function registerTransfer(program: Command): void {
  program
    .command('migrate')
    .description('bring the schema of the store in DATABASE_URL up to date (also done on every start)')
    .action(() =>
      withApp(async (app) => {
        const { version, applied } = app.store.schema;
        console.log(
          `${app.store.engine} schema at version ${version}${applied ? `, ${applied} migration(s) applied` : ', already up to date'}`,
        );
      }),
    );

  program
    .command('export')
    .description('write the whole store (papers, topics, digests, subscribers, consent log, deliveries…) as JSON lines')
    .option('--out <file>', 'write to this file instead of standard output')
    .action((o: { out?: string }) =>
      withApp(async (app) => {
        const out = o.out ? createWriteStream(o.out) : process.stdout;
        const counts = await exportStore(app.store, (line) => writeLine(out, line));
        if (o.out)
          await new Promise<void>((resolve, reject) =>
            (out as ReturnType<typeof createWriteStream>).end((err?: Error | null) => (err ? reject(err) : resolve())),
          );
        console.error(`exported ${summary(counts)}`);
      }),
    );

  program
    .command('import')
    .description('read an export into the store in DATABASE_URL, which must be empty; all of it or nothing')
    .argument('<file>', 'a file written by paperboy export, or - for standard input')
    .action((file: string) =>
      withApp(async (app) => {
        const input = file === '-' ? process.stdin : createReadStream(file);
        if (file !== '-') {
          await new Promise<void>((resolve, reject) => {
            input.once('open', () => resolve());
            input.once('error', (err: NodeJS.ErrnoException) =>
              reject(err.code === 'ENOENT' ? new NotFoundError(`no file ${file}`) : err),
            );
          });
        }
        const counts = await importStore(app.store, input, file === '-' ? 'standard input' : file);
        console.log(`imported ${summary(counts)}`);
      }),
    );
}
