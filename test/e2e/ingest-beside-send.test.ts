import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Subscriber } from '../../src/domain/subscriber.js';
import { paperboy, paperboyAsync } from '../helpers/cli.js';
import { subscriber } from '../contract/fixtures.js';
import { closeLater } from '../helpers/delivery.js';
import { SAMPLE_PAGE, testApp } from '../helpers/env.js';
import { freshSchema } from '../helpers/postgres.js';
import { startSmtpSink } from '../helpers/smtp-sink.js';
import { postgresAvailable } from '../helpers/system.js';
import { TOPICS } from '../helpers/web.js';

const RECIPIENTS = 400;

/**
 * How large the ingest is: `stored` papers are in the store before; the file revises every one
 * and adds `added` more. On SQLite, revising 50,000 papers (re-indexing each) made one write of
 * 5–15 s, longer than the 5 s the other process used to wait for the lock.
 */
interface IngestSize {
  stored: number;
  added: number;
}

/** A Paperboy JSON file of `count` papers from number `from`, with abstracts that say which edition they are. */
function papersFile(path: string, from: number, count: number, edition: string): string {
  const papers = Array.from({ length: count }, (_, k) => {
    const i = from + k;
    return {
      arxivId: `2411.${String(i).padStart(5, '0')}`,
      title: `Scaling study ${i} of sparse mixture-of-experts routing`,
      abstract: `We measure routing collapse in sparse mixture-of-experts models at scale ${i}, ${edition}. `.repeat(4),
      authors: ['Ada Lovelace', `Author ${i}`],
    };
  });
  writeFileSync(path, JSON.stringify({ papers }));
  return path;
}

/**
 * A store with the nas topic, `stored` papers and RECIPIENTS confirmed readers whose digest (due
 * at 00:00 UTC today) is planned: the folder to run the CLI in and the time planned at.
 */
async function plannedStore(env: Record<string, string>, size: IngestSize) {
  const app = await testApp({ env });
  const cwd = dirname(app.config.dataDir);
  const now = app.clock().toISOString();
  await app.store.saveTopic(TOPICS[0]!, now);
  await app.ingester.ingestFiles([SAMPLE_PAGE, papersFile(join(cwd, 'week-1.json'), 0, size.stored, 'first version')]);
  const yesterday = new Date(app.clock().getTime() - 86_400_000).toISOString();
  const readers = Array.from({ length: RECIPIENTS }, (_, i): { subscriber: Subscriber; events: [] } => ({
    subscriber: subscriber({
      id: `sub_r${i}`,
      email: `r${i}@example.org`,
      topics: ['nas'],
      sendHour: 0,
      createdAt: yesterday,
      updatedAt: yesterday,
      confirmedAt: yesterday,
    }),
    events: [],
  }));
  await app.store.saveSubscribers(readers);
  expect(await app.planner.plan(app.clock())).toMatchObject({ deliveriesCreated: RECIPIENTS });
  return { cwd, at: now };
}

/**
 * `paperboy send` of RECIPIENTS digests while `paperboy ingest` stores a large file in the same
 * store: the ingest stores everything, every reader gets the digest exactly once and every
 * delivery ends sent.
 */
async function ingestBesideSend(dbEnv: Record<string, string>, size: IngestSize) {
  let ingesting = true;
  // While the ingest runs the relay is slow, and takes seconds over each of the last few messages,
  // so that the send is still going when the ingest writes, however long that takes.
  let received = 0;
  const delayMs = () => (!ingesting ? 0 : ++received < RECIPIENTS - 20 ? 40 : 5_000);
  const sink = await closeLater(await startSmtpSink({ parse: false, delayMs }));
  const env = {
    ...dbEnv,
    SMTP_URL: sink.url,
    PAPERBOY_SECRET: 'busy-store-secret-0123456789abcdefghij',
    PUBLIC_URL: 'https://papers.example.org',
    MAIL_FROM: 'Paperboy <digest@papers.example.org>',
    // A retry, should there be one, comes due within the run: a duplicate would show here.
    DELIVERY_BACKOFF_MS: '100',
  };
  const { cwd, at } = await plannedStore(env, size);
  const big = papersFile(join(cwd, 'week-2.json'), 0, size.stored + size.added, 'second version');

  const send = paperboyAsync(cwd, ['send', '--at', at, '--wait', '30'], env);
  await expect.poll(() => sink.messages.length, { timeout: 30_000, interval: 10 }).toBeGreaterThan(0);
  const ingest = await paperboyAsync(cwd, ['ingest', big], env);
  const sentDuringIngest = sink.messages.length;
  ingesting = false;
  const sent = await send;

  expect(ingest.stderr).not.toMatch(/paperboy:/);
  expect(ingest.status).toBe(0);
  expect(ingest.stdout).toContain(`added ${size.added}, updated ${size.stored}, unchanged 0`);
  // The send was still going when the ingest ended.
  expect(sentDuringIngest).toBeLessThan(RECIPIENTS);
  const counts = sink.countsByRecipient();
  expect(Math.max(...counts.values())).toBe(1);
  expect(counts.size).toBe(RECIPIENTS);
  expect(sent.stderr).not.toMatch(/paperboy:/);
  expect(sent.status).toBe(0);
  expect(sent.stdout).toMatch(new RegExp(`^sent ${RECIPIENTS}, failed 0, skipped 0, suppressed 0\n`));
  const rows = JSON.parse(paperboy(cwd, ['deliveries', 'list', '--json', '--limit', '1000'], env).stdout) as {
    status: string;
  }[];
  expect(rows).toHaveLength(RECIPIENTS);
  expect(rows.filter((r) => r.status !== 'sent')).toEqual([]);
}

describe('a large ingest beside a send of several hundred digests, on one store', () => {
  it('SQLite: the ingest stores all, every reader gets the digest once, every delivery is recorded sent', {
    timeout: 240_000,
  }, async () => {
    await ingestBesideSend({}, { stored: 50_000, added: 10_000 });
  });

  // PostgreSQL lets the two write side by side; a smaller ingest (which took minutes when every
  // paper was a statement of its own) keeps the test short.
  it.skipIf(!postgresAvailable())(
    'PostgreSQL: the ingest stores all, every reader gets the digest once, every delivery is recorded sent',
    { timeout: 240_000 },
    async () => {
      await ingestBesideSend(freshSchema().env, { stored: 20_000, added: 5_000 });
    },
  );
});
