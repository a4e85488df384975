import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Subscriber } from '../../src/domain/subscriber.js';
import { paperboy, paperboyAsync } from '../helpers/cli.js';
import { closeLater } from '../helpers/delivery.js';
import { SAMPLE_PAGE, testApp } from '../helpers/env.js';
import { freshSchema } from '../helpers/postgres.js';
import { startSmtpSink } from '../helpers/smtp-sink.js';
import { postgresAvailable } from '../helpers/system.js';
import { TOPICS } from '../helpers/web.js';

const RECIPIENTS = 400;
/** Papers stored before the run; the big file revises all of them and adds as many new ones. */
const PAPERS = 30_000;

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
 * A store with the nas topic, PAPERS papers and RECIPIENTS confirmed readers whose digest (due at
 * 00:00 UTC today) is planned: the folder to run the CLI in and the time planned at.
 */
async function plannedStore(env: Record<string, string>) {
  const app = await testApp({ env });
  const cwd = dirname(app.config.dataDir);
  const now = app.clock().toISOString();
  await app.store.saveTopic(TOPICS[0]!, now);
  await app.ingester.ingestFiles([SAMPLE_PAGE, papersFile(join(cwd, 'week-1.json'), 0, PAPERS, 'first version')]);
  const yesterday = new Date(app.clock().getTime() - 86_400_000).toISOString();
  const readers = Array.from({ length: RECIPIENTS }, (_, i): { subscriber: Subscriber; events: [] } => ({
    subscriber: {
      id: `sub_r${i}`, email: `r${i}@example.org`, status: 'confirmed', topics: ['nas'], frequency: 'daily', timezone: 'UTC',
      sendHour: 0, createdAt: yesterday, updatedAt: yesterday, confirmedAt: yesterday, unsubscribedAt: null,
      confirmTokenHash: null, confirmExpiresAt: null, confirmSentAt: null,
    },
    events: [],
  }));
  await app.store.saveSubscribers(readers);
  expect(await app.planner.plan(app.clock())).toMatchObject({ deliveriesCreated: RECIPIENTS });
  await app.close();
  return { cwd, at: now };
}

/**
 * `paperboy send` of RECIPIENTS digests while `paperboy ingest` stores a large file (every stored
 * paper revised, as many new) in the same store: every reader gets the digest exactly once and
 * every delivery ends sent.
 */
async function ingestBesideSend(dbEnv: Record<string, string>) {
  let ingesting = true;
  // While the ingest runs the relay is slow, so that the send is still going when the ingest writes.
  const sink = await closeLater(await startSmtpSink({ parse: false, delayMs: () => (ingesting ? 30 : 0) }));
  const env = {
    ...dbEnv,
    SMTP_URL: sink.url,
    PAPERBOY_SECRET: 'busy-store-secret-0123456789abcdefghij',
    PUBLIC_URL: 'https://papers.example.org',
    MAIL_FROM: 'Paperboy <digest@papers.example.org>',
    // A retry, should there be one, comes due within the run: a duplicate would show here.
    DELIVERY_BACKOFF_MS: '100',
  };
  const { cwd, at } = await plannedStore(env);
  const big = papersFile(join(cwd, 'week-2.json'), 0, 2 * PAPERS, 'second version');

  const send = paperboyAsync(cwd, ['send', '--at', at, '--wait', '30'], env);
  await expect.poll(() => sink.messages.length, { timeout: 30_000, interval: 10 }).toBeGreaterThan(0);
  const t0 = Date.now();
  const ingest = await paperboyAsync(cwd, ['ingest', big], env);
  const sentDuringIngest = sink.messages.length;
  ingesting = false;
  const sent = await send;
  console.log(`ingest took ${Date.now() - t0} ms; ${sentDuringIngest} sent by its end`);

  expect(ingest.stderr).not.toMatch(/paperboy:/);
  expect(ingest.status).toBe(0);
  expect(ingest.stdout).toContain(`added ${PAPERS}, updated ${PAPERS}, unchanged 0`);
  // The send was still going when the ingest ended.
  expect(sentDuringIngest).toBeLessThan(RECIPIENTS);
  expect(sent.stderr).not.toMatch(/paperboy:/);
  expect(sent.status).toBe(0);
  expect(sent.stdout).toMatch(new RegExp(`^sent ${RECIPIENTS}, failed 0, skipped 0`));

  const counts = sink.countsByRecipient();
  expect(counts.size).toBe(RECIPIENTS);
  expect(Math.max(...counts.values())).toBe(1);
  const rows = JSON.parse(paperboy(cwd, ['deliveries', 'list', '--json', '--limit', '1000'], env).stdout) as { status: string }[];
  expect(rows).toHaveLength(RECIPIENTS);
  expect(rows.filter((r) => r.status !== 'sent')).toEqual([]);
}

describe('a large ingest beside a send, on one store', () => {
  it('SQLite: every reader gets the digest once and every delivery is recorded sent', { timeout: 180_000 }, async () => {
    await ingestBesideSend({});
  });

  it.skipIf(!postgresAvailable())('PostgreSQL: every reader gets the digest once and every delivery is recorded sent', { timeout: 180_000 }, async () => {
    await ingestBesideSend(freshSchema().env);
  });
});
