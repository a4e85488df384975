import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { silentLogger } from '../../src/log.js';
import { paperboyAsync } from '../helpers/cli.js';
import { SAMPLE_PAGE, fixedClock, testApp } from '../helpers/env.js';
import { freshSchema } from '../helpers/postgres.js';
import { postgresAvailable } from '../helpers/system.js';
import { TOPICS } from '../helpers/web.js';

/** Everything a user can see of a store through its ports. */
async function visible(app: App) {
  const s = app.store;
  const subscribers = await s.listSubscribers();
  const digests = await s.listDigests({ limit: 100 });
  // Who had each paper of the digests, as if every one were revised now: read by paper id from
  // the digests' paper index, which an import fills from the copied digests.
  const shown = (await s.getPapers([...new Set(digests.flatMap((d) => d.paperIds))])).map((p) => ({
    ...p,
    revisedAt: '9999-12-31T00:00:00.000Z',
  }));
  const had = [...(await s.updatableAudience(shown))].map(([id, who]) => [id, [...who].sort()]).sort();
  return {
    papers: await s.listPapers({}),
    between: await s.papersFirstSeenBetween('', '9999'),
    topics: await s.listTopics(),
    digests,
    had,
    subscribers,
    consent: await s.listConsentEvents(),
    deliveries: await s.listDeliveries({ limit: 1000 }),
    counts: await s.countDeliveries(),
    suppressions: await s.listSuppressions(),
    streak: await s.softBounceStreak('soft@example.org'),
    meta: await s.getMeta('sample_data_loaded_at'),
    // The operator's run history moves too (ingest, plan and deliver runs, newest first).
    runs: await s.listRuns({ limit: 100 }),
    sources: await s.listSourceStates(),
  };
}

const openApp = (cwd: string, env: Record<string, string>) =>
  createApp(loadConfig({ PUBLIC_URL: 'https://papers.example.org', ...env }, cwd), { logger: silentLogger });

