import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../app.js';
import { FEED_FORMATS, type FeedFormat } from '../render/feeds/feed-data.js';
import { renderFeed } from '../render/feeds/render-feed.js';

/** Answers with the body, or 304 when the reader already has these bytes. */
function sendConditional(request: FastifyRequest, reply: FastifyReply, type: string, body: string, lastModified: Date) {
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
  reply.header('etag', etag).header('last-modified', lastModified.toUTCString()).header('cache-control', 'public, max-age=300');
  if (request.headers['if-none-match'] === etag) return reply.code(304).send();
  return reply.type(type).send(body);
}

/** /feed.xml|.atom|.json and /topics/:slug/feed.xml|.atom|.json: one feed, three formats. */
export function registerFeedRoutes(server: FastifyInstance, app: App): void {
  for (const [format, { extension, contentType }] of Object.entries(FEED_FORMATS) as [FeedFormat, (typeof FEED_FORMATS)[FeedFormat]][]) {
    const type = `${contentType}; charset=utf-8`;
    server.get(`/feed.${extension}`, async (request, reply) => {
      const data = await app.feeds.feedData();
      return sendConditional(request, reply, type, renderFeed(data, format), data.updated);
    });
    server.get<{ Params: { slug: string } }>(`/topics/:slug/feed.${extension}`, async (request, reply) => {
      const data = await app.feeds.feedData(request.params.slug);
      return sendConditional(request, reply, type, renderFeed(data, format), data.updated);
    });
  }
}
