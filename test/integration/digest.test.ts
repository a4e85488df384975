import { join } from 'node:path';
import { simpleParser, type AddressObject } from 'mailparser';
import { describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import type { Digest } from '../../src/domain/digest.js';
import { digestMessage } from '../../src/jobs/deliver/digest-message.js';
import { composeEml } from '../../src/mail/compose.js';
import { MAX_HTML_BYTES } from '../../src/render/email/digest-email.js';
import { frozenDay } from '../helpers/digests.js';
import { FIXTURES, SAMPLE_PAGE, fixedClock, testApp } from '../helpers/env.js';

const SECRET = 'test-secret-that-is-long-enough-0123456789';
const TRICKY = join(FIXTURES, 'papers-tricky.json');

async function appWithTopic(clock = fixedClock('2026-11-25T06:00:00Z'), env: Record<string, string> = {}) {
  const app = await testApp({ clock, env: { PAPERBOY_SECRET: SECRET, ...env } });
  await app.store.saveTopic(
    { slug: 'nas', name: 'Neural architecture search', query: '"neural architecture search" OR NAS' },
    clock().toISOString(),
  );
  return { app, clock };
}

function messageFor(app: App, digest: Digest) {
  return digestMessage({
    digest,
    to: 'ada@example.org',
    tokenSubject: 'subscriber-1',
    deliveryId: 'delivery-1',
    topicNames: 'Neural architecture search',
    config: app.config,
    secret: SECRET,
    date: new Date('2026-11-25T08:00:00Z'),
  });
}

describe('digest email', () => {
  it('matches the golden copy', async () => {
    const { app } = await appWithTopic();
    await app.ingester.ingestFiles([TRICKY]);
    const message = messageFor(app, await frozenDay(app, ['nas'], '2026-11-25T08:00:00Z'));
    await expect(message.html).toMatchFileSnapshot('__snapshots__/digest.html');
    await expect(message.text).toMatchFileSnapshot('__snapshots__/digest.txt');
  });

  it('escapes titles, links only to http(s), strips control characters, fills every hole', async () => {
    const { app } = await appWithTopic();
    await app.ingester.ingestFiles([TRICKY]);
    const digest = await frozenDay(app, ['nas'], '2026-11-25T08:00:00Z');
    const { html, text } = messageFor(app, digest);

    expect(html).not.toContain("<script>alert('x')</script>");
    expect(html).toContain('&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; Search &amp; Rescue');
    expect(html).toContain('Mallory &amp; Co');
    expect(html).not.toContain('javascript:');
    expect(html).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/);
    expect(html).not.toContain('{{');
    expect(text).not.toContain('{{');
    // The text part is plain text: markup in a title is shown as typed, not escaped.
    expect(text).toContain("<script>alert('x')</script> Search & Rescue");

    // Every picked paper is linked; the unrelated one is not there.
    expect(digest.paperIds).toHaveLength(3);
    expect(html).toContain('href="https://arxiv.org/abs/1908.09791"');
    expect(html).not.toContain('Object Detection with Transformers');
    expect(html).toContain('Han Cai, Chuang Gan, Tianzhe Wang, Zhekai Zhang, Song Han');

    // View in browser, preferences and unsubscribe, in both parts.
    for (const part of [html, text]) {
      expect(part).toContain(`https://papers.example.org/digests/${digest.id}`);
      expect(part).toMatch(/https:\/\/papers\.example\.org\/unsubscribe\/[\w-]+\.[\w-]+/);
      expect(part).toMatch(/https:\/\/papers\.example\.org\/preferences\/[\w-]+\.[\w-]+/);
      expect(part).toContain('ada@example.org');
    }
    expect(html).toMatch(/<meta name="viewport"/);
    expect(html).toContain('display:none'); // the preheader is hidden text at the top
  });

  it('is a complete multipart/alternative message with the list headers', async () => {
    const { app } = await appWithTopic();
    await app.ingester.ingestFiles([TRICKY]);
    const digest = await frozenDay(app, ['nas'], '2026-11-25T08:00:00Z');
    const eml = await composeEml(messageFor(app, digest));
    const raw = eml.toString('utf8');
    expect(raw).toMatch(/\r\n/);
    expect(raw.match(/^List-Unsubscribe:/gim)).toHaveLength(1);
    expect(raw).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click\r$/m);
    expect(raw).toMatch(/^Content-Type: multipart\/alternative;/m);
    expect(raw.indexOf('Content-Type: text/plain')).toBeLessThan(raw.indexOf('Content-Type: text/html'));

    const mail = await simpleParser(eml);
    expect(mail.messageId).toBe('<delivery-1@papers.example.org>');
    expect((mail.from as AddressObject).value[0]?.address).toBe('digest@papers.example.org');
    expect((mail.to as AddressObject).value[0]?.address).toBe('ada@example.org');
    expect(mail.subject).toBe('Neural architecture search: 3 new papers · Wednesday, 25 November 2026');
    expect(mail.date?.toISOString()).toBe('2026-11-25T08:00:00.000Z');
    const header = (name: string) =>
      mail.headerLines.filter((h) => h.key === name).map((h) => h.line.replace(/\r\n\s+/g, ' '));
    expect(header('list-id')).toEqual([
      'List-ID: "Paperboy: Neural architecture search" <nas.digests.papers.example.org>',
    ]);
    expect(header('list-unsubscribe')).toEqual([
      expect.stringMatching(/^List-Unsubscribe: <https:\/\/papers\.example\.org\/unsubscribe\/[\w-]+\.[\w-]+>$/),
    ]);
    expect(mail.text).toContain('Unsubscribe: https://papers.example.org/unsubscribe/');
    expect(mail.html).toContain('Search &amp; Rescue');
  });

  it('stays under 100 KB for the largest digest the sample papers can produce', async () => {
    const { app, clock } = await appWithTopic(fixedClock('2026-11-25T06:00:00Z'), { DIGEST_MAX_PAPERS: '200' });
    // A query every sample paper matches, with no limit on papers: the worst case.
    await app.store.saveTopic(
      {
        slug: 'everything',
        name: 'Everything',
        query: 'model OR learning OR network OR method OR results OR performance OR approach OR propose',
      },
      clock().toISOString(),
    );
    await app.ingester.ingestFiles([SAMPLE_PAGE]);
    const digest = await frozenDay(app, ['everything'], '2026-11-25T08:00:00Z');
    const { html } = messageFor(app, digest);
    expect(Buffer.byteLength(html)).toBeLessThanOrEqual(MAX_HTML_BYTES);
    expect(digest.paperIds.length).toBeGreaterThan(20);
    // The sample page is dated 21 March: its papers are not called new.
    const total = Number(/: (\d+) papers from 21 Mar 2024 · /.exec(digest.subject)?.[1]);
    expect(total).toBeGreaterThan(digest.paperIds.length);
    expect(html).toContain(`${total - digest.paperIds.length} more papers on the web`);
  });
});

