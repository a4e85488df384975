// Confirmation (opt-in) emails are deliveries: queued with the subscriber, sent by the deliverer
// with its retries and backoff, once, their single-use token made when they are sent.
import { describe, expect, it } from 'vitest';
import { hashConfirmationToken } from '../../src/domain/tokens.js';
import { closeLater, confirmed, deliveryApp } from '../helpers/delivery.js';
import { freePort } from '../helpers/env.js';
import { freshSchema } from '../helpers/postgres.js';
import { startSmtpSink } from '../helpers/smtp-sink.js';
import { postgresAvailable } from '../helpers/system.js';
import { lastConfirmLink } from '../helpers/web.js';

const TEST = { source: 'test' };
const tokenOf = (link: string) => link.split('/').at(-1)!;

const engines = [
  { name: 'SQLite', env: (): Record<string, string> => ({}) },
  ...(postgresAvailable() ? [{ name: 'PostgreSQL', env: (): Record<string, string> => freshSchema().env }] : []),
];

describe.each(engines)('confirmation emails through the delivery queue ($name)', ({ env }) => {
  it('queues the opt-in email with the subscriber, retries a 451, sends it once, and its token (stored only hashed) confirms', async () => {
    const sink = await closeLater(
      await startSmtpSink({ rcpt: (to, n) => (to === 'erin@example.org' && n === 1 ? 451 : undefined) }),
    );
    const app = await deliveryApp(sink.url, env());
    const added = await app.subscriptions.addByOperator(
      { email: 'erin@example.org', topics: ['nas'] },
      { confirmed: false },
      TEST,
    );
    expect(added.outcome).toBe('queued');
    const [queued] = await app.store.listDeliveries({ limit: 5 });
    expect(queued).toMatchObject({
      kind: 'confirmation',
      digestId: null,
      status: 'pending',
      attempts: 1,
      errorKind: 'transient',
    }); // a greylisting 451: retried, no slow-down

    expect(await app.deliverer.run({ maxWaitMs: 5_000 })).toMatchObject({ sent: 1, failed: 0 });
    expect(await app.deliverer.run({ maxWaitMs: 0 })).toMatchObject({ sent: 0 });
    expect(sink.countsByRecipient()).toEqual(new Map([['erin@example.org', 1]]));
    const mail = sink.messages[0]!.mail;
    expect(mail.subject).toBe('Confirm your Paperboy subscription');
    expect(mail.messageId).toBe(`<${queued!.messageId}>`);
    expect(await app.store.getDelivery(queued!.id)).toMatchObject({ status: 'sent', attempts: 2 });

    const token = tokenOf(lastConfirmLink(sink));
    expect(token.length).toBeGreaterThanOrEqual(43);
    const erin = await app.store.findSubscriberByEmail('erin@example.org');
    expect(erin).toMatchObject({ status: 'pending', confirmTokenHash: hashConfirmationToken(token) });
    expect(
      JSON.stringify([await app.store.listDeliveries({ limit: 10 }), await app.store.listSubscribers()]),
    ).not.toContain(token);
    expect(await app.subscriptions.confirm(token, TEST)).toMatchObject({ status: 'confirmed' });
    expect(await app.subscriptions.confirm(token, TEST)).toBeUndefined();
  });

  it('skips an opt-in email queued for an address confirmed meanwhile, and plans first digests as for anyone confirmed', async () => {
    const sink = await closeLater(
      await startSmtpSink({ rcpt: (to, n) => (to === 'hal@example.org' && n === 1 ? 451 : undefined) }),
    );
    const app = await deliveryApp(sink.url, env());
    expect(
      (await app.subscriptions.addByOperator({ email: 'hal@example.org', topics: ['nas'] }, { confirmed: false }, TEST))
        .outcome,
    ).toBe('queued');
    // A second request while it waits adds no second email.
    await app.subscriptions.subscribe({ email: 'hal@example.org', topics: ['nas'] }, TEST);
    expect(await app.store.countDeliveries()).toMatchObject({ pending: 1 });
    const [halId] = await confirmed(app, ['hal@example.org']);
    expect(await app.deliverer.run({ maxWaitMs: 5_000 })).toMatchObject({ sent: 0, skipped: 1 });
    expect((await app.store.listDeliveries({ status: 'skipped', limit: 5 }))[0]).toMatchObject({
      kind: 'confirmation',
      errorKind: 'already-confirmed',
    });
    expect(sink.messages).toHaveLength(0);

    // Finn confirms through the email; Ada was confirmed by the operator. A confirmation email is
    // not a digest anyone had: all three get the same first digest.
    expect(
      (
        await app.subscriptions.addByOperator(
          { email: 'finn@example.org', topics: ['nas'] },
          { confirmed: false },
          TEST,
        )
      ).outcome,
    ).toBe('sent');
    const finn = (await app.subscriptions.confirm(tokenOf(lastConfirmLink(sink)), TEST))!;
    const dayBefore = new Date(app.clock().getTime() - 86_400_000).toISOString();
    await app.store.saveSubscribers([{ subscriber: { ...finn, confirmedAt: dayBefore }, events: [] }]);
    const [adaId] = await confirmed(app, ['ada@example.org']);
    await app.planner.plan(app.clock());
    const digests = (await app.store.listDeliveries({ limit: 10 })).filter((d) => d.kind === 'digest');
    expect(digests.map((d) => d.subscriberId).sort()).toEqual([adaId, finn.id, halId].sort());
    expect(new Set(digests.map((d) => d.digestId)).size).toBe(1);
  });

  it('lets the operator send the opt-in email again after it failed for good while the relay was down', async () => {
    const port = await freePort();
    const app = await deliveryApp(`smtp://127.0.0.1:${port}`, { ...env(), DELIVERY_MAX_ATTEMPTS: '1' });
    const added = await app.subscriptions.addByOperator(
      { email: 'gus@example.org', topics: ['nas'] },
      { confirmed: false },
      TEST,
    );
    expect(added.outcome).toBe('failed');
    expect((await app.store.listDeliveries({ status: 'failed', limit: 5 }))[0]).toMatchObject({
      kind: 'confirmation',
      errorKind: 'gave-up',
    });

    const sink = await closeLater(await startSmtpSink({ port }));
    expect(await app.subscriptions.resendConfirmation('Gus@Example.org', TEST)).toBe('sent');
    expect(sink.countsByRecipient()).toEqual(new Map([['gus@example.org', 1]]));
    expect(await app.subscriptions.confirm(tokenOf(lastConfirmLink(sink)), TEST)).toMatchObject({
      email: 'gus@example.org',
      status: 'confirmed',
    });
    await expect(app.subscriptions.resendConfirmation('gus@example.org', TEST)).rejects.toThrow(
      'gus@example.org is confirmed: only a pending address is sent a confirmation email',
    );
    const events = await app.store.listConsentEvents((await app.store.findSubscriberByEmail('gus@example.org'))!.id);
    expect(events.map((e) => [e.type, e.detail ?? ''])).toEqual([
      ['subscribe', ''],
      ['admin', 'confirmation email sent again'],
      ['confirm', ''],
    ]);
  });
});
