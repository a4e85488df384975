import { describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { closeLater, confirmedYesterday, deliveryApp } from '../helpers/delivery.js';
import { startSmtpSink } from '../helpers/smtp-sink.js';
import { lastConfirmLink, postForm, signUp, webApp } from '../helpers/web.js';

const TOKEN = 'admin-token-for-tests-0123456789';
const FORM = { topics: ['nas'], frequency: 'daily', timezone: 'UTC', hour: '8' };

// Ways to type victim@example.org that are the same mailbox: they map to it.
const SAME = [
  'Victim@EXAMPLE.ORG',
  '  victim@example.org  ',
  'victim@example.org\u00a0',
  '\ufeffvictim@example.org',
  'victim@ｅxample.org',
];
// Ways that a mail library would turn into victim@example.org: they are refused, with the reason.
const HIDDEN: [string, string][] = [
  ['victim\x02@example.org', 'a control character (U+0002)'],
  ['victim\x1b@example.org', 'a control character (U+001B)'],
  ['vic\u200btim@example.org', 'an invisible character (U+200B)'],
  ['\u202evictim@example.org', 'an invisible character (U+202E)'],
  ['vic\ufefftim@example.org', 'an invisible character (U+FEFF)'],
  ['vic\u00a0tim@example.org', 'spaces (U+00A0)'],
];

const postJson = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, {
    method: 'POST',
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json', ...headers },
  });

/** The sign-up form, as a browser posts it and as a JSON client does. */
// Each waits until the confirmation email the sign-up queued has been tried.
const senders = {
  form: (app: App, base: string, email: string) => signUp(app, base, { ...FORM, email }),
  json: async (app: App, base: string, email: string) => {
    const res = await postJson(`${base}/subscribe`, { ...FORM, email, hour: 8 });
    await app.idle();
    return res;
  },
};

describe('one canonical address on the web form', () => {
  for (const [kind, send] of Object.entries(senders)) {
    it(`(${kind}) refuses hidden characters with the reason, stores nothing and mails nothing`, async () => {
      const { app, base, sink } = await webApp({ SUBSCRIBE_LIMIT_PER_IP: '100' });
      for (const [email, reason] of HIDDEN) {
        const res = await send(app, base, email);
        expect(res.status, JSON.stringify(email)).toBe(400);
        expect(await res.text()).toContain(`an email address cannot contain ${reason}`);
      }
      expect(await app.store.listSubscribers()).toEqual([]);
      expect(sink.messages).toHaveLength(0);
    });

    it(`(${kind}) stores and mails case, space and width variants as one address`, async () => {
      const { app, base, sink, clock } = await webApp({
        SUBSCRIBE_LIMIT_PER_IP: '100',
        SUBSCRIBE_LIMIT_PER_ADDRESS: '100',
      });
      for (const [i, email] of SAME.entries()) {
        clock.set(`2026-11-25T1${i}:00:00Z`); // past the resend delay: each request sends
        expect((await send(app, base, email)).status, JSON.stringify(email)).toBe(200);
      }
      expect((await app.store.listSubscribers()).map((s) => s.email)).toEqual(['victim@example.org']);
      expect(sink.messages.map((m) => m.envelopeTo)).toEqual(SAME.map(() => ['victim@example.org']));
    });
  }

  it('sends nothing to a suppressed address, however it is typed', async () => {
    const { app, base, sink, clock } = await webApp({
      SUBSCRIBE_LIMIT_PER_IP: '100',
      SUBSCRIBE_LIMIT_PER_ADDRESS: '100',
    });
    await app.store.suppress('victim@example.org', 'hard-bounce', '550 no such user', clock().toISOString());
    for (const send of Object.values(senders)) {
      for (const email of [...SAME, ...HIDDEN.map(([e]) => e)])
        expect([200, 400]).toContain((await send(app, base, email)).status);
    }
    expect(sink.messages).toHaveLength(0);
    expect(await app.store.listSubscribers()).toEqual([]);
  });

  it('counts the variants of an address as one in the per-address limit', async () => {
    const { app, base, sink } = await webApp({ SUBSCRIBE_LIMIT_PER_IP: '100', SUBSCRIBE_LIMIT_PER_ADDRESS: '2' });
    const statuses: number[] = [];
    for (const email of ['new@example.org', 'NEW@Example.org', ' new@example.org\u00a0', 'New@EXAMPLE.ORG']) {
      statuses.push((await signUp(app, base, { ...FORM, email })).status);
    }
    expect(statuses).toEqual([200, 200, 429, 429]);
    // A hidden character does not make a new address that escapes the limit: it is no address.
    expect((await postForm(`${base}/subscribe`, { ...FORM, email: 'new\x02@example.org' })).status).toBe(400);
    expect(sink.messages.map((m) => m.envelopeTo)).toEqual([['new@example.org']]);
  });

  it('accepts an internationalised domain and mails it in punycode; the confirmation link works', async () => {
    const { app, base, sink } = await webApp();
    expect((await signUp(app, base, { ...FORM, email: 'User@Müller.de' })).status).toBe(200);
    expect(sink.messages).toHaveLength(1);
    expect(sink.rcptCommands).toEqual(['RCPT TO:<user@xn--mller-kva.de>']);
    expect(sink.messages[0]!.mail.headerLines.find((h) => h.key === 'to')?.line).toBe('To: user@xn--mller-kva.de');
    const confirmed = await fetch(lastConfirmLink(sink).replace(/^https:\/\/papers\.example\.org/, base), {
      method: 'POST',
    });
    expect(confirmed.status).toBe(200);
    expect(await app.store.findSubscriberByEmail('user@xn--mller-kva.de')).toMatchObject({ status: 'confirmed' });
  });
});

