import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { App } from '../../src/app.js';
import { validateTopic } from '../../src/jobs/select/topics.js';
import { createServer } from '../../src/web/server.js';
import { closeLater, confirmedYesterday, deliveryApp } from '../helpers/delivery.js';
import { tempDir } from '../helpers/env.js';
import { freshSchema } from '../helpers/postgres.js';
import { startSmtpSink } from '../helpers/smtp-sink.js';
import { postgresAvailable } from '../helpers/system.js';
import { signUp } from '../helpers/web.js';

/**
 * Papers say "type constructor"; words, slugs, addresses and queries come from outside and meet
 * tables keyed by text. Every name a plain object inherits must be just a word to all of them.
 */
const NAMES = [...new Set([...Object.getOwnPropertyNames(Object.prototype), '__proto__'])];
const slugOf = (name: string) =>
  name
    .toLowerCase()
    .replace(/[^a-z]+/g, '-')
    .replace(/^-|-$/g, '');
const jsonTitle = (name: string) => `The ${name} of a type system`;
const rssTitle = (name: string) => `Calling ${name} on every object`;

/** The papers, as Paperboy JSON (with LaTeX in them) and as arXiv RSS (each name also an announce type and an element). */
function writeSources(dir: string): string[] {
  const json = join(dir, 'papers.json');
  writeFileSync(
    json,
    JSON.stringify({
      papers: NAMES.map((name) => ({
        title: jsonTitle(name),
        abstract: `We study the ${name} of a type, written $\\${name}$ in LaTeX, and its ${name}s.`,
        authors: [`Ada ${name}`, 'Alan Turing'],
      })),
    }),
  );
  const rss = join(dir, 'cs-pl.xml');
  const items = NAMES.map((name, i) => {
    const id = `2611.${String(20000 + i)}`;
    return `<item><title>${rssTitle(name)}</title><link>https://arxiv.org/abs/${id}</link>
      <description>arXiv:${id}v1 Announce Type: ${name} Abstract: Every object has a ${name}; we say why.</description>
      <guid isPermaLink="false">oai:arXiv.org:${id}v1</guid><category>cs.PL</category><dc:creator>Grace ${name}, Barbara Liskov</dc:creator>
      <${name}>an element named ${name}</${name}><arxiv:announce_type>${name}</arxiv:announce_type></item>`;
  });
  writeFileSync(
    rss,
    `<?xml version="1.0" encoding="UTF-8"?>
<rss xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns:dc="http://purl.org/dc/elements/1.1/" version="2.0"><channel>
<title>cs.PL updates on arXiv.org</title><link>http://rss.arxiv.org/rss/cs.PL</link><description>cs.PL updates</description>
<pubDate>Wed, 25 Nov 2026 00:00:00 -0500</pubDate>${items.join('\n')}</channel></rss>`,
  );
  return [json, rss];
}

async function serve(app: App): Promise<string> {
  const server = createServer(app);
  const base = await server.listen({ port: 0, host: '127.0.0.1' });
  onTestFinished(() => server.close());
  return base;
}

async function get(url: string): Promise<string> {
  const res = await fetch(url);
  const body = await res.text();
  expect(res.status, `${url}: ${body.slice(0, 300)}`).toBe(200);
  return body;
}

const ENGINES = [
  { engine: 'SQLite', env: () => ({}), skip: false },
  { engine: 'PostgreSQL', env: () => freshSchema().env, skip: !postgresAvailable() },
];

