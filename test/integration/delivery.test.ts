import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { verifyToken } from '../../src/domain/tokens.js';
import { closeLater, confirmed, deliveryApp } from '../helpers/delivery.js';
import { freePort } from '../helpers/env.js';
import { startSmtpSink } from '../helpers/smtp-sink.js';

const header = (lines: readonly { key: string; line: string }[], key: string) =>
  lines.filter((h) => h.key === key).map((h) => h.line.replace(/\r\n\s+/g, ' '));

describe('delivery to a real SMTP server', () => {
  it('sends each planned digest once, with the DESIGN.md headers and parts, and records it', async () => {
    const sink = await closeLater(await startSmtpSink());
    const app = await deliveryApp(sink.url);
    const [adaId] = await confirmed(app, ['ada@example.org', 'bob@example.org']);
    const plan = await app.planner.plan(app.clock());
    expect(plan).toMatchObject({ due: 2, groups: 1, digestsCreated: 1, deliveriesCreated: 2 });
    expect(await app.planner.plan(app.clock())).toMatchObject({ due: 0, deliveriesCreated: 0 });

    const summary = await app.deliverer.run({ maxWaitMs: 0 });
    expect(summary).toMatchObject({ sent: 2, failed: 0, skipped: 0, retried: 0 });
    expect([...sink.countsByRecipient()].sort()).toEqual([
      ['ada@example.org', 1],
      ['bob@example.org', 1],
    ]);

    const [row] = (await app.store.listDeliveries({ status: 'sent', limit: 10 })).filter(
      (d) => d.email === 'ada@example.org',
    );
    expect(row).toMatchObject({ attempts: 1, sentAt: expect.any(String), smtpResponse: expect.stringMatching(/^250/) });
    const received = sink.messages.find((m) => m.envelopeTo[0] === 'ada@example.org')!;
    const { mail, raw } = received;
    expect(mail.messageId).toBe(`<${row!.messageId}>`);
    expect(row!.messageId).toBe(`${row!.id}@papers.example.org`);
    expect(header(mail.headerLines, 'list-id')).toEqual([
      'List-ID: "Paperboy: Neural architecture search" <nas.digests.papers.example.org>',
    ]);
    const unsubscribe = header(mail.headerLines, 'list-unsubscribe');
    expect(unsubscribe).toHaveLength(1);
    const url = /<(https:\/\/papers\.example\.org\/unsubscribe\/([^>]+))>/.exec(unsubscribe[0]!);
    expect(verifyToken(app.secret, 'unsubscribe', url![2]!)).toBe(adaId);
    expect(header(mail.headerLines, 'list-unsubscribe-post')).toEqual([
      'List-Unsubscribe-Post: List-Unsubscribe=One-Click',
    ]);
    const text = raw.toString();
    expect(text.indexOf('Content-Type: text/plain')).toBeLessThan(text.indexOf('Content-Type: text/html'));
    expect(mail.text).toContain(url![1]);
    expect(mail.html).toContain(url![1]);
    expect(mail.date).toBeInstanceOf(Date);
    expect(Buffer.byteLength(String(mail.html))).toBeLessThan(100 * 1024);
  });

  it('retries a 451, then the 250 counts once', async () => {
    const sink = await closeLater(
      await startSmtpSink({ rcpt: (to, n) => (to === 'ada@example.org' && n === 1 ? 451 : undefined) }),
    );
    const app = await deliveryApp(sink.url);
    await confirmed(app, ['ada@example.org', 'bob@example.org']);
    await app.planner.plan(app.clock());
    const summary = await app.deliverer.run({ maxWaitMs: 5_000 });
    expect(summary).toMatchObject({ sent: 2, failed: 0, retried: 1 });
    expect(sink.countsByRecipient().get('ada@example.org')).toBe(1);
    const ada = (await app.store.listDeliveries({ status: 'sent', limit: 5 })).find(
      (d) => d.email === 'ada@example.org',
    );
    expect(ada).toMatchObject({ attempts: 2, errorKind: null });
  });

  it('delivers 300 due digests once each through a relay that greylists every first attempt, at full pace and without a pause', {
    timeout: 90_000,
  }, async () => {
    const greylisted = {
      code: 451,
      text: '4.7.1 <reader@example.org>: Recipient address rejected: Greylisted, please try again later',
    };
    const sink = await closeLater(
      await startSmtpSink({ parse: false, rcpt: (_to, n) => (n === 1 ? greylisted : undefined) }),
    );
    const app = await deliveryApp(sink.url);
    const readers = Array.from({ length: 300 }, (_, i) => `reader${i}@example.org`);
    await confirmed(app, readers);
    expect(await app.planner.plan(app.clock())).toMatchObject({ deliveriesCreated: 300 });
    const started = Date.now();
    const summary = await app.deliverer.run({ maxWaitMs: 5_000 });
    expect(summary.paused).toBeUndefined();
    expect(summary).toMatchObject({ sent: 300, failed: 0, suppressed: 0, retried: 300, waiting: 0 });
    const counts = sink.countsByRecipient();
    expect(readers.filter((r) => counts.get(r) !== 1)).toEqual([]);
    expect(readers.filter((r) => sink.attempts.get(r) !== 2)).toEqual([]);
    expect(app.limiter.currentRate()).toBe(Infinity);
    // Retries come due after DELIVERY_BACKOFF_MS (20 ms here): the run is as quick as the relay.
    expect(Date.now() - started).toBeLessThan(60_000);
  });

  it('slows down for a reply that names a rate limit, and the messages accepted after it bring the pace back', async () => {
    let rcpts = 0;
    const slowDown = { code: 450, text: '4.7.0 Rate limit exceeded, please slow down' };
    const sink = await closeLater(await startSmtpSink({ rcpt: () => (++rcpts === 1 ? slowDown : undefined) }));
    const app = await deliveryApp(sink.url);
    await confirmed(
      app,
      Array.from({ length: 10 }, (_, i) => `reader${i}@example.org`),
    );
    await app.planner.plan(app.clock());
    const pace: number[] = [];
    const summary = await app.deliverer.run({
      maxWaitMs: 5_000,
      onProgress: () => pace.push(app.limiter.currentRate()),
    });
    expect(summary).toMatchObject({ sent: 10, failed: 0, retried: 1 });
    // Unlimited, the pace assumed is 20 a second: halved after the refusal, then back step by step.
    expect(pace[0]).toBe(10);
    expect(pace.slice(1, 8).every((rate, i) => rate > (pace[i] as number))).toBe(true);
    expect(app.limiter.currentRate()).toBe(Infinity);
    expect([...sink.countsByRecipient().values()]).toEqual(Array(10).fill(1));
  });

  it('fails a 550, records a hard bounce and suppresses the address for good', async () => {
    const sink = await closeLater(await startSmtpSink({ rcpt: (to) => (to === 'bob@example.org' ? 550 : undefined) }));
    const app = await deliveryApp(sink.url);
    await confirmed(app, ['ada@example.org', 'bob@example.org']);
    await app.planner.plan(app.clock());
    const summary = await app.deliverer.run({ maxWaitMs: 5_000 });
    expect(summary).toMatchObject({ sent: 1, failed: 1, suppressed: 1 });
    const bob = (await app.store.listDeliveries({ status: 'failed', limit: 5 }))[0];
    expect(bob).toMatchObject({
      email: 'bob@example.org',
      attempts: 1,
      errorKind: 'hard-bounce',
      lastError: expect.stringContaining('550'),
    });
    expect(await app.store.listSuppressions()).toMatchObject([{ email: 'bob@example.org', reason: 'hard-bounce' }]);
    expect((await app.store.findSubscriberByEmail('bob@example.org'))?.status).toBe('suppressed');

    // Deleting the subscriber and signing up again does not lift it.
    await app.subscriptions.remove('bob@example.org', { source: 'test' });
    expect(
      await app.subscriptions.subscribe({ email: 'bob@example.org', topics: ['nas'] }, { source: 'test' }),
    ).toEqual({ outcome: 'nothing' });
    await expect(
      app.subscriptions.addByOperator(
        { email: 'bob@example.org', topics: ['nas'] },
        { confirmed: true },
        { source: 'test' },
      ),
    ).rejects.toThrow('on the suppression list');
  });

  it('suppresses an address after repeated soft bounces', async () => {
    const sink = await closeLater(await startSmtpSink({ rcpt: () => 452 }));
    const app = await deliveryApp(sink.url, { DELIVERY_MAX_ATTEMPTS: '2', SOFT_BOUNCE_LIMIT: '1' });
    await confirmed(app, ['full@example.org']);
    await app.planner.plan(app.clock());
    const summary = await app.deliverer.run({ maxWaitMs: 5_000 });
    expect(summary).toMatchObject({ sent: 0, failed: 1, retried: 1, suppressed: 1 });
    expect((await app.store.listDeliveries({ limit: 1 }))[0]).toMatchObject({ attempts: 2, errorKind: 'soft-bounce' });
    expect(await app.store.listSuppressions()).toMatchObject([{ email: 'full@example.org', reason: 'soft-bounces' }]);
  });

  it('sends again after the connection drops in the middle of DATA, and the message arrives once', async () => {
    const sink = await closeLater(await startSmtpSink({ dropData: (n) => n === 1 }));
    const app = await deliveryApp(sink.url);
    await confirmed(app, ['ada@example.org']);
    await app.planner.plan(app.clock());
    const summary = await app.deliverer.run({ maxWaitMs: 5_000 });
    expect(summary).toMatchObject({ sent: 1, retried: 1, failed: 0 });
    expect(sink.countsByRecipient().get('ada@example.org')).toBe(1);
    expect((await app.store.listDeliveries({ limit: 1 }))[0]).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('waits out a server that is down, pauses after too many failures in a row, and resumes when it is back', async () => {
    const port = await freePort();
    const app = await deliveryApp(`smtp://127.0.0.1:${port}`, {
      DELIVERY_PAUSE_AFTER_FAILURES: '3',
      DELIVERY_MAX_ATTEMPTS: '10',
    });
    await confirmed(app, ['a@example.org', 'b@example.org', 'c@example.org', 'd@example.org']);
    await app.planner.plan(app.clock());
    const down = await app.deliverer.run({ maxWaitMs: 5_000 });
    expect(down.paused).toMatch(/^paused after 3 failed attempts in a row; last: .*ECONNREFUSED/);
    expect(down.sent).toBe(0);
    expect((await app.store.countDeliveries()).pending).toBe(4);

    const sink = await closeLater(await startSmtpSink({ port }));
    const up = await app.deliverer.run({ maxWaitMs: 5_000 });
    expect(up).toMatchObject({ sent: 4, failed: 0 });
    expect(up.paused).toBeUndefined();
    expect([...sink.countsByRecipient().values()]).toEqual([1, 1, 1, 1]);
  });

  it('re-checks unsubscribe and suppression just before sending', async () => {
    const sink = await closeLater(await startSmtpSink());
    const app = await deliveryApp(sink.url);
    const [adaId, bobId] = await confirmed(app, ['ada@example.org', 'bob@example.org', 'carol@example.org']);
    await app.planner.plan(app.clock());
    await app.subscriptions.unsubscribe((await app.store.getSubscriber(adaId!))!, { kind: 'all' }, { source: 'test' });
    await app.store.suppress('bob@example.org', 'manual', null, app.clock().toISOString());
    expect(bobId).toBeDefined();
    const summary = await app.deliverer.run({ maxWaitMs: 0 });
    expect(summary).toMatchObject({ sent: 1, skipped: 2 });
    expect([...sink.countsByRecipient().keys()]).toEqual(['carol@example.org']);
    const skipped = await app.store.listDeliveries({ status: 'skipped', limit: 5 });
    expect(skipped.map((d) => d.errorKind).sort()).toEqual(['suppressed', 'unsubscribed']);
  });

  it('signs with DKIM over the list headers when a key is configured', async () => {
    const sink = await closeLater(await startSmtpSink());
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const app = await deliveryApp(sink.url, {
      DKIM_DOMAIN: 'papers.example.org',
      DKIM_SELECTOR: 'pb2026',
      DKIM_PRIVATE_KEY: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    });
    await confirmed(app, ['ada@example.org']);
    await app.planner.plan(app.clock());
    await app.deliverer.run({ maxWaitMs: 0 });
    const signature = header(sink.messages[0]!.mail.headerLines, 'dkim-signature')[0] ?? '';
    expect(signature).toMatch(/\bd=papers\.example\.org;/);
    expect(signature).toMatch(/\bs=pb2026;/);
    const signed = /\bh=([^;]+);/.exec(signature)?.[1]?.toLowerCase().replace(/\s/g, '').split(':') ?? [];
    expect(signed).toEqual(
      expect.arrayContaining(['from', 'subject', 'message-id', 'list-id', 'list-unsubscribe', 'list-unsubscribe-post']),
    );
  });
});
