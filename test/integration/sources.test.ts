import { describe, expect, it } from 'vitest';
import { createServer } from '../../src/web/server.js';
import { freshSchema } from '../helpers/postgres.js';
import { fixtureBytes } from '../helpers/http-fixtures.js';
import { sourcesApp } from '../helpers/sources.js';
import { postgresAvailable } from '../helpers/system.js';

const apiSource = (base: string, extra: Record<string, unknown> = {}) => ({
  name: 'arxiv-nas',
  format: 'arxiv-atom',
  url: `${base}/api/query`,
  query: 'cat:cs.LG',
  cron: '0 7 * * *',
  pageSize: 3,
  maxResults: 50,
  ...extra,
});
const rssSource = (base: string, extra: Record<string, unknown> = {}) => ({
  name: 'cs-lg',
  format: 'arxiv-rss',
  url: `${base}/rss/cs.LG`,
  cron: '0 6 * * *',
  timezone: 'America/New_York',
  ...extra,
});
const hfSource = (base: string) => ({
  name: 'hf',
  format: 'hf-daily',
  url: `${base}/api/daily_papers`,
  cron: '0 9 * * *',
});
const feedSource = (base: string) => ({ name: 'lab', format: 'atom', url: `${base}/lab.atom`, cron: '0 10 * * *' });

/** The arXiv API: pages by `start`, as the real one answers a query of 5 results 3 at a time. */
const apiPages = (start: string | null) => ({ fixture: start === '3' ? 'arxiv-api-page2.xml' : 'arxiv-api-page1.xml' });

// The same sightings give the same papers, facts and search answers on either store engine.
const ENGINES = [
  { engine: 'SQLite', store: 'sqlite', skip: false, env: (): Record<string, string> => ({}) },
  {
    engine: 'PostgreSQL',
    store: 'postgres',
    skip: !postgresAvailable(),
    env: (): Record<string, string> => freshSchema().env,
  },
];

