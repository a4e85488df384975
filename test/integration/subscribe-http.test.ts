import { describe, expect, it, onTestFinished } from 'vitest';
import { hashConfirmationToken } from '../../src/domain/tokens.js';
import { freePort } from '../helpers/env.js';
import { startSmtpSink } from '../helpers/smtp-sink.js';
import { lastConfirmLink, postForm, signUp, webApp } from '../helpers/web.js';

const ADA = {
  email: 'Ada@Example.org ',
  topics: ['nas', 'llm-serving'],
  frequency: 'weekly',
  timezone: 'Europe/Berlin',
  hour: '7',
};

function pathOf(link: string): string {
  return new URL(link).pathname;
}

describe('subscribe with double opt-in', () => {
  it('offers a form with every topic, frequency, time zone and hour', async () => {
    const { base } = await webApp();
    const html = await (await fetch(`${base}/`)).text();
    expect(html).toContain('<form method="post" action="/subscribe">');
    expect(html).toContain('name="topics" value="nas"');
    expect(html).toContain('name="topics" value="llm-serving"');
    expect(html).toMatch(/<option value="UTC" selected>UTC<\/option>/);
    expect(html).toContain('<option value="Asia/Calcutta">');
    expect(html).toMatch(/<option value="8" selected>08:00<\/option>/);
    expect(html).toContain('<script src="/assets/subscribe.js" defer></script>');
    const script = await fetch(`${base}/assets/subscribe.js`);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
  });

  it('sends one confirmation email for several topics and stores only the token hash', async () => {
    const { app, base, sink } = await webApp();
    const res = await signUp(app, base, ADA);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Check your inbox');
    expect(sink.messages).toHaveLength(1);
    const mail = sink.messages[0]!.mail;
    expect(sink.messages[0]!.envelopeTo).toEqual(['ada@example.org']);
    expect(mail.subject).toBe('Confirm your Paperboy subscription');
    expect(mail.text).toContain(
      'a weekly digest of new papers on LLM serving, Neural architecture search, at 07:00 (Europe/Berlin)',
    );
    expect(mail.html).toContain('Confirm subscription');
    expect(mail.headerLines.some((h) => h.key === 'list-unsubscribe')).toBe(false);

    const token = lastConfirmLink(sink).split('/').at(-1)!;
    expect(token.length).toBeGreaterThanOrEqual(43); // 256 bits in base64url
    const s = await app.store.findSubscriberByEmail('ada@example.org');
    expect(s).toMatchObject({
      status: 'pending',
      topics: ['llm-serving', 'nas'],
      frequency: 'weekly',
      timezone: 'Europe/Berlin',
      sendHour: 7,
    });
    expect(s?.confirmTokenHash).toBe(hashConfirmationToken(token));
    expect(JSON.stringify(await app.store.listSubscribers())).not.toContain(token);
  });

  it('answers the same page for new, pending, confirmed and suppressed addresses', async () => {
    const { app, base, sink, clock } = await webApp();
    const answer = async (email: string) => await (await signUp(app, base, { ...ADA, email })).text();
    const fresh = await answer('new@example.org');
    const pending = await answer('new@example.org'); // within 10 minutes: no second email
    expect(sink.messages).toHaveLength(1);
    await app.subscriptions.addByOperator(
      { email: 'conf@example.org', topics: ['nas'] },
      { confirmed: true },
      { source: 'test' },
    );
    const confirmed = await answer('conf@example.org');
    await app.store.suppress('supp@example.org', 'hard-bounce', '550 no such user', clock().toISOString());
    const suppressed = await answer('supp@example.org');
    expect(new Set([fresh, pending, confirmed, suppressed]).size).toBe(1);
    expect(sink.messages).toHaveLength(1);

    clock.set('2026-11-25T06:11:00Z');
    await answer('new@example.org');
    expect(sink.messages).toHaveLength(2);
    expect(sink.messages[1]!.envelopeTo).toEqual(['new@example.org']);
  });

  it('answers the same page when the relay is down, and the queued email goes out once when it is back', async () => {
    const port = await freePort();
    const { app, base, clock } = await webApp({ SMTP_URL: `smtp://127.0.0.1:${port}` });
    const down = await signUp(app, base, ADA);
    expect(down.status).toBe(200);
    expect(await down.text()).toContain('Check your inbox');
    const [queued] = await app.store.listDeliveries({ limit: 5 });
    expect(queued).toMatchObject({
      kind: 'confirmation',
      digestId: null,
      email: 'ada@example.org',
      status: 'pending',
      attempts: 1,
      errorKind: 'transient',
    });
    // Asking again while it waits adds no second email.
    expect((await signUp(app, base, ADA)).status).toBe(200);
    expect(await app.store.countDeliveries()).toMatchObject({ pending: 1, sent: 0 });

    const sink = await startSmtpSink({ port });
    onTestFinished(() => sink.close());
    clock.set('2026-11-25T06:05:00Z'); // past the retry's backoff
    expect(await app.deliverer.run({ maxWaitMs: 0 })).toMatchObject({ sent: 1, failed: 0 });
    expect(await app.deliverer.run({ maxWaitMs: 0 })).toMatchObject({ sent: 0 });
    expect(sink.countsByRecipient()).toEqual(new Map([['ada@example.org', 1]]));
    expect(sink.messages[0]!.mail.messageId).toBe(`<${queued!.messageId}>`);
    const confirmed = await fetch(`${base}${pathOf(lastConfirmLink(sink))}`, { method: 'POST' });
    expect(await confirmed.text()).toContain('You are subscribed');
  });

  it('refuses bad input with the form and a reason, and sends nothing', async () => {
    const { app, base, sink } = await webApp();
    const cases: [Record<string, string | string[]>, string][] = [
      [{ ...ADA, email: 'not-an-address' }, '&quot;not-an-address&quot; is not an email address'],
      [{ ...ADA, email: 'ada@example.org\r\nBcc: victim@example.org' }, 'an email address cannot contain line breaks'],
      [{ ...ADA, topics: [] }, 'pick at least one topic'],
      [{ ...ADA, topics: ['nas', 'nope'] }, 'unknown topic &quot;nope&quot;'],
      [{ ...ADA, timezone: 'Mars/Olympus' }, 'unknown time zone &quot;Mars/Olympus&quot;'],
      [{ ...ADA, hour: '24' }, 'invalid send hour &quot;24&quot;'],
      [{ ...ADA, frequency: 'hourly' }, 'unknown frequency &quot;hourly&quot;'],
      [{ ...ADA, email: '<script>alert(1)</script>@x.org' }, '&lt;script&gt;'],
    ];
    for (const [form, reason] of cases) {
      const res = await signUp(app, base, form);
      expect(res.status, reason).toBe(400);
      const html = await res.text();
      expect(html).toContain(reason);
      expect(html).not.toContain('<script>alert(1)</script>');
    }
    // What was typed stays in the form.
    const res = await signUp(app, base, { ...ADA, timezone: 'Mars/Olympus' });
    const html = await res.text();
    expect(html).toContain('value="Ada@Example.org "');
    expect(html).toContain('name="topics" value="nas" checked');
    expect(sink.messages).toHaveLength(0);
  });

  it('limits sign-ups per IP and per address', async () => {
    const { app, base, sink } = await webApp({ SUBSCRIBE_LIMIT_PER_IP: '4', SUBSCRIBE_LIMIT_PER_ADDRESS: '2' });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await signUp(app, base, { ...ADA, email: 'same@example.org' })).status);
    expect(statuses).toEqual([200, 200, 429]);
    expect((await signUp(app, base, { ...ADA, email: 'other@example.org' })).status).toBe(200);
    const blocked = await signUp(app, base, { ...ADA, email: 'third@example.org' });
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await blocked.text()).toContain('Too many requests');
    expect(sink.messages.map((m) => m.envelopeTo[0])).toEqual(['same@example.org', 'other@example.org']);
  });
});

