import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createServer } from '../../src/web/server.js';
import { FIXTURES, SAMPLE_PAGE, fixedClock, testApp } from '../helpers/env.js';

/** A running server on a loopback port, with the sample papers, a topic and one frozen digest. */
async function running() {
  const clock = fixedClock('2026-11-25T06:00:00Z');
  const app = await testApp({ clock });
  await app.store.saveTopic(
    { slug: 'nas', name: 'Neural architecture search', query: '"neural architecture search" OR NAS' },
    clock().toISOString(),
  );
  await app.ingester.ingestFiles([SAMPLE_PAGE, join(FIXTURES, 'papers-tricky.json')]);
  const result = await app.digests.freeze({ slugs: ['nas'], kind: 'day', at: new Date('2026-11-25T08:00:00Z') });
  if (result.status === 'empty') throw new Error('expected a digest');
  const server = createServer(app);
  const address = await server.listen({ port: 0, host: '127.0.0.1' });
  onTestFinished(() => server.close());
  return { app, base: address, digest: result.digest };
}

describe('HTTP', () => {
  it('serves the home page with topics, feed links and the latest digest', async () => {
    const { base, digest } = await running();
    const res = await fetch(`${base}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await res.text();
    expect(html).toContain(
      '<link rel="alternate" type="application/rss+xml" title="Paperboy: new papers (RSS)" href="https://papers.example.org/feed.xml">',
    );
    expect(html).toContain(
      '<link rel="alternate" type="application/atom+xml" title="Paperboy: new papers (Atom)" href="https://papers.example.org/feed.atom">',
    );
    expect(html).toContain(
      '<link rel="alternate" type="application/feed+json" title="Paperboy: new papers (JSON Feed)" href="https://papers.example.org/feed.json">',
    );
    expect(html).toContain('href="/topics/nas"');
    expect(html).toContain('href="/topics/nas/feed.xml"');
    expect(html).toContain(`href="/digests/${digest.id}"`);
    expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
  });

  it('sends security headers on every answer, errors included', async () => {
    const { base } = await running();
    for (const path of ['/', '/feed.xml', '/no/such/page']) {
      const res = await fetch(`${base}${path}`);
      expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    }
  });

  it('serves the site feed and a topic feed as RSS, with 304 for a reader that has them', async () => {
    const { base } = await running();
    const res = await fetch(`${base}/feed.xml`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/rss+xml; charset=utf-8');
    const etag = res.headers.get('etag');
    expect(etag).toMatch(/^"[\w-]+"$/);
    expect(await res.text()).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?><rss/);
    const again = await fetch(`${base}/feed.xml`, { headers: { 'if-none-match': etag! } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');

    const topic = await fetch(`${base}/topics/nas/feed.xml`);
    expect(topic.status).toBe(200);
    expect(await topic.text()).toContain('<title><![CDATA[Paperboy: Neural architecture search]]></title>');
    expect((await fetch(`${base}/topics/no-such-topic/feed.xml`)).status).toBe(404);
    const atom = await fetch(`${base}/topics/nas/feed.atom`);
    expect(atom.headers.get('content-type')).toBe('application/atom+xml; charset=utf-8');
    const json = await fetch(`${base}/feed.json`);
    expect(json.headers.get('content-type')).toBe('application/feed+json; charset=utf-8');
    expect(((await json.json()) as { items: unknown[] }).items).toHaveLength(50);
    expect((await fetch(`${base}/topics/no-such-topic/feed.json`)).status).toBe(404);
  });

  it('serves a topic page with escaped paper titles', async () => {
    const { base } = await running();
    const res = await fetch(`${base}/topics/nas`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; Search &amp; Rescue');
    expect(html).not.toContain("<script>alert('x')</script>");
    expect(html).toContain(
      '<link rel="alternate" type="application/atom+xml" title="Paperboy: Neural architecture search (Atom)" href="https://papers.example.org/topics/nas/feed.atom">',
    );
  });

  it("serves the web copy of a digest without anyone's personal links", async () => {
    const { base, digest } = await running();
    const res = await fetch(`${base}/digests/${digest.id}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('Once-for-All: Train One Network');
    expect(html).not.toContain('/unsubscribe/');
    expect(html).not.toContain('\u001F');
    expect(html).not.toContain('{{');
    const missing = await fetch(`${base}/digests/2026-11-25-nope`);
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('There is no such digest.');
  });

  it('answers unknown pages and methods with a page, not a stack trace', async () => {
    const { base } = await running();
    const res = await fetch(`${base}/nothing-here`);
    expect(res.status).toBe(404);
    expect(await res.text()).toContain('There is nothing at this address.');
    const post = await fetch(`${base}/feed.xml`, { method: 'POST' });
    expect(post.status).toBe(404);
  });

  it('reports health with the paper count', async () => {
    const { base } = await running();
    const res = await fetch(`${base}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok', papers: 107 });
  });
});