describe('digest editions', () => {
  it('freezes once per topic set and period, then picks up only papers that are new since', async () => {
    const { app, clock } = await appWithTopic();
    await app.ingester.ingestFiles([TRICKY]);
    const first = await frozenDay(app, ['nas'], '2026-11-25T08:00:00Z');
    const again = await app.digests.freeze({ slugs: ['nas'], kind: 'day', at: new Date('2026-11-25T09:00:00Z') });
    expect(again).toMatchObject({ status: 'existing', digest: { id: first.id, paperIds: first.paperIds } });

    // Nothing new the next day: no digest at all.
    expect(
      await app.digests.freeze({ slugs: ['nas'], kind: 'day', at: new Date('2026-11-26T08:00:00Z') }),
    ).toMatchObject({ status: 'empty' });

    clock.set('2026-11-26T10:00:00Z');
    await app.ingester.ingestFiles([SAMPLE_PAGE]);
    const next = await frozenDay(app, ['nas'], '2026-11-27T08:00:00Z');
    expect(next.id).not.toBe(first.id);
    expect(next.paperIds.some((id) => first.paperIds.includes(id))).toBe(false);
    expect(next.paperIds.length).toBeGreaterThan(5);
    expect(await app.store.getDigest(next.id)).toMatchObject({ period: { key: '2026-11-27' } });
  });

  it('does not repeat a paper under two topics of one digest', async () => {
    const { app, clock } = await appWithTopic();
    await app.store.saveTopic({ slug: 'search', name: 'Search', query: 'search' }, clock().toISOString());
    await app.ingester.ingestFiles([TRICKY]);
    const digest = await frozenDay(app, ['search', 'nas'], '2026-11-25T08:00:00Z');
    expect(digest.editionKey).toBe('nas,search');
    expect(new Set(digest.paperIds).size).toBe(digest.paperIds.length);
  });

  it('refuses an unknown topic', async () => {
    const { app } = await appWithTopic();
    await expect(app.digests.freeze({ slugs: ['nope'], kind: 'day' })).rejects.toThrow('no topic "nope"');
  });
});

