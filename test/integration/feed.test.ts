import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FeedData } from '../../src/render/feeds/feed-data.js';
import { renderFeed } from '../../src/render/feeds/render-feed.js';
import { renderRss } from '../../src/render/feeds/rss.js';
import { FIXTURES, SAMPLE_PAGE, fixedClock, testApp } from '../helpers/env.js';
import { feedparse, feedparserAvailable } from '../helpers/system.js';

const hasFeedparser = feedparserAvailable();

async function appWithPapers() {
  const clock = fixedClock('2026-11-25T06:00:00Z');
  const app = await testApp({ clock });
  await app.store.saveTopic(
    { slug: 'nas', name: 'Neural architecture search', query: '"neural architecture search" OR NAS' },
    clock().toISOString(),
  );
  await app.ingester.ingestFiles([SAMPLE_PAGE]);
  clock.set('2026-11-25T07:00:00Z');
  await app.ingester.ingestFiles([join(FIXTURES, 'papers-tricky.json')]);
  return app;
}

describe('RSS 2.0 feeds', () => {
  it('have stable guids, RFC 822 dates, a self link and no control characters', async () => {
    const app = await appWithPapers();
    const xml = renderRss(await app.feeds.feedData());
    expect(xml).toMatch(
      /<atom:link href="https:\/\/papers\.example\.org\/feed\.xml" rel="self" type="application\/rss\+xml"\/>/,
    );
    expect(xml).toContain('<guid isPermaLink="false">arxiv:1908.09791</guid>');
    expect(xml).toMatch(/<pubDate>Wed, 25 Nov 2026 07:00:00 GMT<\/pubDate>/);
    expect(xml).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/);
    // Newest first, and no more than 50 items.
    expect(xml.match(/<item>/g)).toHaveLength(50);
    expect(renderRss(await app.feeds.feedData())).toBe(xml);
  });

  it('of a topic hold only its papers', async () => {
    const app = await appWithPapers();
    const data = await app.feeds.feedData('nas');
    expect(data.feedBase).toBe('https://papers.example.org/topics/nas/feed');
    expect(data.items.length).toBeGreaterThan(10);
    // Each paper either says it (or its acronym), or shares the vocabulary of the papers that do
    // and is then explained as related.
    const { papers } = await app.feeds.topicView('nas');
    expect(papers.map((p) => p.paper.id)).toEqual(expect.arrayContaining(data.items.map((i) => i.id)));
    for (const p of papers) {
      if (/neural architecture search|\bNAS\b/i.test(`${p.paper.title} ${p.paper.abstract}`))
        expect(p.matched).not.toEqual([]);
      else expect(p.matched.length + (p.related?.length ?? 0)).toBeGreaterThan(0);
    }
    expect(data.items.map((i) => i.title)).not.toContain('Object Detection with Transformers');
    await expect(app.feeds.feedData('nope')).rejects.toThrow('no topic "nope"');
  });

  it.runIf(hasFeedparser)('are read by feedparser without errors (bozo 0)', async () => {
    const app = await appWithPapers();
    for (const slug of [undefined, 'nas']) {
      const data = await app.feeds.feedData(slug);
      const parsed = feedparse(renderRss(data));
      expect(parsed.bozo_exception).toBeNull();
      expect(parsed.bozo).toBe(0);
      expect(parsed.version).toBe('rss20');
      expect(parsed.entries).toHaveLength(data.items.length);
      expect(parsed.feed.links).toContainEqual({ rel: 'self', href: `${data.feedBase}.xml` });
      for (const [i, entry] of parsed.entries.entries()) {
        const item = data.items[i]!;
        expect(entry.id).toBe(item.id);
        expect(entry.shown.title).toMatchObject({ text: item.title, elements: [] });
        expect(entry.link).toBe(item.url);
        expect(entry.published_parsed).not.toBeNull();
      }
    }
    const tricky = feedparse(renderRss(await app.feeds.feedData())).entries.find((e) =>
      e.shown.title?.text.startsWith('<script>'),
    );
    expect(tricky?.shown.title).toEqual({
      type: 'text/html',
      text: "<script>alert('x')</script> Search & Rescue: Neural Architecture Search for Tiny Devices",
      elements: [],
    });
  });
});

describe('RSS text that looks like XML', () => {
  it.runIf(hasFeedparser)('keeps a CDATA end marker in an abstract as text', async () => {
    const app = await appWithPapers();
    const parsed = feedparse(renderRss(await app.feeds.feedData()));
    expect(parsed.bozo).toBe(0);
    const entry = parsed.entries.find((e) => e.shown.title?.text.startsWith('<script>'));
    expect(entry?.shown.summary?.text).toContain('a CDATA end ]]> marker');
  });
});

