import type { Command } from 'commander';
import { configSecrets, loadConfig } from '../config.js';
import { effectiveSettings } from '../settings/effective.js';
import { readSettings } from '../settings/read.js';
import { exitCodeFor, reportError } from './run.js';

export function registerConfig(program: Command): void {
  program
    .command('config')
    .description('print the settings in effect and where each comes from (env, default, unset), secrets masked')
    .option('--json', 'print JSON')
    .action((o: { json?: boolean }) => {
      try {
        // loadConfig checks what one setting alone cannot (the DKIM parts go together).
        const config = loadConfig();
        const shown = effectiveSettings(readSettings(process.env, process.cwd()), configSecrets(config));
        if (o.json) return void console.log(JSON.stringify(shown, null, 2));
        const width = Math.max(...shown.map((s) => s.name.length));
        for (const s of shown) {
          // Notes are written for the Markdown table: their `code` marks are dropped here.
          const value = s.value ?? (s.note ? `(${s.note.replace(/`/g, '')})` : '');
          console.log(`${s.name.padEnd(width)}  ${s.source.padEnd(7)}  ${value}`.trimEnd());
        }
      } catch (err) {
        // Config errors never echo a secret value; the URLs in them are masked.
        reportError(err);
        process.exitCode = exitCodeFor(err);
      }
    });
}
