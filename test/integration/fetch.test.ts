import { describe, expect, it } from 'vitest';
import { isRateExceeded } from '../../src/ingest/arxiv-atom.js';
import { createFetcher, FetchError, type FetchConfig } from '../../src/ingest/fetch.js';
import { startFixtureServer, virtualTime } from '../helpers/http-fixtures.js';

const CONFIG: FetchConfig = {
  userAgent: 'Paperboy/0.1 (+https://papers.example.org)',
  timeoutMs: 5_000,
  retries: 2,
  backoffBaseMs: 1_000,
  maxRetryAfterMs: 60_000,
  maxBytes: 50 * 1024 * 1024,
};

async function setup(config: Partial<FetchConfig> = {}) {
  const time = virtualTime();
  const server = await startFixtureServer({ now: time.now });
  const fetcher = createFetcher({ ...CONFIG, ...config }, { now: time.now, sleep: time.sleep });
  return { time, server, fetcher };
}

async function failure(p: Promise<unknown>): Promise<FetchError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof FetchError) return err;
    throw err;
  }
  throw new Error('expected a FetchError');
}

describe('fetching a source over real HTTP', () => {
  it('names Paperboy in the User-Agent and asks again with If-None-Match, getting a 304', async () => {
    const { server, fetcher } = await setup();
    server.route('/rss/cs.LG', { fixture: 'arxiv-rss-cs-lg.xml', etag: '"v1"' });
    const first = await fetcher.get(server.url('/rss/cs.LG'));
    expect(first).toMatchObject({ notModified: false, etag: '"v1"' });
    expect(first.notModified === false && Buffer.from(first.bytes).toString('utf8')).toContain(
      '<title>cs.LG updates on arXiv.org</title>',
    );
    const second = await fetcher.get(server.url('/rss/cs.LG'), { etag: '"v1"' });
    expect(second.notModified).toBe(true);
    const [a, b] = server.requests;
    expect(a?.headers['user-agent']).toBe('Paperboy/0.1 (+https://papers.example.org)');
    expect(a?.headers['if-none-match']).toBeUndefined();
    expect(b?.headers['if-none-match']).toBe('"v1"');
  });

  it('sends If-Modified-Since when the server gave Last-Modified', async () => {
    const { server, fetcher } = await setup();
    const lastModified = 'Thu, 21 Mar 2024 04:00:00 GMT';
    server.route('/feed', { fixture: 'feed-lab.atom.xml', lastModified });
    const first = await fetcher.get(server.url('/feed'));
    expect(first).toMatchObject({ lastModified });
    expect((await fetcher.get(server.url('/feed'), { lastModified })).notModified).toBe(true);
    expect(server.requests[1]?.headers['if-modified-since']).toBe(lastModified);
  });

  it('waits as long as Retry-After asks on 429 and 503 (seconds or a date), then gets the feed', async () => {
    const { server, fetcher, time } = await setup();
    const inTenSeconds = new Date(time.now() + 10_000 + 9_000).toUTCString();
    server.route('/api', [
      { status: 429, body: 'slow down', headers: { 'retry-after': '9' } },
      { status: 503, body: 'busy', headers: { 'retry-after': inTenSeconds } },
      { fixture: 'arxiv-api-page1.xml' },
    ]);
    const result = await fetcher.get(server.url('/api'));
    expect(result).toMatchObject({ notModified: false, attempts: 3 });
    expect(time.sleeps[0]).toBe(9_000);
    // The HTTP date is read against the clock: about ten seconds from the second request.
    expect(time.sleeps[1]).toBeGreaterThanOrEqual(9_000);
    expect(time.sleeps[1]).toBeLessThanOrEqual(10_000);
  });

  it('backs off exponentially without Retry-After, and gives up with the reason after the last attempt', async () => {
    const { server, fetcher, time } = await setup();
    server.route('/down', { status: 502, body: 'bad gateway' });
    const err = await failure(fetcher.get(server.url('/down')));
    expect(err.message).toBe(`${server.url('/down')}: HTTP 502 (after 3 attempts)`);
    expect(err.status).toBe(502);
    expect(time.sleeps).toEqual([1_000, 4_000]);
    expect(server.requests).toHaveLength(3);
  });

  it('does not retry a 404, nor wait for a Retry-After longer than allowed', async () => {
    const { server, fetcher, time } = await setup();
    expect((await failure(fetcher.get(server.url('/missing')))).message).toMatch(/: HTTP 404$/);
    server.route('/later', { status: 503, headers: { 'retry-after': '3600' } });
    expect((await failure(fetcher.get(server.url('/later')))).message).toMatch(
      /HTTP 503, and the server asks to wait 3600 s: giving up for this run$/,
    );
    expect(server.requests).toHaveLength(2);
    expect(time.sleeps).toEqual([]);
  });

  it('gives up on a slow answer after the timeout and retries it', async () => {
    const { server, fetcher } = await setup({ timeoutMs: 150 });
    server.route('/slow', [
      { fixture: 'hf-daily-2024-03-21.json', delayMs: 3_000 },
      { fixture: 'hf-daily-2024-03-21.json' },
    ]);
    const result = await fetcher.get(server.url('/slow'));
    expect(result).toMatchObject({ notModified: false, attempts: 2 });
    server.route('/slower', { body: '[]', delayMs: 3_000 });
    const err = await failure(
      createFetcher({ ...CONFIG, timeoutMs: 150, retries: 0 }, { now: Date.now, sleep: async () => {} }).get(
        server.url('/slower'),
      ),
    );
    expect(err.message).toMatch(/no complete answer within 150 ms \(after 1 attempts\)$/);
  });

  it('retries a body cut short by a dropped connection, and fails when it never completes', async () => {
    const { server, fetcher } = await setup();
    server.route('/cut', [{ fixture: 'arxiv-rss-cs-lg.xml', truncateAt: 1_000 }, { fixture: 'arxiv-rss-cs-lg.xml' }]);
    expect(await fetcher.get(server.url('/cut'))).toMatchObject({ attempts: 2 });
    server.route('/always-cut', { fixture: 'arxiv-rss-cs-lg.xml', truncateAt: 1_000 });
    const err = await failure(fetcher.get(server.url('/always-cut')));
    expect(err.message).toMatch(/the connection closed before the body was complete \(after 3 attempts\)$/);
  });

  it('keeps at least the configured gap between two arXiv calls, one request at a time', async () => {
    const { server, fetcher, time } = await setup();
    server.route('/api/query', { fixture: 'arxiv-api-page1.xml' });
    const options = { minIntervalMs: 3_000, retryBody: isRateExceeded };
    // Asked for at once: the second must wait for the first and then for the gap.
    await Promise.all([
      fetcher.get(server.url('/api/query?start=0'), options),
      fetcher.get(server.url('/api/query?start=3'), options),
    ]);
    time.advance(500);
    await fetcher.get(server.url('/api/query?start=6'), options);
    const at = server.requests.map((r) => r.at);
    expect(at).toHaveLength(3);
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(3_000);
    expect(at[2]! - at[1]!).toBeGreaterThanOrEqual(3_000);
    expect(server.requests.map((r) => r.query.get('start'))).toEqual(['0', '3', '6']);
  });

  it('refuses an answer larger than the limit once, announced or not, without reading it all', async () => {
    const { server, fetcher, time } = await setup({ maxBytes: 100 * 1024 });
    server.route('/huge', { streamBytes: 600 * 1024 * 1024 });
    const announced = await failure(fetcher.get(server.url('/huge')));
    expect(announced.message).toBe(
      `${server.url('/huge')}: the answer is 600 MB, more than the 100 KB limit: not downloaded (raise SOURCE_MAX_BYTES to accept it)`,
    );
    server.route('/unannounced', { streamBytes: 600 * 1024 * 1024, noLength: true });
    const counted = await failure(fetcher.get(server.url('/unannounced')));
    expect(counted.message).toBe(
      `${server.url('/unannounced')}: the answer is larger than the 100 KB limit: not downloaded (raise SOURCE_MAX_BYTES to accept it)`,
    );
    // Asked once each, never retried, and the bodies were not read to their end.
    expect(server.requestsTo('/huge')).toHaveLength(1);
    expect(server.requestsTo('/unannounced')).toHaveLength(1);
    expect(time.sleeps).toEqual([]);
    expect(server.streamedTo('/huge')).toBeLessThan(100 * 1024 * 1024);
    expect(server.streamedTo('/unannounced')).toBeLessThan(100 * 1024 * 1024);
    // Just under the limit, unannounced, is read whole.
    server.route('/fits', { streamBytes: 100 * 1024, noLength: true });
    const fits = await fetcher.get(server.url('/fits'));
    expect(fits.notModified === false && fits.bytes.byteLength).toBe(100 * 1024);
  });

  it('treats arXiv\'s 200 "Rate exceeded." as an overload: waits and asks again', async () => {
    const { server, fetcher, time } = await setup();
    server.route('/api/query', [
      { fixture: 'arxiv-rate-exceeded.txt', type: 'text/plain' },
      { fixture: 'arxiv-api-page2.xml' },
    ]);
    const result = await fetcher.get(server.url('/api/query'), { minIntervalMs: 3_000, retryBody: isRateExceeded });
    expect(result).toMatchObject({ notModified: false, attempts: 2 });
    expect(server.requests[1]!.at - server.requests[0]!.at).toBeGreaterThanOrEqual(3_000);
    expect(time.sleeps[0]).toBe(1_000);
  });

  it('sends the user and password of a URL as Basic authentication, and names the URL in an error without them or its key', async () => {
    const { server, fetcher } = await setup({ retries: 0 });
    server.route('/private', { status: 403, body: 'no' });
    const url = server.url('/private?api_key=XYZ&page=2').replace('http://', 'http://user:p%40ss@');
    const err = await failure(fetcher.get(url));
    expect(server.requestsTo('/private')[0]?.headers.authorization).toBe(
      `Basic ${Buffer.from('user:p@ss').toString('base64')}`,
    );
    expect(err.message).toBe(`${server.base.replace('http://', 'http://***@')}/private?api_key=***&page=2: HTTP 403`);
    expect(err.url).not.toMatch(/p%40ss|XYZ/);
  });
});