describe('the per-IP sign-up limit behind a proxy', () => {
  // What a proxy that appends to X-Forwarded-For sends on: whatever the client wrote, then the client.
  const forwarded = (claimed: string, real: string) => ({ 'x-forwarded-for': `${claimed}, ${real}` });

  for (const trust of ['1', '127.0.0.1', '127.0.0.0/8, ::1']) {
    it(`(TRUST_PROXY=${trust}) keys on the client the proxy saw, whatever the client writes before it`, async () => {
      const { base } = await webApp({
        TRUST_PROXY: trust,
        SUBSCRIBE_LIMIT_PER_IP: '3',
        SUBSCRIBE_LIMIT_PER_ADDRESS: '100',
      });
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) {
        statuses.push(
          (
            await postForm(
              `${base}/subscribe`,
              { ...ADA, email: `a${i}@example.org` },
              forwarded(`10.9.8.${i}`, '203.0.113.7'),
            )
          ).status,
        );
      }
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
      // Another client behind the same proxy has its own count.
      expect(
        (await postForm(`${base}/subscribe`, { ...ADA, email: 'b@example.org' }, forwarded('10.9.8.1', '198.51.100.4')))
          .status,
      ).toBe(200);
    });
  }

  it('ignores X-Forwarded-For unless TRUST_PROXY is set', async () => {
    const { base } = await webApp({ SUBSCRIBE_LIMIT_PER_IP: '2', SUBSCRIBE_LIMIT_PER_ADDRESS: '100' });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++)
      statuses.push(
        (
          await postForm(
            `${base}/subscribe`,
            { ...ADA, email: `a${i}@example.org` },
            { 'x-forwarded-for': `10.0.0.${i}` },
          )
        ).status,
      );
    expect(statuses).toEqual([200, 200, 429]);
  });
});