describe('digest labels', () => {
  // Monday 30 November 2026 at 08:00 UTC: the weekly edition keyed by week 49 holds week 48's papers.
  const MONDAY = '2026-11-30T08:00:00Z';

  async function weekly(since?: string) {
    const { app, clock } = await appWithTopic(fixedClock('2026-11-25T06:00:00Z'));
    await app.ingester.ingestFiles([TRICKY]);
    clock.set(MONDAY);
    const result = await app.digests.freeze({
      slugs: ['nas'],
      kind: 'week',
      at: new Date(MONDAY),
      variantSince: since,
    });
    if (result.status === 'empty') throw new Error('expected a digest');
    return { app, digest: result.digest };
  }

  it('name the week a Monday weekly digest covers, the one before, in its subject and heading', async () => {
    const { app, digest } = await weekly();
    expect(digest.period.key).toBe('2026-W49');
    expect(digest.subject).toBe('Neural architecture search: 3 new papers · Week of 23–29 Nov 2026');
    const mail = await simpleParser(await composeEml(messageFor(app, digest)));
    expect(mail.subject).toBe(digest.subject);
    expect(mail.html).toContain('Week of 23–29 Nov 2026 · 3 papers</p>');
    expect(mail.text).toContain('Week of 23–29 Nov 2026 · 3 papers\n');
    // Nothing of the week the edition is sent in, which lies ahead of its readers.
    for (const part of [digest.subject, String(mail.html), String(mail.text)])
      expect(part).not.toMatch(/Week 49|30 Nov|6 Dec/);
  });

  it('give a catch-up edition, for a subscriber who missed the last one, its whole span', async () => {
    const { digest } = await weekly('2026-11-16T08:00:00.000Z');
    expect(digest.period.key).toBe('2026-W49');
    expect(digest.windowStart).toBe('2026-11-16T08:00:00.000Z');
    expect(digest.subject).toBe('Neural architecture search: 3 new papers · 16–29 Nov 2026');
  });

  it('date a daily digest by the day it goes out, and say since when when it covers more', async () => {
    const { app, clock } = await appWithTopic();
    await app.ingester.ingestFiles([TRICKY]);
    const first = await frozenDay(app, ['nas'], '2026-11-25T08:00:00Z');
    expect(first.subject).toMatch(/ · Wednesday, 25 November 2026$/);
    // Nothing new on the 26th; the edition of the 27th holds two days.
    clock.set('2026-11-26T10:00:00Z');
    await app.ingester.ingestFiles([SAMPLE_PAGE]);
    const next = await frozenDay(app, ['nas'], '2026-11-27T08:00:00Z');
    expect(next.windowStart).toBe('2026-11-25T08:00:00.000Z');
    expect(next.subject).toMatch(/ · Friday, 27 November 2026 · since 25 Nov$/);
  });
});
