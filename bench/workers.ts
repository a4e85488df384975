// Messages per second from N `paperboy worker` processes sharing one store, PostgreSQL and SQLite,
// to one local SMTP sink in another process. The workers start first, idle, on an empty queue;
// then one plan creates the deliveries, and the run is timed at the sink, from its 250th message
// of the run to the last one, so process start-up is not counted. `recipients` is a multiple of 250.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import type { Subscriber } from '../src/domain/subscriber.js';
import { silentLogger } from '../src/log.js';
import { subscriber } from '../test/contract/fixtures.js';
import { SAMPLE_DATA_DIR } from '../src/paths.js';

const TSX = fileURLToPath(new URL('../node_modules/tsx/dist/loader.mjs', import.meta.url));
const SINK = fileURLToPath(new URL('./smtp-sink.ts', import.meta.url));
const MAIN = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));
const PG_URL = 'postgres://postgres@127.0.0.1:5432/test';

interface Sink {
  url: string;
  child: ChildProcess;
  /** Resolves with the epoch ms of the message numbered `n` (a multiple of 250; counted over the sink's life). */
  at(n: number): Promise<number>;
}

async function startSink(): Promise<Sink> {
  const child = spawn(process.execPath, ['--import', TSX, SINK], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, SINK_REPORT: '1' },
  });
  const seen = new Map<number, number>();
  const waiters = new Map<number, (t: number) => void>();
  let buffer = '';
  const port = await new Promise<number>((resolve) => {
    child.stdout!.on('data', (c: Buffer) => {
      buffer += c.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop()!;
      for (const line of lines) {
        const ready = /^ready (\d+)/.exec(line);
        if (ready) resolve(Number(ready[1]));
        const got = /^got (\d+) (\d+)/.exec(line);
        if (got) {
          seen.set(Number(got[1]), Number(got[2]));
          waiters.get(Number(got[1]))?.(Number(got[2]));
        }
      }
    });
  });
  return {
    url: `smtp://127.0.0.1:${port}`,
    child,
    at: (n) => (seen.has(n) ? Promise.resolve(seen.get(n)!) : new Promise((resolve) => waiters.set(n, resolve))),
  };
}

type Engine = 'postgres' | 'sqlite';

async function oneRun(engine: Engine, workers: number, recipients: number, sink: Sink, offset: number) {
  const dir = mkdtempSync(join(tmpdir(), 'paperboy-bench-'));
  const schema = `pb_bench_${process.pid}_${Date.now()}`;
  const env: Record<string, string> = {
    SMTP_URL: sink.url,
    SMTP_CONNECTIONS: '2',
    PUBLIC_URL: 'https://papers.example.org',
    MAIL_FROM: 'Paperboy <digest@papers.example.org>',
    PAPERBOY_SECRET: 'bench-secret-0123456789abcdef0123456789',
    PAPERBOY_DATA_DIR: join(dir, 'data'),
    ...(engine === 'postgres' ? { DATABASE_URL: PG_URL, DATABASE_SCHEMA: schema } : {}),
  };
  const app = await createApp(loadConfig(env, dir), { logger: silentLogger });
  const children: ChildProcess[] = [];
  try {
    const now = app.clock().toISOString();
    // Confirmed the day before: today's 00:00 UTC edition is theirs (a first digest waits for the
    // first send time after confirming).
    const signedUp = new Date(app.clock().getTime() - 86_400_000).toISOString();
    await app.store.saveTopic(
      { slug: 'smile', name: 'Few-shot detection', query: '"Submodular Mutual Information"' },
      now,
    );
    await app.ingester.ingestFiles([join(SAMPLE_DATA_DIR, 'daily-papers-2024-03-21.txt')]);
    const batch = Array.from({ length: recipients }, (_, i): { subscriber: Subscriber; events: [] } => ({
      subscriber: subscriber({
        id: `sub_${i}`,
        email: `reader${i}@example.org`,
        topics: ['smile'],
        sendHour: 0,
        createdAt: now,
        updatedAt: now,
        confirmedAt: signedUp,
      }),
      events: [],
    }));
    await app.store.saveSubscribers(batch);
    // Workers first, idle on an empty queue, so their start-up is outside the timed part.
    await Promise.all(
      Array.from({ length: workers }, () => {
        const child = spawn(process.execPath, ['--import', TSX, MAIN, 'worker', '--poll', '1'], {
          cwd: dir,
          env: { PATH: process.env.PATH, ...env },
        });
        children.push(child);
        return new Promise<void>((resolve) => {
          let log = '';
          child.stderr!.on('data', (c: Buffer) => {
            log += c.toString();
            if (log.includes('worker started')) resolve();
          });
        });
      }),
    );
    await app.planner.plan(app.clock());
    // Timed from the 250th message (all workers are busy by then) to the last.
    const first = await sink.at(offset + 250);
    const last = await sink.at(offset + recipients);
    return ((recipients - 250) / (last - first)) * 1000;
  } finally {
    for (const c of children) c.kill('SIGTERM');
    await Promise.all(
      children.map((c) => new Promise((resolve) => (c.exitCode !== null ? resolve(null) : c.on('exit', resolve)))),
    );
    await app.close();
    rmSync(dir, { recursive: true, force: true });
    if (engine === 'postgres') {
      const client = new pg.Client(PG_URL);
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
    }
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;

/** Rounds alternate engines and worker counts, so each sees the same machine. */
export async function benchWorkers(recipients = 4_000, workerCounts = [1, 2, 4], rounds = 3) {
  const sink = await startSink();
  const rates = new Map<string, number[]>();
  let sent = 0;
  try {
    for (let round = 0; round < rounds; round++) {
      for (const workers of workerCounts) {
        for (const engine of ['postgres', 'sqlite'] as const) {
          const rate = await oneRun(engine, workers, recipients, sink, sent);
          sent += recipients;
          const key = `${engine}:${workers}`;
          rates.set(key, [...(rates.get(key) ?? []), rate]);
          process.stderr.write(`  round ${round + 1}: ${engine}, ${workers} worker(s): ${rate.toFixed(0)} msg/s\n`);
        }
      }
    }
  } finally {
    sink.child.kill('SIGTERM');
  }
  return workerCounts.map((workers) => {
    const p = rates.get(`postgres:${workers}`)!;
    const s = rates.get(`sqlite:${workers}`)!;
    return { workers, postgres: median(p), sqlite: median(s), postgresRuns: p, sqliteRuns: s };
  });
}

export function printWorkers(rows: Awaited<ReturnType<typeof benchWorkers>>, recipients = 4_000): void {
  const base = rows[0]!.postgres;
  console.log(
    `${recipients} deliveries (19 KB message) by N worker processes (2 SMTP connections each) to a local sink in another process:`,
  );
  for (const r of rows) {
    const spread = (xs: number[]) => `${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)}`;
    console.log(
      `  ${r.workers} worker(s): PostgreSQL median ${r.postgres.toFixed(0)} msg/s (${spread(r.postgresRuns)}, ${(r.postgres / base).toFixed(2)}x of 1 worker); ` +
        `SQLite median ${r.sqlite.toFixed(0)} msg/s (${spread(r.sqliteRuns)}); PostgreSQL/SQLite ${(r.postgres / r.sqlite).toFixed(2)}`,
    );
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const recipients = Number(process.env.BENCH_RECIPIENTS ?? 4_000);
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
  printWorkers(await benchWorkers(recipients, [1, 2, 4], rounds), recipients);
}