// Abstracts, titles and author names are plain text: whatever markup they quote reaches the reader
// as the characters it is, never as an image or a link, in every format.
describe('text that looks like HTML, in RSS, Atom and JSON Feed', () => {
  const title = '<b>Bold</b> claims & <img src="http://x/t.png"> in a title';
  const abstract =
    'We show <img src="http://x/y.png"> and <a href="http://evil.example/">a link</a>, an escaped &amp; and a CDATA end ]]> marker.';
  const authors = ['Ada <i>Lovelace</i>', 'Mallory & Co'];
  const feed: FeedData = {
    title: 'Paperboy: Q&A <em>topic</em>',
    description: 'Papers on <b>Q&A</b> & more',
    siteUrl: 'https://papers.example.org/topics/qa',
    feedBase: 'https://papers.example.org/topics/qa/feed',
    updated: new Date('2026-11-25T07:00:00Z'),
    items: [
      {
        id: 'arxiv:2411.00001',
        title,
        url: 'https://arxiv.org/abs/2411.00001',
        summary: abstract,
        authors,
        date: new Date('2026-11-25T07:00:00Z'),
      },
    ],
  };

  it.runIf(hasFeedparser)('RSS 2.0 and Atom: feedparser reads the literal text, with no img or a element', () => {
    for (const format of ['rss', 'atom'] as const) {
      const parsed = feedparse(renderFeed(feed, format));
      expect(parsed.bozo_exception, format).toBeNull();
      const [entry] = parsed.entries;
      expect(entry?.shown.title, format).toMatchObject({ text: title, elements: [] });
      expect(entry?.shown.summary, format).toMatchObject({ text: abstract, elements: [] });
      expect(parsed.feed.shown.title, format).toMatchObject({ text: feed.title, elements: [] });
      expect(parsed.feed.shown.subtitle, format).toMatchObject({ text: feed.description, elements: [] });
    }
    // <dc:creator> is plain text to readers: the names as they are, not escaped twice.
    expect(feedparse(renderFeed(feed, 'rss')).entries[0]?.author).toBe('Ada <i>Lovelace</i>, Mallory & Co');
  });

  it('JSON Feed: the abstract is content_text (never content_html), and every field is the literal text', () => {
    const json = JSON.parse(renderFeed(feed, 'json')) as {
      title: string;
      description: string;
      items: Record<string, unknown>[];
    };
    expect(json).toMatchObject({ title: feed.title, description: feed.description });
    expect(json.items[0]).toMatchObject({ title, content_text: abstract, authors: authors.map((name) => ({ name })) });
    expect(json.items[0]).not.toHaveProperty('content_html');
  });
});

describe('Atom 1.0 and JSON Feed 1.1', () => {
  it.runIf(hasFeedparser)(
    'Atom carries the same items as the RSS feed and is read by feedparser without errors',
    async () => {
      const app = await appWithPapers();
      for (const slug of [undefined, 'nas']) {
        const data = await app.feeds.feedData(slug);
        const atom = feedparse(renderFeed(data, 'atom'));
        expect(atom.bozo_exception).toBeNull();
        expect(atom.version).toBe('atom10');
        expect(atom.feed.links).toContainEqual({ rel: 'self', href: `${data.feedBase}.atom` });
        expect(atom.entries.map((e) => e.id)).toEqual(data.items.map((i) => `urn:paperboy:${i.id}`));
        expect(atom.entries.map((e) => e.link)).toEqual(data.items.map((i) => i.url));
      }
      const tricky = feedparse(renderFeed(await app.feeds.feedData(), 'atom')).entries.find((e) =>
        e.title.startsWith('<script>'),
      );
      expect(tricky?.title).toBe(
        "<script>alert('x')</script> Search & Rescue: Neural Architecture Search for Tiny Devices",
      );
    },
  );

  // Debian's feedparser 6.0.10 does not read JSON Feed: checked here against the 1.1 spec's fields.
  it('JSON Feed has the required fields, the same items, and leaves out what a paper does not have', async () => {
    const app = await appWithPapers();
    const data = await app.feeds.feedData('nas');
    const json = JSON.parse(renderFeed(data, 'json')) as Record<string, unknown> & { items: Record<string, unknown>[] };
    expect(json).toMatchObject({
      version: 'https://jsonfeed.org/version/1.1',
      title: 'Paperboy: Neural architecture search',
      feed_url: `${data.feedBase}.json`,
    });
    expect(json.items.map((i) => i.id)).toEqual(data.items.map((i) => i.id));
    expect(
      json.items.every((i) => typeof i.url === 'string' && !Number.isNaN(Date.parse(String(i.date_published)))),
    ).toBe(true);
    const pageOnly = json.items.find(
      (i) =>
        String(i.id).startsWith('title:') &&
        !String(i.title).startsWith('<script>') &&
        !String(i.title).startsWith('Control'),
    );
    expect(pageOnly).toBeDefined();
    expect(pageOnly).not.toHaveProperty('authors');
    expect(renderFeed(await app.feeds.feedData(), 'atom')).not.toMatch(/<author><name><\/name>|<summary><\/summary>/);
  });
});
