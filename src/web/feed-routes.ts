import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../app.js';
import { renderRss } from '../render/feeds/rss.js';

/** Answers with the body, or 304 when the reader already has these bytes. */
function sendConditional(request: FastifyRequest, reply: FastifyReply, type: string, body: string, lastModified: Date) {
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
  reply.header('etag', etag).header('last-modified', lastModified.toUTCString()).header('cache-control', 'public, max-age=300');
  if (request.headers['if-none-match'] === etag) return reply.code(304).send();
  return reply.type(type).send(body);
}

export function registerFeedRoutes(server: FastifyInstance, app: App): void {
  server.get('/feed.xml', async (request, reply) => {
    const data = await app.feeds.feedData();
    return sendConditional(request, reply, 'application/rss+xml; charset=utf-8', renderRss(data), data.updated);
  });
  server.get<{ Params: { slug: string } }>('/topics/:slug/feed.xml', async (request, reply) => {
    const data = await app.feeds.feedData(request.params.slug);
    return sendConditional(request, reply, 'application/rss+xml; charset=utf-8', renderRss(data), data.updated);
  });
}