describe.skipIf(!postgresAvailable())('moving a store between SQLite and PostgreSQL', () => {
  it('exports SQLite, imports into PostgreSQL and back, and every port answers the same; a non-empty target is refused', async () => {
    // A lived-in SQLite store: papers, topics, subscribers (one removed, one suppressed), a sent run, bounces.
    // Readers confirm before 08:00 (a first digest is the first one due after confirming); the run is at 08:00:30.
    const clock = fixedClock('2026-11-25T07:50:00Z');
    const app = await testApp({ clock, env: { MAIL_FROM: 'Paperboy <digest@papers.example.org>' } });
    const cwd = dirname(app.config.dataDir);
    for (const t of TOPICS) await app.store.saveTopic(t, clock().toISOString());
    await app.ingester.ingestFiles([SAMPLE_PAGE]);
    await app.store.setMeta('sample_data_loaded_at', clock().toISOString());
    // Facts from two sources merged on one paper, and the state of two sources.
    const zymurge = {
      arxivId: '2404.14527',
      title: 'Zymurgé: Brewing Heterogeneous GPU Fleets for LLM Serving',
      abstract: 'Serving.',
      authors: ['Tyler Griggs'],
    };
    await app.store.upsertPapers([{ ...zymurge, version: 1, categories: ['cs.DC'] }], '2026-11-25T07:00:00.000Z');
    await app.store.upsertPapers(
      [
        {
          ...zymurge,
          categories: ['cs.LG'],
          upvotes: 31,
          aiSummary: 'Mixes GPU types.',
          aiKeywords: ['gpu'],
          githubRepo: 'https://github.com/example/zymurge',
          featuredOn: '2026-11-24',
        },
      ],
      '2026-11-25T07:30:00.000Z',
    );
    const state = {
      name: 'cs-lg',
      status: 'ok' as const,
      detail: null,
      lastAttemptAt: '2026-11-25T07:00:00.000Z',
      lastSuccessAt: '2026-11-25T07:00:00.000Z',
      lastChangedAt: '2026-11-25T07:00:00.000Z',
      newestItemAt: '2026-11-24T20:00:00.000Z',
      itemsSeen: 4,
      itemsNew: 2,
      failures: 0,
      etag: '"rss-1"',
      lastModified: null,
      skipDays: ['Saturday' as const],
    };
    await app.store.saveSourceState(state);
    await app.store.saveSourceState({
      ...state,
      name: 'hf',
      status: 'failed',
      detail: 'HTTP 503',
      failures: 2,
      etag: null,
      skipDays: [],
    });
    for (const email of ['ada@example.org', 'bob@example.org', 'soft@example.org', 'gone@example.org']) {
      await app.subscriptions.addByOperator(
        { email, topics: ['nas'], hour: 8 },
        { confirmed: true },
        { source: 'test', ip: '192.0.2.7' },
      );
    }
    await app.subscriptions.subscribe({ email: 'pending@example.org', topics: ['llm-serving'] }, { source: 'test' });
    await app.subscriptions.remove('gone@example.org', { source: 'test' });
    clock.set('2026-11-25T08:00:30Z');
    await app.planner.plan(clock());
    // Three digests, and the confirmation email pending@ asked for.
    expect((await app.deliverer.run({ maxWaitMs: 0 })).sent).toBe(4);
    await app.store.recordBounce({
      email: 'soft@example.org',
      kind: 'soft',
      deliveryId: 'x',
      response: '452',
      at: '2026-11-25T09:00:00.000Z',
    });
    await app.store.suppress('bob@example.org', 'manual', 'asked by phone', '2026-11-25T09:30:00.000Z');
    const before = await visible(app);
    expect(before.consent.length).toBeGreaterThanOrEqual(6);
    expect(before.runs.map((r) => r.job).sort()).toEqual(['deliver', 'ingest', 'plan']);
    // The run's digest went to ada, soft and bob (pending@ is unconfirmed, gone@ removed).
    expect(before.had.length).toBeGreaterThan(0);
    expect(before.had.every(([, who]) => who!.length === 3)).toBe(true);
    expect(before.papers.find((p) => p.id === 'arxiv:2404.14527')).toMatchObject({
      categories: ['cs.DC', 'cs.LG'],
      upvotes: 31,
      version: 1,
    });
    await app.close();

    const sqliteExport = join(cwd, 'sqlite.jsonl');
    const out = await paperboyAsync(cwd, ['export', '--out', sqliteExport]);
    expect(out.stderr).toMatch(
      /exported papers \d+, source_states 2, .*subscribers \d+, topics 2, personal_feeds 0, .*consent_log \d+, deliveries 4, suppressions 1, bounces 1/,
    );

    const { env: pgEnv } = freshSchema();
    const imported = await paperboyAsync(cwd, ['import', sqliteExport], pgEnv);
    expect(imported.stderr).toBe('');
    expect(imported.stdout).toMatch(
      /^imported papers \d+, source_states 2, digests 1, meta 1, subscribers 4, topics 2, subscriber_topics 4, consent_log \d+, deliveries 4, suppressions 1, bounces 1, runs 3$/m,
    );
    const pg = await openApp(cwd, pgEnv);
    try {
      expect(await visible(pg)).toEqual(before);
      // New log entries continue after the imported ones.
      await pg.subscriptions.addByOperator(
        { email: 'new@example.org', topics: ['nas'] },
        { confirmed: true },
        { source: 'test' },
      );
      expect((await pg.store.listConsentEvents()).at(-1)?.email).toBe('new@example.org');
    } finally {
      await pg.close();
    }
    const again = await paperboyAsync(cwd, ['import', sqliteExport], pgEnv);
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/^paperboy: the target store already holds/);

    // And back: PostgreSQL's export, read into a new SQLite file, is the same store again.
    const pgExport = join(cwd, 'pg.jsonl');
    await paperboyAsync(cwd, ['export', '--out', pgExport], pgEnv);
    const back = await paperboyAsync(cwd, ['import', pgExport], { DATABASE_URL: join(cwd, 'back.db') });
    expect(back.status).toBe(0);
    const sqliteAgain = await openApp(cwd, { DATABASE_URL: join(cwd, 'back.db') });
    try {
      const after = await visible(sqliteAgain);
      expect({ ...after, subscribers: after.subscribers.filter((s) => s.email !== 'new@example.org') }).toMatchObject({
        ...before,
        consent: expect.any(Array),
      });
      expect(after.consent.slice(0, before.consent.length)).toEqual(before.consent);
    } finally {
      await sqliteAgain.close();
    }
    // Row for row, the PostgreSQL export holds what the SQLite one held, in the same order.
    const rowsOf = (file: string) => new Set(readFileSync(file, 'utf8').trim().split('\n').slice(1));
    const [fromSqlite, fromPg] = [rowsOf(sqliteExport), rowsOf(pgExport)];
    expect([...fromSqlite].filter((l) => !fromPg.has(l))).toEqual([]);
    expect(
      [...fromPg]
        .filter((l) => !fromSqlite.has(l))
        .every((l) => l.includes('new@example.org') || l.includes('"subscriber_id":"sub_')),
    ).toBe(true);
  }, 90_000);

  it('names the line of a broken export and writes nothing', async () => {
    const app = await testApp();
    const cwd = dirname(app.config.dataDir);
    await app.close();
    const file = join(cwd, 'broken.jsonl');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(
      file,
      `{"format":"paperboy-export","schemaVersion":5}\n{"table":"topics","row":{"slug":"nas","name":"NAS","query":"nas","created_at":"x","updated_at":"x"}}\n{"table":"topics",\n`,
    );
    const r = await paperboyAsync(cwd, ['import', file]);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`paperboy: ${file}:3: not a JSON line\n`);
    const list = await paperboyAsync(cwd, ['topics', 'list']);
    expect(list.stdout).not.toContain('nas');
  });
});
