import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createApp } from '../../src/app.js';
import { silentLogger } from '../../src/log.js';
import { createServer } from '../../src/web/server.js';
import { SAMPLE_PAGE, fixedClock, tempDir, testApp } from '../helpers/env.js';

async function serving() {
  const clock = fixedClock('2026-11-25T06:00:00Z');
  const app = await testApp({ clock });
  await app.store.saveTopic({ slug: 'nas', name: 'Neural architecture search', query: '"neural architecture search" OR NAS' }, clock().toISOString());
  await app.ingester.ingestFiles([SAMPLE_PAGE]);
  // Counts how often a feed is built (ranked), to see that cached answers skip it.
  let builds = 0;
  const feedData = app.feeds.feedData.bind(app.feeds);
  app.feeds.feedData = async (slug?: string) => {
    builds++;
    return feedData(slug);
  };
  const server = createServer(app);
  const base = await server.listen({ port: 0, host: '127.0.0.1' });
  onTestFinished(() => server.close());
  return { app, base, clock, builds: () => builds };
}

function paperFile(title: string): string {
  const file = join(tempDir(), 'paper.json');
  writeFileSync(file, JSON.stringify([{ title, abstract: 'A neural architecture search method for tiny devices.' }]));
  return file;
}

describe('feeds under load', () => {
  it('answer conditional requests with 304 by ETag or by Last-Modified, and the full feed otherwise', async () => {
    const { base } = await serving();
    for (const path of ['/feed.xml', '/feed.atom', '/feed.json', '/topics/nas/feed.xml']) {
      const first = await fetch(`${base}${path}`);
      expect(first.status).toBe(200);
      const body = await first.text();
      const etag = first.headers.get('etag')!;
      const lastModified = first.headers.get('last-modified')!;
      expect(etag).toMatch(/^"[\w-]+"$/);
      expect(new Date(lastModified).toUTCString()).toBe(lastModified);

      const conditional: Record<string, string>[] = [{ 'if-none-match': etag }, { 'if-none-match': `W/${etag}` }, { 'if-none-match': `"other", ${etag}` }, { 'if-modified-since': lastModified }];
      for (const headers of conditional) {
        const again = await fetch(`${base}${path}`, { headers });
        expect(again.status).toBe(304);
        expect(again.headers.get('etag')).toBe(etag);
        expect(await again.text()).toBe('');
      }
      // A stale validator gets the whole feed; If-None-Match wins over If-Modified-Since.
      const stale = await fetch(`${base}${path}`, { headers: { 'if-none-match': '"stale"', 'if-modified-since': lastModified } });
      expect(stale.status).toBe(200);
      expect(await stale.text()).toBe(body);
      const older = await fetch(`${base}${path}`, { headers: { 'if-modified-since': new Date(Date.parse(lastModified) - 1000).toUTCString() } });
      expect(older.status).toBe(200);
    }
  });

  it('render a feed once until the papers or topics change, also when another process changes them', async () => {
    const { app, base, clock, builds } = await serving();
    const first = await fetch(`${base}/topics/nas/feed.xml`);
    const etag = first.headers.get('etag');
    for (let i = 0; i < 5; i++) expect((await fetch(`${base}/topics/nas/feed.xml`)).headers.get('etag')).toBe(etag);
    expect(builds()).toBe(1);

    // Another process (a CLI ingest beside `serve`) adds a paper to the same store.
    const other = await createApp(app.config, { clock, logger: silentLogger });
    clock.set('2026-11-25T07:00:00Z');
    await other.ingester.ingestFiles([paperFile('Tiny NAS for microcontrollers')]);
    await other.close();
    const changed = await fetch(`${base}/topics/nas/feed.xml`, { headers: { 'if-none-match': etag! } });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etag);
    expect(await changed.text()).toContain('Tiny NAS for microcontrollers');
    expect(builds()).toBe(2);

    // A topic whose query changes gets a new feed too.
    await app.store.saveTopic({ slug: 'nas', name: 'Neural architecture search', query: 'microcontrollers' }, clock().toISOString());
    const requeried = await (await fetch(`${base}/topics/nas/feed.json`)).json() as { items: { title: string }[] };
    expect(requeried.items.map((i) => i.title)).toEqual(['Tiny NAS for microcontrollers']);
  });

  it('does not cache an unknown topic', async () => {
    const { app, base } = await serving();
    expect((await fetch(`${base}/topics/vit/feed.xml`)).status).toBe(404);
    await app.store.saveTopic({ slug: 'vit', name: 'Vision transformers', query: 'transformer' }, app.clock().toISOString());
    expect((await fetch(`${base}/topics/vit/feed.xml`)).status).toBe(200);
  });
});