describe.each(ENGINES)('sources on $engine: one paper, many sightings', ({ store, skip, env }) => {
  it.skipIf(skip)(
    'reads every page of the API politely, then merges RSS, Hugging Face and a lab feed without duplicates',
    async () => {
      const { app, server, clock } = await sourcesApp(
        (b) => [apiSource(b), rssSource(b), hfSource(b), feedSource(b)],
        undefined,
        env(),
      );
      expect(app.store.engine).toBe(store);
      server.route('/api/query', (req) => apiPages(req.query.get('start')));
      server.route('/rss/cs.LG', { fixture: 'arxiv-rss-cs-lg.xml', etag: '"rss-1"' });
      server.route('/api/daily_papers', { fixture: 'hf-daily-2024-03-21.json', type: 'application/json' });
      server.route('/lab.atom', { fixture: 'feed-lab.atom.xml' });
      const jobs = await app.sources();

      expect(await jobs.runSource('arxiv-nas')).toMatchObject({ status: 'ok', seen: 5, added: 5 });
      const pages = server.requestsTo('/api/query');
      expect(pages.map((r) => [r.query.get('start'), r.query.get('max_results'), r.query.get('search_query')])).toEqual(
        [
          ['0', '3', 'cat:cs.LG'],
          ['3', '3', 'cat:cs.LG'],
        ],
      );
      expect(pages[1]!.at - pages[0]!.at).toBeGreaterThanOrEqual(3_000);
      expect(pages[0]!.headers['user-agent']).toMatch(/^Paperboy\//);

      clock.set('2024-03-22T10:00:00Z');
      // RSS: 2403.11111 (cross, nothing new about it) and 2403.12345 (v3, replace) are known; two are new.
      expect(await jobs.runSource('cs-lg')).toMatchObject({ status: 'ok', seen: 4, added: 2, updated: 1 });
      // Hugging Face: 2403.20001 and 2403.12345 are known (facts added); one is new.
      expect(await jobs.runSource('hf')).toMatchObject({ status: 'ok', seen: 3, added: 1, updated: 2 });
      expect(server.requestsTo('/api/daily_papers')[0]?.query.get('date')).toBe('2024-03-22');
      // The lab feed: Mélange is new (no arXiv id: a title fingerprint), its arXiv link names 2403.20001.
      expect(await jobs.runSource('lab')).toMatchObject({ status: 'ok', seen: 2, added: 1 });

      expect(await app.store.countPapers()).toBe(9);
      const [sparse] = await app.store.getPapers(['arxiv:2403.12345']);
      expect(sparse).toMatchObject({
        title: 'Sparse Attention in O(n): Linear-Time Transformers for Long-Context Language Modelling',
        version: 3,
        abstract: expect.stringMatching(/Version 3 adds results at 1M tokens\.$/),
        authors: ['Ada Lovelace', 'Alan Turing', 'Charles Babbage'],
        categories: ['cs.LG', 'cs.CL'],
        upvotes: 23,
        aiSummary: 'A linear-time sparse attention matches dense attention on long contexts.',
        featuredOn: '2024-03-21',
        publishedAt: '2024-03-18T09:12:41.000Z',
        url: 'https://arxiv.org/abs/2403.12345',
        firstSeenAt: '2024-03-21T09:00:00.000Z',
        updatedAt: '2024-03-22T10:00:00.000Z',
      });
      const [quiet] = await app.store.getPapers(['arxiv:2403.20001']);
      expect(quiet).toMatchObject({
        categories: ['cs.CL', 'cs.AI', 'cs.LG'],
        upvotes: 57,
        githubRepo: 'https://github.com/example/quiet-reasoning',
      });

      // Seen again: nothing changes, and the RSS feed answers 304 to its ETag.
      expect(await jobs.runSource('arxiv-nas')).toMatchObject({ status: 'ok', seen: 5, added: 0, updated: 0 });
      expect(await jobs.runSource('cs-lg')).toMatchObject({ status: 'ok', seen: 0, detail: 'not modified' });
      expect(server.requestsTo('/rss/cs.LG')[1]?.headers['if-none-match']).toBe('"rss-1"');
      expect(await app.store.countPapers()).toBe(9);
    },
  );
});

describe('sources: failures store nothing and are flagged', () => {
  it('an Error entry on the second page fails the run: no paper of the first page is stored', async () => {
    const { app, server, lines } = await sourcesApp((b) => [apiSource(b)]);
    server.route('/api/query', (req) => ({
      fixture: req.query.get('start') === '3' ? 'arxiv-api-error.xml' : 'arxiv-api-page1.xml',
    }));
    const run = await (await app.sources()).runSource('arxiv-nas');
    expect(run.status).toBe('failed');
    expect(run.detail).toMatch(
      /:10: the arXiv API answered with an error: incorrect id format for 2403\.1234567 \(field entry\)$/,
    );
    expect(await app.store.countPapers()).toBe(0);
    const [health] = await (await app.sources()).health();
    expect(health).toMatchObject({ name: 'arxiv-nas', status: 'failed', lastSuccessAt: null, itemsSeen: 0 });
    expect(lines.find((l) => l.level === 'error')).toMatchObject({
      message: 'source failed',
      fields: { source: 'arxiv-nas' },
    });
  });

  it('a truncated body, garbage or an HTTP error flag the source and keep its last success', async () => {
    const { app, server, clock } = await sourcesApp((b) => [rssSource(b)]);
    server.route('/rss/cs.LG', [
      { fixture: 'arxiv-rss-cs-lg.xml' },
      { fixture: 'arxiv-rss-truncated.xml' },
      { body: '<!doctype html><html><body>We are down for maintenance</body></html>', type: 'text/html' },
      { status: 500, body: 'oops' },
    ]);
    const jobs = await app.sources();
    expect((await jobs.runSource('cs-lg')).status).toBe('ok');
    for (const expected of [
      /ends inside <arxiv:anno>/,
      /not well-formed XML|not an RSS 2\.0 feed/,
      /HTTP 500 \(after 3 attempts\)$/,
    ]) {
      clock.set(new Date(clock().getTime() + 86_400_000).toISOString());
      if (clock().getUTCDay() === 0 || clock().getUTCDay() === 6)
        clock.set(new Date(clock().getTime() + 2 * 86_400_000).toISOString());
      const run = await jobs.runSource('cs-lg', { force: true });
      expect(run.status).toBe('failed');
      expect(run.detail).toMatch(expected);
    }
    expect(await app.store.countPapers()).toBe(4);
    const [health] = await jobs.health();
    expect(health).toMatchObject({
      status: 'failed',
      lastSuccessAt: '2024-03-21T09:00:00.000Z',
      itemsSeen: 4,
      itemsNew: 4,
    });
  });
});

describe('sources: what the bytes are, and how many', () => {
  const labSource = (base: string) => ({ name: 'lab', format: 'rss', url: `${base}/lab.rss`, cron: '0 10 * * *' });

  it('stores a feed that is not UTF-8, and its run and health say how many characters were replaced and where', async () => {
    const { app, server, lines } = await sourcesApp((b) => [labSource(b)]);
    // Latin-1 bytes, declared nowhere: read as UTF-8, each accented letter is lost.
    const undeclared = Buffer.from(
      fixtureBytes('feed-latin1.rss.xml')
        .toString('latin1')
        .replace(/^<\?xml[^>]*>\n/, ''),
      'latin1',
    );
    server.route('/lab.rss', { bytes: undeclared, type: 'application/rss+xml' });
    const jobs = await app.sources();
    const run = await jobs.runSource('lab');
    const warning = `${server.url('/lab.rss')}: 14 characters could not be read as UTF-8 and became "\uFFFD", the first at line 3, column 43 (an encoding the source does not declare?)`;
    expect(run).toMatchObject({ status: 'ok', seen: 1, warnings: [warning] });
    const [health] = await jobs.health();
    expect(health?.detail).toBe(warning);
    expect(lines.find((l) => l.message === 'source fetched with warnings')).toMatchObject({
      level: 'warn',
      fields: { source: 'lab', warnings: 1 },
    });
  });

  it('refuses an answer over SOURCE_MAX_BYTES after one request, and flags the source', async () => {
    const { app, server, time } = await sourcesApp((b) => [labSource(b)], undefined, { SOURCE_MAX_BYTES: '65536' });
    server.route('/lab.rss', { streamBytes: 600 * 1024 * 1024, noLength: true });
    const run = await (await app.sources()).runSource('lab');
    expect(run).toMatchObject({
      status: 'failed',
      detail: `${server.url('/lab.rss')}: the answer is larger than the 64 KB limit: not downloaded (raise SOURCE_MAX_BYTES to accept it)`,
    });
    expect(server.requestsTo('/lab.rss')).toHaveLength(1);
    expect(time.sleeps).toEqual([]);
  });
});

describe('sources: credentials in the URL', () => {
  it('sends them as Basic authentication, and never shows them or the API key in a run, the health, the store or the log', async () => {
    const { app, server, lines } = await sourcesApp((b) => [
      {
        name: 'private',
        format: 'rss',
        url: `${b.replace('http://', 'http://user:pa55word@')}/feed?api_key=XYZ&page=2`,
        cron: '0 6 * * *',
      },
    ]);
    // A garbage answer (a parse error names the URL), then an HTTP error (so does the fetch error).
    server.route('/feed', [
      { body: 'not a feed', type: 'text/plain' },
      { status: 500, body: 'oops' },
    ]);
    const masked = `${server.base.replace('http://', 'http://***@')}/feed?api_key=***&page=2`;
    const jobs = await app.sources();
    for (const expected of [`${masked}:1: not well-formed XML`, `${masked}: HTTP 500 (after 3 attempts)`]) {
      const run = await jobs.runSource('private');
      expect(run).toMatchObject({ status: 'failed', detail: expect.stringContaining(expected) });
      expect((await app.store.getSourceState('private'))?.detail).toBe(run.detail);
      const [health] = await jobs.health();
      expect(health).toMatchObject({ url: masked, detail: run.detail });
    }
    expect(server.requestsTo('/feed')[0]?.headers.authorization).toBe(
      `Basic ${Buffer.from('user:pa55word').toString('base64')}`,
    );
    expect(lines.filter((l) => l.message === 'source failed')).toHaveLength(2);
    expect(JSON.stringify(lines)).not.toMatch(/pa55word|XYZ/);
  });
});

describe('sources: quiet days and stale answers', () => {
  it('fetches nothing on a skip day the feed declared, and flags an empty feed on a publishing day as stale', async () => {
    const { app, server, clock, lines } = await sourcesApp((b) => [rssSource(b)], '2024-03-21T10:00:00Z');
    server.route('/rss/cs.LG', [{ fixture: 'arxiv-rss-cs-lg.xml' }, { fixture: 'arxiv-rss-empty.xml' }]);
    const jobs = await app.sources();
    await jobs.runSource('cs-lg');
    // Saturday in New York: the feed said it skips Saturdays. No request goes out.
    clock.set('2024-03-23T10:00:00Z');
    expect(await jobs.runSource('cs-lg')).toMatchObject({ status: 'skipped' });
    expect(server.requestsTo('/rss/cs.LG')).toHaveLength(1);
    // Monday: an empty feed is not a quiet day.
    clock.set('2024-03-25T10:00:00Z');
    expect(await jobs.runSource('cs-lg')).toMatchObject({
      status: 'stale',
      detail: 'answered with no papers on a publishing day',
    });
    expect(lines.find((l) => l.level === 'warn')).toMatchObject({
      message: 'source looks stale',
      fields: { source: 'cs-lg', status: 'stale' },
    });

    const server2 = createServer(app);
    const base = await server2.listen({ port: 0, host: '127.0.0.1' });
    try {
      const health = (await (await fetch(`${base}/healthz`)).json()) as {
        status: string;
        sources: { name: string; status: string; detail: string }[];
      };
      expect(health.status).toBe('degraded');
      expect(health.sources).toEqual([
        expect.objectContaining({
          name: 'cs-lg',
          status: 'stale',
          detail: 'answered with no papers on a publishing day',
          itemsSeen: 0,
        }),
      ]);
    } finally {
      await server2.close();
    }
  });

  it("takes Hugging Face's empty answer for a day still in progress as not yet, until no paper has come for too long", async () => {
    const { app, server, clock, lines } = await sourcesApp((b) => [hfSource(b)], '2024-03-21T09:00:00Z');
    server.route('/api/daily_papers', (req) => ({
      fixture: req.query.get('date') === '2024-03-21' ? 'hf-daily-2024-03-21.json' : 'hf-daily-empty.json',
      type: 'application/json',
    }));
    const jobs = await app.sources();
    expect(await jobs.runSource('hf')).toMatchObject({ status: 'ok', seen: 3 });
    // The next morning, before Hugging Face has featured anything for the day.
    clock.set('2024-03-22T09:00:00Z');
    expect(await jobs.runSource('hf')).toMatchObject({ status: 'ok', detail: 'nothing published yet today', seen: 0 });
    expect(server.requestsTo('/api/daily_papers').at(-1)?.query.get('date')).toBe('2024-03-22');
    expect(lines.filter((l) => l.level === 'warn')).toEqual([]);
    const [health] = await jobs.health();
    expect(health).toMatchObject({ name: 'hf', status: 'ok' });
    // Five days on and still nothing: more than the 96 hours a source may go without a paper.
    clock.set('2024-03-26T09:00:00Z');
    expect(await jobs.runSource('hf')).toMatchObject({
      status: 'stale',
      detail: 'nothing published yet today, and the newest paper is from 2024-03-21T03:05:00.000Z, more than 96 h ago',
    });
  });

  it('flags content older than expected, and a 304 that has lasted too long', async () => {
    const { app, server, clock } = await sourcesApp(
      (b) => [rssSource(b, { maxAgeHours: 48 }), hfSource(b)],
      '2024-03-28T10:00:00Z',
    );
    server.route('/rss/cs.LG', { fixture: 'arxiv-rss-cs-lg.xml', etag: '"old"' });
    server.route('/api/daily_papers', { fixture: 'hf-daily-2024-03-21.json', type: 'application/json' });
    const jobs = await app.sources();
    expect(await jobs.runSource('cs-lg')).toMatchObject({
      status: 'stale',
      detail: expect.stringMatching(/^newest paper is from 2024-03-21T04:00:00.000Z/),
    });
    expect((await jobs.runSource('hf')).status).toBe('stale');
    clock.set('2024-04-02T10:00:00Z');
    expect(await jobs.runSource('cs-lg')).toMatchObject({
      status: 'stale',
      detail: expect.stringMatching(/^not modified since 2024-03-28T10:00:00.000Z/),
    });
  });
});

describe('sources on their own cron', () => {
  it('registers one job per enabled source in its zone, catches up at start, and respects skip days when fired', async () => {
    const { app, server, clock, tasks } = await sourcesApp(
      (b) => [
        rssSource(b),
        { ...hfSource(b), enabled: false },
        { ...feedSource(b), skipDays: ['Saturday', 'Sunday'], maxAgeHours: 24 * 30 },
      ],
      '2024-03-21T11:00:00Z',
    );
    server.route('/rss/cs.LG', { fixture: 'arxiv-rss-cs-lg.xml' });
    server.route('/lab.atom', { fixture: 'feed-lab.atom.xml' });
    const scheduler = await app.startScheduler();
    expect([...tasks.keys()].filter((k) => k.startsWith('source:'))).toEqual(['source:cs-lg', 'source:lab']);
    expect(tasks.get('source:cs-lg')).toMatchObject({ expression: '0 6 * * *', timezone: 'America/New_York' });
    // Never run before, and both crons fired earlier today: the catch-up fetches both, once.
    await new Promise<void>((resolve) => {
      const wait = () => (server.requests.length >= 2 ? resolve() : setImmediate(wait));
      wait();
    });
    // Firing a job that is still running waits for that run instead of starting another.
    await tasks.get('source:cs-lg')!.fire();
    await tasks.get('source:lab')!.fire();
    const health = await (await app.sources()).health();
    expect(health.map((h) => [h.name, h.status])).toEqual([
      ['cs-lg', 'ok'],
      ['hf', 'disabled'],
      ['lab', 'ok'],
    ]);

    // Saturday: the lab's configured skip day. Firing its cron fetches nothing.
    clock.set('2024-03-23T10:00:00Z');
    const before = server.requestsTo('/lab.atom').length;
    await tasks.get('source:lab')!.fire();
    expect(server.requestsTo('/lab.atom')).toHaveLength(before);
    clock.set('2024-03-25T10:00:00Z');
    await tasks.get('source:lab')!.fire();
    expect(server.requestsTo('/lab.atom')).toHaveLength(before + 1);
    expect(scheduler.status().find((s) => s.name === 'source:lab')?.lastRun).toMatchObject({
      at: '2024-03-25T10:00:00.000Z',
      outcome: 'ok',
    });
  });
});
