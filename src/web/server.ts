import { readFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { join } from 'node:path';
import formbody from '@fastify/formbody';
import rateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { App } from '../app.js';
import type { Config } from '../config.js';
import { errorText, PaperboyError, StoreUnavailableError } from '../domain/errors.js';
import { oneLine } from '../domain/text.js';
import { TEMPLATES_DIR } from '../paths.js';
import { createPageRenderer, type PageRenderer } from '../render/web/pages.js';
import { createAdminAuth, TooManyAttemptsError } from './admin-auth.js';
import { registerAdminPage } from './admin-page.js';
import { registerAdminRoutes } from './admin-routes.js';
import { answerCachedFeed, registerFeedRoutes } from './feed-routes.js';
import { registerPageRoutes } from './page-routes.js';
import { registerPreferencesDataRoutes } from './preferences-data-routes.js';
import { registerRatingRoutes } from './rating-routes.js';
import { SECURITY_HEADERS } from './security-headers.js';
import { registerSubscriptionRoutes } from './subscription-routes.js';

const STATUS: Record<string, number> = {
  NOT_FOUND: 404,
  INVALID_INPUT: 400,
  UNAUTHORIZED: 401,
  TOO_MANY_REQUESTS: 429,
};
const HEADINGS: Record<number, string> = {
  400: 'Bad request',
  401: 'Not allowed',
  404: 'Not found',
  429: 'Too many requests',
  503: 'Try again in a minute',
};
// What a visitor reads when the store cannot be used (locked, disk full, read-only, unreachable):
// the request changed nothing, and the same request is likely to work soon.
const UNAVAILABLE_TEXT = 'Paperboy cannot save or read this right now, and nothing was changed. Try again in a minute.';
const RETRY_AFTER_SECONDS = 60;

function sendError(request: FastifyRequest, reply: FastifyReply, pages: PageRenderer, status: number, raw: string) {
  const text = oneLine(raw);
  const heading = HEADINGS[status] ?? (status >= 500 ? 'Something went wrong' : 'Bad request');
  if (status === 401) reply.header('www-authenticate', 'Bearer');
  if (status === 503) reply.header('retry-after', String(RETRY_AFTER_SECONDS));
  if (request.url.startsWith('/admin/api/')) return reply.code(status).send({ error: text });
  return reply
    .code(status)
    .type('text/html; charset=utf-8')
    .send(pages.render('message', { title: `${heading} · Paperboy`, heading, message: text }));
}

/**
 * Fastify reads a bare number of hops as "trust nothing" (it cannot tell who the nearest peer
 * is), so a hop count is given as the function proxy-addr would make of it: the nearest `hops`
 * addresses are proxies, and the one before them is the client.
 */
function trustedHops(trust: Config['trustProxy']): boolean | string[] | ((address: string, hop: number) => boolean) {
  return typeof trust === 'number' ? (_address, hop) => hop < trust : trust;
}

/** The HTTP face of Paperboy. Handlers stay thin; this is the only place an error becomes a status. */
export function createServer(app: App): FastifyInstance {
  let closing = false;
  const server = Fastify({
    logger: false,
    trustProxy: trustedHops(app.config.trustProxy),
    bodyLimit: 64 * 1024,
    // Current cached feeds are answered before Fastify (see answerCachedFeed); all else goes to it.
    serverFactory: (handler) => {
      const http = createHttpServer((request, response) => {
        if (closing || !answerCachedFeed(app, request, response)) handler(request, response);
      });
      http.keepAliveTimeout = 72_000; // Fastify's default, which it sets only on servers it makes.
      return http;
    },
  });
  // While closing, Fastify answers 503 and closes connections: feeds too.
  server.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  const pages = createPageRenderer(TEMPLATES_DIR);
  const script = readFileSync(join(TEMPLATES_DIR, 'web', 'assets', 'subscribe.js'), 'utf8');
  const favicon = {
    ico: readFileSync(join(TEMPLATES_DIR, 'web', 'assets', 'favicon.ico')),
    svg: readFileSync(join(TEMPLATES_DIR, 'web', 'assets', 'favicon.svg')),
  };

  server.register(formbody);
  // RFC 8058 allows the one-click POST as multipart/form-data; only the unsubscribe route reads it.
  server.addContentTypeParser('multipart/form-data', { parseAs: 'string', bodyLimit: 16 * 1024 }, (_req, body, done) =>
    done(null, { multipart: body }),
  );
  server.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) =>
      Object.assign(new Error(`Too many requests. Try again in ${Math.ceil(context.ttl / 1000)} seconds.`), {
        statusCode: 429,
      }),
  });

  // A plain callback hook: an async one costs a promise on every request, feeds included.
  server.addHook('onSend', (_request, reply, payload, done) => {
    reply.headers(SECURITY_HEADERS);
    done(null, payload);
  });

  server.setNotFoundHandler((request, reply) =>
    sendError(request, reply, pages, 404, 'There is nothing at this address.'),
  );

  server.setErrorHandler((error, request, reply) => {
    if (error instanceof PaperboyError && error.code === 'STORE_UNAVAILABLE') {
      // The engine's reason goes to the log (and /healthz), never to the page.
      app.logger.error('store unavailable', {
        method: request.method,
        url: request.url.split('/').slice(0, 2).join('/'),
        error: error.message,
      });
      return sendError(request, reply, pages, 503, UNAVAILABLE_TEXT);
    }
    if (error instanceof PaperboyError && STATUS[error.code]) {
      if (error instanceof TooManyAttemptsError) reply.header('retry-after', String(error.retryAfterSeconds));
      return sendError(request, reply, pages, STATUS[error.code] as number, app.secrets.text(error.message));
    }
    const status = (error as { statusCode?: number }).statusCode;
    if (status && status >= 400 && status < 500) {
      const text = status === 429 ? (error as Error).message : 'The request could not be understood.';
      return sendError(request, reply, pages, status, text);
    }
    // The details go to the log, never to the visitor.
    app.logger.error('request failed', {
      method: request.method,
      url: request.url.split('/').slice(0, 2).join('/'),
      error: errorText(error),
    });
    return sendError(request, reply, pages, 500, 'Paperboy could not answer this request. Try again later.');
  });

  // One count of failed admin token attempts for the API, the login form and /metrics.
  const adminAuth = app.config.adminToken ? createAdminAuth(app.config.adminToken, app.clock) : undefined;
  server.after(() => {
    registerPageRoutes(server, app, pages);
    registerFeedRoutes(server, app);
    registerSubscriptionRoutes(server, app, pages);
    registerRatingRoutes(server, app, pages);
    registerPreferencesDataRoutes(server, app, pages);
    registerAdminRoutes(server, app, adminAuth);
    registerAdminPage(server, app, pages, adminAuth);
  });
  server.get('/assets/subscribe.js', async (_request, reply) =>
    reply.type('text/javascript; charset=utf-8').header('cache-control', 'public, max-age=3600').send(script),
  );
  // Browsers ask for /favicon.ico whatever the page says; the pages also link the SVG.
  server.get('/favicon.ico', async (_request, reply) =>
    reply.type('image/x-icon').header('cache-control', 'public, max-age=86400').send(favicon.ico),
  );
  server.get('/favicon.svg', async (_request, reply) =>
    reply.type('image/svg+xml').header('cache-control', 'public, max-age=86400').send(favicon.svg),
  );
  // Liveness: 200 whenever the process answers. A source that failed or looks stale, or a store
  // that cannot take writes (a failed write in the last minute, or a failed probe write), turns
  // the status to "degraded": something to alert on, not a reason to restart the process or take
  // it out of a load balancer, since it still serves pages and feeds (see docs/web.md, Health).
  server.get('/healthz', async () => {
    const store = await app.storeHealth();
    // A store that cannot even be read is reported as such; any other failure is a 500 as before.
    const readable = <T>(read: Promise<T>) =>
      read.catch((err: unknown) => {
        if (err instanceof StoreUnavailableError) return null;
        throw err;
      });
    const sources = await readable(app.sources().then((s) => s.health()));
    const flagged = (sources ?? []).filter((s) => s.status === 'failed' || s.status === 'stale');
    const papers = await readable(app.store.countPapers());
    // A read that fails now is recorded by the store too: read the health again to include it.
    const storeNow = sources === null || papers === null ? await app.storeHealth() : store;
    // Public: no credential, key or known secret may reach it, whatever a source's error quoted.
    return app.secrets.value({
      status: flagged.length || storeNow.status !== 'ok' ? 'degraded' : 'ok',
      store: storeNow,
      papers,
      jobs: app.jobStatus(),
      sources,
    });
  });
  return server;
}
