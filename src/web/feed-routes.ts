import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../app.js';
import type { CachedFeed } from '../jobs/publish/feed-cache.js';
import { FEED_FORMATS, type FeedFormat } from '../render/feeds/feed-data.js';
import { SECURITY_HEADERS } from './security-headers.js';

/** Whether an If-None-Match header names this ETag (weak comparison, as RFC 9110 asks for GET). */
function etagMatches(header: string, etag: string): boolean {
  if (header === etag || header.trim() === '*') return true;
  return header.split(',').some((t) => t.trim().replace(/^W\//, '') === etag);
}

/** 304 when the reader already has these bytes (If-None-Match first, else If-Modified-Since), else 200. */
function conditionalStatus(headers: IncomingHttpHeaders, feed: CachedFeed): 200 | 304 {
  const inm = headers['if-none-match'];
  if (inm !== undefined) return etagMatches(inm, feed.etag) ? 304 : 200;
  const ims = headers['if-modified-since'];
  if (ims === undefined) return 200;
  const since = Date.parse(ims);
  // HTTP dates have whole seconds: compare at that precision.
  return !Number.isNaN(since) && Math.floor(feed.lastModified.getTime() / 1000) * 1000 <= since ? 304 : 200;
}

// The full header set of each answer, built once per rendered feed: a cached feed costs no header work.
const answers = new WeakMap<CachedFeed, { 200: Record<string, string>; 304: Record<string, string> }>();

function headersFor(feed: CachedFeed, type: string) {
  let built = answers.get(feed);
  if (!built) {
    const validators = {
      etag: feed.etag,
      'last-modified': feed.lastModifiedHttp,
      'cache-control': 'public, max-age=300',
      ...SECURITY_HEADERS,
    };
    built = {
      304: validators,
      200: { ...validators, 'content-type': type, 'content-length': String(feed.body.length) },
    };
    answers.set(feed, built);
  }
  return built;
}

const FORMATS = Object.entries(FEED_FORMATS) as [FeedFormat, (typeof FEED_FORMATS)[FeedFormat]][];
const TYPES = Object.fromEntries(
  FORMATS.map(([format, { contentType }]) => [format, `${contentType}; charset=utf-8`]),
) as Record<FeedFormat, string>;
const SITE_FEEDS = new Map(FORMATS.map(([format, { extension }]) => [`/feed.${extension}`, format]));
const BY_EXTENSION = new Map(FORMATS.map(([format, { extension }]) => [extension, format]));
const TOPIC_FEED = /^\/topics\/([a-z0-9-]+)\/feed\.([a-z]+)$/;

/** /feed.xml|.atom|.json and /topics/:slug/feed.xml|.atom|.json: one feed, three formats, rendered once per change. */
export function registerFeedRoutes(server: FastifyInstance, app: App): void {
  for (const [format, { extension }] of FORMATS) {
    const answer = async (slug: string | undefined, request: FastifyRequest, reply: FastifyReply) => {
      const feed = await app.feedCache.get(slug, format);
      const status = conditionalStatus(request.headers, feed);
      return reply
        .code(status)
        .headers(headersFor(feed, TYPES[format])[status])
        .send(status === 200 ? feed.body : undefined);
    };
    server.get(`/feed.${extension}`, (request, reply) => answer(undefined, request, reply));
    server.get<{ Params: { slug: string } }>(`/topics/:slug/feed.${extension}`, (request, reply) =>
      answer(request.params.slug, request, reply),
    );
  }
}

/**
 * Answers a GET for a feed that is cached and known to be current straight from Node's request
 * handler, before Fastify's routing, hooks and reply objects; returns false to leave everything
 * else (a miss, a HEAD, a query string, an unknown topic) to Fastify's routes above, which answer
 * with the same status, headers and bytes. With the version read no longer made per request, a
 * 304 costs about a quarter less CPU time, a 200 about a sixth less (measured when the fast path
 * landed: `git log -p BENCHMARKS.md` has those figures).
 */
export function answerCachedFeed(app: App, request: IncomingMessage, response: ServerResponse): boolean {
  if (request.method !== 'GET' || !request.url) return false;
  let slug: string | undefined;
  let format = SITE_FEEDS.get(request.url);
  if (!format) {
    const topic = TOPIC_FEED.exec(request.url);
    if (!topic) return false;
    slug = topic[1];
    format = BY_EXTENSION.get(topic[2]!);
    if (!format) return false;
  }
  const feed = app.feedCache.peek(slug, format);
  if (!feed) return false;
  const status = conditionalStatus(request.headers, feed);
  response.writeHead(status, headersFor(feed, TYPES[format])[status]);
  response.end(status === 200 ? feed.body : undefined);
  return true;
}
