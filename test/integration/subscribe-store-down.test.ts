// A sign-up the store cannot write answers 503 "try again in a minute", the same for every
// address, and /healthz says the store is degraded. The store is really locked: another
// connection holds the write lock (SQLite) or the tables (PostgreSQL) past the lock timeout.
// A lock stops root too, where a chmod would not.
import Database from 'better-sqlite3';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { freshSchema } from '../helpers/postgres.js';
import { TEST_PG_URL, postgresAvailable } from '../helpers/system.js';
import { lastConfirmLink, signUp, webApp } from '../helpers/web.js';

const FORM = { topics: ['nas'], frequency: 'daily', timezone: 'UTC', hour: '8' };

/** Holds the SQLite file's write lock from another connection until released. */
async function lockSqlite(app: App): Promise<() => Promise<void>> {
  const { database } = app.config;
  if (database.kind !== 'sqlite') throw new Error('not SQLite');
  const other = new Database(database.path);
  other.exec('BEGIN IMMEDIATE');
  return async () => {
    other.exec('ROLLBACK');
    other.close();
  };
}

/** Holds every table a sign-up writes in EXCLUSIVE mode (reads go on) until released. */
async function lockPostgres(app: App): Promise<() => Promise<void>> {
  const { database } = app.config;
  if (database.kind !== 'postgres') throw new Error('not PostgreSQL');
  const other = new pg.Client({ connectionString: TEST_PG_URL, options: `-c search_path=${database.schema}` });
  await other.connect();
  await other.query('BEGIN');
  await other.query('LOCK TABLE subscribers, subscriber_topics, consent_log, deliveries, meta IN EXCLUSIVE MODE');
  return async () => {
    await other.query('ROLLBACK');
    await other.end();
  };
}

const healthOf = async (base: string) => {
  const res = await fetch(`${base}/healthz`);
  return {
    status: res.status,
    body: (await res.json()) as { status: string; store: { status: string; error?: string } },
  };
};

const engines = [
  { name: 'SQLite', env: () => ({}), lock: lockSqlite, error: /SQLITE_BUSY/ },
  ...(postgresAvailable()
    ? [{ name: 'PostgreSQL', env: () => freshSchema().env, lock: lockPostgres, error: /lock timeout.*55P03/ }]
    : []),
];

describe.each(engines)('sign-up on a store that cannot take writes ($name)', ({ env, lock, error }) => {
  it('answers 503 with Retry-After and "try again in a minute" for every address, sends nothing, and /healthz says degraded', async () => {
    const { app, base, sink, clock } = await webApp({ ...env(), DATABASE_LOCK_TIMEOUT_MS: '200' });
    // One address in each state: confirmed, suppressed, pending (asked a minute ago), and new.
    await app.subscriptions.addByOperator(
      { email: 'conf@example.org', topics: ['nas'] },
      { confirmed: true },
      { source: 'test' },
    );
    await app.store.suppress('supp@example.org', 'hard-bounce', '550 no such user', clock().toISOString());
    expect((await signUp(app, base, { ...FORM, email: 'pend@example.org' })).status).toBe(200);
    expect(sink.messages).toHaveLength(1);
    clock.set('2026-11-25T06:01:00Z');
    expect(await healthOf(base)).toMatchObject({ status: 200, body: { status: 'ok', store: { status: 'ok' } } });

    const release = await lock(app);
    try {
      const answers = [];
      for (const email of ['new@example.org', 'pend@example.org', 'conf@example.org', 'supp@example.org']) {
        const res = await signUp(app, base, { ...FORM, email });
        answers.push({ status: res.status, retryAfter: res.headers.get('retry-after'), body: await res.text() });
      }
      expect(answers.map((a) => a.status)).toEqual([503, 503, 503, 503]);
      expect(answers.map((a) => a.retryAfter)).toEqual(['60', '60', '60', '60']);
      expect(new Set(answers.map((a) => a.body)).size).toBe(1);
      expect(answers[0]!.body).toContain('Try again in a minute');
      expect(answers[0]!.body).not.toContain('Check your inbox');
      expect(answers[0]!.body).not.toMatch(/SQLITE_|55P03|database is locked|lock timeout/); // the engine's reason is for the log
      expect(sink.messages).toHaveLength(1);

      // Liveness stays 200; the store is reported degraded, with the engine's reason.
      const health = await healthOf(base);
      expect(health).toMatchObject({ status: 200, body: { status: 'degraded', store: { status: 'degraded' } } });
      expect(health.body.store.error).toMatch(error);
    } finally {
      await release();
    }
    expect(await app.store.findSubscriberByEmail('new@example.org')).toBeUndefined();

    // A minute later, with the lock gone: healthy again, and the sign-up works.
    clock.set('2026-11-25T06:03:00Z');
    expect((await healthOf(base)).body).toMatchObject({ status: 'ok', store: { status: 'ok' } });
    const res = await signUp(app, base, { ...FORM, email: 'new@example.org' });
    expect(res.status).toBe(200);
    expect(sink.messages.at(-1)!.envelopeTo).toEqual(['new@example.org']);
    expect(lastConfirmLink(sink)).toContain('/confirm/');
  });

  it('reports the store degraded on /healthz when its probe write fails, before any sign-up', async () => {
    const { app, base } = await webApp({ ...env(), DATABASE_LOCK_TIMEOUT_MS: '200' });
    const release = await lock(app);
    try {
      const health = await healthOf(base);
      expect(health).toMatchObject({ status: 200, body: { status: 'degraded', store: { status: 'degraded' } } });
      expect(health.body.store.error).toMatch(error);
    } finally {
      await release();
    }
  });
});
