import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { createApp } from '../../src/app.js';
import { silentLogger } from '../../src/log.js';
import { closeLater, confirmed, deliveryApp } from '../helpers/delivery.js';
import { freshSchema, pgExec } from '../helpers/postgres.js';
import { startSmtpSink } from '../helpers/smtp-sink.js';
import { postgresAvailable } from '../helpers/system.js';

/**
 * A store whose writes of `sent` fail, as when the SQLite file stays locked by a large ingest past
 * the busy timeout or the PostgreSQL connection is lost: a trigger in the real database refuses
 * them until `recover()` drops it. Other writes (claims, holds) go through.
 */
interface Engine {
  env: () => Record<string, string>;
  failSent: (app: App) => Promise<{ recover: () => Promise<void> }>;
}

const sqlite: Engine = {
  env: () => ({}),
  async failSent(app) {
    const config = app.config.database;
    if (config.kind !== 'sqlite') throw new Error('not a SQLite store');
    const db = new Database(config.path);
    db.exec(`CREATE TRIGGER fail_sent BEFORE UPDATE OF status ON deliveries WHEN NEW.status = 'sent'
      BEGIN SELECT RAISE(ABORT, 'database is locked'); END`);
    return {
      async recover() {
        db.exec('DROP TRIGGER fail_sent');
        db.close();
      },
    };
  },
};

function postgres(): Engine {
  let schema = '';
  return {
    env() {
      const fresh = freshSchema();
      schema = fresh.schema;
      return fresh.env;
    },
    async failSent() {
      await pgExec(
        schema,
        `CREATE FUNCTION fail_sent() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'terminating connection due to administrator command'; END $$;
         CREATE TRIGGER fail_sent BEFORE UPDATE ON deliveries FOR EACH ROW WHEN (NEW.status = 'sent') EXECUTE FUNCTION fail_sent();`,
      );
      return { recover: () => pgExec(schema, 'DROP TRIGGER fail_sent ON deliveries') };
    },
  };
}

async function oneDeliveryPlanned(engine: Engine) {
  const sink = await closeLater(await startSmtpSink());
  const app = await deliveryApp(sink.url, engine.env());
  await confirmed(app, ['ada@example.org']);
  await app.planner.plan(app.clock());
  const row = async () => (await app.store.listDeliveries({ limit: 5 }))[0]!;
  return { sink, app, row };
}

function recordingSentFails(engine: Engine) {
  it('records the send once the store answers again within the retry window, and sends it once', async () => {
    const { sink, app, row } = await oneDeliveryPlanned(engine);
    const store = await engine.failSent(app);
    const run = app.deliverer.run({ maxWaitMs: 2_000 });
    // The store comes back while the worker is still trying to record the 250.
    await expect.poll(() => sink.messages.length, { interval: 20 }).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await store.recover();
    const summary = await run;
    expect(sink.countsByRecipient().get('ada@example.org')).toBe(1);
    expect(summary).toMatchObject({ sent: 1, retried: 0, failed: 0, unrecorded: 0 });
    expect(await row()).toMatchObject({ status: 'sent', attempts: 1, smtpResponse: expect.stringMatching(/^250/) });
    expect(sink.countsByRecipient().get('ada@example.org')).toBe(1);
  });

  it('holds a send it cannot record: never pending, never sent again, recorded by the next run once the store is back', async () => {
    const { sink, app, row } = await oneDeliveryPlanned(engine);
    const store = await engine.failSent(app);
    const first = await app.deliverer.run({ maxWaitMs: 2_000 });
    expect(sink.countsByRecipient().get('ada@example.org')).toBe(1);
    expect(first).toMatchObject({ sent: 1, retried: 0, unrecorded: 1, waiting: 0, left: 0 });
    expect(first.unrecordedError).toMatch(/database is locked|terminating connection/);
    expect(await row()).toMatchObject({ status: 'sending', attempts: 1 });

    const again = await app.deliverer.run({ maxWaitMs: 2_000 });
    expect(again).toMatchObject({ sent: 0, unrecorded: 1, interrupted: 0 });
    await store.recover();
    const back = await app.deliverer.run({ maxWaitMs: 0 });
    expect(back).toMatchObject({ sent: 0, unrecorded: 0 });
    expect(await row()).toMatchObject({ status: 'sent', attempts: 1, smtpResponse: expect.stringMatching(/^250/) });
    expect(sink.countsByRecipient().get('ada@example.org')).toBe(1);
  });

  it('leaves a send it cannot record to the crash policy: the next process holds it for the operator, sends nothing', async () => {
    const { sink, app, row } = await oneDeliveryPlanned(engine);
    await engine.failSent(app);
    const first = await app.deliverer.run({ maxWaitMs: 2_000 });
    expect(sink.countsByRecipient().get('ada@example.org')).toBe(1);
    expect(first).toMatchObject({ sent: 1, unrecorded: 1 });
    // The process that sent it ends; another worker starts on the same store.
    const next = await createApp(app.config, { clock: app.clock, logger: silentLogger });
    const summary = await next.deliverer.run({ maxWaitMs: 2_000 }).finally(() => next.close());
    expect(summary).toMatchObject({ sent: 0, interrupted: 1, waiting: 0, left: 0 });
    expect(await row()).toMatchObject({ status: 'failed', errorKind: 'interrupted' });
    expect(sink.countsByRecipient().get('ada@example.org')).toBe(1);
  });
}

describe('the relay accepted a message, then recording it as sent failed', { timeout: 60_000 }, () => {
  describe('SQLite', () => recordingSentFails(sqlite));
  describe.skipIf(!postgresAvailable())('PostgreSQL', () => recordingSentFails(postgres()));
});
