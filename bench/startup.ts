// Startup to serving: spawns the built CLI (`npm start` runs the same file) and times the moment it
// logs "Paperboy is serving". Cold = empty data folder (creates the store and loads the sample
// papers); warm = an existing store. Run `npm run build` first.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { summarise, type Summary } from './stats.js';

const MAIN = fileURLToPath(new URL('../dist/src/cli/main.js', import.meta.url));

function timeToServing(cwd: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [MAIN, 'serve'], {
      cwd,
      env: { PATH: process.env.PATH, PORT: '0', DIGEST_HOUR_UTC: '23' },
    });
    let log = '';
    child.stderr.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      if (log.includes('Paperboy is serving')) {
        const ms = performance.now() - started;
        child.kill('SIGTERM');
        child.on('exit', () => resolve(ms));
      }
    });
    child.on('error', reject);
    setTimeout(() => reject(new Error(`no start within 20 s:\n${log}`)), 20_000);
  });
}

export async function benchStartup(runs = 9): Promise<{ cold: Summary; warm: Summary }> {
  const cold: number[] = [];
  const warm: number[] = [];
  for (let i = 0; i < runs; i++) {
    const cwd = mkdtempSync(join(tmpdir(), 'paperboy-bench-'));
    try {
      cold.push(await timeToServing(cwd));
      warm.push(await timeToServing(cwd));
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  }
  return { cold: summarise(cold), warm: summarise(warm) };
}

export function printStartup({ cold, warm }: { cold: Summary; warm: Summary }): void {
  console.log(`startup to serving, cold (new store + 103 sample papers): ${cold.text}`);
  console.log(`startup to serving, warm (existing store):               ${warm.text}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) printStartup(await benchStartup());
