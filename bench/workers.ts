// Messages per second from N `paperboy worker` processes sharing one store, PostgreSQL and SQLite,
// to Postfix's smtp-sink (bench/postfix.ts; the Node sink of bench/smtp-sink.ts where Postfix is
// missing, which caps the rate lower). The workers start first, idle, on an empty queue; then one
// plan creates the deliveries, and the run is timed from the store's side, from the 250th row
// recorded sent to the last, so process start-up is not counted.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import pg from 'pg';
import type { Subscriber } from '../src/domain/subscriber.js';
import { silentLogger } from '../src/log.js';
import { subscriber } from '../test/contract/fixtures.js';
import { SAMPLE_DATA_DIR } from '../src/paths.js';
import { freePortNumber } from './ports.js';
import { findPostfix, startPostfixSink } from './postfix.js';

const TSX = fileURLToPath(new URL('../node_modules/tsx/dist/loader.mjs', import.meta.url));
const SINK = fileURLToPath(new URL('./smtp-sink.ts', import.meta.url));
// BENCH_TREE=<a checkout of an earlier tree>: its workers are measured instead, for the ratio to it.
// The store is made by the measured tree too: an earlier tree refuses a schema newer than its own.
const TREE_ROOT = process.env.BENCH_TREE ?? fileURLToPath(new URL('..', import.meta.url));
const { createApp } = (await import(
  pathToFileURL(join(TREE_ROOT, 'src/app.ts')).href
)) as typeof import('../src/app.js');
const { loadConfig } = (await import(
  pathToFileURL(join(TREE_ROOT, 'src/config.ts')).href
)) as typeof import('../src/config.js');
const MAIN = process.env.BENCH_TREE
  ? join(process.env.BENCH_TREE, 'src/cli/main.ts')
  : fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));
const PG_URL = 'postgres://postgres@127.0.0.1:5432/test';

interface Sink {
  url: string;
  child: ChildProcess;
  /** What receives the messages, for the printout. */
  name: string;
}

async function startSink(): Promise<Sink> {
  const postfix = findPostfix();
  if (!('missing' in postfix)) {
    const port = await freePortNumber();
    return { url: `smtp://127.0.0.1:${port}`, child: await startPostfixSink(postfix, port), name: 'Postfix smtp-sink' };
  }
  process.stderr.write(
    `${postfix.missing}; the Node sink of bench/smtp-sink.ts receives instead, and caps the rate lower\n`,
  );
  const child = spawn(process.execPath, ['--import', TSX, SINK], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve) => {
    child.stdout!.on('data', (c: Buffer) => {
      const m = /ready (\d+)/.exec(c.toString());
      if (m) resolve(Number(m[1]));
    });
  });
  return { url: `smtp://127.0.0.1:${port}`, child, name: 'a Node SMTP sink' };
}

/** Epoch ms at which the store first counts `n` rows sent, polled every 10 ms. */
async function sentAt(count: () => Promise<number>, n: number): Promise<number> {
  for (;;) {
    if ((await count()) >= n) return Date.now();
    await new Promise((r) => setTimeout(r, 10));
  }
}

type Engine = 'postgres' | 'sqlite';

async function oneRun(engine: Engine, workers: number, recipients: number, sink: Sink) {
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
    // Timed from the 250th message recorded sent (all workers are busy by then) to the last.
    const count = async () => (await app.store.countDeliveries()).sent;
    const first = await sentAt(count, 250);
    const last = await sentAt(count, recipients);
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

let sinkName = 'a local SMTP sink';
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;

/** Rounds alternate engines and worker counts, so each sees the same machine. */
export async function benchWorkers(recipients = 4_000, workerCounts = [1, 2, 4], rounds = 3) {
  const sink = await startSink();
  sinkName = sink.name;
  const rates = new Map<string, number[]>();
  try {
    for (let round = 0; round < rounds; round++) {
      for (const workers of workerCounts) {
        for (const engine of ['postgres', 'sqlite'] as const) {
          const rate = await oneRun(engine, workers, recipients, sink);
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
    `${recipients} deliveries (19 KB message) by N worker processes (2 SMTP connections each) to ${sinkName} in another process:`,
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