describe('one canonical address in the admin API', () => {
  const api = (base: string, path: string, init: RequestInit = {}) =>
    fetch(`${base}/admin/api${path}`, {
      ...init,
      headers: { authorization: `Bearer ${TOKEN}`, ...(init.body ? { 'content-type': 'application/json' } : {}) },
    });

  it('refuses hidden characters, stores variants as one address, and finds it by any variant', async () => {
    const { app, base, sink } = await webApp({ ADMIN_TOKEN: TOKEN });
    for (const [email, reason] of HIDDEN) {
      const res = await api(base, '/subscribers', {
        method: 'POST',
        body: JSON.stringify({ email, topics: ['nas'], confirmed: true }),
      });
      expect(res.status, JSON.stringify(email)).toBe(400);
      expect(await res.json()).toEqual({ error: `an email address cannot contain ${reason}` });
    }
    const added = await api(base, '/subscribers', {
      method: 'POST',
      body: JSON.stringify({ email: ' Ada@MÜLLER.de ', topics: ['nas'], confirmed: true }),
    });
    expect(added.status).toBe(201);
    expect(await added.json()).toMatchObject({
      outcome: 'confirmed',
      subscriber: { email: 'ada@xn--mller-kva.de', status: 'confirmed' },
    });
    const again = await api(base, '/subscribers', {
      method: 'POST',
      body: JSON.stringify({ email: 'ada@xn--mller-kva.de', topics: ['nas'] }),
    });
    expect(await again.json()).toMatchObject({ outcome: 'nothing', subscriber: { email: 'ada@xn--mller-kva.de' } });
    expect((await app.store.listSubscribers()).map((s) => s.email)).toEqual(['ada@xn--mller-kva.de']);

    expect(
      (await api(base, `/subscribers/${encodeURIComponent('ada\u200b@müller.de')}`, { method: 'DELETE' })).status,
    ).toBe(400);
    expect((await api(base, `/subscribers/${encodeURIComponent('ADA@müller.de')}`, { method: 'DELETE' })).status).toBe(
      204,
    );
    expect(await app.store.listSubscribers()).toEqual([]);
    expect(sink.messages).toHaveLength(0);
  });

  it('adds nobody whose address is a variant of a suppressed one', async () => {
    const { app, base, sink, clock } = await webApp({ ADMIN_TOKEN: TOKEN });
    await app.store.suppress('victim@example.org', 'manual', null, clock().toISOString());
    for (const email of SAME) {
      const res = await api(base, '/subscribers', {
        method: 'POST',
        body: JSON.stringify({ email, topics: ['nas'], confirmed: true }),
      });
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({ error: 'victim@example.org is on the suppression list and cannot be added' });
      const optIn = await api(base, '/subscribers', {
        method: 'POST',
        body: JSON.stringify({ email, topics: ['nas'] }),
      });
      // Without "confirmed" too: the operator is told, where the web form answers alike for every address.
      expect(optIn.status).toBe(400);
      expect(await optIn.json()).toEqual({
        error: 'victim@example.org is on the suppression list and cannot be added',
      });
    }
    expect(sink.messages).toHaveLength(0);
  });
});

