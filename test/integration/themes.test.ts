import { describe, expect, it, onTestFinished } from 'vitest';
import { renderFeed } from '../../src/render/feeds/render-feed.js';
import { createServer } from '../../src/web/server.js';
import { SAMPLE_PAGE, fixedClock, testApp } from '../helpers/env.js';
import { feedparse, feedparserAvailable } from '../helpers/system.js';

const hasFeedparser = feedparserAvailable();
const TOKEN = 'admin-token-for-tests-0123456789';
// Monday 30 November 2026, the default weekly send day, at the digest hour (08:00 UTC).
const MONDAY = new Date('2026-11-30T08:00:00Z');

/** Sample papers seen during the week before MONDAY, a topic, and a server. */
async function weekOfPapers() {
  const clock = fixedClock('2026-11-25T06:00:00Z');
  const app = await testApp({ clock, env: { ADMIN_TOKEN: TOKEN } });
  await app.store.saveTopic(
    { slug: 'nas', name: 'Neural architecture search', query: '"neural architecture search" OR NAS' },
    clock().toISOString(),
  );
  await app.ingester.ingestFiles([SAMPLE_PAGE]);
  clock.set(MONDAY.toISOString());
  const server = createServer(app);
  const base = await server.listen({ port: 0, host: '127.0.0.1' });
  onTestFinished(() => server.close());
  return { app, base };
}

describe('weekly topic digests', () => {
  it('are published as a page, one item in the topic feed (three formats), and listed on the topic page', async () => {
    const { app, base } = await weekOfPapers();
    const [result] = await app.digests.freezeAllTopics('week', MONDAY);
    if (result?.status !== 'created') throw new Error('expected a new weekly digest');
    const weekly = result.digest;
    expect(weekly.period).toMatchObject({ kind: 'week', key: '2026-W49' });
    expect(weekly.paperIds.length).toBeGreaterThan(5);
    // Keyed by the week it is sent in, labelled by the week its papers come from.
    // The sample page is dated 21 March: its papers are not called new.
    expect(weekly.subject).toMatch(
      /^Neural architecture search: \d+ papers from 21 Mar 2024 · Week of 23–29 Nov 2026$/,
    );

    const page = await fetch(`${base}/digests/${weekly.id}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('Neural Architecture Search');
    expect(html).toMatch(/Why: matches [^<]+ · score \d\.\d\d/);
    expect(html).toContain(`<title>${weekly.subject}</title>`);
    expect(html).toMatch(/>Week of 23–29 Nov 2026 · \d+ papers, from 21 Mar 2024</);
    expect(html).not.toMatch(/Week 49|30 Nov|6 Dec/);

    const data = await app.feeds.feedData('nas');
    const items = data.items.filter((i) => i.id === `digest:${weekly.id}`);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ title: weekly.subject, url: `https://papers.example.org/digests/${weekly.id}` });
    expect(items[0]?.title).toContain('Week of 23–29 Nov 2026');
    expect(items[0]?.summary).toMatch(/^The week's top papers:\n1\. /);
    // The per-paper items are still there beside it.
    expect(data.items.filter((i) => !i.id.startsWith('digest:')).length).toBeGreaterThan(10);
    for (const ext of ['xml', 'atom', 'json']) {
      const feed = await (await fetch(`${base}/topics/nas/feed.${ext}`)).text();
      expect(feed).toContain(`/digests/${weekly.id}`);
    }

    const topicPage = await (await fetch(`${base}/topics/nas`)).text();
    expect(topicPage).toContain('Weekly digests');
    expect(topicPage).toContain(`href="/digests/${weekly.id}"`);
    expect(topicPage).toContain('Week of 23–29 Nov 2026');
    expect(topicPage).toContain(
      '<link rel="alternate" type="application/feed+json" title="Paperboy: Neural architecture search (JSON Feed)"',
    );
  });

  it.runIf(hasFeedparser)(
    'reach feed readers: feedparser reads the weekly item in RSS and Atom without errors',
    async () => {
      const { app } = await weekOfPapers();
      const [result] = await app.digests.freezeAllTopics('week', MONDAY);
      if (result?.status !== 'created') throw new Error('expected a new weekly digest');
      const data = await app.feeds.feedData('nas');
      for (const [format, id] of [
        ['rss', `digest:${result.digest.id}`],
        ['atom', `urn:paperboy:digest:${result.digest.id}`],
      ] as const) {
        const parsed = feedparse(renderFeed(data, format));
        expect(parsed.bozo).toBe(0);
        const entry = parsed.entries.find((e) => e.id === id);
        expect(entry?.title).toBe(result.digest.subject);
        expect(entry?.link).toBe(`https://papers.example.org/digests/${result.digest.id}`);
      }
    },
  );

  it('go by email to a weekly subscriber of the topic: the same frozen edition', async () => {
    const { app } = await weekOfPapers();
    await app.subscriptions.addByOperator(
      { email: 'ada@example.org', topics: ['nas'], timezone: 'UTC', hour: 8, frequency: 'weekly' },
      { confirmed: true },
      { source: 'test' },
    );
    const [result] = await app.digests.freezeAllTopics('week', MONDAY);
    if (result?.status !== 'created') throw new Error('expected a new weekly digest');
    expect(await app.planner.plan(MONDAY)).toMatchObject({ due: 1, digestsCreated: 0, deliveriesCreated: 1 });
    const [delivery] = await app.store.listDeliveries({ limit: 5 });
    expect(delivery?.digestId).toBe(result.digest.id);
  });
});

describe('topic pages and queries', () => {
  it('show why each paper matched, and its score', async () => {
    const { base } = await weekOfPapers();
    const html = await (await fetch(`${base}/topics/nas`)).text();
    expect(html).toMatch(
      /<p class="muted why">Why: matches (neural architecture search|NAS)[^<]*· score (0|1)\.\d\d<\/p>/,
    );
  });

  it('refuse a query they cannot run with a 400 that says what is wrong', async () => {
    const { base } = await weekOfPapers();
    const add = (query: string) =>
      fetch(`${base}/admin/api/topics`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ slug: 'vit', query }),
      });
    for (const [query, message] of [
      ['ViT min:3', /min:3 must be a number from 0 to 1/],
      ['ViT like:soon', /like:soon is not an arXiv id/],
      ['"vision transformer', /unclosed quote/],
      ['author:', /author: needs a value/],
      ['ViT like:2403.12345', /like:arxiv:2403.12345 is not a stored paper/],
      ['ViT OR', /ends with OR/],
      ['title:ViT', /title: is not an operator here/],
    ] as const) {
      const res = await add(query);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: string }).error).toMatch(message);
    }
    expect((await add('"vision transformer" OR ViT author:"Song Han" category:cs.CV min:0.2')).status).toBe(201);
  });
});
