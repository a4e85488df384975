import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderRss } from '../../src/render/feeds/rss.js';
import { FIXTURES, SAMPLE_PAGE, fixedClock, testApp } from '../helpers/env.js';
import { feedparse, feedparserAvailable } from '../helpers/system.js';

const hasFeedparser = feedparserAvailable();

async function appWithPapers() {
  const clock = fixedClock('2026-11-25T06:00:00Z');
  const app = await testApp({ clock });
  await app.store.saveTopic({ slug: 'nas', name: 'Neural architecture search', query: '"neural architecture search" OR NAS' }, clock().toISOString());
  await app.ingester.ingestFiles([SAMPLE_PAGE]);
  clock.set('2026-11-25T07:00:00Z');
  await app.ingester.ingestFiles([join(FIXTURES, 'papers-tricky.json')]);
  return app;
}

describe('RSS 2.0 feeds', () => {
  it('have stable guids, RFC 822 dates, a self link and no control characters', async () => {
    const app = await appWithPapers();
    const xml = renderRss(await app.feeds.feedData());
    expect(xml).toMatch(/<atom:link href="https:\/\/papers\.example\.org\/feed\.xml" rel="self" type="application\/rss\+xml"\/>/);
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
    expect(data.feedUrl).toBe('https://papers.example.org/topics/nas/feed.xml');
    expect(data.items.length).toBeGreaterThan(10);
    expect(data.items.every((i) => /neural architecture search|\bNAS\b/i.test(`${i.title} ${i.summary}`))).toBe(true);
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
      expect(parsed.feed.links).toContainEqual({ rel: 'self', href: data.feedUrl });
      for (const [i, entry] of parsed.entries.entries()) {
        const item = data.items[i]!;
        expect(entry.id).toBe(item.id);
        expect(entry.title).toBe(item.title);
        expect(entry.link).toBe(item.url);
        expect(entry.published_parsed).not.toBeNull();
      }
    }
    const tricky = feedparse(renderRss(await app.feeds.feedData())).entries.find((e) => e.title.startsWith('<script>'));
    expect(tricky?.title).toBe("<script>alert('x')</script> Search & Rescue: Neural Architecture Search for Tiny Devices");
  });
});

describe('RSS text that looks like XML', () => {
  it.runIf(hasFeedparser)('keeps a CDATA end marker in an abstract as text', async () => {
    const app = await appWithPapers();
    const parsed = feedparse(renderRss(await app.feeds.feedData()));
    expect(parsed.bozo).toBe(0);
    const entry = parsed.entries.find((e) => e.title.startsWith('<script>'));
    expect(entry?.summary).toContain('a CDATA end ]]> marker');
  });
});
