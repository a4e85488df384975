import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import type { Subscriber } from '../../src/domain/subscriber.js';
import { NODE_ARGS } from '../helpers/cli.js';
import { subscriber } from '../contract/fixtures.js';
import { closeLater } from '../helpers/delivery.js';
import { SAMPLE_PAGE, fixedClock, testApp } from '../helpers/env.js';
import { freshSchema } from '../helpers/postgres.js';
import { startSmtpSink } from '../helpers/smtp-sink.js';
import { postgresAvailable } from '../helpers/system.js';

const RECIPIENTS = 5_000;
const WORKERS = 3;
const CONNECTIONS = 3;
const CLAIM_BATCH = 4;

const children: ChildProcess[] = [];
// Whatever happens to the test, no worker outlives it.
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

/** Readers who confirmed the day before: their first digest is the one due at midnight UTC. */
async function confirmedSubscribers(app: App, count: number) {
  const now = new Date(app.clock().getTime() - 86_400_000).toISOString();
  const batch = Array.from({ length: count }, (_, i): { subscriber: Subscriber; events: [] } => ({
    subscriber: subscriber({
      id: `sub_w${i}`,
      email: `r${i}@example.org`,
      topics: ['smile'],
      sendHour: 0,
      createdAt: now,
      updatedAt: now,
      confirmedAt: now,
    }),
    events: [],
  }));
  await app.store.saveSubscribers(batch);
}

describe.skipIf(!postgresAvailable())('several worker processes on one PostgreSQL database', () => {
  it('deliver 5,000 digests between them; one killed with SIGKILL mid-run sends nothing twice and leaves only its claims held', async () => {
    const sink = await closeLater(await startSmtpSink({ parse: false }));
    const { env: dbEnv } = freshSchema();
    const env = {
      ...dbEnv,
      SMTP_URL: sink.url,
      SMTP_CONNECTIONS: String(CONNECTIONS),
      DELIVERY_CLAIM_BATCH: String(CLAIM_BATCH),
      PAPERBOY_SECRET: 'workers-test-secret-0123456789abcdefgh',
      PUBLIC_URL: 'https://papers.example.org',
      MAIL_FROM: 'Paperboy <digest@papers.example.org>',
    };
    // Planned half an hour after the readers' send time (00:00 UTC), whatever the time of day the test runs.
    const app = await testApp({ env, clock: fixedClock('2026-11-25T00:30:00Z') });
    // A topic that matches one sample paper: a small message, so the run measures delivery, not bulk data.
    await app.store.saveTopic(
      { slug: 'smile', name: 'Few-shot detection', query: '"Submodular Mutual Information"' },
      app.clock().toISOString(),
    );
    await app.ingester.ingestFiles([SAMPLE_PAGE]);
    await confirmedSubscribers(app, RECIPIENTS);
    expect(await app.planner.plan(app.clock())).toMatchObject({ deliveriesCreated: RECIPIENTS });

    const logs: string[] = [];
    for (let i = 0; i < WORKERS; i++) {
      const child = spawn(process.execPath, [...NODE_ARGS, 'worker', '--poll', '1'], {
        env: { PATH: process.env.PATH, ...env },
      });
      logs[i] = '';
      child.stderr!.on('data', (c: Buffer) => (logs[i] += c.toString()));
      children.push(child);
    }
    const victim = children[0]!;
    const killed = new Promise<NodeJS.Signals | null>((resolve) =>
      victim.on('exit', (_code, signal) => resolve(signal)),
    );

    // Killed once about a third of the list has its digest.
    await expect
      .poll(() => sink.messages.length, { timeout: 60_000, interval: 20 })
      .toBeGreaterThanOrEqual(RECIPIENTS / 3);
    victim.kill('SIGKILL');
    expect(await killed).toBe('SIGKILL');
    const atKill = sink.messages.length;
    expect(atKill).toBeLessThan(RECIPIENTS);

    // The survivors finish the list, then find the dead worker's claims and hold them.
    await expect
      .poll(
        async () => {
          const c = await app.store.countDeliveries();
          return c.pending + c.sending;
        },
        { timeout: 90_000, interval: 200 },
      )
      .toBe(0);
    for (const c of children.slice(1)) c.kill('SIGTERM');
    await Promise.all(
      children
        .slice(1)
        .map((c) => new Promise((resolve) => (c.exitCode !== null ? resolve(null) : c.on('exit', resolve)))),
    );

    const rows = await app.store.listDeliveries({ limit: RECIPIENTS + 1 });
    expect(rows).toHaveLength(RECIPIENTS);
    const workerIds = [...new Set(rows.map((r) => r.claimedBy))];
    expect(workerIds).toHaveLength(WORKERS);
    const deadId = workerIds.find((id) => id?.split(':')[1] === String(victim.pid));
    expect(rows.filter((r) => r.status === 'sent' && r.claimedBy === deadId).length).toBeGreaterThan(0);
    const held = rows.filter((r) => r.status === 'failed');
    // Policy: only rows the dead worker held in `sending` are held (at most its claim batch plus
    // one per other connection), all marked interrupted; every other row was sent.
    expect(held.length).toBeLessThanOrEqual(CLAIM_BATCH + CONNECTIONS - 1);
    for (const r of held) expect(r).toMatchObject({ errorKind: 'interrupted', claimedBy: deadId });
    expect(rows.filter((r) => r.status === 'sent')).toHaveLength(RECIPIENTS - held.length);

    // The sink's side: each sent row's recipient got exactly one message, carrying that row's
    // Message-ID; a held row's recipient got it at most once; nobody got two.
    const byRecipient = new Map<string, string[]>();
    for (const m of sink.messages) {
      const id = /^Message-ID: <([^>]+)>/im.exec(m.raw.toString('latin1'))?.[1] ?? '';
      for (const to of m.envelopeTo) byRecipient.set(to, [...(byRecipient.get(to) ?? []), id]);
    }
    for (const r of rows) {
      const got = byRecipient.get(r.email) ?? [];
      if (r.status === 'sent') expect(got, r.email).toEqual([r.messageId]);
      else expect(got.length, r.email).toBeLessThanOrEqual(1);
    }
    expect(sink.messages.length).toBe(RECIPIENTS - held.length + held.filter((r) => byRecipient.has(r.email)).length);
    expect(logs.slice(1).join('')).toMatch(
      held.length > 0 ? /delivery interrupted, held for the operator/ : /worker started/,
    );
  }, 180_000);
});
