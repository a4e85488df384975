import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../app.js';
import type { CachedFeed } from '../jobs/feed-cache.js';
import { FEED_FORMATS, type FeedFormat } from '../render/feeds/feed-data.js';

/** Whether an If-None-Match header names this ETag (weak comparison, as RFC 9110 asks for GET). */
function etagMatches(header: string, etag: string): boolean {
  if (header.trim() === '*') return true;
  return header.split(',').some((t) => t.trim().replace(/^W\//, '') === etag);
}

/** Answers with the body, or 304 when the reader already has these bytes (If-None-Match first, else If-Modified-Since). */
function sendConditional(request: FastifyRequest, reply: FastifyReply, type: string, feed: CachedFeed) {
  reply.header('etag', feed.etag).header('last-modified', feed.lastModifiedHttp).header('cache-control', 'public, max-age=300');
  const inm = request.headers['if-none-match'];
  const ims = request.headers['if-modified-since'];
  if (inm !== undefined) {
    if (etagMatches(inm, feed.etag)) return reply.code(304).send();
  } else if (ims !== undefined) {
    const since = Date.parse(ims);
    // HTTP dates have whole seconds: compare at that precision.
    if (!Number.isNaN(since) && Math.floor(feed.lastModified.getTime() / 1000) * 1000 <= since) return reply.code(304).send();
  }
  return reply.type(type).send(feed.body);
}

/** /feed.xml|.atom|.json and /topics/:slug/feed.xml|.atom|.json: one feed, three formats, rendered once per change. */
export function registerFeedRoutes(server: FastifyInstance, app: App): void {
  for (const [format, { extension, contentType }] of Object.entries(FEED_FORMATS) as [FeedFormat, (typeof FEED_FORMATS)[FeedFormat]][]) {
    const type = `${contentType}; charset=utf-8`;
    server.get(`/feed.${extension}`, async (request, reply) => sendConditional(request, reply, type, await app.feedCache.get(undefined, format)));
    server.get<{ Params: { slug: string } }>(`/topics/:slug/feed.${extension}`, async (request, reply) =>
      sendConditional(request, reply, type, await app.feedCache.get(request.params.slug, format)),
    );
  }
}