describe('addresses stored before they were made canonical', () => {
  it('are never mailed when they hold a hidden character, and are checked against the suppression list as canonical', async () => {
    const sink = await closeLater(await startSmtpSink());
    const app = await deliveryApp(sink.url);
    // Rows as an older version stored them: through the store, bypassing today's check.
    const ok = await confirmedYesterday(app, { email: 'ok@example.org', topics: ['nas'], timezone: 'UTC', hour: 8 });
    for (const [id, email] of [
      ['sub_hidden', 'victim\x02@example.org'],
      ['sub_zw', 'vic\u200btim@example.org'],
    ] as const) {
      await app.store.saveSubscribers([
        { subscriber: { ...ok, id, email, confirmedAt: '2026-11-24T08:00:00.000Z' }, events: [] },
      ]);
    }
    await app.planner.plan(app.clock());
    const summary = await app.deliverer.run({ maxWaitMs: 0 });
    expect(summary).toMatchObject({ sent: 1, skipped: 2 });
    expect(sink.messages.map((m) => m.envelopeTo)).toEqual([['ok@example.org']]);
    const skipped = await app.store.listDeliveries({ status: 'skipped', limit: 10 });
    expect(skipped.map((d) => d.errorKind)).toEqual(['invalid-address', 'invalid-address']);
  });

  it('can still change their preferences and unsubscribe through their links', async () => {
    const { app, base } = await webApp();
    const { subscriber } = await app.subscriptions.addByOperator(
      { email: 'ok@example.org', topics: ['nas'] },
      { confirmed: true },
      { source: 'test' },
    );
    const legacy = { ...subscriber!, id: 'sub_legacy', email: 'vic\u200btim@example.org' };
    await app.store.saveSubscribers([{ subscriber: legacy, events: [] }]);
    const { preferencesUrl, unsubscribeUrl } = app.subscriptions.links(legacy.id);
    const local = (url: string) => url.replace(app.config.publicUrl, base);
    const csrf = /name="csrf" value="([^"]+)"/.exec(await (await fetch(local(preferencesUrl))).text())?.[1];
    const saved = await postForm(local(preferencesUrl), {
      csrf: csrf!,
      topics: ['nas', 'llm-serving'],
      frequency: 'weekly',
      timezone: 'UTC',
      hour: '9',
    });
    expect(saved.status).toBe(200);
    expect(await app.store.getSubscriber(legacy.id)).toMatchObject({
      frequency: 'weekly',
      topics: ['llm-serving', 'nas'],
    });
    expect((await postForm(local(unsubscribeUrl), { 'List-Unsubscribe': 'One-Click' })).status).toBe(200);
    expect(await app.store.getSubscriber(legacy.id)).toMatchObject({ status: 'unsubscribed' });
  });
});