describe('confirmation', () => {
  it('shows a button on GET, confirms only on POST, and works once', async () => {
    const { app, base, sink } = await webApp();
    await signUp(app, base, ADA);
    const path = pathOf(lastConfirmLink(sink));
    const page = await fetch(`${base}${path}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(`<form method="post" action="${path}">`);
    expect((await app.store.findSubscriberByEmail('ada@example.org'))?.status).toBe('pending');

    const done = await fetch(`${base}${path}`, { method: 'POST' });
    expect(done.status).toBe(200);
    expect(await done.text()).toContain('You are subscribed');
    const s = await app.store.findSubscriberByEmail('ada@example.org');
    expect(s).toMatchObject({ status: 'confirmed', confirmedAt: '2026-11-25T06:00:00.000Z', confirmTokenHash: null });
    expect((await fetch(`${base}${path}`, { method: 'POST' })).status).toBe(404);
    expect((await fetch(`${base}${path}`)).status).toBe(404);
  });

  it('answers tampered, unknown and expired tokens with the same 404 page', async () => {
    const { app, base, sink, clock } = await webApp();
    await signUp(app, base, ADA);
    const path = pathOf(lastConfirmLink(sink));
    const tampered = await fetch(`${base}${path.slice(0, -2)}xx`);
    const unknown = await fetch(`${base}/confirm/${'A'.repeat(43)}`);
    const junk = await fetch(`${base}/confirm/%3Cscript%3E`);
    clock.set('2026-11-27T06:00:01Z'); // 48 hours and a second later
    const expired = await fetch(`${base}${path}`, { method: 'POST' });
    const bodies = await Promise.all([tampered, unknown, junk, expired].map(async (r) => [r.status, await r.text()]));
    expect(bodies.map((b) => b[0])).toEqual([404, 404, 404, 404]);
    expect(new Set(bodies.map((b) => b[1])).size).toBe(1);
    expect(bodies[0]![1]).toContain('This link is not valid.');
  });
});

describe('preferences and unsubscribe', () => {
  async function confirmedAda() {
    const ctx = await webApp();
    const { subscriber } = await ctx.app.subscriptions.addByOperator(
      { email: 'ada@example.org', topics: ['nas', 'llm-serving'], timezone: 'Europe/Berlin', hour: 7 },
      { confirmed: true },
      { source: 'test' },
    );
    return { ...ctx, id: subscriber!.id, links: ctx.app.subscriptions.links(subscriber!.id) };
  }

  it('edits topics, frequency, time zone and hour behind a signed link, with a CSRF token', async () => {
    const { app, base, links, id } = await confirmedAda();
    const path = pathOf(links.preferencesUrl);
    const page = await fetch(`${base}${path}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('cache-control')).toBe('no-store');
    const html = await page.text();
    expect(html).toContain('<option value="Europe/Berlin" selected>');
    const csrf = /name="csrf" value="([^"]+)"/.exec(html)?.[1];
    expect(csrf).toBeDefined();

    const change = { topics: ['nas'], frequency: 'weekly', timezone: 'Asia/Kolkata', hour: '6' };
    expect((await postForm(`${base}${path}`, change)).status).toBe(403);
    expect((await postForm(`${base}${path}`, { ...change, csrf: `${csrf}x` })).status).toBe(403);
    const saved = await postForm(`${base}${path}`, { ...change, csrf: csrf! });
    expect(saved.status).toBe(200);
    expect(await saved.text()).toContain('Saved.');
    expect(await app.store.getSubscriber(id)).toMatchObject({
      topics: ['nas'],
      frequency: 'weekly',
      timezone: 'Asia/Kolkata',
      sendHour: 6,
      status: 'confirmed',
    });
    // A zone the runtime lists under another name is still shown as chosen.
    expect(await (await fetch(`${base}${path}`)).text()).toContain('<option value="Asia/Kolkata" selected>');
    const bad = await postForm(`${base}${path}`, { ...change, timezone: 'Nowhere/Land', csrf: csrf! });
    expect(bad.status).toBe(400);
  });

  it('refuses links that are tampered or made for another purpose', async () => {
    const { base, links } = await confirmedAda();
    const prefs = pathOf(links.preferencesUrl);
    const unsub = pathOf(links.unsubscribeUrl);
    const swapped = `/preferences/${unsub.split('/').at(-1)}`;
    const forged = `/unsubscribe/${Buffer.from('sub_someone').toString('base64url')}.${unsub.split('.').at(-1)}`;
    for (const path of [swapped, forged, `${prefs}x`, '/preferences/nothing']) {
      const res = await fetch(`${base}${path}`);
      expect(res.status, path).toBe(404);
      expect(await res.text()).toContain('This link is not valid.');
    }
  });

  it('shows a button on GET and unsubscribes by RFC 8058 one-click POST: 200, no redirect, no cookie, idempotent', async () => {
    const { app, base, links, id } = await confirmedAda();
    const path = pathOf(links.unsubscribeUrl);
    const page = await fetch(`${base}${path}`);
    expect(await page.text()).toContain('Unsubscribe from everything');
    expect((await app.store.getSubscriber(id))?.status).toBe('confirmed');

    for (let i = 0; i < 2; i++) {
      const res = await postForm(`${base}${path}`, { 'List-Unsubscribe': 'One-Click' });
      expect(res.status).toBe(200);
      expect(res.headers.get('location')).toBeNull();
      expect(res.headers.get('set-cookie')).toBeNull();
      expect(await res.text()).toContain('You are unsubscribed.');
    }
    expect(await app.store.getSubscriber(id)).toMatchObject({
      status: 'unsubscribed',
      unsubscribedAt: '2026-11-25T06:00:00.000Z',
    });
    const events = await app.store.listConsentEvents(id);
    expect(events.map((e) => [e.type, e.source])).toEqual([
      ['confirm', 'test'],
      ['unsubscribe', 'one-click'],
    ]);
  });

  it('takes the one-click POST as multipart/form-data too', async () => {
    const { app, base, links, id } = await confirmedAda();
    const form = new FormData();
    form.append('List-Unsubscribe', 'One-Click');
    const res = await fetch(`${base}${pathOf(links.unsubscribeUrl)}`, { method: 'POST', body: form });
    expect(res.status).toBe(200);
    expect((await app.store.getSubscriber(id))?.status).toBe('unsubscribed');
  });

  it('leaves one topic, then everything when the last one goes', async () => {
    const { app, base, links, id } = await confirmedAda();
    const path = pathOf(links.unsubscribeUrl);
    const one = await postForm(`${base}${path}`, { scope: 'topic:nas' });
    expect(await one.text()).toContain('that topic is no longer in your digest');
    expect(await app.store.getSubscriber(id)).toMatchObject({ status: 'confirmed', topics: ['llm-serving'] });
    await postForm(`${base}${path}`, { scope: 'topic:llm-serving' });
    expect((await app.store.getSubscriber(id))?.status).toBe('unsubscribed');
  });
});

describe('consent log', () => {
  it('records subscribe, confirm, preference and unsubscribe events; IP and user agent only when switched on', async () => {
    for (const [flag, expectIp] of [
      ['false', false],
      ['true', true],
    ] as const) {
      const { app, base, sink } = await webApp({ CONSENT_LOG_IP: flag });
      await signUp(app, base, ADA, { 'user-agent': 'TestBrowser/1.0' });
      await fetch(`${base}${pathOf(lastConfirmLink(sink))}`, { method: 'POST' });
      const s = await app.store.findSubscriberByEmail('ada@example.org');
      const events = await app.store.listConsentEvents(s!.id);
      expect(events.map((e) => e.type)).toEqual(['subscribe', 'confirm']);
      expect(events[0]).toMatchObject({ source: 'web-form', topics: ['llm-serving', 'nas'], email: 'ada@example.org' });
      expect(events[0]?.ip !== undefined).toBe(expectIp);
      expect(events[0]?.userAgent === 'TestBrowser/1.0').toBe(expectIp);
    }
  });
});
