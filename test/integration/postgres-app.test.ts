import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { closeLater, confirmed, deliveryApp } from '../helpers/delivery.js';
import { freePort, tempDir } from '../helpers/env.js';
import { freshSchema } from '../helpers/postgres.js';
import { startSmtpSink } from '../helpers/smtp-sink.js';
import { postgresAvailable } from '../helpers/system.js';

describe('DATABASE_URL=postgres://…', () => {
  it('is read with its schema, pool size and lock timeout, and a bad schema name is refused by name', () => {
    expect(
      loadConfig({
        DATABASE_URL: 'postgres://pb@db.example.org/paperboy',
        DATABASE_SCHEMA: 'mail_2',
        DATABASE_POOL_SIZE: '4',
      }).database,
    ).toEqual({
      kind: 'postgres',
      url: 'postgres://pb@db.example.org/paperboy',
      schema: 'mail_2',
      poolSize: 4,
      lockTimeoutMs: 60000,
    });
    expect(
      loadConfig({ DATABASE_URL: 'postgres://pb@db/x', DATABASE_LOCK_TIMEOUT_MS: '250' }).database.lockTimeoutMs,
    ).toBe(250);
    expect(() => loadConfig({ DATABASE_LOCK_TIMEOUT_MS: '0' })).toThrow(
      'DATABASE_LOCK_TIMEOUT_MS=0 is not a whole number between 1 and 600000',
    );
    expect(loadConfig({ DATABASE_URL: 'postgresql://pb@db/x' }).delivery.claimBatch).toBe(16);
    expect(loadConfig({}).delivery.claimBatch).toBe(16);
    expect(() => loadConfig({ DATABASE_URL: 'postgres://pb@db/x', DATABASE_SCHEMA: 'x; DROP TABLE y' })).toThrow(
      /^DATABASE_SCHEMA=.* is not a schema name/,
    );
  });
});

describe.skipIf(!postgresAvailable())('Paperboy on PostgreSQL', () => {
  it('plans and delivers each digest once to a real SMTP server, as on SQLite', async () => {
    const sink = await closeLater(await startSmtpSink());
    const app = await deliveryApp(sink.url, freshSchema().env);
    expect(app.store.engine).toBe('postgres');
    await confirmed(app, ['ada@example.org', 'bob@example.org', 'carol@example.org']);
    expect(await app.planner.plan(app.clock())).toMatchObject({ due: 3, digestsCreated: 1, deliveriesCreated: 3 });
    expect(await app.planner.plan(app.clock())).toMatchObject({ due: 0, deliveriesCreated: 0 });
    await app.store.suppress('carol@example.org', 'manual', null, app.clock().toISOString());
    expect(await app.deliverer.run({ maxWaitMs: 0 })).toMatchObject({ sent: 2, skipped: 1, failed: 0 });
    expect([...sink.countsByRecipient()].sort()).toEqual([
      ['ada@example.org', 1],
      ['bob@example.org', 1],
    ]);
    const ada = (await app.store.listDeliveries({ status: 'sent', limit: 5 })).find(
      (d) => d.email === 'ada@example.org',
    )!;
    expect(sink.messages.find((m) => m.envelopeTo[0] === 'ada@example.org')?.mail.messageId).toBe(`<${ada.messageId}>`);
    expect(await app.deliverer.run({ maxWaitMs: 0 })).toMatchObject({ sent: 0 });
  });

  it('lets one of two processes plan at a time; the deliveries exist once', async () => {
    const sink = await closeLater(await startSmtpSink());
    const { env } = freshSchema();
    const first = await deliveryApp(sink.url, env);
    const second = await deliveryApp(sink.url, env);
    await confirmed(first, ['ada@example.org', 'bob@example.org']);
    // One planning time for both: each test app's clock starts at its own creation.
    const at = first.clock();
    const reports = await Promise.all([first.planner.plan(at), second.planner.plan(at)]);
    expect(
      reports.reduce((n, r) => n + r.deliveriesCreated, 0),
      JSON.stringify(reports),
    ).toBe(2);
    expect(reports.filter((r) => r.deliveriesCreated > 0)).toHaveLength(1);
    // Both deliver at once: each row goes to one of them.
    const runs = await Promise.all([first.deliverer.run({ maxWaitMs: 0 }), second.deliverer.run({ maxWaitMs: 0 })]);
    expect(runs[0].sent + runs[1].sent).toBe(2);
    expect([...sink.countsByRecipient().values()]).toEqual([1, 1]);
  });

  it('gives back the rows a paused run claimed but never tried, without counting an attempt', async () => {
    const port = await freePort();
    const app = await deliveryApp(`smtp://127.0.0.1:${port}`, {
      ...freshSchema().env,
      DELIVERY_PAUSE_AFTER_FAILURES: '3',
      DELIVERY_CLAIM_BATCH: '5',
    });
    await confirmed(app, [
      'a@example.org',
      'b@example.org',
      'c@example.org',
      'd@example.org',
      'e@example.org',
      'f@example.org',
    ]);
    await app.planner.plan(app.clock());
    const down = await app.deliverer.run({ maxWaitMs: 0 });
    // Pauses at the third failure in a row; an attempt already in flight on another connection
    // may still fail and be counted before the run stops.
    const failures = Number(/^paused after (\d+) failed attempts in a row/.exec(down.paused ?? '')?.[1]);
    expect(failures, down.paused).toBeGreaterThanOrEqual(3);
    const rows = await app.store.listDeliveries({ limit: 10 });
    expect(rows.filter((r) => r.status !== 'pending')).toEqual([]);
    // Each attempt counted is one that was made; rows left in the claimed batch show none.
    expect(rows.reduce((n, r) => n + r.attempts, 0)).toBe(down.retried);
    expect(rows.filter((r) => r.attempts === 0).length).toBeGreaterThan(0);
  });

  it('says which database it could not open, without the password', async () => {
    const { createApp } = await import('../../src/app.js');
    const config = loadConfig({ DATABASE_URL: 'postgres://postgres:s3cret@127.0.0.1:1/test' }, tempDir());
    await expect(createApp(config)).rejects.toThrow(
      /^cannot open the PostgreSQL database at postgres:\/\/\*\*\*@127\.0\.0\.1:1\/test: .*ECONNREFUSED/,
    );
    await expect(createApp(config)).rejects.not.toThrow(/s3cret/);
  });
});
