import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createApp } from '../../src/app.js';
import { silentLogger } from '../../src/log.js';
import { FEED_RECHECK_MS } from '../../src/jobs/publish/feed-cache.js';
import { createServer } from '../../src/web/server.js';
import { SAMPLE_PAGE, fixedClock, tempDir, testApp } from '../helpers/env.js';
import { freshSchema } from '../helpers/postgres.js';
import { postgresAvailable } from '../helpers/system.js';

async function serving(env?: Record<string, string>) {
  const clock = fixedClock('2026-11-25T06:00:00Z');
  // Monotonic time as the feed cache sees it: stepped by the test, to cross the re-check bound.
  let elapsed = 0;
  const app = await testApp({ clock, env, elapsedMs: () => elapsed });
  await app.store.saveTopic(
    { slug: 'nas', name: 'Neural architecture search', query: '"neural architecture search" OR NAS' },
    clock().toISOString(),
  );
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
  return { app, base, clock, builds: () => builds, step: (ms: number) => void (elapsed += ms) };
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

      // Once cached, the answer comes from the path before Fastify's routing: same headers and bytes.
      const cached = await fetch(`${base}${path}`);
      expect(await cached.text()).toBe(body);
      const headerSet = (r: Response) => [...r.headers].filter(([k]) => k !== 'date' && k !== 'keep-alive');
      expect(headerSet(cached)).toEqual(headerSet(first));
      expect(cached.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");

      const conditional: Record<string, string>[] = [
        { 'if-none-match': etag },
        { 'if-none-match': `W/${etag}` },
        { 'if-none-match': `"other", ${etag}` },
        { 'if-modified-since': lastModified },
      ];
      for (const headers of conditional) {
        const again = await fetch(`${base}${path}`, { headers });
        expect(again.status).toBe(304);
        expect(again.headers.get('etag')).toBe(etag);
        expect(await again.text()).toBe('');
      }
      // A stale validator gets the whole feed; If-None-Match wins over If-Modified-Since.
      const stale = await fetch(`${base}${path}`, {
        headers: { 'if-none-match': '"stale"', 'if-modified-since': lastModified },
      });
      expect(stale.status).toBe(200);
      expect(await stale.text()).toBe(body);
      const older = await fetch(`${base}${path}`, {
        headers: { 'if-modified-since': new Date(Date.parse(lastModified) - 1000).toUTCString() },
      });
      expect(older.status).toBe(200);
    }
  });

  const engines: [string, () => Record<string, string> | undefined][] = [['SQLite', () => undefined]];
  if (postgresAvailable()) engines.push(['PostgreSQL', () => freshSchema().env]);
  for (const [engine, env] of engines) {
    it(`render a feed once until the papers or topics change, also when another process changes them (${engine})`, async () => {
      const { app, base, clock, builds, step } = await serving(env());
      const first = await fetch(`${base}/topics/nas/feed.xml`);
      const etag = first.headers.get('etag')!;
      await first.arrayBuffer();
      for (let i = 0; i < 5; i++) {
        const again = await fetch(`${base}/topics/nas/feed.xml`);
        expect(again.headers.get('etag')).toBe(etag);
        await again.arrayBuffer();
      }
      expect(builds()).toBe(1);

      // Another process (a CLI ingest beside `serve`) adds a paper to the same store.
      const other = await createApp(app.config, { clock, logger: silentLogger });
      clock.set('2026-11-25T07:00:00Z');
      await other.ingester.ingestFiles([paperFile('Tiny NAS for microcontrollers')]);
      await other.close();
      // Within the re-check bound the version read is trusted (no store read per request)...
      step(FEED_RECHECK_MS - 1);
      expect((await fetch(`${base}/topics/nas/feed.xml`, { headers: { 'if-none-match': etag } })).status).toBe(304);
      // ...and once it has passed, the change shows.
      step(1);
      const changed = await fetch(`${base}/topics/nas/feed.xml`, { headers: { 'if-none-match': etag } });
      expect(changed.status).toBe(200);
      expect(changed.headers.get('etag')).not.toBe(etag);
      expect(await changed.text()).toContain('Tiny NAS for microcontrollers');
      expect(builds()).toBe(2);

      // A change made through this process's store shows at once, with no time passing.
      await app.store.saveTopic(
        { slug: 'nas', name: 'Neural architecture search', query: 'microcontrollers' },
        clock().toISOString(),
      );
      const requeried = (await (await fetch(`${base}/topics/nas/feed.json`)).json()) as { items: { title: string }[] };
      expect(requeried.items.map((i) => i.title)).toEqual(['Tiny NAS for microcontrollers']);
      await app.ingester.ingestFiles([paperFile('Microcontrollers all the way down')]);
      expect(await (await fetch(`${base}/topics/nas/feed.xml`)).text()).toContain('Microcontrollers all the way down');
    });
  }

  it('does not cache an unknown topic', async () => {
    const { app, base } = await serving();
    expect((await fetch(`${base}/topics/vit/feed.xml`)).status).toBe(404);
    await app.store.saveTopic(
      { slug: 'vit', name: 'Vision transformers', query: 'transformer' },
      app.clock().toISOString(),
    );
    expect((await fetch(`${base}/topics/vit/feed.xml`)).status).toBe(200);
  });
});