describe.each(ENGINES)("papers whose words name Object.prototype's members, on $engine", ({ env, skip }) => {
  it.skipIf(skip)(
    'go through ingest, topics, digests, the three feed formats, topic pages, plan and send like any other',
    async () => {
      const sink = await closeLater(await startSmtpSink());
      const app = await deliveryApp(sink.url, env());
      const at = app.clock().toISOString();
      const report = await app.ingester.ingestFiles(writeSources(tempDir()));
      expect(report).toMatchObject({ added: NAMES.length * 2 });

      // A topic per name, named after its query, and one that asks for every name at once.
      const topics = NAMES.map((name) => validateTopic(slugOf(name), name));
      topics.push(validateTopic('every-name', NAMES.join(' OR ')));
      expect(topics.find((t) => t.slug === 'proto')).toEqual({
        slug: 'proto',
        name: '__proto__',
        query: '__proto__',
        syntax: 'natural',
      });
      for (const t of topics) await app.store.saveTopic(t, at);
      const base = await serve(app);

      // `paperboy digest --topic <every one of them>`: the edition, its web copy and its "more" page hold the papers.
      const result = await app.digests.freeze({
        slugs: topics.slice(0, NAMES.length).map((t) => t.slug),
        kind: 'day',
        at: app.clock(),
      });
      if (result.status === 'empty') throw new Error('expected a digest');
      const copy = await get(`${base}/digests/${result.digest.id}`);
      for (const name of NAMES) expect(copy, name).toContain(jsonTitle(name));
      await get(`${base}/digests/${result.digest.id}/more`);

      // Feeds in three formats, site-wide and per topic, and the topic pages.
      const home = await get(`${base}/`);
      for (const t of topics) expect(home).toContain(`href="/topics/${t.slug}"`);
      for (const ext of ['xml', 'atom', 'json']) await get(`${base}/feed.${ext}`);
      for (const [i, name] of NAMES.entries()) {
        const slug = topics[i]!.slug;
        const page = await get(`${base}/topics/${slug}`);
        expect(page, name).toContain(jsonTitle(name));
        expect(page, name).toContain(rssTitle(name));
        const json = JSON.parse(await get(`${base}/topics/${slug}/feed.json`)) as {
          items: { title: string; content_text?: string }[];
        };
        const item = json.items.find((it) => it.title === jsonTitle(name));
        expect(item?.content_text, name).toBe(
          `We study the ${name} of a type, written ${name} in LaTeX, and its ${name}s.`,
        );
        for (const ext of ['xml', 'atom'])
          expect(await get(`${base}/topics/${slug}/feed.${ext}`), `${name} ${ext}`).toContain(jsonTitle(name));
      }
      // Such names in a URL are ids and tokens that name nothing: not found, like any other.
      for (const path of [
        '/topics/__proto__',
        '/topics/toString/feed.json',
        '/digests/constructor',
        '/digests/__proto__/more',
        '/confirm/constructor',
        '/preferences/__proto__',
        '/unsubscribe/toString',
      ]) {
        expect((await fetch(`${base}${path}`)).status, path).toBe(404);
      }
      const every = JSON.parse(await get(`${base}/topics/every-name/feed.json`)) as { items: { title: string }[] };
      expect(every.items.map((it) => it.title)).toEqual(
        expect.arrayContaining(NAMES.flatMap((n) => [jsonTitle(n), rssTitle(n)])),
      );

      // Subscribing over HTTP with form fields named like them.
      const subscribed = await signUp(app, base, {
        email: 'valueof@example.org',
        topics: ['constructor', 'proto'],
        ['__proto__']: 'x',
        constructor: 'y',
        toString: 'z',
      });
      expect(subscribed.status).toBe(200);
      expect(sink.messages.map((m) => m.envelopeTo[0])).toEqual(['valueof@example.org']);

      // `paperboy plan` and `paperboy send`: readers whose addresses and topics are such names.
      const readers = [
        { email: 'constructor@example.org', topics: ['every-name'], names: NAMES },
        { email: '__proto__@example.org', topics: ['proto', 'constructor'], names: ['__proto__', 'constructor'] },
        { email: 'tostring@example.org', topics: topics.map((t) => t.slug), names: NAMES },
      ];
      for (const { email, topics } of readers)
        await confirmedYesterday(app, { email, topics, timezone: 'UTC', hour: 8 });
      expect(await app.planner.plan(app.clock())).toMatchObject({ due: 3, deliveriesCreated: 3 });
      expect(await app.deliverer.run({ maxWaitMs: 0 })).toMatchObject({ sent: 3, failed: 0, skipped: 0 });
      for (const r of readers) {
        const mail = sink.messages.filter((m) => m.envelopeTo[0] === r.email);
        expect(mail, r.email).toHaveLength(1);
        for (const name of r.names) expect(mail[0]!.mail.text, `${r.email}: ${name}`).toContain(jsonTitle(name));
      }
    },
  );
});
